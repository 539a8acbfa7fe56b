"""A WebSocket gives its slot back once upgraded: 16 idle WebSocket clients on the esp32
preset (3 slots) leave every slot to plain HTTP requests, every one of them still echoes,
and the 17th handshake (past the route's max_websockets, 16 there) is answered 503. Over
real sockets, on CPython (asyncio and the CircuitPython adapter) and on MicroPython's unix
port, with the app of tests/test_live.py (tests/micropython/serve_live.py).
"""

import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import free_port, http_request
from micropython_runtime import micropython_or_skip
from support.ws_client import OP_CLOSE, OP_TEXT, WSClient, handshake
from test_live import REQUEST_TIMEOUT, SERVE_LIVE, Live, load_serve_live
from test_micropython_unix import lib, micropython  # noqa: F401 - fixtures
from tinyweb.adapters import circuitpython_socketpool

IDLE = 16  # the esp32 preset's max_websockets: 16 per 3 slots


@pytest.fixture(params=["cpython", "socketpool", "micropython"])
def esp32(request, serve, capsys):
    """serve_live's app with the esp32 preset's limits (3 slots, 3 waiting)."""
    if request.param != "micropython":
        app = load_serve_live().make_app(request_timeout=REQUEST_TIMEOUT, board="esp32")
        assert app.max_concurrency == 3
        if request.param == "cpython":
            port = serve(app)
        else:
            port = serve(app, adapter=circuitpython_socketpool, pool=socket)
        return Live(port, lambda: "".join(capsys.readouterr()))
    micropython_or_skip()
    start = request.getfixturevalue("micropython")
    port = free_port()
    mp = start(SERVE_LIVE, str(port), "esp32", port=port)
    return Live(port, mp.output)


def echo(ws, text):
    ws.send_frame(OP_TEXT, text.encode())
    return ws.recv_message()


def test_idle_websockets_leave_the_slots_to_http(esp32):
    clients = []
    try:
        for i in range(IDLE):
            ws = WSClient(esp32.port, "/ws")  # asserts the 101
            clients.append(ws)
            # Each one open and served: the handler has taken it over.
            assert echo(ws, "hello %d" % i) == (OP_TEXT, b"hello %d" % i), esp32.output()
        # Every slot is free for plain requests: one at a time, and three at once (the
        # esp32 preset serves three), each answered 200, none 503.
        for _ in range(3):
            assert http_request(esp32.port, "GET", "/stats")[0] == 200, esp32.output()
        with ThreadPoolExecutor(3) as pool:
            statuses = list(pool.map(lambda _: esp32.stats() and 200, range(6)))
        assert statuses == [200] * 6
        # And every WebSocket still echoes, the first opened included.
        for i, ws in enumerate(clients):
            assert echo(ws, "again %d" % i) == (OP_TEXT, b"again %d" % i), esp32.output()

        # The 17th is past the route's max_websockets: 503 with Retry-After, no upgrade.
        sock = handshake(esp32.port, "/ws")
        try:
            answer = b""
            while b"\r\n\r\n" not in answer:
                data = sock.recv(4096)
                if not data:
                    break
                answer += data
        finally:
            sock.close()
        status_line, _, rest = answer.partition(b"\r\n")
        assert status_line.split(b" ")[1] == b"503", answer
        assert b"retry-after: 1" in rest.lower(), answer

        # One closes: its place is free again (the count went down), for a new client.
        clients[0].send_frame(OP_CLOSE, b"\x03\xe8")
        assert clients.pop(0).recv_close()[0] == 1000
        esp32.wait_for(lambda s: len(s["ws"]) >= 1)
        late = WSClient(esp32.port, "/ws")
        clients.append(late)
        assert echo(late, "late") == (OP_TEXT, b"late")
    finally:
        for ws in clients:
            ws.close()
    # Every WebSocket handler ended once its client left, and the server still answers.
    stats = esp32.wait_for(lambda s: len(s["ws"]) == IDLE + 1)
    assert len(stats["ws"]) == IDLE + 1, stats
    assert http_request(esp32.port, "GET", "/stats")[0] == 200
    out = esp32.output()
    assert "Traceback" not in out and "error in handler" not in out, out
