"""Answers with a status and a short body: error pages, redirects, reason phrases, and what
the server does when a request goes wrong (bad input, a timeout, a handler's exception).

Loaded the first time an app answers anything but a page it wrote itself: a hello-world
app that only ever answers 200 never holds this code.

    await resp.error(404)              # "404 Not Found"
    await resp.redirect('/login')      # 302 with Location
"""

import sys

from .compat import load, ticks_add, ticks_ms
from .request import HTTPException

# Reason phrases of RFC 9110 section 15 (and RFC 6585, 4918, 8470, 7725) for every code an
# app may set; any other code goes out with an empty reason (allowed) unless the handler
# sets one. Strings searched on demand, not a dict: a dict's keys and values would each be
# an object or an interned string that stays in a board's heap for good. Several short
# strings, not one: each is one block of heap, and a board's heap, in pieces after a while,
# may have no free run of 1 KB left when this module is first needed.
_REASONS = (
    "\n100 Continue\n101 Switching Protocols\n200 OK\n201 Created\n202 Accepted"
    "\n203 Non-Authoritative Information\n204 No Content\n205 Reset Content"
    "\n206 Partial Content\n207 Multi-Status\n",
    "\n300 Multiple Choices\n301 Moved Permanently\n302 Found\n303 See Other"
    "\n304 Not Modified\n307 Temporary Redirect\n308 Permanent Redirect\n",
    "\n400 Bad Request\n401 Unauthorized\n402 Payment Required\n403 Forbidden"
    "\n404 Not Found\n405 Method Not Allowed\n406 Not Acceptable"
    "\n407 Proxy Authentication Required\n408 Request Timeout\n409 Conflict\n410 Gone"
    "\n411 Length Required\n412 Precondition Failed\n413 Content Too Large\n",
    "\n414 URI Too Long\n415 Unsupported Media Type\n416 Range Not Satisfiable"
    "\n417 Expectation Failed\n418 I'm a teapot\n421 Misdirected Request\n",
    "\n422 Unprocessable Content\n423 Locked\n424 Failed Dependency\n425 Too Early"
    "\n426 Upgrade Required\n428 Precondition Required\n429 Too Many Requests"
    "\n431 Request Header Fields Too Large\n451 Unavailable For Legal Reasons\n",
    "\n500 Internal Server Error\n501 Not Implemented\n502 Bad Gateway"
    "\n503 Service Unavailable\n504 Gateway Timeout\n505 HTTP Version Not Supported"
    "\n507 Insufficient Storage\n511 Network Authentication Required\n",
)

# After bad input the client may still be sending: this much is read (for at most this
# long) before closing, so that the kernel does not reset the connection under our answer.
_LINGER_BYTES = 16384
_LINGER_MS = 1000


def reason_for(code):
    """The standard reason phrase of a status code ("" when it has none we know)."""
    key = "\n%d " % code
    for phrases in _REASONS:
        i = phrases.find(key)
        if i >= 0:
            return phrases[i + 5 : phrases.index("\n", i + 5)]
    return ""


def head_for(resp, code, reason):
    """For response._head(), a status other than 200: its reason phrase (`reason` if the
    app set one). A 204 or 304 never carries a body, whatever the handler sends, and a 204
    no Content-Length (RFC 9110 sections 6.4.1, 8.6)."""
    if code == 204 or code == 304:
        resp.is_head = True
        if code == 204:
            resp.headers.pop("Content-Length", None)
    return reason_for(code) if reason is None else reason


# The coroutine methods here are plain functions returning the coroutine of one of
# response's (send_body(), _send_headers()): a handler that drops one without awaiting it
# is caught like one that drops resp.send()'s (response.headers_sent, server.py).


def error(resp, code, msg=None):
    """Answer with status `code` and a short text body (`msg`, or the reason phrase).

    A coroutine: `await resp.error(404)`.
    """
    resp.code = code
    if msg is None:
        msg = "%d %s\n" % (code, resp.reason or reason_for(code))
    return resp.send_body(msg, "text/plain; charset=utf-8")


