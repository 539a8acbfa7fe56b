"""The socketpool adapter tested the way CircuitPython runs it.

The server runs in a subprocess of its own (support/cp_server.py) on CircuitPython's asyncio,
adafruit-circuitpython-asyncio, loaded as `asyncio` (support/adafruit_asyncio.py says how), with
the socketpool double (support/fake_socketpool.py) over 127.0.0.1. The client is
adafruit_requests on that kind of pool, as a CircuitPython app would use it; requests that
adafruit_requests cannot write as they are (the malformed ones) go over a raw pool socket.
Both socketpool flavours run: espressif (ESP32-S2/S3/C3/C6) and raspberrypi (Pico W).
"""

import json
import os
import socket
import struct
import sys
import time

import pytest
from tinyweb.adapters import circuitpython_socketpool

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "shared")]

from check import check, load_cases, parse_response  # noqa: E402
from support import cp_client  # noqa: E402
from support.fake_socketpool import POOL_API, SOCKET_API, SocketPool  # noqa: E402
from support.server_process import cp_server  # noqa: E402

CASES = load_cases(os.path.join(HERE, "shared", "cases.json"))
FLAVOURS = ("espressif", "raspberrypi")


@pytest.fixture(scope="module", params=FLAVOURS)
def server(request):
    srv = cp_server("--flavour", request.param)
    srv.flavour = request.param
    yield srv
    srv.stop()


def get(port, path, pool=None):
    """GET with adafruit_requests: (status, headers, body)."""
    pool = pool or SocketPool(None, record=True)
    response, raw, content = cp_client.requests_exchange(pool, port, "GET", path, {}, b"")
    return response.status_code, response.headers, content


def stats(port):
    status, _, body = get(port, "/_test/stats")
    assert status == 200
    return json.loads(body)


def clients_at_once(port, path, count):
    """GET `path` from `count` clients at once, each on a pool of its own (each thread is its
    own little board): (their statuses, or the exceptions they raised; seconds for all)."""
    from conftest import at_once

    start = time.monotonic()
    statuses = at_once(lambda i: get(port, path, SocketPool(None, record=True))[0], count)
    return statuses, time.monotonic() - start


def no_tracebacks(srv, since=0):
    """No traceback on the server's stderr (from line `since` on)."""
    assert not [line for line in srv.stderr[since:] if "Traceback" in line], srv.report()


# ---- the double and the loader -------------------------------------------------------------


def test_the_pool_double_has_only_socketpools_api():
    pool = SocketPool(None)
    sock = pool.socket(pool.AF_INET, pool.SOCK_STREAM)
    try:
        public = {n for n in dir(sock) if not n.startswith("_")}
        assert public == set(SOCKET_API)
        pool_public = {n for n in dir(pool) if not n.startswith("_") and not n.isupper()}
        assert pool_public == set(POOL_API)
        sock.setblocking(False)
        with pytest.raises(OSError) as err:
            sock.accept()  # not listening: the OS says EINVAL
        assert err.value.args[0] == 22
    finally:
        sock.close()
    assert pool._test_stats["open"] == 0


def test_server_runs_on_the_adafruit_asyncio(server):
    """Not the standard library's asyncio: the package CircuitPython boards run."""
    path = server.value("ASYNCIO")
    assert "site-packages" in path and path.endswith(os.path.join("asyncio", "__init__.py"))
    with open(path) as f:
        assert "Adafruit_CircuitPython_asyncio" in f.read()


# ---- the shared cases ----------------------------------------------------------------------


