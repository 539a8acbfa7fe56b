"""The HTTP request a handler receives: bytes fields, only the headers the route saves.

It reads the request head from the connection's stream into a buffer the server lends, with
every line bounded: the core splits lines itself because MicroPython's
`StreamReader.readline()` has no limit. Reading the body (`read_body()`,
`read_parse_form_data()`) and decoding (`query()`, `path_text()`) live in `tinyweb.body`,
loaded on first use.

    @app.route('/login', methods=['POST'], save_headers=['Content-Type'])
    async def login(req, resp):
        form = await req.read_parse_form_data()   # {'user': 'ann'}
"""

from .compat import load, ticks_add, ticks_ms


class HTTPException(Exception):
    """Raise from a handler (or the core) to answer with `code` instead of 500.

    raise HTTPException(403)
    """

    def __init__(self, code=400, reason=None):
        super().__init__(code)
        self.code = code
        self.reason = reason


# What a route that saves no header keeps of them: nothing (tinyweb.routing.header_filter).
_NO_HEADERS = ({}, ())


def _wanted(buf, start, n, lengths):
    """Whether the header whose n-byte name starts at buf[start] is kept: one the route saves
    (by the length of its name), or one the core reads itself. Most are told by their length
    and first letter alone, without a copy."""
    c = buf[start] | 0x20  # first letter, lower case
    return (
        n in lengths
        or (c == 99 and (n == 14 or n == 12 or n == 10))  # content-length, -type, connection
        or (c == 116 and n == 17)  # transfer-encoding
        or (c == 101 and n == 6)  # expect
    )


