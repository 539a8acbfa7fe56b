"""The `webserver`: routes, connection handling, limits, start and shutdown.

app = tinyweb.webserver()

@app.route('/')
async def index(req, resp):
    await resp.start_html()
    await resp.send('<h1>Hello</h1>')

app.run(host='0.0.0.0', port=8081)
"""

from .compat import (
    asyncio,
    current_task,
    default_adapter,
    forget_modules,
    format_exception,
    generator_type,
    get_event_loop,
    is_awaitable,
    is_peer_gone,
    print_exception,
    sleep_ms,
    ticks_add,
    ticks_diff,
    ticks_ms,
)
from .protocol import HTTPException
from .request import request
from .response import response
from .router import Route, Router, allowed_methods, pick

_OPTIONS = b"OPTIONS"
_HEAD = b"HEAD"

# How much unwanted input is read before closing after an error, and for how long.
_LINGER_BYTES = 16384
_LINGER_MS = 1000

# The answer to a connection that finds every slot busy and the waiting line full.
_BUSY = b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n"


class _Connection:
    """What the watchdog knows of one client connection: its task and its deadline.

    While the request head is read the deadline is fixed (the whole head must arrive in
    time); afterwards the request and response arm it around each read or write, so any
    single stall longer than `request_timeout` gets the connection cancelled.
    """

    def __init__(self, timeout_ms):
        self.timeout_ms = timeout_ms
        self.task = current_task()
        self.deadline = ticks_add(ticks_ms(), timeout_ms)  # None: no deadline running

    timed_out = False  # set by the watchdog (a class default: one attribute less to store)

    def arm(self):
        """Start a deadline unless one runs; True when this call started it."""
        if self.deadline is None:
            self.deadline = ticks_add(ticks_ms(), self.timeout_ms)
            return True
        return False


class ServerHandle:
    """What `webserver.start()` returns: the running server, to stop or wait on.

    server = await app.start('127.0.0.1', 8081)
    ...
    server.close(); await server.wait_closed()
    """

    def __init__(self, app, listener):
        self.app = app
        self.listener = listener
        # The port actually bound (useful with port=0), when the adapter can tell.
        self.port = getattr(listener, "port", None)

    def close(self):
        self.app.shutdown()

    async def wait_closed(self):
        await self.app.wait_closed()

    async def serve_forever(self):
        """Wait until the server is shut down."""
        await self.app._stopped.wait()