def redirect(resp, location, msg=None):
    """Answer 302 Found with a Location header: `await resp.redirect('/login')`.

    ValueError for a location with CR, LF or NUL in it (a header could be smuggled in).
    """
    if "\r" in location or "\n" in location or "\0" in location:
        raise ValueError("CR, LF or NUL in a redirect location")
    resp.code = 302
    resp.headers["Location"] = location
    return resp.send_body(msg or "", "text/plain; charset=utf-8" if msg else None)


def add_header(resp, key, value):
    """Set a response header: resp.add_header('Cache-Control', 'no-store')."""
    resp.headers[key] = value


def start(resp, content_type=None):
    """Send the status line and headers, with `content_type` if given: `await resp.start()`.

    RuntimeError when the head went out already.
    """
    if content_type:
        resp.headers["Content-Type"] = content_type
    resp.headers_sent = 1 if resp.headers_sent else None  # asked for, not run yet
    return resp._send_headers()


def send_headers(resp):
    """Send the status line and the headers set so far: `await resp.send_headers()`.

    TinyWeb's public name for `_send_headers()`; RuntimeError when the head went out already.
    """
    return resp._send_headers()


def start_json(resp):
    """Start an application/json response: `await resp.start_json()`."""
    return start(resp, "application/json")


def add_access_control_headers(resp):
    """Add the CORS headers of the route (`allowed_access_control_*` options)."""
    add_headers = load("cors").add_headers

    add_headers(resp)


def send_file(
    resp,
    filename,
    content_type=None,
    content_encoding=None,
    max_age=None,
    buf_size=None,
    root=None,
):
    """Send a file from the local filesystem as the whole response (docs/static.md).

    The type comes from the file name unless `content_type` is given. `max_age` (seconds)
    sets Cache-Control, 0 is no-cache; None (the default): no-cache for HTML, 30 days for
    the rest. With `root`, `filename` is a name inside that folder (any part of it may come
    from the request): an absolute name, an empty, "." or ".." segment, a backslash or a
    symlink out of it answers 403. Without, a ".." segment or a NUL answers 403. A missing
    file answers 404. A coroutine: `await resp.send_file('www/index.html')`.
    """
    send_file = load("static").send_file

    resp.headers_sent = 1 if resp.headers_sent else None  # asked for, not run yet
    return send_file(resp, filename, content_type, content_encoding, max_age, buf_size, root)


def not_awaited(handler):
    """The error for a handler that returned while a write it asked for had not run: it
    called resp.start_html(), send(), send_body(), error(), ... without `await`, so that
    coroutine was dropped unrun. Answered 500 (or the connection closed, when the head had
    gone out) and printed with the handler's name, on every runtime."""
    return RuntimeError(
        "handler %s() returned without awaiting a response method: "
        "write `await resp.send(...)` (start_html, send, send_body, error, ...)"
        % getattr(handler, "__name__", handler)
    )


async def event_stream(resp, retry=None):
    """Start a Server-Sent Events answer (text/event-stream); returns the stream to
    `await sse.send(data, event='tick')` on (tinyweb.sse, docs/live.md)."""
    event_stream = load("sse").event_stream

    return await event_stream(resp, retry)


class ResponseMethods:
    """The methods a response finds here on first use: `resp.error(404)` and so on."""

    add_header = add_header
    start = start
    start_json = start_json
    send_headers = send_headers
    error = error
    redirect = redirect
    add_access_control_headers = add_access_control_headers
    send_file = send_file
    event_stream = event_stream

    def set_cookie(resp, name, value, **attributes):
        """Add a Set-Cookie header: `resp.set_cookie('sid', token, max_age=3600,
        http_only=True)`; max_age, path, domain, expires, http_only, secure, same_site
        (tinyweb.cookies.set_cookie). ValueError for a name or value a cookie cannot carry."""
        set_cookie = load("cookies").set_cookie

        set_cookie(resp, name, value, **attributes)

    def delete_cookie(resp, name, path="/", domain=None):
        """Ask the browser to forget a cookie; give the path and domain it was set with."""
        delete_cookie = load("cookies").delete_cookie

        delete_cookie(resp, name, path, domain)

    def append_header(resp, name, value):
        """Add a header line even when one of that name is set already (Link, Vary...);
        ValueError for CR, LF or NUL (tinyweb.cookies.append_header)."""
        append_header = load("cookies").append_header

        append_header(resp, name, value)