class request:
    """One HTTP request. Strings are bytes, as in TinyWeb: `req.method == b'GET'`.

    The request is also the connection's record for the server's watchdog (`_task`,
    `_deadline`). Fields most requests leave at their default are class attributes, so
    they take no room in the instance until set.
    """

    method = b""
    path = b""
    query_string = b""
    version = b"HTTP/1.1"  # set on the instance only when the client sent another
    # What the core needs about the body, whether or not the route saves these headers.
    content_length = 0
    content_type = b""
    chunked = False
    expect_continue = False
    max_body_size = 1024
    # The matched route, and the path parameters of a parameterized URL ({'id': '42'}).
    route = None
    path_params = {}  # never mutated: the server sets a new dict when there are parameters
    _body_left = 0  # body bytes announced and not yet read
    # HTTP/1.1 keep-alive: whether the client keeps the connection after this request (a
    # 1.1 request without "Connection: close", or a 1.0 one with "keep-alive"), and how many
    # requests the connection carried before this one.
    _keep = False
    _served = 0
    _framed = False  # a Content-Length was given
    # The watchdog's view: the task serving this connection and when it runs out of time
    # (a ticks_ms value; None while the handler works without waiting on the client).
    # The limits, set on the instance only when the server's differ from these.
    _task = None
    _deadline = None
    _timeout = 3000
    _timed_out = False
    _max_line = 512
    _buf = None  # the receive buffer, lent by the server once the connection has a slot
    # Set by tinyweb.lockdown, read by tinyweb.cors: defaults here (as response's `_extra`),
    # so that reading one does not go to __getattr__ and load tinyweb.body to learn it is
    # not set.
    _guard = None
    _origin = None

    def __init__(self, _reader, buffer=None, max_line=512, _view=None):
        # The connection's stream (TinyWeb called it the reader).
        self.reader = _reader
        # Only the headers named by the route's `save_headers`, keyed by the names given
        # there (b'Content-Length'), whatever case the client used.
        self.headers = {}
        # _buf[_pos:_len] is received and not yet consumed; a line is handed out as offsets,
        # so a header nobody keeps is never copied.
        if buffer is not None:
            self._lend(buffer, _view, max_line)
        self._pos = 0
        self._len = 0

    def _lend(self, buffer, view, max_line):
        self._buf = buffer
        self._mv = memoryview(buffer) if view is None else view
        if max_line != 512:
            self._max_line = max_line

    def _arm(self):
        """Start a deadline for one read or write unless one runs; True if this call did."""
        if self._deadline is None and self._task is not None:
            self._deadline = ticks_add(ticks_ms(), self._timeout)
            return True
        return False

    def _take_line(self):
        """The end of the next line (CR LF excluded) when a whole one is buffered: the line
        is _buf[start:end] for the _pos before the call, and _pos moves past it. -1 when more
        must be received first; -2 for a line longer than max_line (_pos stays at its start).

        A plain function, not a coroutine: most lines are buffered already, and taking one
        allocates nothing."""
        buf = self._buf
        pos = self._pos
        i = buf.find(b"\n", pos, self._len)
        if i < 0:
            if self._len - pos > self._max_line or (pos == 0 and self._len == len(buf)):
                return -2
            return -1
        if i - pos > self._max_line:
            return -2
        self._pos = i + 1
        if i > pos and buf[i - 1] == 13:  # CR
            i -= 1
        return i

    async def _receive(self):
        """Receive more of the head after _take_line() found no whole line; EOFError at end
        of stream."""
        if self._len == len(self._buf):
            # Move the unconsumed tail to the front: only a head longer than the buffer.
            rest = bytes(self._mv[self._pos : self._len])
            self._len = len(rest)
            self._mv[: self._len] = rest
            self._pos = 0
        while True:
            n = await self.reader.readinto(self._mv[self._len :])
            if n:
                self._len += n
                return
            if n is not None:  # None: MicroPython woke us with nothing to read yet
                raise EOFError

    async def read_request_line(self):
        """Read and parse "GET /path?query HTTP/1.1"; 400 or 414 when it is not that."""
        empty = 0
        while True:
            start = self._pos
            end = self._take_line()
            if end > start:
                break
            if end == -1:
                await self._receive()
            elif end < 0:
                raise HTTPException(414)
            else:  # RFC 9112 section 2.2: skip empty lines before a request (two)
                empty += 1
                if empty == 3:
                    raise HTTPException(400)
        # RFC 9112 section 3: method SP request-target SP HTTP-version, nothing else. Only
        # origin-form targets ("/path") and "*" (for OPTIONS): this server is nobody's proxy.
        parts = bytes(self._mv[start:end]).split(b" ")
        if len(parts) != 3:
            raise HTTPException(400)
        method, target, version = parts
        # HTTP/1.x with one digit (a higher minor version is answered as 1.1 would be,
        # RFC 9110 section 2.5); no control bytes or DEL in the target.
        if (
            not method.isalpha()
            or not method.isupper()
            or len(version) != 8
            or not version.startswith(b"HTTP/1.")
            or not 48 <= version[7] <= 57  # a digit
            or not target
            or (target[0] != 47 and target != b"*")  # 47 is "/"
        ):
            raise HTTPException(400)
        for c in target:
            if c < 33 or c == 127:
                raise HTTPException(400)
        q = target.find(b"?")
        if q >= 0:
            self.query_string = target[q + 1 :]
            target = target[:q]
        self.method = method
        self.path = target
        if version != b"HTTP/1.1":
            self.version = version

    async def read_headers(self, save_headers=None, max_headers=32):
        """Read header lines up to the blank line, keeping only those in `save_headers`.

        `save_headers` is a list of names, as in TinyWeb, or what
        tinyweb.routing.header_filter() made of one (routes prepare theirs once).
        """
        if not isinstance(save_headers, tuple):
            save_headers = (
                load("routing").header_filter(save_headers) if save_headers else _NO_HEADERS
            )
        saved, lengths = save_headers
        count = 0
        hosts = 0
        connection = b""
        buf = self._buf
        while True:
            start = self._pos
            end = self._take_line()
            if end == -1:
                await self._receive()
                continue
            count += 1
            if count > max_headers + 1:  # the blank line ending the head is not a header
                raise HTTPException(431)
            if end < 0:
                # Longer than max_line: fine for a header nobody keeps (a long Cookie on a
                # route that saves none), which streams past (tinyweb.discard, loaded the first
                # time one comes); else 431.
                skip_line = load("discard").skip_line

                if not await skip_line(self, lengths):
                    raise HTTPException(431)
                continue
            if start == end:
                # RFC 9112: an HTTP/1.1 request has exactly one Host, and a body framed by
                # Content-Length or Transfer-Encoding, never both. A chunked body is read
                # by tinyweb.stream_body (-1: at its first chunk-size line).
                if hosts > 1 or (hosts == 0 and self.version != b"HTTP/1.0"):
                    raise HTTPException(400)
                if self.chunked:
                    if self._framed:
                        raise HTTPException(400)
                    self._body_left = -1
                if (
                    b"keep-alive" in connection
                    if self.version == b"HTTP/1.0"
                    else b"close" not in connection
                ):
                    self._keep = True
                return
            colon = buf.find(b":", start, end)
            # RFC 9112 section 5: no empty name, no white space before the colon, no obsolete
            # line folding (a line that starts with white space), and no NUL or bare CR.
            if (
                colon <= start
                or buf[colon - 1] in (32, 9)
                or buf[start] in (32, 9)
                or buf.find(b"\0", start, end) >= 0
                or buf.find(b"\r", start, end) >= 0
            ):
                raise HTTPException(400)
            if (
                colon - start == 4
                and buf[start] | 32 == 104  # h
                and buf[start + 1] | 32 == 111  # o
                and buf[start + 2] | 32 == 115  # s
                and buf[start + 3] | 32 == 116  # t
            ):
                hosts += 1
            if not _wanted(buf, start, colon - start, lengths):
                continue
            name = bytes(self._mv[start:colon]).lower()
            value = bytes(self._mv[colon + 1 : end]).strip()
            if name == b"content-length":
                # Digits only (RFC 9110 section 8.6): "+5", "-1" and "5, 5" are refused, and
                # so is a second Content-Length that disagrees with the first.
                if not value.isdigit() or len(value) > 15:
                    raise HTTPException(400)
                length = int(value)
                if self._framed and length != self.content_length:
                    raise HTTPException(400)
                self._framed = True
                self.content_length = self._body_left = length
            elif name == b"content-type":
                self.content_type = value
            elif name == b"transfer-encoding":
                # Only chunked can frame a request body (RFC 9112 section 6.1), once: any
                # other coding, before it or instead ("gzip, chunked"), is one this server
                # does not decode, and so is chunked twice (two headers, or "chunked,
                # chunked"): 501.
                if self.chunked or value.lower() != b"chunked":
                    raise HTTPException(501)
                self.chunked = True
            elif name == b"expect":
                self.expect_continue = value.lower() == b"100-continue"
            elif name == b"connection":
                connection = value.lower()
            key = saved.get(name)
            if key is not None:
                self.headers[key] = value

    def __getattr__(self, name):
        # read_body(), read_parse_form_data(), query(), path_text(), read_into(),
        # body_chunks(), parts() and the `cookies` attribute: found by tinyweb.body, loaded
        # the first time an app asks for one.
        attribute = load("body").attribute

        return attribute(self, name)
