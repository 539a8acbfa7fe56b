"""The HTTP response a handler writes: status, headers, then the body, streamed.

@app.route('/')
async def index(req, resp):
    await resp.start_html()
    await resp.send('<h1>Hello</h1>')
"""

from .compat import const
from .protocol import reason_for, status_line_and_headers

# Longest body send_body() copies behind the head to send both in one write.
_JOIN_MAX = const(1024)


class response:
    """One HTTP response. Strings here are str (bytes are accepted too), as in TinyWeb."""

    # Defaults most responses keep, as class attributes: no room taken until set.
    code = 200
    reason = None  # a custom reason phrase; None means the standard one for `code`
    version = "1.0"
    headers_sent = False
    is_head = False  # answering a HEAD: the head goes out, the body does not
    params = {}  # the route's CORS settings, set by the server
    _conn = None  # the server's per-connection deadline keeper
    # The connection's receive buffer, lent for send_file once the request holds nothing
    # more in it (no body): a static file is sent without allocating a buffer.
    _buf = None

    def __init__(self, _writer):
        self.writer = _writer
        self.headers = {}

    async def _write(self, data):
        """Write to the client; a write that stalls past request_timeout gets cancelled."""
        conn = self._conn
        armed = conn.arm() if conn is not None else False
        await self.writer.write(data)
        if armed:
            conn.deadline = None

    def add_header(self, key, value):
        """Set a response header: resp.add_header('Cache-Control', 'no-store')."""
        if not isinstance(value, str):
            value = str(value)  # MicroPython's str() copies even a str
        # No CR or LF may smuggle a line into the head (tested inline: a call costs more).
        if "\r" in value or "\n" in value or "\r" in key or "\n" in key:
            raise ValueError("CR or LF in a header")
        self.headers[key] = value

    def add_access_control_headers(self):
        """Add the CORS headers of the route (`allowed_access_control_*` options)."""
        # Route() checked these values for CR and LF when the route was registered.
        params = self.params
        headers = self.headers
        headers["Access-Control-Allow-Origin"] = params.get("allowed_access_control_origins", "*")
        headers["Access-Control-Allow-Methods"] = params.get(
            "allowed_access_control_methods", "GET, POST"
        )
        headers["Access-Control-Allow-Headers"] = params.get("allowed_access_control_headers", "*")

    def _head(self):
        """The status line and headers as bytes, once: later calls raise RuntimeError."""
        if self.headers_sent:
            raise RuntimeError("headers already sent")
        self.headers_sent = True
        return status_line_and_headers(self.version, self.code, self.reason, self.headers)

    async def _send_headers(self):
        """Send the status line and headers, once. TinyWeb apps call this name too."""
        await self._write(self._head())

    async def send_headers(self):
        """Send the status line and headers now (start_html() and friends call this)."""
        await self._send_headers()

    async def start(self, content_type=None):
        """Send the head with an optional Content-Type."""
        if content_type:
            self.add_header("Content-Type", content_type)
        await self._send_headers()

    async def start_html(self):
        """Start a text/html response (UTF-8)."""
        self.headers["Content-Type"] = "text/html; charset=utf-8"
        await self._write(self._head())

    async def start_json(self):
        """Start an application/json response."""
        self.headers["Content-Type"] = "application/json"
        await self._write(self._head())

    async def send(self, payload):
        """Send part of the body: str (sent as UTF-8), bytes, bytearray or memoryview.

        Sends the head first if nobody has yet (status 200 and the headers set so far).
        """
        if not self.headers_sent:
            await self._write(self._head())
        if self.is_head:
            return
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        if payload:
            # _write() inlined: this is the call a page makes most, one coroutine less.
            conn = self._conn
            armed = conn.arm() if conn is not None else False
            await self.writer.write(payload)
            if armed:
                conn.deadline = None

    async def send_body(self, body, content_type=None):
        """Send a whole response at once, with its Content-Length in bytes."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        if content_type:
            self.add_header("Content-Type", content_type)
        self.headers["Content-Length"] = str(len(body))
        head = self._head()
        if self.is_head or not body:
            await self._write(head)
        elif len(body) <= _JOIN_MAX:
            # A short body goes out with the head: one write, one system call, one segment.
            await self._write(head + body)
        else:
            await self._write(head)
            await self._write(body)

    async def error(self, code, msg=None):
        """Answer with status `code` and a short text body (`msg`, or the reason phrase)."""
        self.code = code
        if msg is None:
            msg = "%d %s\n" % (code, self.reason or reason_for(code))
        await self.send_body(msg, "text/plain; charset=utf-8")

    async def redirect(self, location, msg=None):
        """Answer 302 Found with a Location header."""
        self.code = 302
        self.add_header("Location", location)
        await self.send_body(msg or "", "text/plain; charset=utf-8" if msg else None)

    async def send_file(
        self, filename, content_type=None, content_encoding=None, max_age=2592000, buf_size=None
    ):
        """Send a file from the local filesystem as the whole response.

        The type comes from the file name unless `content_type` is given; `max_age` (seconds)
        sets Cache-Control, 0 turns caching off. A missing file answers 404; a name with a
        ".." segment or a NUL byte answers 403 and never reaches the filesystem.
        """
        # Static files are imported on first use (and kept): apps without them never load it.
        global _static
        if _static is None:
            from . import static as _static
        await _static.send_file(self, filename, content_type, content_encoding, max_age, buf_size)


_static = None
