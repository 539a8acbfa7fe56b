"""The `webserver`: routes, one connection's life, limits, start and shutdown.

app = tinyweb.webserver()

@app.route('/')
async def index(req, resp):
    await resp.start_html()
    await resp.send('<h1>Hello</h1>')

app.run(host='0.0.0.0', port=8081)

This is the hot path: what serving a plain route needs and nothing else. Parameterized
URLs (`tinyweb.params`), REST resources (`tinyweb.resource`), error answers and tracebacks
(`tinyweb.errors`, `tinyweb.status`), OPTIONS and CORS (`tinyweb.cors`), bodies and forms
(`tinyweb.body`), files (`tinyweb.static`) and board presets (`tinyweb.presets`) are
imported when first needed, so an app that does not use them never holds their code
(docs/layout.md).
"""

from .compat import (
    asyncio,
    current_task,
    generator_type,
    lazy_method,
    load,
    sleep_ms,
    ticks_add,
    ticks_diff,
    ticks_ms,
)
from .request import _NO_HEADERS, HTTPException, request
from .response import response

# The answer to a connection there is no room for: no slot nor place in line left
# (tinyweb.slots), or no heap for its record.
_BUSY = b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n"

# TinyWeb's default methods, shared by every route that takes them (a board may register
# dozens of routes: each costs heap).
_GET_POST = (b"GET", b"POST")


class Route:
    """One registration: its handler, and how to call it.

    What most routes leave at the default is a class attribute, shared: a plain route holds
    its handler and body limit only. Methods, saved headers and CORS options are set by
    tinyweb.routing, which hands out one object per distinct set. The URL is the key the
    route is found by (webserver.routes, or tinyweb.params), not kept here.
    """

    methods = _GET_POST
    save_headers = _NO_HEADERS
    # The route's CORS options, for response.add_access_control_headers().
    params = {}
    # For REST resources: the methods' functions, in the order of `methods`; None for plain
    # routes.
    callmap = None

    def __init__(self, handler, max_body_size):
        self.handler = handler
        self.max_body_size = max_body_size


