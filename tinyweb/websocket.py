"""WebSocket (RFC 6455), server side: the upgrade on a route, then messages both ways.

    @app.websocket('/ws')
    async def echo(req, ws):
        while True:
            msg = await ws.receive()    # str (text), bytes (binary); None once closed
            if msg is None:
                break
            await ws.send('echo: ' + msg)

Loaded the first time an app registers a WebSocket route (`app.websocket()`, in
`tinyweb.control`): a hello-world app never holds this code. docs/live.md has the limits.

Bounded for a board: a connection holds one of the server's `max_concurrency` slots (and
its receive buffer) only for its handshake; once upgraded it gives both back and reads
frame heads through a small buffer of its own (`_HEAD_BUFFER` bytes), so live pages do not
starve other clients. Open connections are bounded by the route's `max_websockets` instead
(default `max(4, max_concurrency * 16 // 3)`: 16 on a 3-slot board); a handshake past it is
answered 503. A message is read into one bytearray of its announced size, never larger than
the route's `max_message_size` (a larger frame or message is refused with close code 1009
and skipped, not read into memory); each frame, once begun, and each send must go through
within `request_timeout` (the server's watchdog, as for every read and write); a client
silent for `ping_interval` seconds while the handler waits in `receive()` is pinged, and
dropped (close code 1011) if it stays silent as long again. No extensions
(permessage-deflate) and no subprotocols are negotiated: browsers work without both.
"""

from .compat import asyncio, const, load, ticks_add, ticks_ms
from .request import HTTPException

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3
_HEADERS = ("Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version")

# Opcodes (RFC 6455 section 5.2).
_CONT = const(0)
_TEXT = const(1)
_BINARY = const(2)
_CLOSE = const(8)
_PING = const(9)
_PONG = const(10)

# Close codes (section 7.4.1).
_NORMAL = const(1000)
_PROTOCOL_ERROR = const(1002)
_NO_STATUS = const(1005)
_ABNORMAL = const(1006)
_INVALID_DATA = const(1007)
_TOO_BIG = const(1009)
_SERVER_ERROR = const(1011)

# Seconds of silence from the client (while the handler waits in receive()) before a ping;
# as long again without an answer and the connection is dropped. 0 or None: never.
PING_INTERVAL = 30
# The buffer an upgraded connection reads frame heads (and skipped payload) through once it
# gave its slot's receive buffer back: a head is at most 14 bytes. Bytes.
_HEAD_BUFFER = const(64)
# Open WebSocket connections per route by default: this many per 3 slots of the board.
_PER_SLOT = const(16)
# After our close frame, what the client may still send (skipped) before its own close
# frame: bytes. Past it, or past request_timeout, the connection is just closed.
_LINGER_BYTES = const(16384)


def decorator(app, url, options):
    """What @app.websocket(url, **options) returns (tinyweb.control)."""

    def _websocket(f):
        add_route(app, url, f, options)
        return f

    return _websocket


