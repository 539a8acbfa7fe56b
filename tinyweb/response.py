"""The HTTP response a handler writes: status, headers, then the body, streamed.

@app.route('/')
async def index(req, resp):
    await resp.start_html()
    await resp.send('<h1>Hello</h1>')

Only what a page needs to go out is here (start_html, send, send_body). The other methods
(add_header, start, start_json, error, redirect, send_file, add_access_control_headers)
are found in `tinyweb.status` on first use, and load CORS (`tinyweb.cors`) or files
(`tinyweb.static`) only when called.
"""

from .compat import const, lazy_method, load, ticks_add, ticks_ms

# Longest body send_body() copies behind the head to send both in one write.
_JOIN_MAX = const(1024)


class response:
    """One HTTP response. Strings here are str (bytes are accepted too), as in TinyWeb."""

    # Defaults most responses keep, as class attributes: no room taken until set.
    code = 200
    reason = None  # a custom reason phrase; None means the standard one for `code`
    version = "1.0"
    # Truthy once the status line and headers went out. While a write a handler asked for
    # (start_html(), send(), send_body(), ...) has not run yet, it is None (nothing sent
    # yet) or 1 (head sent): still so when the handler returns, the handler dropped that
    # coroutine without awaiting it (server.py answers 500 and names the handler). No
    # attribute of its own: one more per response would cost heap on every request.
    headers_sent = False
    is_head = False  # answering a HEAD: the head goes out, the body does not
    params = {}  # the route's CORS options, set by the server
    _req = None  # the request: its deadline is armed around every write
    _kept = False  # the head said "Connection: keep-alive": another request may follow
    # The connection's receive buffer, lent for send_file once the request holds nothing
    # more in it (no body): a static file is sent without allocating a buffer.
    _buf = None
    # Header lines sent after `headers` (Set-Cookie...), made by tinyweb.cookies: a default
    # here, so that reading it does not go to __getattr__ and load tinyweb.status.
    _extra = None

    def __init__(self, _writer):
        self.writer = _writer
        self.headers = {}

    async def _write(self, data):
        """Write to the client; a write that stalls past request_timeout gets cancelled."""
        req = self._req
        # req._arm(), inlined: a method looked up on every write costs a search of the
        # request's attributes first.
        armed = req is not None and req._deadline is None and req._task is not None
        if armed:
            req._deadline = ticks_add(ticks_ms(), req._timeout)
        writer = self.writer
        writer.write(data)
        await writer.drain()
        if armed:
            req._deadline = None

    def _head(self):
        """The status line and headers as bytes, once: later calls raise RuntimeError.

        Every name, value and the reason are checked here, whatever put them there: a CR,
        LF or NUL in one of them would let a client-supplied value smuggle a header in.
        """
        if self.headers_sent:
            raise RuntimeError("headers already sent")
        self.headers_sent = True
        code = self.code
        reason = self.reason
        if code != 200:
            # The reason phrase, and what the status implies (no body for a 204 or 304).
            reason = load("reasons").head_for(self, code, reason)
        elif reason is None:
            reason = "OK"
        parts = ["HTTP/%s %d %s\r\n" % (self.version, code, reason)]
        for item in self.headers.items():  # (name, value): formatted without a new tuple
            parts.append("%s: %s\r\n" % item)
        req = self._req
        if req is not None and req._keep:  # the client keeps the connection: tinyweb.keepalive
            try:
                load("keepalive").add_header(self, parts)
            except MemoryError:
                # No heap to load it (the first answer to keep a connection, others being
                # served): this one closes the connection, as an HTTP/1.0 answer without
                # "Connection: keep-alive" does, rather than the request failing halfway.
                pass
        parts.append("\r\n")
        head = "".join(parts)
        lines = len(parts)
        if head.count("\n") != lines or head.count("\r") != lines or "\0" in head:
            self.headers_sent = False
            raise ValueError("CR, LF or NUL in a response header or reason")
        return head.encode("utf-8")

    async def _send_headers(self):
        """Send the status line and headers, once. TinyWeb apps call this name too."""
        self.headers_sent = self.headers_sent == 1  # the write runs: None/1 back to False/True
        await self._write(self._head())

    def start_html(self):
        """Send the status line and headers, with Content-Type text/html (UTF-8).

            await resp.start_html()
            await resp.send('<h1>Hello</h1>')

        RuntimeError when the head went out already; ValueError for a CR, LF or NUL in a
        header or the reason.
        """
        self.headers["Content-Type"] = "text/html; charset=utf-8"
        self.headers_sent = 1 if self.headers_sent else None  # asked for, not run yet
        return self._send_headers()

    def send(self, payload):
        """Send part of the body: str (sent as UTF-8), bytes, bytearray or memoryview.

        Sends the head first if nobody has yet (status 200 and the headers set so far).
        A coroutine: `await resp.send(...)`.
        """
        self.headers_sent = 1 if self.headers_sent else None  # asked for, not run yet
        return self._send(payload)

    def send_body(self, body, content_type=None):
        """Send a whole response at once, with its Content-Length in bytes.

            await resp.send_body('{"ok": true}', 'application/json')

        `body` is str (sent as UTF-8) or bytes. RuntimeError when the head went out already.
        """
        if self.headers_sent:
            raise RuntimeError("headers already sent")
        if isinstance(body, str):
            body = body.encode("utf-8")
        if content_type:
            self.headers["Content-Type"] = content_type
        self.headers["Content-Length"] = str(len(body))
        self.headers_sent = None  # asked for, not run yet
        return self._send(body)

    async def _send(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        if self.headers_sent != 1:  # False, or None: asked for by send()/send_body()
            head = self._head()
            if self.is_head or not data:
                data = None
            elif len(data) <= _JOIN_MAX:
                # A short body goes out with the head: one write, one system call, one segment.
                head += data
                data = None
            await self._write(head)
        self.headers_sent = True  # the write ran (1 -> True: see headers_sent)
        if data and not self.is_head:
            await self._write(data)

    def __getattr__(self, name):
        # add_header(), start(), start_json(), error(), redirect(), send_file(),
        # add_access_control_headers(), send_headers(): tinyweb.status's ResponseMethods,
        # loaded the first time an app calls one.
        ResponseMethods = load("status").ResponseMethods

        return lazy_method(self, ResponseMethods, name)
