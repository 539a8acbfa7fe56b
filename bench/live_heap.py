"""live-heap: the heap an open WebSocket connection and an open event stream take, on the
MicroPython unix port (the frameworks from .mpy), tinyweb beside microdot; and the goal that
16 idle WebSocket clients fit on the esp32 preset (3 slots).

Each framework serves bench/apps/<framework>_live.py: a WebSocket echo at /ws, an event
stream at /events, and GET /mem, which answers gc.mem_alloc() after gc.collect() (in the
server process, so the figures are the server's live heap). Per kind of connection:
one opened and closed first (the modules it loads on first use are not counted), then the
live heap read, COUNT connections opened (each WebSocket echoes a message, each stream
sends its first event: their handlers are running), the live heap read again; the figure
is the difference divided by COUNT. tinyweb runs with the esp32 preset: WebSockets give
their slot back once upgraded, so all COUNT fit in its 3 slots; an event stream holds a
slot (and its receive buffer, made the first time the slot is needed and then kept: in the
difference, but for the first slot's, made at the start) for its life, so the event-stream
server gets COUNT + 2 slots (`serve=`).

On a 32-bit build tinyweb's WebSocket server runs in a heap of the ESP32's typical free
heap (ESP32_HEAP, `-X heapsize=`). With the COUNT WebSockets open, tinyweb's goal checks: a
plain request is answered 200, the next WebSocket handshake is refused with 503 (past the
route's max_websockets, 16 on the esp32 preset), and every open WebSocket still echoes.
"""

import os
import socket
import struct
import time

from . import env
from .servers import Server

COUNT = 16
# tinyweb's WebSocket server runs in the ESP32's typical free heap (boards/esp32.py), as
# the goal asks: 16 idle WebSockets fit there, beside the code.
ESP32_HEAP = 100000
FRAMEWORKS = ("tinyweb", "microdot")
KEY = b"dGhlIHNhbXBsZSBub25jZQ=="
TIMEOUT = 10.0


def _connect(port, path, extra=b""):
    s = socket.create_connection((env.HOST, port), timeout=TIMEOUT)
    s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + b"\r\n")
    return s


def _head(sock):
    """(status, head bytes, what came after the head)."""
    data = b""
    while b"\r\n\r\n" not in data:
        b = sock.recv(4096)
        if not b:
            break
        data += b
    head, _, rest = data.partition(b"\r\n\r\n")
    try:
        status = int(head[9:12])
    except ValueError:
        status = None
    return status, head, rest


class WS:
    """A minimal WebSocket client: the handshake, masked text frames, the echo read."""

    def __init__(self, port):
        self.sock = _connect(
            port,
            b"/ws",
            b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            + KEY
            + b"\r\nSec-WebSocket-Version: 13\r\n",
        )
        self.status, self.head, self.buf = _head(self.sock)

    def echo(self, text):
        """Send `text`; True when it comes back."""
        payload = text.encode()
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes((0x81, 0x80 | len(payload))) + mask + masked)
        while len(self.buf) < 2 or len(self.buf) < 2 + (self.buf[1] & 127):
            b = self.sock.recv(4096)
            if not b:
                return False
            self.buf += b
        n = self.buf[1] & 127
        got, self.buf = self.buf[2 : 2 + n], self.buf[2 + n :]
        return got == payload

    def close(self):
        try:
            mask = os.urandom(4)
            code = struct.pack("!H", 1000)
            masked = bytes(b ^ mask[i % 4] for i, b in enumerate(code))
            self.sock.sendall(bytes((0x88, 0x82)) + mask + masked)
        except OSError:
            pass
        self.sock.close()


class Stream:
    """An event stream's client: the head and the first event read, then kept open."""

    def __init__(self, port):
        self.sock = _connect(port, b"/events", b"Accept: text/event-stream\r\n")
        self.status, self.head, rest = _head(self.sock)
        while b"hello" not in rest:
            b = self.sock.recv(4096)
            if not b:
                break
            rest += b
        self.ok = self.status == 200 and b"hello" in rest

    def close(self):
        self.sock.close()


def _get(port, path):
    s = _connect(port, path, b"Connection: close\r\n")
    try:
        status, _, rest = _head(s)
        while True:
            b = s.recv(4096)
            if not b:
                break
            rest += b
        return status, rest
    finally:
        s.close()


def _mem(port):
    """The server's live heap: the least of three readings (the collector is
    conservative)."""
    readings = []
    for _ in range(3):
        status, body = _get(port, b"/mem")
        if status != 200:
            raise RuntimeError("GET /mem: %r %r" % (status, body[:80]))
        readings.append(int(body))
    return min(readings)


def _settle():
    time.sleep(0.3)  # handlers of closed connections end, their tasks are collected


def _per_connection(port, open_one, works, kind, clients):
    """What each of COUNT connections made by `open_one(port)` (a WS or a Stream) adds to
    the live heap, once one was opened and closed first (it loads what the first one loads);
    `works(client, i)` tells that the i-th one is served. The connections are appended to
    `clients`, left open: the caller closes them."""
    open_one(port).close()
    _settle()
    before = _mem(port)
    for i in range(COUNT):
        client = open_one(port)
        clients.append(client)
        if not works(client, i):
            return {"error": "%s %d: %r" % (kind, i + 1, client.head[:80])}
    after = _mem(port)
    return {"per_connection": (after - before) / float(COUNT), "before": before, "after": after}


def _websockets(server, name):
    port = server.port
    clients = []
    try:
        res = _per_connection(
            port,
            WS,
            lambda ws, i: ws.status == 101 and ws.echo("hello %d" % i),
            "WebSocket",
            clients,
        )
        if name == "tinyweb" and "error" not in res:
            res["heapsize"] = server.heapsize
            res["http_status"] = _get(port, b"/")[0]
            extra = WS(port)
            res["over_limit_status"] = extra.status
            extra.close()
            res["all_echo"] = all(ws.echo("again") for ws in clients)
    finally:
        for ws in clients:
            ws.close()
    return res


def _streams(server):
    clients = []
    try:
        res = _per_connection(server.port, Stream, lambda st, i: st.ok, "stream", clients)
    finally:
        for st in clients:
            st.close()
    return res


def measure(ctx):
    if ctx.mp is None:
        env.log("live-heap: no MicroPython")
        return None
    data = {"count": COUNT, "runtime": ctx.mp.describe(), "bits": ctx.mp.bits, "frameworks": {}}
    for name in FRAMEWORKS:
        if name not in ctx.staged:
            continue
        row = data["frameworks"][name] = {}
        for kind, options in (
            ("websocket", ("app=live",)),
            ("sse", ("app=live", "serve=%d" % (COUNT + 2)) if name == "tinyweb" else ("app=live",)),
        ):
            heap = None
            if name == "tinyweb" and kind == "websocket" and ctx.mp.bits == 32:
                heap = ESP32_HEAP  # a 64-bit build's objects are bigger than a board's
            server = Server.micropython(ctx.mp, name, "hello", heapsize=heap, options=options)
            try:
                if not server.ready:
                    row[kind] = {"error": "%s: %s" % (server.problem, server.output()[-300:])}
                    continue
                try:
                    row[kind] = (
                        _websockets(server, name) if kind == "websocket" else _streams(server)
                    )
                except (OSError, RuntimeError, ValueError) as e:
                    row[kind] = {"error": "%r; %s" % (e, server.output()[-300:])}
            finally:
                server.stop()
        env.log("live-heap %s: %s" % (name, row))
    return data