class webserver:
    """A web application and its server. Arguments as in TinyWeb, plus board limits.

    request_timeout  seconds a client has to send the request head, and the longest any
                     later read or write may stall
    max_concurrency  connections served at once; more wait (up to `backlog` of them)
    backlog          listen() backlog, and how many connections may wait for a slot
    debug            put the traceback into the body of a 500
    board            a preset from `tinyweb.boards` (module, dict or name); detected if None
    buffer_size, max_line, max_headers override the preset's limits.
    """

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
    ):
        from .presets import resolve

        limits = resolve(
            board,
            request_timeout=request_timeout,
            max_concurrency=max_concurrency,
            backlog=backlog,
            buffer_size=buffer_size,
            max_line=max_line,
            max_headers=max_headers,
        )
        # The presets are read once: on a board, drop their code from the heap again.
        forget_modules(("tinyweb.presets", "tinyweb.boards"))
        self.limits = limits
        self.request_timeout = limits["request_timeout"]
        self.max_concurrency = limits["max_concurrency"]
        self.backlog = limits["backlog"]
        self.buffer_size = limits["buffer_size"]
        self.max_line = limits["max_line"]
        self.max_headers = limits["max_headers"]
        self.max_body_size = limits["max_body_size"]
        self.debug = debug
        self._timeout_ms = int(self.request_timeout * 1000)
        self.router = Router()
        self.catch_all_handler = None
        # Every open connection, waiting or served, for the watchdog and shutdown.
        self.conns = []
        self.processed_connections = 0
        self._active = 0
        self._waiting = 0
        self._slot_free = asyncio.Event()
        self._buffers = []
        self._stopped = asyncio.Event()
        self._listener = None
        self._watchdog = None

    # ---- registering handlers -------------------------------------------------------

    def _route_options(self, kwargs):
        if "max_body_size" not in kwargs:
            kwargs["max_body_size"] = self.max_body_size
        return kwargs

    def add_route(self, url, f, **kwargs):
        """Map `url` to `f(req, resp, **path_params)`.

        Options: methods (default ['GET', 'POST']), save_headers, max_body_size,
        allowed_access_control_headers, allowed_access_control_origins.
        """
        methods = kwargs.pop("methods", None) or ["GET", "POST"]
        self.router.add(Route(url, f, methods, self._route_options(kwargs)))

    def route(self, url, **kwargs):
        """Decorator form of add_route(): @app.route('/', methods=['GET'])."""

        def _route(f):
            self.add_route(url, f, **kwargs)
            return f

        return _route

    def get(self, url, **kwargs):
        """@app.get('/x') is @app.route('/x', methods=['GET'])."""
        kwargs["methods"] = ["GET"]
        return self.route(url, **kwargs)

    def post(self, url, **kwargs):
        """@app.post('/x') is @app.route('/x', methods=['POST'])."""
        kwargs["methods"] = ["POST"]
        return self.route(url, **kwargs)

    def add_resource(self, cls, url, **kwargs):
        """Map a resource class (or instance) with get/post/put/patch/delete methods to `url`.

        Each method is called as `method(data, headers, **path_params, **kwargs)`.
        """
        # REST support is imported on first use: apps without resources never load it.
        from .resource import add_class

        add_class(self, cls, url, kwargs)

    def resource(self, url, method="GET", **kwargs):
        """Decorator for a function resource: @app.resource('/user/<id>', method='POST').

        The function is called as `f(data, headers, **path_params, **kwargs)`.
        """

        def _resource(f):
            from .resource import add_function

            add_function(self, f, url, method, kwargs)
            return f

        return _resource

    def catchall(self):
        """Decorator for the handler of every path no route matches (instead of a 404)."""

        def _route(f):
            self.catch_all_handler = Route("/", f, ["GET", "POST"], self._route_options({}))
            return f

        return _route

    # ---- serving one connection -----------------------------------------------------

    async def _serve_connection(self, stream):
        """The adapters' callback: serve one client connection, then close it. Never raises."""
        conn = _Connection(self._timeout_ms)
        self.conns.append(conn)
        self.processed_connections += 1
        try:
            if self._active >= self.max_concurrency:
                if self._waiting >= self.backlog:
                    await stream.write(_BUSY)
                    return
                # A connection may wait for a slot twice as long as a head may take, so that
                # clients queued behind stalled ones get served once those time out.
                conn.deadline = ticks_add(conn.deadline, conn.timeout_ms)
                self._waiting += 1
                try:
                    while self._active >= self.max_concurrency:
                        self._slot_free.clear()
                        await self._slot_free.wait()
                except asyncio.CancelledError:
                    if conn.timed_out:  # waited too long for a slot
                        await _quietly(stream.write(_BUSY))
                    return
                finally:
                    self._waiting -= 1
                conn.deadline = ticks_add(ticks_ms(), conn.timeout_ms)  # now the head's own time
            self._active += 1
            try:
                await self._serve_request(stream, conn)
            finally:
                self._active -= 1
                self._slot_free.set()
        except asyncio.CancelledError:
            pass  # shutdown() while the request was served
        except Exception as e:  # a broken stream; nothing can be sent any more
            if self.debug:
                print_exception(e)
        finally:
            self.conns.remove(conn)
            try:
                await stream.close()
            except (Exception, asyncio.CancelledError):  # gone already, or shut down meanwhile
                pass

    async def _serve_request(self, stream, conn):
        # Receive buffers (and their memoryviews) are kept between connections, at most one
        # per slot, so serving a request allocates none.
        buffers = self._buffers
        size = max(self.buffer_size, self.max_line + 2)  # a longest line and its CRLF fit
        if buffers:
            buf, mv = buffers.pop()
        else:
            buf = bytearray(size)
            mv = memoryview(buf)
        req = request(stream, buf, self.max_line, mv)
        req._conn = conn
        resp = response(stream)
        resp._conn = conn
        try:
            await self._dispatch(conn, req, resp)
        except asyncio.CancelledError:
            # The watchdog cancels a connection that ran out of time; shutdown() cancels
            # them all. Only the first case still deserves an answer.
            if conn.timed_out and not resp.headers_sent:
                conn.deadline = None
                resp.code = 408
                await _quietly(resp.error(408))
            return
        except HTTPException as e:
            if not resp.headers_sent:
                resp.reason = e.reason
                await _quietly(resp.error(e.code))
            if conn.deadline is not None or req._body_left:
                # Bad input or a refused body: the client may still be sending. Take in
                # a bounded amount, for a bounded time, so closing does not reset it.
                conn.deadline = ticks_add(ticks_ms(), _LINGER_MS)
                await _quietly(req._discard(_LINGER_BYTES))
        except OSError as e:
            if is_peer_gone(e):
                return
            await self._fail(req, resp, e)
        except EOFError:
            return  # the client went away before sending a whole request
        except Exception as e:
            await self._fail(req, resp, e)
        else:
            if req._body_left and req._body_left <= req.max_body_size:
                # A body the handler did not read: read it so closing does not reset the
                # client before it has our answer.
                conn.arm()
                await _quietly(req._discard(req._body_left))
        finally:
            if len(buf) == size:
                buffers.append((buf, mv))

    async def _fail(self, req, resp, e):
        """A handler raised: log it, and answer 500 if the status line has not gone out."""
        print("tinyweb: error in handler for", req.method, req.path)
        print_exception(e)
        if resp.headers_sent:
            return  # too late for a status line: closing the connection tells the client
        resp.code = 500
        resp.headers = {}
        msg = format_exception(e) if self.debug else None
        await _quietly(resp.error(500, msg))

    async def _dispatch(self, conn, req, resp):
        await req.read_request_line()
        routes, params = self.router.find(req.path)
        if routes is None and self.catch_all_handler is not None:
            routes = [self.catch_all_handler]
        method = req.method
        route = pick(routes, method) if routes is not None else None
        # `is not None`: an instance's truth value costs two failed method lookups.
        await req.read_headers(route.save_headers if route is not None else None, self.max_headers)
        conn.deadline = None  # the head arrived in time
        if routes is None:
            raise HTTPException(404)
        if route is None:
            if method == _OPTIONS:
                route = routes[0]
            else:
                resp.headers["Allow"] = allowed_methods(routes)
                raise HTTPException(405)
        req.route = route
        if params:
            req.path_params = params
        req.max_body_size = route.max_body_size
        resp.params = route.params
        if method == _OPTIONS and _OPTIONS not in route.methods:
            # CORS preflight and "what can I do here", answered for every route.
            resp.headers["Allow"] = allowed_methods(routes)
            resp.add_access_control_headers()
            resp.headers["Content-Length"] = "0"
            await resp._send_headers()
            return
        if req.content_length > route.max_body_size:
            raise HTTPException(413)
        if not req._body_left:
            resp._buf = req._buf
        if method == _HEAD:
            resp.is_head = True
        if params:
            result = route.handler(req, resp, **params)
        else:
            result = route.handler(req, resp)
        # A generator first: every coroutine is one on MicroPython, where hasattr() costs.
        if result is not None and (isinstance(result, generator_type) or is_awaitable(result)):
            await result
        if not resp.headers_sent:
            # The handler chose a status (or none) but sent nothing: an empty answer.
            resp.headers["Content-Length"] = "0"
            await resp._send_headers()

    # ---- running ----------------------------------------------------------------------

    async def _watch(self):
        """Cancel connections whose deadline passed; one task for the whole server."""
        period = min(1000, max(20, int(self.request_timeout * 250)))
        while True:
            await sleep_ms(period)
            now = ticks_ms()
            for conn in self.conns:
                if conn.deadline is not None and ticks_diff(now, conn.deadline) >= 0:
                    conn.deadline = None
                    conn.timed_out = True
                    conn.task.cancel()

    async def start(self, host="127.0.0.1", port=8081, backlog=None, adapter=None, **options):
        """Start serving inside the running event loop; returns a `ServerHandle`.

        `adapter` is a module of `tinyweb.adapters` (picked for this runtime when None);
        other keyword arguments go to it (e.g. `pool=` for CircuitPython's socketpool).
        """
        if adapter is None:
            adapter = default_adapter()
        self._stopped.clear()
        self._listener = await adapter.start_server(
            self._serve_connection, host, port, backlog or self.backlog, **options
        )
        self._watchdog = asyncio.create_task(self._watch())
        return ServerHandle(self, self._listener)

    def run(self, host="127.0.0.1", port=8081, loop_forever=True, backlog=None, **options):
        """Start serving; then, unless `loop_forever` is False, run the event loop forever."""
        loop = get_event_loop()
        loop.run_until_complete(self.start(host, port, backlog, **options))
        if loop_forever:
            loop.run_forever()

    def shutdown(self):
        """Stop accepting, cancel every open connection and the watchdog.

        Let the event loop run a moment afterwards (e.g. `await server.wait_closed()`) so the
        cancelled connections can close their sockets.
        """
        if self._listener is not None:
            self._listener.close()
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        for conn in self.conns:
            try:
                conn.task.cancel()
            except RuntimeError:
                # MicroPython and CircuitPython asyncio: "can't cancel self", when a handler
                # calls shutdown(). That connection finishes its answer and closes by itself.
                pass
        self._stopped.set()

    async def wait_closed(self):
        """Wait until the listener is closed and every connection has finished (max 5 s)."""
        if self._listener is not None:
            await self._listener.wait_closed()
            self._listener = None
        for _ in range(500):
            if not self.conns:
                break
            await sleep_ms(10)


async def _quietly(coro):
    """Await `coro`, ignoring a failure: used where the client may already be gone."""
    try:
        await coro
    except Exception:
        pass
