"""HTTP/1.1 keep-alive over real sockets: several requests on one connection, bounded.

An HTTP/1.1 request without "Connection: close" keeps its connection when the answer has a
length; TinyWeb-style answers (start_html + send) still close; the requests per connection
and the idle time are bounded; an idle kept connection gives its slot to a waiting client.
"""

import http.client
import os
import shutil
import socket
import subprocess
import time

import pytest
from conftest import TIMEOUT

import tinyweb


def app_for_keepalive(**kwargs):
    app = tinyweb.webserver(**kwargs)

    @app.route("/")
    async def index(req, resp):
        await resp.send_body("index")

    @app.route("/stream")
    async def stream(req, resp):  # TinyWeb's way: no length, the end is the close
        await resp.start_html()
        await resp.send("part one, ")
        await resp.send("part two")

    @app.route("/form", methods=["POST"])
    async def form(req, resp):  # leaves the body unread
        await resp.send_body("ignored")

    @app.resource("/api/items")
    def items(data, headers):
        return {"items": [1, 2]}

    return app


_LEFT = {}  # socket -> bytes received past the answer read last (pipelined answers)


def read_answer(sock):
    """One answer from a raw socket: (status line, {lower-case header: value}, body)."""
    data = _LEFT.pop(sock, b"")
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise EOFError("closed before an answer: %r" % data)
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    # 204 and 304 answers end with their head, whatever Content-Length says (RFC 9112 6.3).
    no_body = lines[0].split(" ")[1] in ("204", "304")
    length = 0 if no_body else int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(4096)
        if not chunk:
            break
        body += chunk
    _LEFT[sock] = body[length:]
    return lines[0], headers, body[:length]


def closed_by_server(sock, wait=TIMEOUT):
    """True when the server closes the connection (EOF) without sending anything more."""
    sock.settimeout(wait)
    try:
        return sock.recv(100) == b""
    except ConnectionResetError:
        return True


def test_http11_client_gets_several_answers_on_one_connection(serve):
    app = app_for_keepalive()
    port = serve(app)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        bodies = []
        for path in ("/", "/api/items", "/"):
            conn.request("GET", path)
            r = conn.getresponse()
            assert r.getheader("Connection") == "keep-alive"
            bodies.append(r.read())
        sock = conn.sock
        conn.request("GET", "/")
        conn.getresponse().read()
        assert conn.sock is sock  # http.client reused its socket: it was never closed
    finally:
        conn.close()
    assert bodies == [b"index", b'{"items": [1, 2]}', b"index"]
    assert app.processed_connections == 1


