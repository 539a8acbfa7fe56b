"""The server under attack (attack_app.py), one per runtime and module, and raw clients.

def test_x(server):
    assert status(server.raw(b"GET /%00 HTTP/1.0\\r\\n\\r\\n")) == b"HTTP/1.0 400 Bad Request"
    server.answers_normally()
"""

import json
import os
import socket
import struct
import sys
import time

import pytest
from conftest import TIMEOUT, free_port, http_request, raw_request
from micropython_runtime import device_build, micropython_binary, micropython_or_skip
from support.server_process import ServerProcess

from . import attack_app

HERE = os.path.dirname(os.path.abspath(__file__))
APP = os.path.join(HERE, "attack_app.py")

RUNTIMES = ["cpython", "micropython"]
# The MicroPython server's heap: what the app holds once warmed up, measured, plus about
# 40 KB free (an ESP8266's heap after boot; an ESP32 with Wi-Fi up and a bigger app can be
# as tight). Measured, not fixed, as what the app holds grows with the library.
FREE_HEAP = 40 * 1024
# What the heap of the MicroPython server may have grown by over a module's attacks:
# asyncio's poll map and the server's list of connections keep the size their largest
# moment needed (a dict or list never shrinks).
HEAP_TOLERANCE = 2048
SECRET = b"secret: the wifi password"


@pytest.fixture(scope="session")
def attack_lib(tmp_path_factory):
    micropython_or_skip()
    return device_build(tmp_path_factory)


@pytest.fixture(scope="session")
def attack_folder(tmp_path_factory):
    """public/ (the folder the app serves files from), a secret next to it, and a symlink
    in public/ that points at the secret."""
    root = tmp_path_factory.mktemp("attack")
    public = root / "public"
    public.mkdir()
    (public / "hello.txt").write_bytes(b"hello")
    (public / "sub").mkdir()
    (public / "sub" / "inner.txt").write_bytes(b"inner")
    (root / "secret.txt").write_bytes(SECRET)
    os.symlink(str(root / "secret.txt"), str(public / "link.txt"))
    return str(public)


