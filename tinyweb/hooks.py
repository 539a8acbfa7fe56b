"""Hooks around every request, error handlers, and an access log: loaded the first time an
app registers one (`app.before_request`, `app.after_request`, `app.errorhandler`,
`app.enable_access_log`).

    @app.before_request
    def stamp(req, resp):
        resp.add_header('X-Device', 'kitchen')      # on every answer of every route

    @app.errorhandler(404)
    def not_found(req, resp, exc):
        return {'error': 'no such page'}, 404        # shaped like a REST result

The hot path knows nothing of them: registering the first hook wraps every route's handler
(and every route added later), and the server's error path asks this module, when it is
loaded, whether the app has a handler for what went wrong.
"""

from .compat import generator_type, load, ticks_diff, ticks_ms


class Hooks:
    """What one app registered: lists of functions, (code or exception class, function)
    pairs, the access log's function, headers every route must save."""

    log = None

    def __init__(self):
        self.before = []
        self.after = []
        self.errors = []
        self.saved = []


def _awaitable(r):
    return r is not None and (isinstance(r, generator_type) or hasattr(r, "__await__"))


def of(app):
    """The app's Hooks, made (and every route wrapped) the first time."""
    try:
        return app._hooks
    except AttributeError:
        pass
    hooks = app._hooks = Hooks()
    for route in _routes(app):
        _wrap(app, route)
    add = app._add

    def add_and_wrap(url, route):  # routes registered from now on are wrapped too
        add(url, route)
        _wrap(app, route)

    app._add = add_and_wrap
    return hooks


def _routes(app):
    for routes in app.routes.values():
        for r in routes:
            yield r
    for routes in app.patterns[2::3]:  # (compiled URL, URL, routes) each: tinyweb.params
        for r in routes:
            yield r
    if app.catch_all_handler is not None:
        yield app.catch_all_handler


def _wrap(app, route):
    """Run the app's hooks around the route's handler, and save the headers they need."""
    _save(route, app._hooks.saved)
    handler = route.handler

    async def with_hooks(req, resp, **params):
        hooks = app._hooks
        if hooks.after:
            head = resp._head

            def after_then_head():
                # After-request functions see the final status and headers, and may still
                # change them: the head is only about to go out.
                for f in hooks.after:
                    f(req, resp)
                return head()

            resp._head = after_then_head
        for f in hooks.before:
            r = f(req, resp)
            if _awaitable(r):
                r = await r
            if resp.headers_sent:
                return  # the hook answered
            if r is not None:
                await send_result(resp, r)
                return
        r = handler(req, resp, **params)
        if _awaitable(r):
            await r

    route.handler = with_hooks


def _save(route, names):
    """Make the route save these headers too (e.g. Authorization for app-wide auth)."""
    keys = route.save_headers[0]
    missing = [n for n in names if n.lower().encode() not in keys]
    if missing:  # one filter for the routes that saved the same before (tinyweb.routing)
        routing = load("routing")

        route.save_headers = routing.shared(routing.header_filter(list(keys.values()) + missing))


def save_header(app, name):
    """Every route of the app, now and later, saves the header `name`."""
    hooks = of(app)
    if name not in hooks.saved:
        hooks.saved.append(name)
    for route in _routes(app):
        _save(route, [name])


async def send_result(resp, res):
    """Answer with a result shaped like a REST one: body, (body, status) or (body, status,
    headers); dict/list as JSON, str as text, bytes as they are, None as no body."""
    if isinstance(res, tuple):
        if len(res) > 2 and res[2]:
            for k, v in res[2].items():
                resp.headers[k] = v
        resp.code = res[1]
        res = res[0]
    ctype = None
    if isinstance(res, (dict, list)):
        import json

        res = json.dumps(res)
        ctype = "application/json"
    elif isinstance(res, str):
        ctype = "text/plain; charset=utf-8"
    if "Content-Type" in resp.headers:
        ctype = None
    if resp.code == 204 or resp.code == 304:
        resp.headers.pop("Content-Type", None)
        await resp._send_headers()
    else:
        await resp.send_body(res or b"", ctype)


