"""HTTP/1.1 persistent connections: the next request on a connection the client kept.

Loaded the first time an answer says "Connection: keep-alive" (a hello-world app whose
clients close after each request never loads it).

An HTTP/1.1 request without "Connection: close" (or an HTTP/1.0 one with "Connection:
keep-alive") keeps its connection when the answer's end is known to the client: a
`Content-Length` (`send_body`, `send_file`, REST resources, error pages), chunks (REST
generators), or a status without a body (204, 304). TinyWeb's own way of answering,
`start_html()` then `send()` with no length, still ends by closing the connection, as
before. Bounds, from the board preset:

- `keep_alive`: the most requests one connection carries (the last answer closes it);
- `request_timeout`: how long a kept connection may wait for its next request; it is then
  closed without an answer;
- a kept connection waiting for its next request holds its slot only while nobody else
  waits for one: the first in line closes it at once (`tinyweb.slots`).

    GET /a HTTP/1.1         ->  HTTP/1.0 200 OK, Content-Length: 5, Connection: keep-alive
    GET /b HTTP/1.1         ->  (same connection) ...
"""

from .compat import ticks_add, ticks_ms
from .request import request
from .response import response


def add_header(resp, parts):
    # Add "Connection: keep-alive" to a head being written, if the client can tell where
    # this answer ends: a length, chunks, or no body at all (TinyWeb's start_html() and
    # send() give none: such an answer ends by closing). The app's own Connection wins.
    headers = resp.headers
    if "Connection" not in headers and (
        "Content-Length" in headers
        or "Transfer-Encoding" in headers
        or resp.code == 204
        or resp.code == 304
    ):
        parts.append("Connection: keep-alive\r\n")
        resp._kept = True


def next_request(app, req, resp):
    # The request and response for the connection's next request: same stream, same
    # receive buffer (a request the client sent already, pipelined, is in it), the next
    # head due within `request_timeout`.
    stream = req.reader
    new = request(stream)
    new._task = req._task
    new._timeout = req._timeout
    new._lend(req._buf, req._mv, req._max_line)
    if req._pos < req._len:  # more was received: the start of the next request
        new._pos = req._pos
        new._len = req._len
    new._served = req._served + 1
    new._deadline = ticks_add(ticks_ms(), req._timeout)
    conns = app.conns
    conns[conns.index(req)] = new
    app._kept = True
    answer = response(stream)
    answer._req = new
    return new, answer


def is_idle(req):
    # A kept connection waiting for its next request, nothing of it received yet.
    return req._served and req.method == b"" and req._pos == req._len
