"""What the server reads only to drop: a header line too long for the receive buffer whose
name the route does not keep, and a body the handler left unread (or that an error
answer leaves behind), so that closing (or the next request) does not meet it.

Loaded the first time a request carries either; apart from tinyweb.body, which an app
calls, so that a board compiling from .py needs heap for one of the two at a time.

    await discard(req, req._body_left)      # drop the rest of the body, as it arrives
"""

from .compat import const, load
from .request import _wanted

# Holds nothing between calls: dropped when the heap runs out, and loaded again (compat.load).
_RELOADABLE = True

# The longest header line dropped unread (nginx's large_client_header_buffers is 8 KB).
_SKIP_MAX = const(8192)


async def skip_line(req, lengths):
    # Drop an overlong header line whose name nobody wants, as it arrives: True once its
    # LF is read; False when its name is one the route keeps, or cannot be told.
    buf = req._buf
    pos = req._pos
    colon = buf.find(b":", pos, req._len)
    if colon < 0 or _wanted(buf, pos, colon - pos, lengths):
        return False
    left = _SKIP_MAX
    while True:
        i = buf.find(b"\n", req._pos, req._len)
        left -= (req._len if i < 0 else i) - req._pos
        if left < 0:
            return False
        if i >= 0:
            req._pos = i + 1
            return True
        req._pos = req._len = 0
        n = await req.reader.readinto(req._mv)
        if n is None:  # MicroPython: woken with nothing to read yet
            continue
        if not n:
            raise EOFError
        req._len = n


async def discard(req, limit):
    # Read and drop what the client still sends, up to `limit` bytes or its end.
    #
    # Closing a socket with unread input makes the kernel reset the connection, and the
    # client may lose our answer with it; so input nobody wants is read first.
    left = req._body_left
    if req._buf is None:
        return
    if left < 0:  # a chunked body: decoded as it is dropped, so its end is seen
        drain = load("stream_body").drain

        await drain(req, limit if limit > 0 else req.max_body_size)
        return
    req._body_left = 0
    n = min(left, limit) if left else limit
    # What is buffered already: past the body there may be the next request (keep-alive).
    have = min(n, req._len - req._pos)
    req._pos += have
    n -= have
    if left > limit:
        req._body_left = left - limit  # more than the limit: the connection must close
    mv = req._mv
    while n > 0:
        got = await req.reader.readinto(mv[: min(n, len(mv))])
        if got is None:  # MicroPython: woken with nothing to read yet
            continue
        if not got:
            return
        n -= got
