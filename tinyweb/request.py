"""The HTTP request a handler receives: bytes fields, only the headers the route saves.

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
)
from .reader import LineTooLong

# Headers the core always looks at, saved or not, by the length of their name: a header
# line whose name has none of these lengths is skipped without copying a byte.
_CONTENT_LENGTH = b"content-length"
_CONTENT_TYPE = b"content-type"
_TRANSFER_ENCODING = b"transfer-encoding"


class request:
    """One HTTP request. Strings are bytes, as in TinyWeb: `req.method == b'GET'`."""

    def __init__(self, _reader):
        self.reader = _reader
        self.method = b""
        self.path = b""
        self.query_string = b""
        self.version = b""
        # Only the headers named by the route's `save_headers`, keyed by the names given
        # there (b'Content-Length'), whatever case the client used.
        self.headers = {}
        # Path parameters of a parameterized URL, e.g. {'id': '42'} for /user/<id>.
        self.path_params = {}
        # What the core needs about the body whether or not the route saves these headers.
        self.content_length = 0
        self.content_type = b""
        self.chunked = False
        self.max_body_size = 1024
        self._body_left = 0

    async def read_request_line(self, max_empty_lines=2):
        """Read and parse "GET /path?query HTTP/1.1"; 400 or 414 when it is not that."""
        reader = self.reader
        for _ in range(max_empty_lines + 1):
            try:
                start, end = await reader.next_line()
            except LineTooLong:
                raise HTTPException(414)
            if end > start:  # RFC 9112 section 2.2: ignore empty lines before a request
                break
        else:
            raise HTTPException(400)
        parsed = parse_request_line(reader.data[start:end])
        if parsed is None:
            raise HTTPException(400)
        self.method, self.path, self.query_string, self.version = parsed

    async def read_headers(self, save_headers=None, max_headers=32):
        """Read header lines up to the blank line, keeping only those in `save_headers`.

        `save_headers` is a list of names, as in TinyWeb, or what `header_filter()` made of
        one (routes prepare theirs once).
        """
        if not isinstance(save_headers, HeaderFilter):
            save_headers = HeaderFilter(save_headers or ())
        saved = save_headers.names
        lengths = save_headers.lengths
        reader = self.reader
        count = 0
        while True:
            try:
                start, end = await reader.next_line()
            except LineTooLong:
                raise HTTPException(431)
            if start == end:
                break
            count += 1
            if count > max_headers:
                raise HTTPException(431)
            data = reader.data
            colon = data.find(b":", start, end)
            # RFC 9112 section 5: no empty name, no white space before the colon, and no
            # obsolete line folding (a line that starts with white space).
            if colon <= start or data[colon - 1] in (32, 9) or data[start] in (32, 9):
                raise HTTPException(400)
            n = colon - start
            if n != 14 and n != 12 and n != 17 and n not in lengths:
                continue
            name = data[start:colon].lower()
            value = data[colon + 1 : end].strip()
            if name == _CONTENT_LENGTH:
                length = parse_content_length(value)
                if length is None or (self._body_left and length != self.content_length):
                    raise HTTPException(400)
                self.content_length = self._body_left = length
            elif name == _CONTENT_TYPE:
                self.content_type = value
            elif name == _TRANSFER_ENCODING:
                self.chunked = True
            key = saved.get(name)
            if key is not None:
                self.headers[key] = value

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
        try:
            return await self.reader.read_exactly(n)
        except EOFError:
            raise HTTPException(400)

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
        from .protocol import unquote_bytes

        return decode_text(unquote_bytes(self.path))

    async def _drain(self, limit):
        """Drop what is left of a body nobody read (up to `limit`), before closing."""
        n = self._body_left
        self._body_left = 0
        if 0 < n <= limit:
            await self.reader.discard(n)


class HeaderFilter:
    """The headers a route saves: lower-case name -> the key the app asked for, and the
    set of name lengths, so that most header lines are skipped by their length alone."""

    def __init__(self, names):
        self.names = {}
        for name in names:
            key = name.encode() if isinstance(name, str) else name
            self.names[key.lower()] = key
        self.lengths = set(len(k) for k in self.names)
