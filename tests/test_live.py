"""WebSocket (RFC 6455) and Server-Sent Events over real sockets, on CPython and on
MicroPython's unix port (the .mpy files a board gets): the same app
(tests/micropython/serve_live.py), a WebSocket client written from the RFC
(tests/support/ws_client.py) that sends what browsers send and what they never would, and
http.client reading the event stream.
"""

import http.client
import importlib.util
import json
import os
import socket
import time

import pytest
from conftest import TIMEOUT, free_port, http_request
from micropython_runtime import MP_TESTS, micropython_or_skip
from support.ws_client import (
    OP_BINARY,
    OP_CLOSE,
    OP_CONT,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    WSClient,
    accept_key,
    frame,
    handshake,
)
from test_examples import run_example  # noqa: F401 - fixture
from test_micropython_unix import lib, micropython  # noqa: F401 - fixtures
from tinyweb.adapters import circuitpython_socketpool

SERVE_LIVE = os.path.join(MP_TESTS, "serve_live.py")
REQUEST_TIMEOUT = 2  # seconds: the server's request_timeout in these tests


def load_serve_live():
    spec = importlib.util.spec_from_file_location("serve_live", SERVE_LIVE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Live:
    def __init__(self, port, output):
        self.port = port
        self.output = output

    def stats(self):
        status, _, _, body = http_request(self.port, "GET", "/stats")
        assert status == 200, self.output()
        return json.loads(body)

    def wait_for(self, test, seconds=15):
        """Poll /stats until test(stats) holds (bounded); the last stats."""
        deadline = time.monotonic() + seconds
        while True:
            stats = self.stats()
            if test(stats) or time.monotonic() > deadline:
                return stats
            time.sleep(0.1)


@pytest.fixture(params=["cpython", "socketpool", "micropython"])
def live(request, serve, capsys):
    """The app on CPython's asyncio adapter, on the CircuitPython adapter (CPython's socket
    module as the pool), or on MicroPython's unix port."""
    if request.param != "micropython":
        app = load_serve_live().make_app(request_timeout=REQUEST_TIMEOUT)
        if request.param == "cpython":
            port = serve(app)
        else:
            port = serve(app, adapter=circuitpython_socketpool, pool=socket)
        seen = []

        def output():
            out = capsys.readouterr()
            seen.append(out.out + out.err)
            return "".join(seen)

        return Live(port, output)
    micropython_or_skip()
    start = request.getfixturevalue("micropython")
    port = free_port()
    mp = start(SERVE_LIVE, str(port), port=port)
    return Live(port, mp.output)


def no_traceback(live):
    out = live.output()
    assert "Traceback" not in out and "error in handler" not in out, out


# ---- WebSocket ----------------------------------------------------------------------


def test_handshake_and_echo_text_and_binary(live):
    ws = WSClient(live.port, "/ws")  # checks 101, Upgrade, Connection, Sec-WebSocket-Accept
    assert ws.response.startswith("HTTP/1.1 101 Switching Protocols\r\n")
    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="  # RFC's
    ws.send_frame(OP_TEXT, "héllo".encode())
    assert ws.recv_frame() == (True, OP_TEXT, "héllo".encode())
    ws.send_frame(OP_BINARY, bytes(range(256)))  # the 16-bit length form
    assert ws.recv_frame() == (True, OP_BINARY, bytes(range(256)))
    big = os.urandom(66000)  # the 64-bit length form, both ways
    ws.send_frame(OP_BINARY, big)
    assert ws.recv_frame() == (True, OP_BINARY, big)
    ws.send_frame(OP_TEXT, b"")
    assert ws.recv_frame() == (True, OP_TEXT, b"")
    ws.send_frame(OP_CLOSE, b"\x03\xe8bye")  # 1000
    assert ws.recv_close() == (1000, "")
    assert ws.at_eof()
    ws.close()
    assert live.wait_for(lambda s: s["ws"])["ws"] == [1000]
    no_traceback(live)


def test_frames_sent_with_the_handshake_are_read(live):
    sock = handshake(live.port, "/ws", extra=b"")
    sock.sendall(frame(OP_TEXT, b"early") + frame(OP_TEXT, b"bird"))
    data = b""
    while data.count(b"early") + data.count(b"bird") < 2:
        more = sock.recv(4096)
        assert more, data
        data += more
    assert data.startswith(b"HTTP/1.1 101 ")
    assert data.endswith(b"\r\n\r\n\x81\x05early\x81\x04bird")
    sock.close()


def test_fragments_reassembled_with_a_ping_between(live):
    ws = WSClient(live.port, "/ws")
    ws.send_frame(OP_TEXT, b"frag", fin=False)
    ws.send_frame(OP_PING, b"are you there")
    ws.send_frame(OP_CONT, b"men", fin=False)
    ws.send_frame(OP_CONT, "ts ✓".encode())
    assert ws.recv_frame() == (True, OP_PONG, b"are you there")
    assert ws.recv_frame() == (True, OP_TEXT, "fragments ✓".encode())
    ws.send_frame(OP_BINARY, b"\x00\x01", fin=False)
    ws.send_frame(OP_CONT, b"\x02")
    assert ws.recv_frame() == (True, OP_BINARY, b"\x00\x01\x02")
    ws.close()


def test_server_closes_with_its_code_and_path_parameters(live):
    ws = WSClient(live.port, "/bye/ann")
    ws.send_frame(OP_TEXT, b"hi")
    assert ws.recv_frame() == (True, OP_TEXT, b"bye ann: hi")
    assert ws.recv_close() == (4000, "done")
    ws.send_frame(OP_CLOSE, b"\x0f\xa0")  # the client's answer
    assert ws.at_eof()
    ws.close()
    assert live.wait_for(lambda s: s["ws"])["ws"] == [4000]


def test_handler_that_raises_closes_with_1011(live):
    ws = WSClient(live.port, "/boom")
    ws.send_frame(OP_TEXT, b"go")
    assert ws.recv_close()[0] == 1011
    ws.send_frame(OP_CLOSE, b"\x03\xf3")
    assert ws.at_eof()
    ws.close()
    assert "ValueError" in live.output()  # logged, as any handler's error
    assert http_request(live.port, "GET", "/stats")[0] == 200


@pytest.mark.parametrize(
    "frames, code",
    [
        # One frame over max_message_size (100), announced, never sent in full: 1009.
        ([frame(OP_BINARY, b"x" * 101)], 1009),
        ([frame(OP_TEXT, b"", length=2**40)], 1009),
        # Fragments that add up to more than it: 1009 at the one that crosses it.
        ([frame(OP_TEXT, b"a" * 60, fin=False), frame(OP_CONT, b"b" * 60)], 1009),
        ([frame(OP_TEXT, b"not masked", mask=False)], 1002),
        ([frame(OP_TEXT, b"x", rsv=0x40)], 1002),  # a reserved bit (no extension)
        ([frame(3, b"x")], 1002),  # a reserved opcode
        ([frame(OP_CONT, b"x")], 1002),  # a continuation of nothing
        ([frame(OP_TEXT, b"a", fin=False), frame(OP_TEXT, b"b")], 1002),  # no continuation
        ([frame(OP_PING, b"x", fin=False)], 1002),  # a fragmented control frame
        ([frame(OP_PING, b"x" * 126)], 1002),  # a control frame over 125 bytes
        ([frame(OP_TEXT, b"\xff\xfe bad utf-8")], 1007),
        ([frame(OP_CLOSE, b"\x03\xed")], 1002),  # 1005 may not be sent
    ],
    ids=[
        "oversize",
        "oversize-2^40",
        "oversize-fragments",
        "unmasked",
        "rsv",
        "opcode",
        "lone-continuation",
        "no-continuation",
        "fragmented-ping",
        "long-ping",
        "bad-utf8",
        "bad-close-code",
    ],
)
def test_bad_frames_get_their_close_code(live, frames, code):
    ws = WSClient(live.port, "/small")
    ws.send(b"".join(frames))
    assert ws.recv_close()[0] == code
    ws.send_frame(OP_CLOSE, bytes([code >> 8, code & 255]))
    assert ws.at_eof()
    ws.close()
    assert live.wait_for(lambda s: s["ws"])["ws"] == [code]
    # ... and the server answers the next client.
    assert http_request(live.port, "GET", "/stats")[0] == 200
    no_traceback(live)


def test_oversize_frame_is_skipped_not_kept(live):
    """A frame over the limit is read past (its 2000 bytes dropped), the client's close
    frame after it is found and answered, and nothing of it was echoed."""
    ws = WSClient(live.port, "/small")
    ws.send(frame(OP_BINARY, b"y" * 2000) + frame(OP_CLOSE, b"\x03\xf1"))
    assert ws.recv_frame()[1:] == (OP_CLOSE, b"\x03\xf1")  # 1009
    assert ws.at_eof()
    assert b"y" not in ws.buf
    ws.close()


def test_not_a_websocket_handshake(live):
    status, _, headers, _ = http_request(live.port, "GET", "/ws")
    assert (status, headers["upgrade"]) == (426, "websocket")
    sock = handshake(live.port, "/ws", version=b"8")
    head = sock.recv(4096)
    assert head.startswith(b"HTTP/1.0 426 Upgrade Required\r\n"), head
    assert b"\r\nSec-WebSocket-Version: 13\r\n" in head
    sock.close()
    sock = handshake(live.port, "/ws", key="short")
    assert sock.recv(4096).startswith(b"HTTP/1.0 400 "), "a key that is not 16 bytes"
    sock.close()
    assert http_request(live.port, "POST", "/ws", body=b"")[0] == 405
    assert http_request(live.port, "GET", "/stats")[0] == 200


def test_idle_client_is_pinged_then_dropped(live):
    ws = WSClient(live.port, "/ping")  # ping_interval=1
    started = time.monotonic()
    assert ws.recv_frame() == (True, OP_PING, b"")
    ws.send_frame(OP_PONG)
    assert ws.recv_frame() == (True, OP_PING, b"")  # silent again: pinged again
    # No answer this time: dropped with 1011.
    assert ws.recv_close()[0] == 1011
    assert ws.at_eof()
    assert time.monotonic() - started >= 2.5  # three intervals of silence, not fewer
    ws.close()
    assert live.wait_for(lambda s: s["ws"])["ws"] == [1011]


def test_abrupt_disconnect_mid_frame_ends_the_handler(live):
    ws = WSClient(live.port, "/ws")
    ws.send(frame(OP_TEXT, b"z" * 1000)[:300])  # a frame cut short
    ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    ws.close()  # a reset
    assert live.wait_for(lambda s: s["ws"])["ws"] == [1006]
    no_traceback(live)


def test_frame_stalled_halfway_is_cut_off(live):
    """A frame begun and never finished (a slowloris on a WebSocket): dropped once it has
    stalled request_timeout, and the handler's receive() returns None."""
    ws = WSClient(live.port, "/ws")
    ws.send(frame(OP_TEXT, b"z" * 100)[:50])
    started = time.monotonic()
    assert ws.at_eof()
    assert time.monotonic() - started >= REQUEST_TIMEOUT - 0.5
    ws.close()
    assert live.wait_for(lambda s: s["ws"])["ws"] == [1006]
    no_traceback(live)


def test_client_that_stops_reading_does_not_block_the_server(live):
    """/flood sends 1 KB messages as fast as it can; the client reads none. The server
    keeps answering others, and cuts the flood off once a send stalls request_timeout."""
    ws = WSClient(live.port, "/flood")
    ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    for _ in range(5):
        assert http_request(live.port, "GET", "/stats")[0] == 200
    stats = live.wait_for(lambda s: "flood ended" in s["ws"], seconds=30)
    assert stats["ws"] == ["flood ended"], live.output()
    sent = stats["flood_sent"]
    assert sent > 10
    time.sleep(0.5)
    assert live.stats()["flood_sent"] == sent  # it stopped
    ws.close()
    no_traceback(live)


def test_websockets_package_client(live):
    """The `websockets` package (PyPI), as a Python client app would use it."""
    client = pytest.importorskip("websockets.sync.client")
    from websockets.exceptions import ConnectionClosedError

    url = "ws://127.0.0.1:%d" % live.port
    with client.connect(url + "/ws", open_timeout=TIMEOUT, close_timeout=TIMEOUT) as ws:
        ws.send("hello ✓")
        assert ws.recv(TIMEOUT) == "hello ✓"
        ws.send(bytes(range(200)))
        assert ws.recv(TIMEOUT) == bytes(range(200))
        ws.send(["frag", "men", "ts"])  # one message in three frames
        assert ws.recv(TIMEOUT) == "fragments"
        assert ws.ping(b"x").wait(TIMEOUT)  # answered with a pong
    assert ws.close_code == 1000
    with client.connect(url + "/small", open_timeout=TIMEOUT, close_timeout=TIMEOUT) as ws:
        ws.send("x" * 101)
        with pytest.raises(ConnectionClosedError) as closed:
            ws.recv(TIMEOUT)
        assert closed.value.rcvd.code == 1009
    assert live.wait_for(lambda s: len(s["ws"]) == 2)["ws"] == [1000, 1009]


# ---- Server-Sent Events -------------------------------------------------------------


def read_event(resp):
    """The next event as {field: value} (data lines joined by \\n), comments as ':'."""
    event = {}
    while True:
        line = resp.fp.readline().decode("utf-8")
        assert line.endswith("\n"), "the stream ended: %r" % line
        line = line[:-1]
        if not line:
            if event:
                return event
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data" and "data" in event:
            event["data"] += "\n" + value
        else:
            event[name or ":"] = value


def test_event_stream(live):
    conn = http.client.HTTPConnection("127.0.0.1", live.port, timeout=TIMEOUT)
    conn.request("GET", "/events")
    resp = conn.getresponse()
    assert resp.status == 200
    assert resp.getheader("Content-Type") == "text/event-stream"
    assert resp.getheader("Cache-Control") == "no-cache"
    assert resp.getheader("Content-Length") is None
    assert read_event(resp) == {"retry": "500"}
    assert read_event(resp) == {":": "hello"}
    assert read_event(resp) == {"event": "lines", "id": "1", "data": "one\ntwo\nthree"}
    for n in (1, 2, 3):
        event = read_event(resp)
        assert (event["event"], event["id"]) == ("tick", str(n + 1))
        assert json.loads(event["data"]) == {"count": n}
    resp.close()  # the client goes away: the handler ends, quietly
    conn.close()
    stats = live.wait_for(lambda s: s["sse_ended"])
    assert stats["sse_ended"] == 1
    no_traceback(live)
    # ... and its slot is free again: three more streams at once on a 3-slot preset.
    conns = []
    for _ in range(3):
        conn = http.client.HTTPConnection("127.0.0.1", live.port, timeout=TIMEOUT)
        conn.request("GET", "/events")
        conns.append(conn.getresponse())
    for resp in conns:
        assert read_event(resp) == {"retry": "500"}
        resp.close()


# ---- examples/live.py ---------------------------------------------------------------


@pytest.fixture(params=["cpython", "micropython"])
def live_example(request):
    """examples/live.py started by its one command; its port."""
    if request.param == "cpython":
        return request.getfixturevalue("run_example")("live.py")
    micropython_or_skip()
    from test_micropython_unix import example

    return example(request.getfixturevalue("micropython"), "live.py").port


def test_live_example(live_example):
    port = live_example
    status, _, headers, page = http_request(port, "GET", "/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert b"new WebSocket(" in page and b'new EventSource("/events")' in page
    assert b"<script src" not in page  # no CDN: the page is whole
    ws = WSClient(port, "/ws")
    ws.send_frame(OP_TEXT, b"hi there")
    assert ws.recv_message() == (OP_TEXT, b"echo: hi there")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    conn.request("GET", "/events")
    resp = conn.getresponse()
    assert resp.getheader("Content-Type") == "text/event-stream"
    for n in (1, 2):
        event = read_event(resp)
        assert (event["event"], json.loads(event["data"])) == ("tick", {"count": n})
    resp.close()
    conn.close()
    ws.send_frame(OP_CLOSE, b"\x03\xe8")
    assert ws.recv_close() == (1000, "")
    ws.close()
