"""Start and stop a server subprocess (support/cp_server.py, examples/code.py), read its lines.

    server = ServerProcess([sys.executable, CP_SERVER, "--flavour", "raspberrypi"])
    server.wait_for("READY")          # the lines printed so far are in server.lines
    ...
    server.stop()                     # terminates it if it still runs; only this process

Every wait has a time limit; stdout and stderr are collected by threads, so a chatty
server never blocks on a full pipe.
"""

import os
import queue
import subprocess
import sys
import threading
import time

from conftest import stop_process

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TESTS)
CP_SERVER = os.path.join(TESTS, "support", "cp_server.py")
RUN_ON_FAKE_BOARD = os.path.join(TESTS, "support", "run_on_fake_board.py")
START_TIMEOUT = 20  # seconds for a server to print READY (a cold interpreter start included)


class ServerProcess:
    def __init__(self, cmd, cwd=None, env=None):
        self.cmd = cmd
        self.lines = []
        self.stderr = []
        self._queue = queue.Queue()
        self.proc = subprocess.Popen(
            cmd,
            cwd=cwd or ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self._threads = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, True), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr, False), daemon=True),
        ]
        for t in self._threads:
            t.start()

    def _pump(self, pipe, is_stdout):
        for line in pipe:
            line = line.rstrip("\n")
            if is_stdout:
                self.lines.append(line)
                self._queue.put(line)
            else:
                self.stderr.append(line)
        if is_stdout:
            self._queue.put(None)  # end of output

    def wait_for(self, prefix, timeout=START_TIMEOUT):
        """The first new stdout line starting with `prefix`; fails on timeout or exit."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no %r line within %ss; %s" % (prefix, timeout, self.report()))
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError("server exited before %r; %s" % (prefix, self.report()))
            if line.startswith(prefix):
                return line

    def value(self, prefix):
        """The rest of the first line printed so far that starts with `prefix`, or None."""
        for line in self.lines:
            if line.startswith(prefix):
                return line[len(prefix) :].strip()
        return None

    def report(self):
        return "exit code %s\nstdout:\n%s\nstderr:\n%s" % (
            self.proc.poll(),
            "\n".join(self.lines[-40:]),
            "\n".join(self.stderr[-40:]),
        )

    def wait(self, timeout):
        """Wait for the process to exit by itself; its exit code."""
        code = self.proc.wait(timeout)
        for t in self._threads:
            t.join(5)
        return code

    def stop(self):
        stop_process(self.proc)
        for t in self._threads:
            t.join(5)


def on_fake_board(code_py):
    """A board example (`code_py`, CircuitPython) started by support/run_on_fake_board.py,
    with settings.toml's values in its environment (the Wi-Fi, the pico_w_circuitpython
    preset, port 0); its .port is the port the fake socketpool bound."""
    env = dict(
        os.environ,
        CIRCUITPY_WIFI_SSID="tinyweb-test",
        CIRCUITPY_WIFI_PASSWORD="secret",
        TINYWEB_PORT="0",
        TINYWEB_BOARD="pico_w_circuitpython",
    )
    board = ServerProcess([sys.executable, RUN_ON_FAKE_BOARD, code_py], env=env)
    try:
        board.port = int(board.wait_for("FAKE_SOCKETPOOL_BOUND").split()[1])
    except BaseException:
        board.stop()
        raise
    return board


def cp_server(*args, lib=None):
    """A started support/cp_server.py; its .port and .plain_port are set."""
    cmd = [sys.executable, CP_SERVER] + [str(a) for a in args]
    if lib:
        cmd += ["--lib", str(lib)]
    server = ServerProcess(cmd)
    try:
        server.wait_for("READY")
    except BaseException:
        server.stop()
        raise
    ports = server.value("PORTS").split()
    server.port = int(ports[0])
    server.plain_port = int(ports[1])
    return server