def test_http10_and_connection_close_end_the_connection_as_before(serve):
    port = serve(app_for_keepalive())
    for head in (
        b"GET / HTTP/1.0\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ):
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
            s.sendall(head)
            status, headers, body = read_answer(s)
            assert (status, body) == ("HTTP/1.0 200 OK", b"index")
            assert "connection" not in headers
            assert closed_by_server(s)


def test_http10_client_that_asks_for_keep_alive_gets_it(serve):
    port = serve(app_for_keepalive())
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        for _ in range(2):
            s.sendall(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            status, headers, body = read_answer(s)
            assert (status, headers["connection"], body) == (
                "HTTP/1.0 200 OK",
                "keep-alive",
                b"index",
            )


def test_tinyweb_style_answer_without_a_length_closes(serve):
    port = serve(app_for_keepalive())
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        s.sendall(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200 OK\r\n")
    assert b"Connection" not in head
    assert body == b"part one, part two"  # its end is the close, as in TinyWeb


def test_pipelined_requests_are_answered_in_order(serve):
    port = serve(app_for_keepalive())
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        s.sendall(
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /api/items HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        answers = [read_answer(s) for _ in range(3)]
        assert closed_by_server(s)
    assert [a[2] for a in answers] == [b"index", b'{"items": [1, 2]}', b"index"]
    assert [a[1].get("connection") for a in answers] == ["keep-alive", "keep-alive", None]


def test_an_unread_body_is_taken_in_before_the_next_request(serve):
    port = serve(app_for_keepalive())
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        s.sendall(b"POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world")
        assert read_answer(s)[2] == b"ignored"
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_answer(s)[2] == b"index"


def test_requests_per_connection_are_bounded(serve):
    port = serve(app_for_keepalive(keep_alive=3))
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        seen = []
        for _ in range(3):
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            seen.append(read_answer(s)[1].get("connection"))
        assert seen == ["keep-alive", "keep-alive", None]  # the third answer closes
        assert closed_by_server(s)


def test_an_idle_kept_connection_is_closed_quietly_after_request_timeout(serve):
    port = serve(app_for_keepalive(request_timeout=0.5))
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_answer(s)[2] == b"index"
        started = time.monotonic()
        assert closed_by_server(s)  # no 408: nothing of a next request had come
        # Kept for its idle time first (a lower bound: a slow machine cannot fail it).
        assert time.monotonic() - started >= 0.3


def test_an_error_answer_closes_and_does_not_promise_keep_alive(serve):
    port = serve(app_for_keepalive())
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        s.sendall(b"GET /missing HTTP/1.1\r\nHost: x\r\n\r\n")
        status, headers, _ = read_answer(s)
        assert status == "HTTP/1.0 404 Not Found"
        assert headers.get("connection") != "keep-alive"
        assert closed_by_server(s)


def test_idle_kept_connections_give_their_slots_to_a_new_client(serve):
    # The esp32 preset's 3 slots all held by kept connections between requests, for up to
    # request_timeout (10 s here): a new client is served at once, not after that.
    app = app_for_keepalive(board="esp32", request_timeout=10)
    port = serve(app)
    kept = []
    try:
        for _ in range(3):
            s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert read_answer(s)[1]["connection"] == "keep-alive"
            kept.append(s)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)  # < the idle time
        conn.request("GET", "/", headers={"Connection": "close"})
        r = conn.getresponse()
        assert (r.status, r.read()) == (200, b"index")
        conn.close()
        assert closed_by_server(kept[0])  # the oldest idle one gave way, without an answer
    finally:
        for s in kept:
            s.close()


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_reuses_the_connection_for_several_urls(serve):
    port = serve(app_for_keepalive())
    url = "http://127.0.0.1:%d/" % port
    out = subprocess.run(
        ["curl", "-sv", url, url + "api/items"],
        capture_output=True,
        timeout=TIMEOUT * 2,
        env=dict(os.environ, NO_PROXY="*"),
    )
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout == b'index{"items": [1, 2]}'
    log = out.stderr.decode()
    assert "Re-using existing connection" in log or "Reusing existing connection" in log, log


def test_adafruit_requests_session_reuses_its_socket(serve):
    # The client CircuitPython apps use keeps a socket per host when the answer allows it.
    import adafruit_requests

    app = app_for_keepalive()
    port = serve(app)
    session = adafruit_requests.Session(socket, None)
    bodies = []
    for path in ("/", "/api/items", "/"):
        r = session.get("http://127.0.0.1:%d%s" % (port, path))
        bodies.append(r.content)
        r.close()
    assert bodies == [b"index", b'{"items": [1, 2]}', b"index"]
    assert app.processed_connections == 1


def test_a_route_answering_204_or_304_sends_no_body_and_204_no_length(serve):
    # Whatever the handler sends (RFC 9110: 204 and 304 never have a body, 204 no
    # Content-Length); the connection stays usable for the next request.
    app = tinyweb.webserver()

    @app.route("/empty")
    async def empty(req, resp):
        resp.code = 204

    @app.route("/sends")
    async def sends(req, resp):
        resp.code = int(req.query_string or 204)
        await resp.send_body("a body that must not go out")

    @app.route("/")
    async def index(req, resp):
        await resp.send_body("index")

    port = serve(app)
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        for path in (b"/empty", b"/sends", b"/sends?304"):
            s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            status, headers, body = read_answer(s)
            assert body == b""
            if status.startswith("HTTP/1.0 204"):
                assert "content-length" not in headers
            else:
                assert status == "HTTP/1.0 304 Not Modified"
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert read_answer(s)[2] == b"index"
        assert closed_by_server(s)  # nothing of the bodies came after their heads