def handler_for(app, exc, code):
    """The error handler registered for this exception (by class, first) or status code."""
    try:
        errors = app._hooks.errors
    except AttributeError:
        return None
    for key, f in errors:
        if not isinstance(key, int) and isinstance(exc, key):
            return f
    for key, f in errors:
        if key == code:
            return f
    return None


async def handle_error(app, req, resp, exc, code):
    """Let the app's error handler answer, if it has one for `exc` or `code`: True then."""
    f = handler_for(app, exc, code)
    if f is None:
        return False
    resp.code = code
    r = f(req, resp, exc)
    if _awaitable(r):
        r = await r
    if not resp.headers_sent:
        if r is None:
            resp.headers["Content-Length"] = "0"
            await resp._send_headers()
        else:
            await send_result(resp, r)
    return True


# ---- the access log --------------------------------------------------------------------


class _Logged:
    """A connection's stream, seen by the access log: the request line it reads, the
    status and the body bytes it writes. Everything else is the stream's own."""

    first = b""
    status = b"-"
    sent = 0
    head_done = False

    def __init__(self, stream):
        self.stream = stream
        self.start = ticks_ms()

    async def readinto(self, buf):
        n = await self.stream.readinto(buf)
        if n and not self.first:
            self.first = bytes(buf[: min(n, 256)])
        return n

    async def read(self, n):
        data = await self.stream.read(n)
        if data and not self.first:
            self.first = bytes(data[:256])
        return data

    def write(self, data):
        n = len(data)
        if not self.head_done:
            if bytes(data[:10]) == b"HTTP/1.1 1":  # 100 Continue: not the answer
                n = 0
            elif bytes(data[:5]) == b"HTTP/":
                self.status = bytes(data[9:12])
                end = bytes(data).find(b"\r\n\r\n")
                self.head_done = True
                n = n - end - 4 if end >= 0 else 0
        self.sent += n
        self.stream.write(data)

    async def drain(self):
        await self.stream.drain()

    def close(self):
        self.stream.close()

    async def wait_closed(self):
        await self.stream.wait_closed()

    def get_extra_info(self, name):
        return self.stream.get_extra_info(name)


def enable_access_log(app, log=print):
    """One line per request, `log(line)`: client, method, target, status, body bytes, ms.

        192.168.1.20 GET /api/temp 200 17 12ms

    Takes effect for servers started afterwards (call it before run() or start())."""
    serve = app._serve_connection

    async def serve_logged(stream):
        s = _Logged(stream)
        try:
            await serve(s)
        finally:
            line = s.first.split(b"\r\n", 1)[0].split(b" ")
            peer = stream.get_extra_info("peername")
            log(
                "%s %s %s %s %d %dms"
                % (
                    peer[0] if peer else "-",
                    line[0].decode("utf-8", "replace") or "-",
                    line[1].decode("utf-8", "replace") if len(line) > 1 else "-",
                    s.status.decode(),
                    s.sent,
                    ticks_diff(ticks_ms(), s.start),
                )
            )

    app._serve_connection = serve_logged


# ---- the webserver's methods -------------------------------------------------------------


def before_request(app, f):
    """`@app.before_request`: f(req, resp) before every route's handler (its headers saved,
    its body unread). It may answer (send, or return a result: the handler is skipped)."""
    of(app).before.append(f)
    return f


def after_request(app, f):
    """`@app.after_request`: f(req, resp) just before every answer's head goes out, error
    answers of a route included: it may still change resp.code and resp.headers. A plain
    function (the head is written from a plain function)."""
    of(app).after.append(f)
    return f


def errorhandler(app, code_or_exception):
    """`@app.errorhandler(404)` or `(ValueError)`: f(req, resp, exc) answers instead of the
    standard error page; it sends the answer or returns one shaped like a REST result
    (`exc` is the HTTPException, the handler's exception, or None for a timeout)."""

    def register(f):
        of(app).errors.append((code_or_exception, f))
        return f

    return register
