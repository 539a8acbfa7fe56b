"""Reading a request body in pieces: into the caller's buffer, or as an async iterator.

Loaded the first time an app calls `req.read_into()` or `req.body_chunks()`, or a chunked
body (`Transfer-Encoding: chunked`) is read or drained. Every read may stall at most
`request_timeout` (the server's watchdog), and a body never passes the route's
`max_body_size` (413): a Content-Length over it is refused before the handler runs, a
chunked body when its chunks add up past it.

    @app.route('/upload', methods=['PUT'], max_body_size=4 * 1024 * 1024)
    async def upload(req, resp):
        with open('fw.bin', 'wb') as f:
            async for chunk in req.body_chunks():   # memoryviews of the receive buffer
                f.write(chunk)
        await resp.send_body('ok')

The body flows through the connection's own receive buffer: reading it allocates nothing.
"""

from .compat import const
from .request import HTTPException

# Holds nothing between calls: dropped when the heap runs out, and loaded again (compat.load).
_RELOADABLE = True

_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"

# req._body_left, besides the bytes left of a Content-Length body or of the current chunk:
_SIZE_NEXT = const(-1)  # a chunked body, at a chunk-size line (the first)
_CRLF_NEXT = const(-2)  # a chunked body, after a chunk's data: CRLF, then a chunk-size line

# The longest chunk-size line (hex digits, extensions) and how many trailer lines are read.
_MAX_SIZE_LINE = const(128)
_MAX_TRAILERS = const(16)


async def _receive(req):
    # Receive more into the receive buffer, after what it holds (moved to the front);
    # under the watchdog. 400 when the client ends its body early.
    pos = req._pos
    if pos == req._len:
        req._pos = req._len = 0
    elif pos:
        rest = bytes(req._mv[pos : req._len])
        req._len = len(rest)
        req._mv[: req._len] = rest
        req._pos = 0
    if req.expect_continue:
        # The client waits for this before it sends the body (RFC 9110 section 10.1.1).
        req.expect_continue = False
        req.reader.write(_CONTINUE)
        await req.reader.drain()
    armed = req._arm()
    while True:
        n = await req.reader.readinto(req._mv[req._len :])
        if n is not None:  # None: MicroPython woke us with nothing to read yet
            break
    if armed:
        req._deadline = None
    if not n:
        raise HTTPException(400)  # the client stopped before the end of its body
    req._len += n


async def _size_line(req):
    # The next line of a chunked body's framing, as bytes (CR LF excluded); 400 past
    # _MAX_SIZE_LINE.
    while True:
        i = req._buf.find(b"\n", req._pos, req._len)
        if i >= 0:
            line = bytes(req._mv[req._pos : i])
            req._pos = i + 1
            return line.rstrip(b"\r")
        if req._len - req._pos > _MAX_SIZE_LINE:
            raise HTTPException(400)
        await _receive(req)


async def _next_chunk(req):
    # Read a chunk's framing (RFC 9112 section 7.1): the size of the next chunk, 0 at
    # the last one (trailers read and dropped). 413 once the chunks add up past the route's
    # max_body_size; 400 for framing that is not hex sizes and CR LF.
    if req._body_left == _CRLF_NEXT:
        if await _size_line(req):
            raise HTTPException(400)
    elif req.version == b"HTTP/1.0":
        # RFC 9112 section 6.1: Transfer-Encoding in an HTTP/1.0 message is faulty framing.
        raise HTTPException(400)
    line = await _size_line(req)
    i = line.find(b";")  # chunk extensions are ignored
    digits = (line if i < 0 else line[:i]).strip()
    if not digits or len(digits) > 8:
        raise HTTPException(400)
    size = 0
    for c in digits:  # hex digits only: no sign, no 0x, no white space inside
        c |= 0x20  # lower case
        if 48 <= c <= 57:
            size = size * 16 + c - 48
        elif 97 <= c <= 102:
            size = size * 16 + c - 87
        else:
            raise HTTPException(400)
    if size == 0:
        for _ in range(_MAX_TRAILERS):
            if not await _size_line(req):
                req._body_left = 0
                return 0
        raise HTTPException(400)
    # For a chunked body content_length counts what has been announced so far.
    req.content_length += size
    if req.content_length > req.max_body_size:
        raise HTTPException(413)
    req._body_left = size
    return size


async def take(req, most):
    # The next piece of the body, at most `most` bytes, as (start, n): the piece is
    # req._buf[start:start + n]; n is 0 at the end of the body.
    left = req._body_left
    if left < 0:
        left = await _next_chunk(req)
    if left <= 0:
        req._body_left = 0
        return 0, 0
    if req._pos == req._len:
        await _receive(req)
    pos = req._pos
    n = min(most, left, req._len - pos)
    req._pos = pos + n
    left -= n
    req._body_left = _CRLF_NEXT if left == 0 and req.chunked else left
    return pos, n


async def read_into(req, buf):
    # Read the next part of the body into `buf` (bytearray or memoryview); the number of
    # bytes read, 0 at the end of the body.
    #
    #     buf = bytearray(512)
    #     while True:
    #         n = await req.read_into(buf)
    #         if not n:
    #             break
    #         f.write(memoryview(buf)[:n])
    start, n = await take(req, len(buf))
    if n:
        buf[:n] = req._mv[start : start + n]
    return n


class body_chunks:
    # `async for chunk in req.body_chunks(size)`: the body as memoryviews of at most `size`
    # bytes (default: as much as the receive buffer holds). A chunk is a view of the
    # connection's receive buffer, good until the next one is taken: write it, hash it or
    # copy it (`bytes(chunk)`), do not keep it.

    def __init__(self, req, size=None):
        self.req = req
        self.size = size or len(req._buf)

    def __aiter__(self):
        return self

    async def __anext__(self):
        req = self.req
        start, n = await take(req, self.size)
        if not n:
            raise StopAsyncIteration
        return req._mv[start : start + n]


async def read_all(req):
    # A chunked body as bytes, up to max_body_size (read_body() for chunked bodies).
    parts = []
    while True:
        start, n = await take(req, 1 << 30)
        if not n:
            return b"".join(parts)
        parts.append(bytes(req._mv[start : start + n]))


async def drain(req, limit):
    # Read and drop a chunked body, up to `limit` bytes of it.
    while limit > 0:
        _, n = await take(req, limit)
        if not n:
            return
        limit -= n