def exchange(pool, port, case, flavour):
    """Send the case's request; (raw response, problems seen through adafruit_requests)."""
    data = case["request"].encode("utf-8")
    parts = cp_client.split_request(data)
    if parts is None:
        declared = _declared_length(data)
        body = data.partition(b"\r\n\r\n")[2]
        half_close = declared > len(body)
        raw = cp_client.raw_exchange(pool, port, data, half_close)
        if half_close and flavour == "espressif":
            # CircuitPython's espressif port marks a socket "not connected" once recv_into
            # has seen the peer's FIN, and send then raises BrokenPipeError: a client that
            # half-closes can get no answer from an ESP32 board. It sees the connection close.
            return raw, [] if raw == b"" else ["expected a close, got %r" % raw[:100]]
        return raw, []
    method, target, headers, body = parts
    response, raw, content = cp_client.requests_exchange(pool, port, method, target, headers, body)
    problems = []
    if response.status_code != case["status"]:
        problems.append("adafruit_requests saw status %d" % response.status_code)
    for name, value in case.get("headers", {}).items():
        if response.headers.get(name) != value:
            problems.append("adafruit_requests saw %s: %r" % (name, response.headers.get(name)))
    wire_body = parse_response(raw)[4]
    if response.headers.get("transfer-encoding") == "chunked":
        wire_body = cp_client.dechunk(wire_body)
    if method != "HEAD" and content != wire_body:
        problems.append("adafruit_requests read %r, the wire had %r" % (content, wire_body))
    return raw, problems


