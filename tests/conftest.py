"""Test helpers: a tinyweb app served on 127.0.0.1 from a background thread, and clients.

def test_x(serve):
    port = serve(app)          # real sockets, a free port
    status, headers, body = http_get(port, "/")
"""

import asyncio
import http.client
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "tests", "shared")
if SHARED not in sys.path:
    sys.path.insert(0, SHARED)

TIMEOUT = 10  # seconds any one client operation may take before the test fails


class ServerThread:
    """An app served by its own asyncio loop in a thread, stopped by shutdown()."""

    def __init__(self, app, **start_options):
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.handle = None
        self.error = None
        self.started = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(start_options,), daemon=True)
        self.thread.start()
        if not self.started.wait(TIMEOUT):
            raise RuntimeError("server did not start")
        if self.error:
            raise self.error
        self.port = self.handle.port

    def _run(self, options):
        asyncio.set_event_loop(self.loop)
        try:
            self.handle = self.loop.run_until_complete(self.app.start("127.0.0.1", 0, **options))
        except Exception as e:  # reported to the test thread
            self.error = e
            self.started.set()
            return
        self.started.set()
        self.loop.run_until_complete(self.handle.serve_forever())
        self.loop.run_until_complete(self.handle.wait_closed())
        self.loop.close()

    def stop(self):
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.app.shutdown)
            self.thread.join(TIMEOUT)
        assert not self.thread.is_alive(), "server thread did not stop"


@pytest.fixture
def serve():
    servers = []

    def start(app, **options):
        server = ServerThread(app, **options)
        servers.append(server)
        return server.port

    yield start
    for server in servers:
        server.stop()


def http_request(port, method, path, body=None, headers=None):
    """(status, reason, {lower-case header: value}, body bytes) via http.client."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        hdrs = {k.lower(): v for k, v in resp.getheaders()}
        return resp.status, resp.reason, hdrs, data
    finally:
        conn.close()


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw_request(port, data, shut_write=True):
    """Send raw bytes, read until the server closes; the raw response."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        s.sendall(data)
        if shut_write:
            s.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def stop_process(proc):
    """Stop a process this test started: SIGTERM, then SIGKILL after 5 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def wait_listening(port, proc, timeout):
    """True once something accepts a connection on 127.0.0.1:port; False if `proc` (the
    Popen that should listen there) exits first or `timeout` seconds pass. The caller says
    what failed: only it knows where the process's output is."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.05)


def at_once(work, count, seconds=TIMEOUT * 2):
    """work(0) ... work(count - 1), each in its own thread, all at once; their results (or
    the exceptions they raised) in order. Each thread is waited for at most `seconds`."""
    results = [None] * count

    def one(i):
        try:
            results[i] = work(i)
        except Exception as e:  # reported by the test's assertion
            results[i] = e

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds)
    return results


def parallel(port, paths):
    """GET every path at once, each from its own thread; the results (or exceptions) in order."""
    return at_once(lambda i: http_request(port, "GET", paths[i]), len(paths))


def no_connections_left(app, seconds=3):
    """True once the app holds no connection (closing a reset one takes a loop turn or two)."""
    deadline = time.monotonic() + seconds
    while app.conns and time.monotonic() < deadline:
        time.sleep(0.02)
    return app.conns == [] and app._active == 0


class Slowloris:
    """`count` attackers, each holding one connection the way slowloris does: every 0.2 s
    it sends one more header line and never the end of the head, and when the server has
    cut it off (408 or 503, or a reset) it connects again on that tick. Bounded: they stop
    with stop(), within one tick."""

    def __init__(self, port, count):
        self.port = port
        self.stopping = threading.Event()
        self.cut_off = 0  # connections the server answered (408, 503) or closed
        self.threads = [threading.Thread(target=self._attack, daemon=True) for _ in range(count)]
        for t in self.threads:
            t.start()

    def _attack(self):
        s = None
        while not self.stopping.wait(0.2):
            try:
                if s is None:
                    s = socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)
                    s.setblocking(False)
                    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
                    continue
                try:
                    s.recv(1024)  # an answer or the end: cut off
                    raise OSError("cut off")
                except BlockingIOError:
                    s.sendall(b"X-Slow: 1\r\n")  # still held: one more header line
            except OSError:
                self.cut_off += 1
                if s is not None:
                    s.close()
                s = None
        if s is not None:
            s.close()

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(TIMEOUT)
