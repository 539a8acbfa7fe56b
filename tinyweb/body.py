"""Reading a request's body (whole, or parsed as a form or JSON) and decoding its query
string and path: the request's methods most apps never call.

Loaded the first time an app calls one (`request.__getattr__` finds them in
`RequestMethods`). A body left unread is dropped by tinyweb.discard.

    data = await req.read_parse_form_data()   # {'user': 'ann'}
    req.query()                               # {'q': 'a b'} for /search?q=a+b
"""

from .compat import const, lazy_method, load
from .request import HTTPException

# Holds nothing between calls: dropped when the heap runs out, and loaded again (compat.load).
_RELOADABLE = True

_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"

# Deepest a JSON body may nest (400 past it). MicroPython's parser holds every open array and
# object in the heap, about 32 bytes a level on a 32-bit board (a 1 KB body of "[" takes
# 32 KB); CPython's stops at its recursion limit (about 1,000). A device's JSON nests a few
# levels.
_JSON_DEPTH = const(64)


async def read_body(req):
    """The whole body as bytes (b"" when there is none); 413 past the route's limit."""
    n = req._body_left
    if req.chunked:
        if not n:
            return b""
        read_all = load("stream_body").read_all

        return await read_all(req)
    if n == 0:
        return b""
    if n > req.max_body_size:
        raise HTTPException(413)
    req._body_left = 0
    pos = req._pos
    have = req._len - pos
    if have >= n:  # all of it arrived with the head
        req._pos = pos + n
        return bytes(req._mv[pos : pos + n])
    parts = [bytes(req._mv[pos : req._len])]
    req._pos = req._len
    armed = req._arm()
    if req.expect_continue:
        req.reader.write(_CONTINUE)
        await req.reader.drain()
    while have < n:
        more = await req.reader.read(n - have)
        if not more:
            raise HTTPException(400)  # the client stopped short of its Content-Length
        parts.append(more)
        have += len(more)
    if armed:
        req._deadline = None
    return b"".join(parts)


async def read_parse_form_data(req):
    """Read the body and parse it as a form or JSON: always a dict ({} when no body).

    application/x-www-form-urlencoded gives str values, application/json whatever the JSON
    holds (its top level must be an object), multipart/form-data str fields and bytes
    files. 400 when the body does not parse; 415 for a body of any other type (a body
    without Content-Type is left unread, {}, as in TinyWeb).
    """
    if not req._body_left or not req.content_type:
        return {}
    ctype = req.content_type.split(b";", 1)[0].strip().lower()
    if ctype == b"multipart/form-data":
        read_form = load("multipart").read_form

        return await read_form(req)
    if ctype != b"application/x-www-form-urlencoded" and ctype != b"application/json":
        raise HTTPException(415)
    body = await read_body(req)
    if ctype == b"application/x-www-form-urlencoded":
        parse_query_string = load("urlencoded").parse_query_string

        return parse_query_string(body)
    if ctype == b"application/json":
        import json

        # Only a body with more brackets than the limit is walked byte by byte.
        if body.count(b"[") + body.count(b"{") > _JSON_DEPTH and _too_deep(body):
            raise HTTPException(400)
        try:
            data = json.loads(body)
        except (ValueError, RuntimeError):  # RuntimeError: nested past the recursion limit
            raise HTTPException(400)
        if not isinstance(data, dict):
            raise HTTPException(400)
        return data


def _too_deep(body):
    # True when JSON text nests arrays and objects deeper than _JSON_DEPTH (brackets
    # inside strings do not count).
    depth = 0
    in_string = False
    escaped = False
    for c in body:
        if in_string:
            if escaped:
                escaped = False
            elif c == 92:  # backslash
                escaped = True
            elif c == 34:  # quote
                in_string = False
        elif c == 34:
            in_string = True
        elif c == 91 or c == 123:  # [ {
            depth += 1
            if depth > _JSON_DEPTH:
                return True
        elif c == 93 or c == 125:  # ] }
            depth -= 1
    return False


def query(req):
    """The query string parsed into a dict of str: /search?q=a+b gives {'q': 'a b'}."""
    parse_query_string = load("urlencoded").parse_query_string

    return parse_query_string(req.query_string)


def path_text(req):
    """The path as str, percent-decoded."""
    from .urlencoded import decode_text, unquote_bytes

    return decode_text(unquote_bytes(req.path))


class RequestMethods:
    """The methods a request finds here on first use: `req.read_body()` and so on."""

    read_body = read_body
    read_parse_form_data = read_parse_form_data

    async def read_into(req, buf):
        """Read the next part of the body into `buf`: the count, 0 at its end
        (tinyweb.stream_body.read_into)."""
        read_into = load("stream_body").read_into

        return await read_into(req, buf)

    def body_chunks(req, size=None):
        """`async for chunk in req.body_chunks(size)`: the body as memoryviews of the receive
        buffer, each good until the next (tinyweb.stream_body.body_chunks)."""
        body_chunks = load("stream_body").body_chunks

        return body_chunks(req, size)

    def parts(req, max_parts=32, max_field=1024, size=None):
        """`async for part in req.parts()`: a multipart/form-data body, part by part; 413
        past max_parts or max_field, 415 for another type (tinyweb.multipart.parts)."""
        parts = load("multipart").parts

        return parts(req, max_parts, max_field, size)

    query = query
    path_text = path_text


def attribute(req, name):
    # What `req.name` is when the request has no such attribute: `req.cookies` (parsed once,
    # then kept on the request), or a method of RequestMethods bound to the request.
    if name == "cookies":
        request_cookies = load("cookies").request_cookies

        req.cookies = cookies = request_cookies(req)
        return cookies
    return lazy_method(req, RequestMethods, name)
