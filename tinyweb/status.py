"""Answers with a status and a short body (error pages, redirects) and the response's
methods most apps never call (`resp.error()`, `resp.redirect()`, ...).

Loaded the first time an app calls one: a hello-world app never holds this code. Reason
phrases are in tinyweb.reasons; what the server does when a request goes wrong is in
tinyweb.errors.

    await resp.error(404)              # "404 Not Found"
    await resp.redirect('/login')      # 302 with Location
"""

from .compat import load

# Holds nothing between calls: dropped when the heap runs out, and loaded again (compat.load).
_RELOADABLE = True

# The coroutine methods here are plain functions returning the coroutine of one of
# response's (send_body(), _send_headers()): a handler that drops one without awaiting it
# is caught like one that drops resp.send()'s (response.headers_sent, server.py).


def error(resp, code, msg=None):
    """Answer with status `code` and a short text body (`msg`, or the reason phrase).

    A coroutine: `await resp.error(404)`.
    """
    resp.code = code
    if msg is None:
        msg = "%d %s\n" % (code, resp.reason or load("reasons").reason_for(code))
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