class Target:
    """A running attack_app.py: its port, raw and HTTP clients, and its /state."""

    def __init__(self, runtime, process, port):
        self.runtime = runtime
        self.process = process
        self.port = port
        self.baseline = None

    def raw(self, data, shut_write=True):
        return raw_request(self.port, data, shut_write)

    def get(self, path):
        return http_request(self.port, "GET", path)

    def answers_normally(self):
        """GET / answers 200 "index" now (the server was not hurt by what came before)."""
        try:
            status, _, _, body = self.get("/")
        except Exception as e:
            raise AssertionError("no answer to a normal request: %r\n%s" % (e, self.report()))
        assert (status, body) == (200, b"index"), self.report()

    def state(self):
        status, _, _, body = self.get("/state")
        assert status == 200, self.report()
        return json.loads(body)

    def tracebacks(self):
        """How many tracebacks the server has printed so far."""
        return sum(
            line.startswith("Traceback") for line in self.process.lines + self.process.stderr
        )

    def report(self):
        return "--- %s server\n%s" % (self.runtime, self.process.report())

    def holds_what_it_held(self):
        """No connection left open but the one asking, no slot taken, no task leaked, and on
        MicroPython the heap (after a collection) back where it was after the warm-up.

        Asked a few times: a connection cut off a moment ago may still be closing, and
        MicroPython's collector is conservative (a stale pointer left on the C stack by an
        earlier request can keep a few KB alive until the next requests overwrite it)."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            state = self.state()
            settled = (state["conns"], state["active"], state["tasks"]) == (
                1,
                1,
                self.baseline["tasks"],
            )
            grown = state["heap"] - self.baseline["heap"]
            if settled and grown <= HEAP_TOLERANCE or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert settled, (state, self.baseline, self.report())
        assert grown <= HEAP_TOLERANCE, (state, self.baseline, self.report())


# One request of every kind the suite sends, before the baseline: each loads the modules it
# needs (status, body, urlencoded, params, resource, static, cors) for good.
WARM_UP = [
    b"GET / HTTP/1.0\r\n\r\n",
    b"GET /nowhere HTTP/1.0\r\n\r\n",
    b"DELETE / HTTP/1.0\r\n\r\n",
    b"GET /%00 HTTP/1.0\r\n\r\n",
    b"POST /form HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Content-Length: 7\r\n\r\na=1&b=%41",
    b'POST /json HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n{"a": 1}',
    b"GET /customers?x=1 HTTP/1.0\r\n\r\n",
    b"GET /files/hello.txt HTTP/1.0\r\n\r\n",
    b"GET /files/none.txt HTTP/1.0\r\n\r\n",
    b"GET /files/../x HTTP/1.0\r\n\r\n",
    b"GET /hdr?v=1 HTTP/1.0\r\n\r\n",
    b"GET /go?to=/ HTTP/1.0\r\n\r\n",
    b"GET /reason?r=Fine HTTP/1.0\r\n\r\n",
    b"GET /big HTTP/1.0\r\n\r\n",
    b"GET /mount/hello.txt HTTP/1.0\r\n\r\n",
    b"POST /form HTTP/1.1\r\nHost: d\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n3\r\na=1\r\n0\r\n\r\n",
]


def fill_for_a_moment(target):
    """Every slot taken by a silent socket and one connection waiting past a sixth of the
    request timeout, then all closed: what a full server loads (tinyweb.slots, to cut off
    a stalled head) is loaded before the baseline, too."""
    socks = [connect(target.port) for _ in range(attack_app.MAX_CONCURRENCY)]
    time.sleep(0.1)  # they hold the slots
    socks.append(connect(target.port))
    time.sleep(attack_app.REQUEST_TIMEOUT / 2)  # it waited long enough to cut one off
    for s in socks:
        s.close()


def launch(runtime, port, folder, lib=None, heap=None, app=APP):
    """attack_app.py (or `app`) started on a runtime; waits for its "ready"."""
    if runtime == "cpython":
        cmd = [sys.executable, "-u", app, str(port), folder]
        env = None
    else:
        cmd = [micropython_binary()] + (["-X", "heapsize=" + heap] if heap else [])
        cmd += [app, str(port), folder]
        env = dict(os.environ, MICROPYPATH=":".join([lib, HERE, ".frozen"]))
    process = ServerProcess(cmd, cwd=HERE, env=env)
    try:
        process.wait_for("ready")
    except BaseException:
        process.stop()
        raise
    return process


def warmed_up(runtime, process, port):
    """A Target whose baseline is taken once every kind of request has been served."""
    target = Target(runtime, process, port)
    for data in WARM_UP:
        target.raw(data)
    fill_for_a_moment(target)
    target.state()
    target.baseline = target.state()
    return target


@pytest.fixture(scope="session")
def micropython_heap(attack_lib, attack_folder):
    """-X heapsize= for the MicroPython servers: the warmed-up app's heap plus FREE_HEAP,
    plus the collector's own tables (about 3% of the heap)."""
    port = free_port()
    process = launch("micropython", port, attack_folder, attack_lib)
    try:
        held = warmed_up("micropython", process, port).baseline["heap"]
    finally:
        process.stop()
    return "%dk" % ((held + FREE_HEAP) * 103 // 100 // 1024 + 1)


@pytest.fixture(scope="module", params=RUNTIMES)
def server(request, attack_folder):
    port = free_port()
    lib = heap = None
    if request.param == "micropython":
        lib = request.getfixturevalue("attack_lib")
        heap = request.getfixturevalue("micropython_heap")
    process = launch(request.param, port, attack_folder, lib, heap)
    try:
        yield warmed_up(request.param, process, port)
    finally:
        process.stop()


def status(raw):
    """The status line of a raw answer (b"" when the connection closed unanswered)."""
    return raw.split(b"\r\n", 1)[0]


def body(raw):
    return raw.partition(b"\r\n\r\n")[2]


def reset(sock):
    """Close with SO_LINGER 0: the peer gets a reset (RST), not an orderly close."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)


def read_all(sock):
    """Everything the server sends until it closes; b"RESET" appended if it reset."""
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            chunks.append(b"RESET")
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)