def _declared_length(data):
    for line in data.partition(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            return int(value)
    return 0


def test_shared_cases(server):
    pool = SocketPool(None, record=True)
    failures = []
    via_requests = 0
    for case in CASES:
        port = server.plain_port if case.get("app") == "plain" else server.port
        raw, problems = exchange(pool, port, case, server.flavour)
        if cp_client.split_request(case["request"].encode("utf-8")) is not None:
            via_requests += 1
        if raw or not problems:
            problems += check(case, raw) if raw else []
        if problems:
            failures.append("%s: %s" % (case["name"], "; ".join(problems)))
    assert not failures, "\n".join(failures)
    # Most cases go through adafruit_requests; only malformed requests need a raw socket.
    assert via_requests >= len(CASES) * 2 // 3
    assert stats(server.port)["conns"] == 1  # only the stats request itself is open
    no_tracebacks_but_handler_bugs(server)


# The handlers of the cases that raise on purpose; any other exception is a failure.
EXPECTED_ERRORS = {
    "ValueError: handler bug",
    "ValueError: handler bug after the head",
    "KeyError: 'oops'",
}
for _name in ("forgot_await", "forgot_await_error"):  # the cases of a missing `await`
    EXPECTED_ERRORS.add(
        "RuntimeError: handler %s() returned without awaiting a response method: "
        "write `await resp.send(...)` (start_html, send, send_body, error, ...)" % _name
    )


def no_tracebacks_but_handler_bugs(srv):
    """Every exception the server printed is one a case's handler raised on purpose."""
    errors = [
        line
        for line in srv.stderr
        if line[:1].isalpha() and "Error" in line.split(":")[0] and line not in EXPECTED_ERRORS
    ]
    assert not errors, srv.report()


# ---- limits --------------------------------------------------------------------------------


def test_concurrency_above_max_concurrency():
    """6 clients at once, max_concurrency=2: all are answered, never more than 2 at a time."""
    srv = cp_server("--max-concurrency", 2)
    try:
        statuses, elapsed = clients_at_once(srv.port, "/_test/sleep?ms=300", 6)
        assert statuses == [200] * 6
        assert stats(srv.port)["peak"] == 2
        # 6 handlers of 300 ms, 2 at a time: three rounds.
        assert elapsed >= 0.85, elapsed
    finally:
        srv.stop()


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_more_clients_than_sockets(flavour):
    """Out of sockets (lwIP's table is small: 8 on a Pico W): clients wait, none is lost.

    Two sockets listen, two are left for connections, six clients come at once.
    """
    srv = cp_server("--flavour", flavour, "--max-sockets", 4)
    try:
        assert clients_at_once(srv.port, "/_test/sleep?ms=100", 6)[0] == [200] * 6
        assert stats(srv.port)["peak"] <= 2
    finally:
        srv.stop()


def test_a_connection_with_no_heap_for_its_stream_is_closed_and_accepting_goes_on():
    """A MemoryError as a connection is taken in (no heap for its Stream or its task, on a
    board at the edge of its heap) closes that connection; the accept loop goes on. It used
    to end the loop: the server never accepted again."""
    srv = cp_server("--oom-streams", 2)
    try:
        from conftest import raw_request

        for _ in range(2):  # closed unanswered (a reset, as the request was never read)
            assert raw_request(srv.port, b"GET / HTTP/1.0\r\n\r\n", shut_write=False) == b""
        status, _, body = get(srv.port, "/user/alice")
        assert (status, body) == (200, b"user=alice")
        no_tracebacks(srv)
    finally:
        srv.stop()


def test_a_connection_waits_for_heap_while_another_is_served():
    """On a board's heap with too little free, a new connection waits while another is
    being served (it gives its heap back), then is served: one at a time, where the heap
    would let both start and one run out halfway (the same two at once with room: peak 2,
    test_concurrency_above_max_concurrency)."""
    srv = cp_server("--max-concurrency", 2, "--free-heap", 1024)
    try:
        statuses, elapsed = clients_at_once(srv.port, "/_test/sleep?ms=300", 2)
        assert statuses == [200, 200]
        counted = stats(srv.port)
        assert counted["peak"] == 1
        assert counted["open"] == 1  # the stats request's own: each closed one counted out
        assert elapsed >= 0.55, elapsed  # one after the other
        no_tracebacks(srv)
    finally:
        srv.stop()


def test_slow_client_past_request_timeout():
    """A client that stops halfway through its head gets 408 (or is closed) after
    request_timeout; the server answers others meanwhile and afterwards."""
    srv = cp_server("--request-timeout", 1)
    try:
        pool = SocketPool(None)
        slow = cp_client.connect(pool, srv.port)
        silent = cp_client.connect(pool, srv.port)  # sends nothing at all
        try:
            slow.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n")
            start = time.monotonic()
            status, _, body = get(srv.port, "/")
            assert status == 200 and b"Hello" in body
            assert time.monotonic() - start < 0.5  # not stuck behind the slow one
            slow.settimeout(4)
            raw = cp_client.read_all(slow)
            waited = time.monotonic() - start
            assert 0.8 <= waited <= 3.0, waited
            assert raw == b"" or parse_response(raw)[1] == 408, raw
            silent.settimeout(4)
            raw = cp_client.read_all(silent)
            assert raw == b"" or parse_response(raw)[1] == 408, raw
        finally:
            slow.close()
            silent.close()
        assert get(srv.port, "/")[0] == 200
        assert stats(srv.port)["conns"] == 1
        no_tracebacks(srv)
    finally:
        srv.stop()


def test_client_resets_mid_response(server):
    """Clients that reset (RST) while a 2 MB body is being sent: the server drops them
    quietly and keeps serving. The resetting peer is a CPython socket with SO_LINGER 0."""
    since = len(server.stderr)
    for _ in range(3):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        sock.sendall(b"GET /_test/big?kb=2048 HTTP/1.0\r\n\r\n")
        got = 0
        while got < 64 * 1024:
            chunk = sock.recv(16384)
            assert chunk
            got += len(chunk)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    status, _, body = get(server.port, "/")
    assert status == 200 and b"Hello" in body
    deadline = time.monotonic() + 3
    while stats(server.port)["conns"] > 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stats(server.port)["conns"] == 1, "a reset connection was never closed"
    no_tracebacks(server, since)


def test_big_body_through_partial_sends(server):
    """1 MB goes out in sends of at most 1460 bytes (the double caps them, as lwIP does)."""
    before = stats(server.port)
    status, headers, body = get(server.port, "/_test/big?kb=1024")
    assert status == 200 and len(body) == 1024 * 1024 and body == b"x" * len(body)
    assert stats(server.port)["send_capped"] - before["send_capped"] >= 256


def test_body_bigger_than_the_read_buffer():
    """A 10 KB upload with a 512-byte read buffer: read a buffer at a time, all of it."""
    srv = cp_server("--buffer-size", 512)
    try:
        body = bytes(range(256)) * 40
        pool = SocketPool(None, record=True)
        headers = {"Content-Type": "application/octet-stream", "Content-Length": str(len(body))}
        response, _raw, content = cp_client.requests_exchange(
            pool, srv.port, "POST", "/_test/upload", headers, body
        )
        assert response.status_code == 200
        assert content == b"%d %d" % (len(body), sum(body))
    finally:
        srv.stop()


def test_shutdown_from_a_handler():
    """app.shutdown() from a handler: that answer completes, idle connections are closed,
    the listening sockets too, and the server's run returns."""
    srv = cp_server()
    try:
        pool = SocketPool(None)
        idle = cp_client.connect(pool, srv.port)
        idle.sendall(b"GET / HTTP/1.0\r\n")
        status, _, body = get(srv.port, "/_test/shutdown")
        assert (status, body) == (200, b"bye")
        line = srv.wait_for("STOPPED", timeout=5)
        assert srv.wait(5) == 0, srv.report()
        counters = json.loads(line.split(" ", 1)[1])
        assert counters["open"] == 0, counters  # every socket of the pool closed
        assert counters["conns"] == 0
        idle.settimeout(2)
        assert cp_client.read_all(idle) == b""
        idle.close()
        with pytest.raises(OSError):
            cp_client.connect(SocketPool(None), srv.port)
    finally:
        srv.stop()


def test_idle_polling_cost():
    """What polling costs while nothing happens: accept calls a second on one listener."""
    srv = cp_server()
    try:
        first = stats(srv.port)
        time.sleep(1.0)
        second = stats(srv.port)
        # Two listeners (main and plain), each polling at most every POLL_MS when idle.
        rate = (second["accept"] - first["accept"]) / 1.0
        limit = 2 * 1000 / circuitpython_socketpool.POLL_MS * 1.5
        assert rate <= limit, rate
        print("idle accept polls per second, two listeners: %.0f" % rate)
    finally:
        srv.stop()


# ---- the adapter on MicroPython's interpreter ------------------------------------------------


def test_socketpool_adapter_on_micropython_webassembly(tmp_path_factory):
    """The shared cases through this adapter on a real (32-bit) MicroPython VM: an in-memory
    pool (support/socketpool_cases.py) with partial sends and EAGAIN, MicroPython's asyncio.
    CircuitPython's own VM runs the same in test_circuitpython_unix.py when there is one."""
    from micropython_runtime import device_build, explain, wasm_runner

    run = wasm_runner()
    lib = device_build(tmp_path_factory)
    script = os.path.join(HERE, "support", "socketpool_cases.py")
    mounts = {lib: "/lib", os.path.join(HERE, "shared"): "/app", script: "/app/sp_cases.py"}
    proc = run(mounts, "/app/sp_cases.py", "cases.json", "static")
    assert proc.returncode == 0, explain(proc)
    assert "micropython: %d passed, 0 failed" % len(CASES) in proc.out, explain(proc)
    assert "listeners closed: True" in proc.out, explain(proc)


# ---- the same adapter with CPython's socket module as the pool -----------------------------


def test_cpython_socket_module_as_pool(serve):
    """On a laptop, CPython's `socket` module is a pool too (stdlib asyncio here)."""
    import case_app
    from conftest import http_request

    app = case_app.make_app(os.path.join(HERE, "shared", "static"))
    port = serve(app, adapter=circuitpython_socketpool, pool=socket)
    status, _, _, body = http_request(port, "GET", "/user/alice")
    assert (status, body) == (200, b"user=alice")
    status, _, _, body = http_request(port, "POST", "/small", "a=123456789")
    assert status == 413
