"""The webserver's methods most apps never call: starting inside your own event loop,
stopping, and the less common ways to register handlers.

Loaded the first time an app calls one (`webserver.__getattr__` finds them in
`ServerMethods`); a hello-world app that registers with @app.route and calls run() never
does.

    server = await app.start('127.0.0.1', 8081)   # a ServerHandle
    ...
    server.close(); await server.wait_closed()
"""

from .compat import asyncio, load, sleep_ms
from .server import Route

# Holds nothing between calls: dropped when the heap runs out, and loaded again (compat.load).
_RELOADABLE = True


class ServerHandle:
    # The running server, to stop or wait on.
    #
    # server = await app.start('127.0.0.1', 8081)
    # ...
    # server.close(); await server.wait_closed()

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
        # Wait until the server is shut down.
        while self.app._watchdog is not None:
            await sleep_ms(100)


def get(app, url, **kwargs):
    """@app.get('/x') is @app.route('/x', methods=['GET'])."""
    kwargs["methods"] = ["GET"]
    return app.route(url, **kwargs)


def post(app, url, **kwargs):
    """@app.post('/x') is @app.route('/x', methods=['POST'])."""
    kwargs["methods"] = ["POST"]
    return app.route(url, **kwargs)


def add_resource(app, cls, url, **kwargs):
    """Map a resource class (or instance) with get/post/put/patch/delete methods to `url`.

    Each method is called as `method(data, headers, **path_params, **kwargs)`.
    """
    add_class = load("resource").add_class

    add_class(app, cls, url, kwargs)


def resource(app, url, method="GET", **kwargs):
    """Decorator for a function resource: @app.resource('/user/<id>', method='POST').

    The function is called as `f(data, headers, **path_params, **kwargs)`.
    """

    def _resource(f):
        add_function = load("resource").add_function

        add_function(app, f, url, method, kwargs)
        return f

    return _resource


def static(app, url, folder, max_age=None):
    """Serve the files of `folder` under `url`: app.static('/static', 'www') answers
    GET /static/app.js with www/app.js (docs/static.md). A folder's URL serves its
    index.html; 304, ranges and gzip as send_file; methods other than GET and HEAD get
    405. A mount at '/' hides parameterized URLs registered after it."""
    mount = load("fileserver").mount

    mount(app, url, folder, max_age)


def websocket(app, url, **kwargs):
    """Decorator for a WebSocket handler: @app.websocket('/ws'), then
    `async def handler(req, ws, **path_params)` (tinyweb.websocket, docs/live.md).

    Options: max_message_size (bytes; default the preset's max_body_size), ping_interval
    (seconds, default 30; 0: never), save_headers, and the CORS options of add_route.
    """
    decorator = load("websocket").decorator

    return decorator(app, url, kwargs)


def catchall(app):
    """Decorator for the handler of every path no route matches (instead of a 404)."""

    def _route(f):
        app.catch_all_handler = Route(f, app.max_body_size)
        if getattr(app, "_hooks", None) is not None:  # hooks run around it too
            _wrap = load("hooks")._wrap

            _wrap(app, app.catch_all_handler)
        return f

    return _route


async def start(app, host="127.0.0.1", port=8081, backlog=None, adapter=None, **options):
    """Start serving inside the running event loop; returns a `ServerHandle`.

    `adapter` is a module of `tinyweb.adapters` (picked for this runtime when None);
    other keyword arguments go to it (e.g. `pool=` for CircuitPython's socketpool).

        server = await app.start('127.0.0.1', 8081)
        ...
        server.close(); await server.wait_closed()
    """
    await app._start(host, port, backlog, adapter, options)
    return ServerHandle(app, app._listener)


def shutdown(app):
    """Stop accepting, cancel every open connection and the watchdog.

    Let the event loop run a moment afterwards (e.g. `await server.wait_closed()`) so the
    cancelled connections can close their sockets.
    """
    _forget_interrupted_task(app)
    if app._listener is not None:
        app._listener.close()
    if app._watchdog is not None:
        app._watchdog.cancel()
        app._watchdog = None
    for req in app.conns:
        try:
            req._task.cancel()
        except RuntimeError:
            # MicroPython and CircuitPython asyncio: "can't cancel self", when a handler
            # calls shutdown(). That connection finishes its answer and closes by itself.
            pass


def _forget_interrupted_task(app):
    # MicroPython and CircuitPython asyncio: after Ctrl-C (a KeyboardInterrupt out of run()
    # or the user's loop), asyncio still names the task that ran last as the current one, and
    # refuses to cancel it ("can't cancel self"): the listener, the watchdog, or a connection
    # then stays open. That task is forgotten when it cannot be the caller of shutdown(): one
    # parked on a socket or another wait (a running task's `data` is None), or one of this
    # server's that never calls it (the listener, the watchdog, a connection not yet in its
    # handler). A handler that calls shutdown() keeps its task, and finishes its answer.
    core = getattr(asyncio, "core", None)  # None on CPython, which has no such limit
    task = getattr(core, "cur_task", None)
    if task is None:
        return
    stale = task.data is not None or task is app._watchdog
    stale = stale or task is getattr(app._listener, "task", None)
    for req in app.conns:
        if req._task is task and req.route is None:
            stale = True
    if stale:
        core.cur_task = None


async def wait_closed(app):
    """Wait until the listener is closed and every connection has finished (max 5 s)."""
    if app._listener is not None:
        try:
            await app._listener.wait_closed()
        except asyncio.CancelledError:  # MicroPython 1.20: closed before it first ran
            pass
        app._listener = None
    for _ in range(500):
        if not app.conns:
            break
        await sleep_ms(10)


def before_request(app, f):
    """@app.before_request: f(req, resp) before every handler (tinyweb.hooks)."""
    before_request = load("hooks").before_request

    return before_request(app, f)


def after_request(app, f):
    """@app.after_request: f(req, resp) just before every answer's head (tinyweb.hooks)."""
    after_request = load("hooks").after_request

    return after_request(app, f)


def errorhandler(app, code_or_exception):
    """@app.errorhandler(404) / (ValueError): f(req, resp, exc) answers (tinyweb.hooks)."""
    errorhandler = load("hooks").errorhandler

    return errorhandler(app, code_or_exception)


def enable_access_log(app, log=print):
    """One line per request (client, method, target, status, bytes, ms) to `log`."""
    enable_access_log = load("hooks").enable_access_log

    enable_access_log(app, log)


class ServerMethods:
    """The methods a webserver finds here on first use: `app.shutdown()` and so on."""

    start = start
    shutdown = shutdown
    wait_closed = wait_closed
    get = get
    post = post
    catchall = catchall
    static = static
    websocket = websocket
    add_resource = add_resource
    resource = resource
    before_request = before_request
    after_request = after_request
    errorhandler = errorhandler
    enable_access_log = enable_access_log
