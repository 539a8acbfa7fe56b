"""multipart/form-data (RFC 7578), streamed: an HTML form's fields and files, part by part.

Loaded the first time an app calls `req.parts()` or `read_parse_form_data()` meets a
multipart body. The body flows through one window (the receive buffer's size plus the
boundary), so a file of any size passes through a fixed amount of heap; each part's
header block, each text field and the number of parts are bounded, the whole body by the
route's `max_body_size`.

    @app.route('/upload', methods=['POST'], max_body_size=4 * 1024 * 1024)
    async def upload(req, resp):
        async for part in req.parts():
            if part.filename is None:
                print(part.name, '=', await part.text())       # a text field
            else:
                with open('upload.bin', 'wb') as f:
                    async for chunk in part:                     # memoryviews, in order
                        f.write(chunk)
        await resp.send_body('ok')
"""

from .compat import const, load
from .request import HTTPException

_MAX_PART_HEADERS = const(8)  # header lines in one part (browsers send 2 or 3)
_MAX_BOUNDARY = const(70)  # RFC 2046 section 5.1.1
_MIN_WINDOW = const(256)

# Where the reader is: in a part's data (or the preamble before the first boundary), just
# past a boundary, or past the last one.
_DATA = const(1)
_BOUNDARY = const(2)
_DONE = const(3)


def param(value, key):
    # The parameter `key` of a header value as bytes (quotes removed), None if absent:
    # param(b'form-data; name="a"; filename="x;y.txt"', b'filename') is b'x;y.txt'.
    i = value.find(b";")
    n = len(value)
    while 0 <= i < n:
        i += 1
        eq = value.find(b"=", i)
        if eq < 0:
            return None
        name = value[i:eq].strip().lower()
        j = eq + 1
        while j < n and (value[j] == 32 or value[j] == 9):  # white space
            j += 1
        if j < n and value[j] == 34:  # a quoted string: up to the closing quote
            end = value.find(b'"', j + 1)
            if end < 0:
                end = n
            found = value[j + 1 : end]
            i = value.find(b";", end)
        else:
            end = value.find(b";", j)
            found = value[j : n if end < 0 else end].strip()
            i = end
        if name == key:
            return found
    return None


def _text(data):
    try:
        return data.decode("utf-8")
    except ValueError:  # UnicodeError on MicroPython and CPython
        raise HTTPException(400)


