"""The HTTP request a handler receives: bytes fields, only the headers the route saves.

It also reads the request from the connection's stream, with every line and body bounded:
the core splits lines itself because MicroPython's `StreamReader.readline()` has no limit.

    @app.route('/login', methods=['POST'], save_headers=['Content-Type'])
    async def login(req, resp):
        form = await req.read_parse_form_data()   # {'user': 'ann'}
"""

from .protocol import (
    HTTPException,
    decode_text,
    parse_content_length,
    parse_query_string,
    parse_request_line,
    unquote_bytes,
)

# Headers the core always looks at, saved or not. A header line whose name has neither the
# length and first letter of one of these nor a saved header's length is skipped without
# copying a byte.
_CONTENT_LENGTH = b"content-length"
_CONTENT_TYPE = b"content-type"
_TRANSFER_ENCODING = b"transfer-encoding"
_EXPECT = b"expect"

_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class LineTooLong(Exception):
    """A line grew past `max_line` bytes without its LF."""


class request:
    """One HTTP request. Strings are bytes, as in TinyWeb: `req.method == b'GET'`.

    Fields that most requests leave at their default are class attributes, so they take no
    room in the instance until set.
    """

    method = b""
    path = b""
    query_string = b""
    version = b""
    # What the core needs about the body, whether or not the route saves these headers.
    content_length = 0
    content_type = b""
    chunked = False
    expect_continue = False
    max_body_size = 1024
    # The matched route, and the path parameters of a parameterized URL ({'id': '42'}).
    route = None
    path_params = {}  # never mutated: the server sets a new dict when there are parameters
    # The server's per-connection deadline keeper (None when used on its own).
    _conn = None
    _body_left = 0

    def __init__(self, _reader, buffer=None, max_line=512, _view=None):
        # The connection's stream (TinyWeb called it the reader).
        self.reader = _reader
        # Only the headers named by the route's `save_headers`, keyed by the names given
        # there (b'Content-Length'), whatever case the client used.
        self.headers = {}
        # The head is read into `buffer`, which the server lends for the connection and
        # reuses for the next one: no allocation per read. _buf[_pos:_len] is received and
        # not yet consumed; a line is handed out as offsets (start, end), so a header
        # nobody keeps is never copied.
        if buffer is None:
            buffer = bytearray(512)
        self._buf = buffer
        self._mv = memoryview(buffer) if _view is None else _view
        self._max_line = max_line
        self._pos = 0
        self._len = 0

    # ---- reading the head -------------------------------------------------------------

    def _take_line(self):
        """Consume the next whole line if it is buffered: the index where its text ends (its
        CR LF or LF excluded), or -1 when no whole line is there yet. The line starts at
        what _pos was before the call."""
        pos = self._pos
        i = self._buf.find(b"\n", pos, self._len)
        if i < 0:
            if self._len - pos > self._max_line:
                raise LineTooLong
            return -1
        if i - pos > self._max_line:
            raise LineTooLong
        self._pos = i + 1
        if i > pos and self._buf[i - 1] == 13:  # CR
            i -= 1
        return i

    def _bytes(self, start, end):
        """A copy of part of the buffer, as bytes (what handlers get)."""
        return bytes(self._mv[start:end])

    async def _receive(self):
        """Read more into the buffer behind what is there; EOFError when the stream ended."""
        if self._len == len(self._buf):
            if self._pos == 0:
                raise LineTooLong  # a line as long as the whole buffer
            # Move the unconsumed tail to the front. Rare: only a head longer than the buffer.
            rest = self._bytes(self._pos, self._len)
            self._len = len(rest)
            self._mv[: self._len] = rest
            self._pos = 0
        n = await self.reader.readinto(self._mv[self._len :])
        if not n:
            raise EOFError
        self._len += n

    async def _wait_line(self):
        """Receive until a whole line is buffered; its (start, end). Only when _take_line()
        found none: the usual line is taken without a coroutine or a tuple."""
        while True:
            await self._receive()
            start = self._pos
            end = self._take_line()
            if end >= 0:
                return start, end

    async def read_request_line(self):
        """Read and parse "GET /path?query HTTP/1.1"; 400 or 414 when it is not that."""
        try:
            for _ in range(3):  # RFC 9112 section 2.2: skip empty lines before a request
                start = self._pos
                end = self._take_line()
                if end < 0:
                    start, end = await self._wait_line()
                if end > start:
                    break
        except LineTooLong:
            raise HTTPException(414)
        parsed = parse_request_line(self._bytes(start, end))
        if parsed is None:
            raise HTTPException(400)
        self.method, self.path, self.query_string, self.version = parsed

    async def read_headers(self, save_headers=None, max_headers=32):
        """Read header lines up to the blank line, keeping only those in `save_headers`.

        `save_headers` is a list of names, as in TinyWeb, or a HeaderFilter made of one
        (routes prepare theirs once).
        """
        if not isinstance(save_headers, HeaderFilter):
            save_headers = HeaderFilter(save_headers or ())
        saved = save_headers.names
        lengths = save_headers.lengths
        count = 0
        while True:
            try:
                start = self._pos
                end = self._take_line()
                if end < 0:
                    start, end = await self._wait_line()
            except LineTooLong:
                raise HTTPException(431)
            if start == end:
                return
            count += 1
            if count > max_headers:
                raise HTTPException(431)
            data = self._buf
            colon = data.find(b":", start, end)
            # RFC 9112 section 5: no empty name, no white space before the colon, and no
            # obsolete line folding (a line that starts with white space).
            if colon <= start or data[colon - 1] in (32, 9) or data[start] in (32, 9):
                raise HTTPException(400)
            n = colon - start
            c = data[start] | 0x20  # first letter, lower case
            if n not in lengths and not (
                (c == 99 and (n == 14 or n == 12))  # content-length, content-type
                or (c == 116 and n == 17)  # transfer-encoding
                or (c == 101 and n == 6)  # expect
            ):
                continue
            name = self._bytes(start, colon).lower()
            value = self._bytes(colon + 1, end).strip()
            if name == _CONTENT_LENGTH:
                length = parse_content_length(value)
                if length is None or (self._body_left and length != self.content_length):
                    raise HTTPException(400)
                self.content_length = self._body_left = length
            elif name == _CONTENT_TYPE:
                self.content_type = value
            elif name == _TRANSFER_ENCODING:
                self.chunked = True
            elif name == _EXPECT:
                self.expect_continue = value.lower() == b"100-continue"
            key = saved.get(name)
            if key is not None:
                self.headers[key] = value

    # ---- reading the body -------------------------------------------------------------

    async def read_body(self):
        """The whole request body as bytes (b"" when there is none); 413 past the limit."""
        if self.chunked:
            raise HTTPException(411)  # chunked request bodies are not supported: ask length
        n = self._body_left
        if n == 0:
            return b""
        if n > self.max_body_size:
            raise HTTPException(413)
        self._body_left = 0
        pos = self._pos
        have = self._len - pos
        if have >= n:  # all of it arrived with the head
            self._pos = pos + n
            return self._bytes(pos, pos + n)
        parts = [self._bytes(pos, self._len)]
        self._pos = self._len
        conn = self._conn
        armed = conn.arm() if conn is not None else False
        if self.expect_continue:
            await self.reader.write(_CONTINUE)
        while have < n:
            more = await self.reader.read(n - have)
            if not more:
                raise HTTPException(400)  # the client stopped short of its Content-Length
            parts.append(more)
            have += len(more)
        if armed:
            conn.deadline = None
        return b"".join(parts)

    async def read_parse_form_data(self):
        """Read the body and parse it as a form or JSON: always a dict ({} when no body).

        application/x-www-form-urlencoded gives str values, application/json whatever the
        JSON holds (its top level must be an object). 400 when the body does not parse.
        """
        if not self._body_left:
            return {}
        ctype = self.content_type.split(b";", 1)[0].strip().lower()
        body = await self.read_body()
        if ctype == b"application/x-www-form-urlencoded":
            return parse_query_string(body)
        if ctype == b"application/json":
            import json

            try:
                data = json.loads(body)
            except ValueError:
                raise HTTPException(400)
            if not isinstance(data, dict):
                raise HTTPException(400)
            return data
        return {}

    def query(self):
        """The query string parsed into a dict of str: /search?q=a+b gives {'q': 'a b'}."""
        return parse_query_string(self.query_string)

    def path_text(self):
        """The path as str, percent-decoded."""
        return decode_text(unquote_bytes(self.path))

    async def _discard(self, limit):
        """Read and drop what the client still sends, up to `limit` bytes or its end.

        Closing a socket with unread input makes the kernel reset the connection, and the
        client may lose our answer with it; so input nobody wants is read first.
        """
        left = self._body_left
        self._body_left = 0
        n = min(left, limit) if left else limit
        n -= min(n, self._len - self._pos)
        self._pos = self._len
        mv = self._mv
        while n > 0:
            got = await self.reader.readinto(mv[: min(n, len(mv))])
            if not got:
                return
            n -= got


class HeaderFilter:
    """The headers a route saves: lower-case name -> the key the app asked for, and the
    set of name lengths, so that most header lines are skipped by their length alone."""

    def __init__(self, names):
        self.names = {}
        for name in names:
            key = name.encode() if isinstance(name, str) else name
            self.names[key.lower()] = key
        self.lengths = set(len(k) for k in self.names)