async def on_error(app, req, resp, exc):
    """Answer what went wrong with one connection, if an answer can still go out.

    exc is an HTTPException (bad input, or raised by a handler), another exception (a
    handler failed: 500), or None when the watchdog cut the connection off (408, or 503
    for one that waited too long for a slot). The app's error handler answers when it has
    one (tinyweb.hooks); a REST resource's URL answers JSON. Never raises.
    """
    try:
        # An error ends the connection: its answer must not promise another request.
        req._keep = False
        if exc is None:
            req._deadline = None
            if resp.headers_sent:
                return
            if req._served and req.method == b"" and req._pos == req._len:
                return  # a kept connection idle past its time: closed without an answer
            if req._buf is None:  # it waited too long for a slot
                refuse = load("slots").refuse

                await refuse(req, resp)
                return
            await answer_error(app, req, resp, None, 408)
        elif isinstance(exc, HTTPException):
            if not resp.headers_sent:
                resp.reason = exc.reason
                extra = getattr(exc, "headers", None)  # e.g. WWW-Authenticate with a 401
                if extra:
                    resp.headers.update(extra)
                await answer_error(app, req, resp, exc, exc.code)
        else:
            sent = resp.headers_sent
            if exc.__class__ is RuntimeError and not exc.args and sent is not True:
                if sent is not False and req.route is not None:  # None or 1: server.py
                    exc = not_awaited(req.route.handler)
            print("tinyweb: error in handler for", req.method, req.path)
            print_exception(exc)
            if resp.headers_sent:
                return  # too late for a status line: closing the connection tells the client
            resp.code = 500
            resp.reason = None
            resp.headers = {}
            if getattr(resp, "_extra", None):  # cookies set before the failure: not sent
                del resp._extra[:]
            await answer_error(
                app, req, resp, exc, 500, format_exception(exc) if app.debug else None
            )
        if req._deadline is not None or req._body_left:
            # Bad input, a refused body, or a failure before the request was read in full:
            # take in a bounded amount, for a bounded time, so that closing does not reset
            # the connection before the client has read the answer.
            discard = load("body").discard

            if req._body_left < 0:
                # A chunked body: its framing may be what failed, so it is dropped as bytes.
                req._body_left = 0
            req._deadline = ticks_add(ticks_ms(), _LINGER_MS)
            await discard(req, _LINGER_BYTES)
    except BaseException:  # the client is gone, or the linger ran out of time
        pass


async def answer_error(app, req, resp, exc, code, msg=None):
    """The error answer: the app's handler for it (tinyweb.hooks, when an app registered
    one), JSON {"status": code, "error": reason} on a REST resource's URL, else the text
    page of error()."""
    hooks = sys.modules.get("tinyweb.hooks")
    if hooks is not None and await hooks.handle_error(app, req, resp, exc, code):
        return
    if _is_rest(app, req):
        import json

        resp.code = code
        resp.version = "1.1"  # as every REST answer
        resp.headers["Connection"] = "close"
        body = {"status": code, "error": msg or resp.reason or reason_for(code)}
        await resp.send_body(json.dumps(body), "application/json")
    else:
        await error(resp, code, msg)


def _is_rest(app, req):
    """Whether the request's URL is a REST resource's (for a 405, any method's)."""
    route = req.route
    if route is None:
        try:
            routes = app.routes.get(req.path)
            if routes is None and app.patterns:
                find = load("params").find

                routes = find(app.patterns, req.path)[0]
        except Exception:  # a path that matches nothing
            routes = None
        route = routes[0] if routes else None
    return route is not None and route.callmap is not None


def print_exception(exc, file=None):
    """Print a traceback: `sys.print_exception` on MicroPython, `traceback` on CircuitPython
    and CPython; just the exception where neither exists (CircuitPython builds without
    `traceback`, e.g. its unix port)."""
    if hasattr(sys, "print_exception"):
        if file is None:
            sys.print_exception(exc)
        else:
            sys.print_exception(exc, file)
        return
    try:
        import traceback
    except ImportError:
        (file or sys.stderr).write(repr(exc) + "\n")
        return
    traceback.print_exception(type(exc), exc, exc.__traceback__, file=file or sys.stderr)


def format_exception(exc):
    """The traceback of `exc` as text, for the body of a debug 500 page."""
    import io

    out = io.StringIO()
    print_exception(exc, out)
    return out.getvalue()
