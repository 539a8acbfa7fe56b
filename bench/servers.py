"""Start one benchmark app as a server process on 127.0.0.1 (bench/apps/serve.py).

    with Server.micropython(mp, "tinyweb", "hello", heapsize=24576) as server:
        client.burst(server.port, "hello", 200, 4)

Servers run in build/bench/run (page.html is there) and write to a log file there; each is
stopped by the pid of the process started.
"""

import os
import subprocess
import sys

from . import env, frameworks
from .client import workloads


class Server:
    heapsize = None  # MicroPython's -X heapsize=, when given

    def __init__(self, cmd, environ, name, port, workload, prefix=()):
        self.port = port
        self.workload = workload
        self.cmd = list(prefix) + cmd
        os.makedirs(env.RUN, exist_ok=True)
        self.log = os.path.join(env.RUN, name + ".log")
        self.out = open(self.log, "wb")
        self.proc = subprocess.Popen(
            self.cmd, cwd=env.RUN, env=environ, stdout=self.out, stderr=subprocess.STDOUT
        )
        # Ready once it answers a first request right (a warm-up for every measurement).
        answer = env.wait_ready(self.proc, port, workloads.request(workload))
        self.problem = "no answer" if answer is None else workloads.check(workload, answer)
        self.ready = self.problem is None

    @classmethod
    def micropython(cls, mp, framework, workload, kind="mpy", heapsize=None, options=(), prefix=()):
        """`framework`'s app for `workload` on the unix port `mp`, its code from .mpy files
        (kind "mpy") or, for tinyweb, compiled from .py on the device (kind "py")."""
        port = env.free_port()
        cmd = mp.command("serve", [framework, workload, port] + list(options), heapsize)
        environ = env.mp_env(frameworks.mp_path(framework, kind, mp))
        name = "mp-%s-%s" % (framework, workload)
        server = cls(cmd, environ, name, port, workload, prefix)
        server.heapsize = heapsize
        return server

    @classmethod
    def cpython(cls, framework, workload, options=(), prefix=()):
        """The app on this CPython, from sources (options: "socketpool" for tinyweb's
        CircuitPython adapter; prefix: a command that runs it, e.g. taskset, which execs
        it: the process started is the server's)."""
        port = env.free_port()
        cmd = [sys.executable, os.path.join(env.APPS, "serve.py"), framework, workload, str(port)]
        environ = env.py_env(frameworks.py_path(framework))
        name = "py-%s-%s" % (framework, workload)
        return cls(cmd + list(options), environ, name, port, workload, prefix)

    def output(self):
        self.out.flush()
        with open(self.log, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        env.stop(self.proc)
        self.out.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