class webserver:
    """A web application and its server. Arguments as in TinyWeb, plus board limits.

    request_timeout  seconds a client has to send the request head, and the longest any
                     later read or write may stall
    max_concurrency  connections served at once; more wait (up to `backlog` of them)
    backlog          listen() backlog, and how many connections may wait for a slot
    keep_alive       most requests one HTTP/1.1 connection may carry (1: close after each)
    debug            put the traceback into the body of a 500
    board            a preset from `tinyweb.boards` (module, dict or name); detected if None
    buffer_size, max_line, max_headers, max_body_size, keep_alive override the preset's
                     limits.
    cors             True (TinyWeb's "*"), False, or a list of origins: CORS answers
    allowed_hosts    None, or the Host names the device answers (421 for others)
                     (both: tinyweb.lockdown, docs/security.md)
    """

    catch_all_handler = None
    _guard = None  # what cors= and allowed_hosts= asked for (tinyweb.lockdown)
    _kept = False  # a connection was kept for another request once (tinyweb.keepalive)
    _reserved = 0  # slots being freed for the first in line (tinyweb.slots cut one off)
    _out_of_memory = False  # said once that a new connection found no heap
    _listener = None
    _watchdog = None

    def __init__(
        self,
        request_timeout=None,
        max_concurrency=None,
        backlog=None,
        debug=False,
        board=None,
        buffer_size=None,
        max_line=None,
        max_headers=None,
        max_body_size=None,
        keep_alive=None,
        **lockdown,
    ):
        apply = load("presets").apply

        # Sets the limits as attributes, and cors= and allowed_hosts= (tinyweb.lockdown, only
        # when one is given); on a board it also drops the presets' code again.
        apply(
            self,
            board,
            {
                "request_timeout": request_timeout,
                "max_concurrency": max_concurrency,
                "backlog": backlog,
                "buffer_size": buffer_size,
                "max_line": max_line,
                "max_headers": max_headers,
                "max_body_size": max_body_size,
                "keep_alive": keep_alive,
            },
            lockdown,
        )
        self.debug = debug
        # b'/exact/path' -> (Route, ...) (several when each answers other methods)
        self.routes = {}
        # [compiled URL, url, (Route, ...), ...] for URLs with <parameters>, in registration
        # order, three items each (tinyweb.params)
        self.patterns = []
        # Every open connection (its request), waiting or served: for the watchdog and
        # shutdown.
        self.conns = []
        self.processed_connections = 0
        self._active = 0
        self._line = []  # connections waiting for a slot, first come first
        self._buffers = []  # a receive buffer per slot (_make_buffers)

    # ---- registering handlers -------------------------------------------------------

    def add_route(self, url, f, **kwargs):
        """Map `url` to `f(req, resp, **path_params)`.

        Options: methods (default ['GET', 'POST']), save_headers, max_body_size,
        allowed_access_control_headers, allowed_access_control_origins.
        """
        route = Route(f, kwargs.pop("max_body_size", self.max_body_size))
        if kwargs:  # methods, saved headers, CORS: tinyweb.routing
            configure = load("routing").configure

            configure(route, kwargs)
        self._add(url, route)

    def _add(self, url, route):
        """Register a route; ValueError when the URL already answers one of its methods.

        A URL's routes are a tuple (one route: 16 bytes on a 32-bit board, a list 32), made
        anew when another is added.
        """
        if not isinstance(url, str) or not url.startswith("/") or "?" in url:
            raise ValueError("Invalid URL: %r" % (url,))
        if "<" in url:
            slot = load("params").slot

            table = self.patterns
            key = slot(table, url)
        else:
            table = self.routes
            key = url.encode()
            table.setdefault(key, ())
        routes = table[key]
        for other in routes:
            for m in route.methods:
                if m in other.methods:
                    raise ValueError("URL exists: %s %s" % (m.decode(), url))
        table[key] = routes + (route,)

    def route(self, url, **kwargs):
        """Decorator form of add_route(): @app.route('/', methods=['GET'])."""

        def _route(f):
            self.add_route(url, f, **kwargs)
            return f

        return _route

    # ---- serving one connection -----------------------------------------------------

    async def _serve_connection(self, stream):
        """The adapters' callback: serve one client connection, then close it. Never raises.

        One coroutine for the life of a connection (read the head, find the route, call the
        handler), as every coroutine frame a connection holds is heap. Modules loaded on
        first use are called as `load("x").f(...)`, not through a local: a local would hold
        that module for the connection's life, and tinyweb.compat.forget() could not drop it.
        """
        try:
            req = request(stream)
            req._task = current_task()
            req._timeout = self._timeout_ms
            req._deadline = ticks_add(ticks_ms(), self._timeout_ms)
            resp = response(stream)
            resp._req = req
            self.conns.append(req)
        except MemoryError:
            # No heap for even the connection's record: answer 503 if the stream can still
            # take it, close it so the socket is not leaked, and say so once.
            if not self._out_of_memory:
                self._out_of_memory = True
                print("tinyweb: out of memory for a new connection; answering such ones 503")
            try:
                stream.write(_BUSY)
                await stream.drain()
                stream.close()
                await stream.wait_closed()  # a coroutine too: heap it may not get
            except BaseException:
                stream.close()  # safe twice
            return
        self.processed_connections += 1
        buffer = None
        try:
            if self._active + self._reserved >= self.max_concurrency:
                # Every slot busy, or others wait already: the line (tinyweb.slots, loaded
                # the first time the server is full).
                if not await load("slots").wait_for_slot(self, req, resp):
                    return
            # One receive buffer (and its memoryview) per slot, kept once made (see
            # _make_buffers). It is taken from its place and put back without allocating
            # (a list's pop and append may shrink and grow it): at the edge of the heap a
            # connection can still return it.
            buffers = self._buffers
            if not buffers:  # served without start(), e.g. in memory
                self._make_buffers()
            i = 0
            while buffers[i] is None:
                i += 1
            if buffers[i] is False:  # more served at once than ever before: tinyweb.slots
                i = await load("slots").new_buffer(self)
            buffer = buffers[i]
            buffers[i] = None
            # The slot is held until the connection is closed, answers to bad input
            # (which read on for a while) included: the buffer is the slot. (A WebSocket
            # gives it back once upgraded: tinyweb.websocket.release_slot.)
            self._active += 1
            req._lend(buffer[0], buffer[1], self.max_line)
            # One request after another while the client keeps the connection (HTTP/1.1
            # keep-alive, answers with a known length; tinyweb.keepalive): else just one.
            while True:
                await req.read_request_line()
                path = req.path
                routes = self.routes.get(path)
                params = None
                if routes is None:
                    if self.patterns:
                        routes, params = load("params").find(self.patterns, path)
                    if routes is None and self.catch_all_handler is not None:
                        routes = [self.catch_all_handler]
                method = req.method
                route = None
                if routes is not None:
                    for r in routes:
                        if method in r.methods:
                            route = r
                            break
                    else:
                        if method == b"HEAD":  # answered by GET, without the body
                            for r in routes:
                                if b"GET" in r.methods:
                                    route = r
                if self._guard is None:
                    await req.read_headers(
                        route.save_headers if route is not None else None, self.max_headers
                    )
                else:  # and Host and Origin checked: tinyweb.lockdown
                    await self._guard.read_headers(req, route, self.max_headers)
                req._deadline = None  # the head arrived in time
                if req._keep and req._served + 1 >= self.keep_alive:
                    req._keep = False  # its last request: the answer closes the connection
                if route is None:
                    if routes is None:
                        raise HTTPException(404)
                    # 405 with Allow, or the automatic answer to OPTIONS (CORS preflight).
                    await load("cors").no_route_for_method(req, resp, routes)
                else:
                    req.route = route
                    if params:
                        req.path_params = params
                    resp.params = route.params
                    if req._body_left:
                        if req.content_length > route.max_body_size:
                            raise HTTPException(413)
                        req.max_body_size = route.max_body_size
                    else:
                        resp._buf = req._buf
                    if method == b"HEAD":
                        resp.is_head = True
                    if params:
                        result = route.handler(req, resp, **params)
                    else:
                        result = route.handler(req, resp)
                    # A generator first: every coroutine is one on MicroPython, where
                    # hasattr() costs.
                    if result is not None and (
                        isinstance(result, generator_type) or hasattr(result, "__await__")
                    ):
                        await result
                    if resp.headers_sent is not True:
                        if resp.headers_sent is not False:
                            # A write the handler asked for never ran: it forgot an
                            # `await` (named by tinyweb.errors.on_error; a bare class, so
                            # that this costs the connection's coroutine no local).
                            raise RuntimeError
                        # The handler chose a status (or none) but sent nothing: an empty
                        # answer.
                        resp.headers["Content-Length"] = "0"
                        await resp._send_headers()
                if req._body_left:
                    # A body the handler did not read: take it in, so that closing (or the
                    # next request) does not meet it.
                    req._arm()
                    await load("discard").discard(req, req._body_left)
                if not resp._kept or req._body_left:
                    break  # closed: by the answer, or with a body left unread
                req, resp = load("keepalive").next_request(self, req, resp)
        except Exception as e:
            # Bad input, a handler's exception, a timeout, a full server: all answered (or
            # logged) by tinyweb.errors, which only an app that meets one ever loads (and
            # which tells a client gone away, an OSError, from a failure).
            if isinstance(e, EOFError):
                return  # the client went away: nothing left to answer
            try:
                await _on_error(self, req, resp, e)
            except MemoryError:
                pass  # no heap even for the answer's coroutine: closed unanswered
        except asyncio.CancelledError:
            # The watchdog cancels a connection that ran out of time (answered 408);
            # shutdown() cancels them all (just closed).
            if req._timed_out:
                try:
                    await _on_error(self, req, resp, None)
                except MemoryError:
                    pass
        finally:
            self.conns.remove(req)
            # Unless given back already (an upgraded WebSocket, tinyweb.websocket).
            if buffer is not None and req._buf is buffer[0]:
                self._buffers[self._buffers.index(None)] = buffer
                self._active -= 1
            try:
                stream.close()
                await stream.wait_closed()
            except BaseException:  # gone already, or shut down meanwhile
                pass

    # ---- running ----------------------------------------------------------------------

    async def _watch(self):
        """Cancel connections whose deadline passed; one task for the whole server."""
        period = min(1000, max(20, self._timeout_ms // 4))
        while True:
            await sleep_ms(period)
            now = ticks_ms()
            for req in self.conns:
                deadline = req._deadline
                if deadline is not None and ticks_diff(now, deadline) >= 0:
                    req._deadline = None
                    req._timed_out = True
                    req._task.cancel()

    def _make_buffers(self):
        """The pool of receive buffers, a place per slot: the first made now, before the heap
        fragments, so that one connection can always be served; the others (False until
        then) the first time that many are served at once. A heap too small for them all
        serves fewer connections at once instead of running out."""
        buffers = self._buffers
        while len(buffers) < self.max_concurrency:
            buffers.append(False)
        if buffers[0] is False:
            buffers[0] = self._buffer()

    def _buffer(self):
        buf = bytearray(max(self.buffer_size, self.max_line + 2))  # a longest line and CRLF
        return buf, memoryview(buf)

    async def _start(self, host, port, backlog, adapter, options):
        # The buffers first: the largest blocks the server keeps, made while the heap has the
        # most room in one piece (before the adapter's code loads).
        self._make_buffers()
        if adapter is None:
            default = load("adapters").default

            adapter = default()
        self._listener = await adapter.start_server(
            self._serve_connection, host, port, backlog or self.backlog, **options
        )
        self._watchdog = asyncio.create_task(self._watch())

    def run(self, host="127.0.0.1", port=8081, loop_forever=True, backlog=None, **options):
        """Start serving; then, unless `loop_forever` is False, run the event loop forever.

        On a board pass host='0.0.0.0': the default listens on this device only.
        """
        from .compat import get_event_loop

        loop = get_event_loop()
        loop.run_until_complete(
            self._start(host, port, backlog, options.pop("adapter", None), options)
        )
        if loop_forever:
            loop.run_forever()

    def __getattr__(self, name):
        # start(), shutdown(), wait_closed(), get(), post(), catchall(), add_resource(),
        # resource(): tinyweb.control's ServerMethods, loaded the first time an app calls one.
        ServerMethods = load("control").ServerMethods

        return lazy_method(self, ServerMethods, name)


async def _on_error(app, req, resp, exc):
    try:
        on_error = load("errors").on_error

        await on_error(app, req, resp, exc)
    except BaseException:
        # No heap left even to load tinyweb.errors (a board at its edge): the connection is
        # closed unanswered, and nothing escapes into the event loop, which could not
        # report it either.
        pass
