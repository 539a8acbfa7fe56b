"""What the server does when a request goes wrong: bad input, a timeout, a handler's
exception. The answer (the app's error handler, JSON on a REST resource's URL, else
tinyweb.status's text page), a traceback printed for a failed handler, and a bounded
linger so that closing does not reset the connection under the answer.

Loaded the first time a request goes wrong (a 404 included); apart from tinyweb.status so
that a board compiling from .py needs heap for one of the two at a time, not both.
"""

import sys

from .compat import const, load, ticks_add, ticks_ms
from .request import HTTPException

# Holds nothing between calls: dropped when the heap runs out, and loaded again (compat.load).
_RELOADABLE = True

# Errors on a socket that mean "the peer went away", not "the server is broken", as numbers:
# MicroPython's `errno` has neither EPIPE nor ETIMEDOUT, and lwIP (the boards), Linux and
# the BSDs agree on these: EPIPE 32, ECONNABORTED 103 (53 on macOS), ECONNRESET 104 (54),
# ENOTCONN 107 (57), ESHUTDOWN 108 (58), ETIMEDOUT 110 (60), EBADF 9 (a socket closed
# under us), EHOSTUNREACH 113 (65).
PEER_GONE = (9, 32, 53, 54, 57, 58, 60, 65, 103, 104, 107, 108, 110, 113)

# CPython's asyncio raises ConnectionResetError("Connection lost") with no errno at all.
try:
    _CONNECTION_ERROR = ConnectionError
except NameError:  # MicroPython has no ConnectionError
    _CONNECTION_ERROR = ()


def is_peer_gone(exc):
    # True when an OSError means the client went away (nothing left to answer).
    if _CONNECTION_ERROR and isinstance(exc, _CONNECTION_ERROR):
        return True
    return bool(exc.args) and exc.args[0] in PEER_GONE


# After bad input the client may still be sending: this much is read (for at most this
# long) before closing, so that the kernel does not reset the connection under our answer.
_LINGER_BYTES = const(16384)
_LINGER_MS = const(1000)


def not_awaited(handler):
    # The error for a handler that returned while a write it asked for had not run: it
    # called resp.start_html(), send(), send_body(), error(), ... without `await`, so that
    # coroutine was dropped unrun. Answered 500 (or the connection closed, when the head had
    # gone out) and printed with the handler's name, on every runtime.
    return RuntimeError(
        "handler %s() returned without awaiting a response method: "
        "write `await resp.send(...)` (start_html, send, send_body, error, ...)"
        % getattr(handler, "__name__", handler)
    )


async def on_error(app, req, resp, exc):
    # Answer what went wrong with one connection, if an answer can still go out.
    #
    # exc is an HTTPException (bad input, or raised by a handler), another exception (a
    # handler failed: 500), or None when the watchdog cut the connection off (408, or 503
    # for one that waited too long for a slot). The app's error handler answers when it has
    # one (tinyweb.hooks); a REST resource's URL answers JSON. Never raises.
    try:
        if isinstance(exc, OSError) and is_peer_gone(exc):
            return  # the client went away: nothing left to answer
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
            if resp._extra:  # cookies set before the failure: not sent
                del resp._extra[:]
            await answer_error(
                app, req, resp, exc, 500, format_exception(exc) if app.debug else None
            )
        if req._deadline is not None or req._body_left:
            # Bad input, a refused body, or a failure before the request was read in full:
            # take in a bounded amount, for a bounded time, so that closing does not reset
            # the connection before the client has read the answer.
            discard = load("discard").discard

            if req._body_left < 0:
                # A chunked body: its framing may be what failed, so it is dropped as bytes.
                req._body_left = 0
            req._deadline = ticks_add(ticks_ms(), _LINGER_MS)
            await discard(req, _LINGER_BYTES)
    except BaseException:  # the client is gone, or the linger ran out of time
        pass


async def answer_error(app, req, resp, exc, code, msg=None):
    # The error answer: the app's handler for it (tinyweb.hooks, when an app registered
    # one), JSON {"status": code, "error": reason} on a REST resource's URL, else the text
    # page of error().
    hooks = sys.modules.get("tinyweb.hooks")
    if hooks is not None and await hooks.handle_error(app, req, resp, exc, code):
        return
    if _is_rest(app, req):
        import json

        resp.code = code
        resp.version = "1.1"  # as every REST answer
        resp.headers["Connection"] = "close"
        body = {"status": code, "error": msg or resp.reason or load("reasons").reason_for(code)}
        await resp.send_body(json.dumps(body), "application/json")
    else:
        await load("status").error(resp, code, msg)


def _is_rest(app, req):
    # Whether the request's URL is a REST resource's (for a 405, any method's).
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
    # Print a traceback: `sys.print_exception` on MicroPython, `traceback` on CircuitPython
    # and CPython; just the exception where neither exists (CircuitPython builds without
    # `traceback`, e.g. its unix port).
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
    # The traceback of `exc` as text, for the body of a debug 500 page.
    import io

    out = io.StringIO()
    print_exception(exc, out)
    return out.getvalue()