def add_route(app, url, handler, options):
    """Register `handler(req, ws, **path_params)` for WebSocket upgrades on `url` (GET).

    Options: max_message_size (bytes, default the preset's max_body_size), max_websockets
    (connections open on this route at once, default max(4, max_concurrency * 16 // 3);
    past it a handshake gets 503), ping_interval (seconds, default 30; 0 never pings),
    save_headers (more request headers to keep), and add_route's CORS options.
    """
    limit = options.pop("max_message_size", None) or app.max_body_size
    # By default 16 per 3 slots of the board: 16 on the ESP32 family, 5 on an ESP8266.
    most = options.pop("max_websockets", None) or max(4, app.max_concurrency * _PER_SLOT // 3)
    ping = options.pop("ping_interval", PING_INTERVAL)
    ping_ms = int(ping * 1000) if ping else 0
    options["save_headers"] = list(options.get("save_headers") or ()) + list(_HEADERS)
    options["max_body_size"] = 0
    open_now = [0]  # connections upgraded on this route and not yet closed

    async def upgrade(req, resp, **params):
        if open_now[0] >= most:
            resp.headers["Retry-After"] = "1"
            raise HTTPException(503)
        ws = await accept(req, resp, limit, ping_ms)
        open_now[0] += 1
        try:
            release_slot(app, req, resp)
            await handler(req, ws, **params)
        except Exception as e:
            # The handler failed: tell the client (1011) if it is still there; the server
            # logs the error as for any handler.
            if not ws.closed and not isinstance(e, OSError):
                try:
                    await ws.close(_SERVER_ERROR)
                except Exception:
                    pass
            raise
        finally:
            open_now[0] -= 1
        await ws.close()

    options["methods"] = ("GET",)
    app.add_route(url, upgrade, **options)


def release_slot(app, req, resp):
    """Give the connection's slot back to the server once the handshake is answered: its
    receive buffer goes back to the pool (bytes of frames that came with the handshake are
    copied into the connection's own small buffer first) and the next client in line may
    take the slot. The server's `finally` sees that `req._buf` is no longer the slot's
    buffer and does not give it back a second time."""
    buffers = app._buffers
    if req._buf is None or None not in buffers:  # no slot taken (served in memory)
        return
    have = req._len - req._pos
    own = bytearray(max(_HEAD_BUFFER, have))
    view = memoryview(own)
    slot = (req._buf, req._mv)  # what the pool holds (allocated before anything changes)
    view[:have] = req._mv[req._pos : req._len]
    buffers[buffers.index(None)] = slot
    app._active -= 1
    req._buf = own
    req._mv = view
    req._pos = 0
    req._len = have
    resp._buf = None


def _has_token(value, token):
    """Whether a comma-separated header value lists `token` (any case)."""
    for part in value.split(b","):
        if part.strip().lower() == token:
            return True
    return False


async def accept(req, resp, max_message_size, ping_ms):
    """Answer the upgrade request with 101 and return its `WebSocket`; 400 for a request
    that is no WebSocket handshake, 426 (with the version we speak) for another version."""
    import binascii

    h = req.headers
    key = h.get(b"Sec-WebSocket-Key", b"")
    if not _has_token(h.get(b"Upgrade", b""), b"websocket") or not _has_token(
        h.get(b"Connection", b""), b"upgrade"
    ):
        resp.headers["Upgrade"] = "websocket"
        raise HTTPException(426, "Upgrade Required")
    if h.get(b"Sec-WebSocket-Version") != b"13":
        resp.headers["Sec-WebSocket-Version"] = "13"
        raise HTTPException(426, "Upgrade Required")
    try:
        ok = len(binascii.a2b_base64(key)) == 16 and len(key) == 24
    except ValueError:  # binascii.Error is one
        ok = False
    if not ok or req._body_left or req.chunked:
        raise HTTPException(400)
    try:
        import hashlib
    except ImportError:
        hashlib = None
    if hasattr(hashlib, "sha1"):  # MicroPython, CPython
        digest = hashlib.sha1(key + _GUID).digest()
    elif hasattr(hashlib, "new"):  # CircuitPython: hashlib.new("sha1") only
        digest = hashlib.new("sha1", key + _GUID).digest()
    else:  # a MicroPython firmware built without SHA-1 (no TLS library)
        digest = load("sha1").digest

        digest = digest(key + _GUID)
    resp.headers_sent = True  # no other status line may follow this one
    await resp._write(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Accept: " + binascii.b2a_base64(digest).strip() + b"\r\n\r\n"
    )
    return WebSocket(req, max_message_size, ping_ms)


def _unmask(buf, start, mask):
    """XOR buf[start:] with the client's 4-byte mask (section 5.3), in place."""
    for i in range(start, len(buf)):
        buf[i] ^= mask[(i - start) & 3]


class _Failed(Exception):
    """The client broke the protocol: close with this code."""


class WebSocket:
    """One WebSocket connection: `await ws.receive()`, `await ws.send(msg)`,
    `await ws.close(code)`. `closed` tells whether it is over, `close_code` the code the
    closing side gave (1005: none, 1006: the connection was lost without a close frame).
    """

    closed = False
    close_code = None

    def __init__(self, req, max_message_size, ping_ms):
        # The request lends its stream, its receive buffer (bytes of the first frames may
        # have arrived with the head; once the slot is given back, the small buffer of
        # release_slot) and its deadline for the watchdog.
        self.req = req
        self.max_message_size = max_message_size
        self._ping_ms = ping_ms

    # ---- reading, through the connection's receive buffer ---------------------------

    async def _fill(self, n):
        """At least n (<= 14) bytes buffered at req._pos; EOFError at end of stream."""
        req = self.req
        if req._pos == req._len:
            req._pos = req._len = 0
        while req._len - req._pos < n:
            if req._pos + n > len(req._buf):  # a head split at the buffer's end
                rest = bytes(req._mv[req._pos : req._len])
                req._len = len(rest)
                req._mv[: req._len] = rest
                req._pos = 0
            got = await req.reader.readinto(req._mv[req._len :])
            if got is None:  # MicroPython: woken with nothing to read yet
                continue
            if not got:
                raise EOFError
            req._len += got

    async def _head(self):
        """The next frame's head: (opcode, fin, payload length, mask or None)."""
        await self._fill(2)
        req = self.req
        buf = req._buf
        b0 = buf[req._pos]
        n = buf[req._pos + 1]
        size = 2 + (n >> 7) * 4  # the mask follows the length
        length = n & 127
        if length == 126:
            size += 2
        elif length == 127:
            size += 8
        await self._fill(size)
        pos = req._pos
        if length >= 126:
            length = 0
            for i in range(pos + 2, pos + size - (n >> 7) * 4):
                length = (length << 8) | buf[i]
        mask = bytes(req._mv[pos + size - 4 : pos + size]) if n & 128 else None
        req._pos = pos + size
        op = b0 & 15
        # No extension was negotiated, so no reserved bit may be set; opcodes 3-7 and 11-15
        # are reserved; a control frame is never fragmented and carries at most 125 bytes;
        # every frame from a client is masked (section 5.1).
        if (
            b0 & 0x70
            or (op > _BINARY and op < _CLOSE)
            or op > _PONG
            or (op >= _CLOSE and (not b0 & 128 or length > 125))
            or mask is None
        ):
            raise _Failed(_PROTOCOL_ERROR, length)
        return op, b0 & 128, length, mask

    async def _read(self, buf, start):
        """Fill buf[start:] with payload: what is buffered first, then from the stream."""
        req = self.req
        mv = memoryview(buf)
        have = min(req._len - req._pos, len(buf) - start)
        mv[start : start + have] = req._mv[req._pos : req._pos + have]
        req._pos += have
        start += have
        while start < len(buf):
            got = await req.reader.readinto(mv[start:])
            if got is None:
                continue
            if not got:
                raise EOFError
            start += got

    async def _skip(self, n):
        """Read n payload bytes and drop them, through the receive buffer."""
        req = self.req
        have = min(req._len - req._pos, n)
        req._pos += have
        n -= have
        while n > 0:
            req._pos = req._len = 0
            got = await req.reader.readinto(req._mv[: min(n, len(req._mv))])
            if got is None:
                continue
            if not got:
                raise EOFError
            n -= got

    def _timed_out(self):
        """After a CancelledError: True when it was the watchdog (swallowed here), False
        when the server is shutting down (to be raised on)."""
        req = self.req
        if not req._timed_out:
            return False
        req._timed_out = False
        if hasattr(req._task, "uncancel"):  # CPython 3.11+: count the cancel as handled
            req._task.uncancel()
        return True

    async def receive(self):
        """The next message: str for text, bytes for binary; None once the connection is
        closed (by either side, or lost). Pings are answered while it waits."""
        req = self.req
        message = None
        text = False
        pinged = False
        try:
            while not self.closed:
                # Waiting for the next message: only the ping interval bounds this. The next
                # fragment of a message begun must come within request_timeout.
                if message is not None:
                    req._deadline = ticks_add(ticks_ms(), req._timeout)
                elif self._ping_ms:
                    req._deadline = ticks_add(ticks_ms(), self._ping_ms)
                try:
                    await self._fill(2)
                except asyncio.CancelledError:
                    if not self._timed_out():
                        raise
                    if pinged or message is not None:
                        # Silent for two intervals, or stalled inside a message: gone. Our
                        # close frame is sent, not waited on.
                        self._lost()
                        self.close_code = _SERVER_ERROR
                        await self._send(_CLOSE, bytes((_SERVER_ERROR >> 8, _SERVER_ERROR & 255)))
                        break
                    pinged = True
                    await self._send(_PING, b"")
                    continue
                pinged = False  # the client is there
                # A frame has begun: it must arrive within request_timeout.
                req._deadline = ticks_add(ticks_ms(), req._timeout)
                op, fin, n, mask = await self._head()
                if op >= _CLOSE:
                    data = bytearray(n)
                    await self._read(data, 0)
                    _unmask(data, 0, mask)
                    req._deadline = None
                    if op == _PING:
                        await self._send(_PONG, data)
                    elif op == _CLOSE:
                        await self._closed_by_client(data)
                        return None
                    continue  # a pong
                if (op == _CONT) != (message is not None):
                    # A continuation with no message begun, or a new message inside one.
                    raise _Failed(_PROTOCOL_ERROR, n)
                start = 0 if message is None else len(message)
                if start + n > self.max_message_size:
                    raise _Failed(_TOO_BIG, n)
                if message is None:
                    message = bytearray(n)
                    text = op == _TEXT
                else:
                    message.extend(bytes(n))
                await self._read(message, start)
                _unmask(message, start, mask)
                req._deadline = None
                if fin:
                    if not text:
                        return bytes(message)
                    try:
                        return str(message, "utf-8")
                    except UnicodeError:
                        raise _Failed(_INVALID_DATA, 0)
        except _Failed as e:
            await self._close(e.args[0], e.args[1])
        except EOFError:
            self._lost()
        except OSError as e:
            if not load("errors").is_peer_gone(e):
                raise
            self._lost()
        except asyncio.CancelledError:
            # The watchdog, in the middle of a frame: a stalled client.
            if not self._timed_out():
                raise
            self._lost()
        req._deadline = None
        return None

    def _lost(self):
        self.closed = True
        self.close_code = _ABNORMAL

    async def _closed_by_client(self, data):
        """The client's close frame: answer with its code (section 5.5.1), then done."""
        code = _NO_STATUS if not data else _PROTOCOL_ERROR
        if len(data) >= 2:
            code = data[0] << 8 | data[1]
            # Codes a close frame may carry (section 7.4): 1000-1003, 1007-1014, 3000-4999.
            if not (1000 <= code <= 1003 or 1007 <= code <= 1014 or 3000 <= code <= 4999):
                code = _PROTOCOL_ERROR
        self.closed = True
        self.close_code = code
        await self._send(_CLOSE, b"" if code == _NO_STATUS else bytes((code >> 8, code & 255)))

    # ---- writing ----------------------------------------------------------------------

    async def _send(self, op, data):
        """One whole frame (server frames are not masked), bounded by request_timeout."""
        n = len(data)
        if n < 126:
            head = bytes((128 | op, n))
        elif n < 65536:
            head = bytes((128 | op, 126, n >> 8, n & 255))
        else:
            head = bytes((128 | op, 127, 0, 0, 0, 0, n >> 24, (n >> 16) & 255, (n >> 8) & 255))
            head += bytes((n & 255,))
        req = self.req
        armed = req._arm()
        stream = req.reader
        stream.write(head)  # head and payload queued together: frames never interleave
        if n:
            stream.write(data)
        await stream.drain()
        if armed:
            req._deadline = None

    async def send(self, message):
        """Send a message: str as text, bytes (bytearray, memoryview) as binary.

        OSError once the connection is closed or the client is gone (tinyweb then ends
        the handler quietly, if it lets the error through)."""
        if self.closed:
            raise OSError(32)  # EPIPE: what writing to a closed socket says
        if isinstance(message, str):
            await self._send(_TEXT, message.encode("utf-8"))
        else:
            await self._send(_BINARY, message)

    async def close(self, code=_NORMAL, reason=""):
        """Close with a status code (1000: normal) and a short reason; waits (bounded) for
        the client's close frame. Nothing happens if the connection is closed already."""
        if not self.closed:
            await self._close(code, 0, reason)

    async def _close(self, code, skip, reason=""):
        """Send our close frame, then read on until the client's: skipped, bounded in bytes
        and by request_timeout, so that closing the socket does not reset the connection
        before the client has read our close frame. `skip`: payload bytes of the current
        frame still to come."""
        self.closed = True
        self.close_code = code
        req = self.req
        try:
            await self._send(_CLOSE, bytes((code >> 8, code & 255)) + reason.encode("utf-8"))
            req._deadline = ticks_add(ticks_ms(), req._timeout)
            left = _LINGER_BYTES - skip
            while left >= 0:
                await self._skip(skip)
                op, _, skip, _ = await self._head()
                if op == _CLOSE:
                    break
                left -= skip
        except asyncio.CancelledError:
            if not self._timed_out():
                raise
        except Exception:  # the client is gone, or broke the protocol once more
            pass
        req._deadline = None