class parts:
    # `async for part in req.parts()`: the parts of a multipart/form-data body, in order.
    #
    # max_parts   most parts (413 past it); max_field  longest `part.text()` (413 past it)
    # size        bytes the window holds (default: the receive buffer's size)
    #
    # 415 for another content type, 400 for a body that is not multipart as announced.
    # A part not read to its end is skipped when the next one is asked for.

    def __init__(self, req, max_parts=32, max_field=1024, size=None):
        ctype = req.content_type
        if ctype.split(b";", 1)[0].strip().lower() != b"multipart/form-data":
            raise HTTPException(415)
        boundary = param(ctype, b"boundary")
        if not boundary or len(boundary) > _MAX_BOUNDARY:
            raise HTTPException(400)
        self.req = req
        self.max_parts = max_parts
        self.max_field = max_field
        self.delim = b"\r\n--" + boundary
        n = max(size or len(req._buf), _MIN_WINDOW) + len(self.delim)
        self.w = bytearray(n)
        self.mv = memoryview(self.w)
        # The body is read as if it began with CR LF, so that the first boundary looks like
        # every other one; what comes before it (the preamble) is skipped as a part's data.
        self.w[:2] = b"\r\n"
        self.pos = 0
        self.end = 2
        self.state = _DATA
        self.count = 0
        self.part = None

    async def _more(self):
        # Receive more of the body behind what the window holds; False at its end.
        w = self.w
        if self.pos:
            rest = bytes(self.mv[self.pos : self.end])
            self.end = len(rest)
            self.mv[: self.end] = rest
            self.pos = 0
        if self.end == len(w):
            raise HTTPException(400)  # a part's header line longer than the window
        # Looked up here, not imported: tinyweb.stream_body may be dropped and loaded again.
        take = load("stream_body").take

        start, n = await take(self.req, len(w) - self.end)
        if not n:
            return False
        self.mv[self.end : self.end + n] = self.req._mv[start : start + n]
        self.end += n
        return True

    async def _data(self, most):
        # The next piece of the current part's data (a memoryview of the window), or None
        # at its end (the boundary is consumed).
        delim = self.delim
        while True:
            i = self.w.find(delim, self.pos, self.end)
            if i == self.pos:
                self.pos += len(delim)
                self.state = _BOUNDARY
                return None
            # Up to the boundary; or, with none in sight, all but a tail that could be the
            # start of one.
            stop = i if i > 0 else self.end - len(delim) + 1
            if stop > self.pos:
                stop = min(stop, self.pos + most)
                chunk = self.mv[self.pos : stop]
                self.pos = stop
                return chunk
            if not await self._more():
                raise HTTPException(400)  # the body ended inside a part

    async def _line(self):
        # The next header line of a part, as bytes without its CR LF.
        while True:
            i = self.w.find(b"\r\n", self.pos, self.end)
            if i >= 0:
                line = bytes(self.mv[self.pos : i])
                self.pos = i + 2
                return line
            if not await self._more():
                raise HTTPException(400)

    def __aiter__(self):
        return self

    async def __anext__(self):
        while self.state == _DATA:  # the rest of a part the app did not read, or the preamble
            await self._data(len(self.w))
        if self.state == _DONE:
            raise StopAsyncIteration
        while self.end - self.pos < 2:
            if not await self._more():
                raise HTTPException(400)
        after = bytes(self.mv[self.pos : self.pos + 2])
        self.pos += 2
        if after == b"--":  # the last boundary: the rest (epilogue) is drained by the server
            self.state = _DONE
            self.part = None
            raise StopAsyncIteration
        if after != b"\r\n":
            raise HTTPException(400)
        self.count += 1
        if self.count > self.max_parts:
            raise HTTPException(413)
        part = Part(self)
        for _ in range(_MAX_PART_HEADERS + 1):
            line = await self._line()
            if not line:
                break
            colon = line.find(b":")
            if colon <= 0:
                raise HTTPException(400)
            name = line[:colon].strip().lower()
            value = line[colon + 1 :].strip()
            if name == b"content-disposition":
                field = param(value, b"name")
                if field is None:
                    raise HTTPException(400)
                part.name = _text(field)
                filename = param(value, b"filename")
                if filename is not None:
                    part.filename = _text(filename)
            elif name == b"content-type":
                part.content_type = _text(value)
        else:
            raise HTTPException(400)  # more header lines than a part has
        if part.name is None:
            raise HTTPException(400)  # form-data parts are named (RFC 7578 section 4.2)
        self.state = _DATA
        self.part = part
        return part


class Part:
    # One part of a form: `name`, `filename` (None for a text field), `content_type`.
    #
    # `async for chunk in part` gives its data as memoryviews (good until the next chunk);
    # `await part.read()` the whole of it as bytes, `await part.text()` as str (both up to a
    # limit: 413 past it).

    name = None
    filename = None
    content_type = "text/plain"

    def __init__(self, reader):
        self._reader = reader

    def __aiter__(self):
        return self

    async def __anext__(self):
        reader = self._reader
        if reader.part is not self or reader.state != _DATA:
            raise StopAsyncIteration
        chunk = await reader._data(len(reader.w))
        if chunk is None:
            raise StopAsyncIteration
        return chunk

    async def read(self, limit=None):
        # The part's data as bytes; 413 past `limit` (default: the route's max_body_size).
        if limit is None:
            limit = self._reader.req.max_body_size
        pieces = []
        size = 0
        async for chunk in self:
            size += len(chunk)
            if size > limit:
                raise HTTPException(413)
            pieces.append(bytes(chunk))
        return b"".join(pieces)

    async def text(self, limit=None):
        # The part's data as str (UTF-8); 413 past `limit` (default: the reader's
        # max_field), 400 when it is not UTF-8.
        return _text(await self.read(self._reader.max_field if limit is None else limit))


async def read_form(req):
    # read_parse_form_data() for multipart/form-data: text fields as str, files as bytes
    # (the whole body is within max_body_size).
    form = {}
    async for part in parts(req):
        if part.filename is None:
            form[part.name] = await part.text()
        else:
            form[part.name] = await part.read()
    return form
