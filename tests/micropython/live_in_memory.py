"""WebSocket and Server-Sent Events through the in-memory adapter, on any runtime (the
WebAssembly MicroPython in CI: 32-bit, no sockets).

    micropython live_in_memory.py

Each connection's whole input is given up front (the handshake, masked frames, a close
frame, or just a request) and its whole output checked. Prints a line per check, then
"live: N passed, N failed", and which of tinyweb's modules a plain route had loaded.
"""

import sys

from tinyweb.adapters import memory

import tinyweb

MASK = b"\x37\xfa\x21\x3d"
HANDSHAKE = (
    b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
)
ACCEPT = b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"


def frame(op, payload, fin=True, masked=True):
    n = len(payload)
    head = bytes(((128 if fin else 0) | op,))
    bit = 128 if masked else 0
    if n < 126:
        head += bytes((bit | n,))
    else:
        head += bytes((bit | 126, n >> 8, n & 255))
    if not masked:
        return head + payload
    body = bytearray(payload)
    for i in range(n):
        body[i] ^= MASK[i & 3]
    return head + MASK + bytes(body)


app = tinyweb.webserver(board="unix")


@app.route("/", methods=["GET"])
async def index(req, resp):
    await resp.send_body("plain")


run = memory.run
run(memory.request(app, b"GET / HTTP/1.0\r\n\r\n"))
loaded = sorted(m for m in sys.modules if m.startswith("tinyweb.") and "adapters" not in m)
print("plain route loaded", loaded)


@app.websocket("/ws", max_message_size=64)
async def echo(req, ws):
    while True:
        msg = await ws.receive()
        if msg is None:
            break
        await ws.send(msg)


@app.route("/events", methods=["GET"])
async def events(req, resp):
    sse = await resp.event_stream()
    await sse.send("a\nb", event="two", id=7)
    await sse.send({"count": 1}, event="tick")
    await sse.comment("bye")


passed = failed = 0


def check(name, got, want):
    global passed, failed
    if got == want:
        passed += 1
        print("ok", name)
    else:
        failed += 1
        print("FAIL", name, repr(got), "!=", repr(want))


def ws_exchange(frames):
    out = run(memory.request(app, HANDSHAKE + b"".join(frames)))
    head, _, rest = out.partition(b"\r\n\r\n")
    return head, rest


head, rest = ws_exchange(
    [
        frame(1, b"hello"),
        frame(9, b"p"),
        frame(2, b"\x00\x01", fin=False),
        frame(0, b"\x02"),
        frame(8, b"\x03\xe8"),
    ]
)
check("101", head.split(b"\r\n")[0], b"HTTP/1.1 101 Switching Protocols")
check("accept", ACCEPT in head + b"\r\n", True)
check(
    "echo, pong, fragments, close",
    rest,
    b"\x81\x05hello" + b"\x8a\x01p" + b"\x82\x03\x00\x01\x02" + b"\x88\x02\x03\xe8",
)
rest = ws_exchange([frame(2, b"x" * 65), frame(8, b"")])[1]
check("oversize 1009", rest, b"\x88\x02\x03\xf1")
rest = ws_exchange([frame(1, b"plain", masked=False)])[1]
check("unmasked 1002", rest, b"\x88\x02\x03\xea")
rest = ws_exchange([frame(1, b"\xc3\x28")])[1]
check("bad utf-8 1007", rest, b"\x88\x02\x03\xef")
rest = ws_exchange([])[1]  # the client just goes away: the handler ends
check("end of stream", rest, b"")
out = run(memory.request(app, b"GET /ws HTTP/1.1\r\nHost: x\r\n\r\n"))
check("no upgrade 426", out.split(b"\r\n")[0], b"HTTP/1.0 426 Upgrade Required")
out = run(memory.request(app, b"GET /events HTTP/1.0\r\n\r\n"))
head, _, body = out.partition(b"\r\n\r\n")
check("event-stream type", b"Content-Type: text/event-stream" in head, True)
check(
    "events",
    body,
    b'event: two\nid: 7\ndata: a\ndata: b\n\nevent: tick\ndata: {"count": 1}\n\n: bye\n\n',
)
print("live: %d passed, %d failed" % (passed, failed))
