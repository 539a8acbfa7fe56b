"""Reason phrases: the text after a status line's code ("404 Not Found"), for every code
an app may set, and what a status other than 200 does to the response's head.

Loaded the first time an answer is not a 200 (response._head(), tinyweb.errors,
tinyweb.status): a hello-world app never holds it.

    reason_for(404)                    # -> "Not Found"
"""

# Holds nothing between calls: dropped when the heap runs out, and loaded again (compat.load).
_RELOADABLE = True

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


def reason_for(code):
    # The standard reason phrase of a status code ("" when it has none we know).
    key = "\n%d " % code
    for phrases in _REASONS:
        i = phrases.find(key)
        if i >= 0:
            return phrases[i + 5 : phrases.index("\n", i + 5)]
    return ""


def head_for(resp, code, reason):
    # For response._head(), a status other than 200: its reason phrase (`reason` if the
    # app set one). A 204 or 304 never carries a body, whatever the handler sends, and a 204
    # no Content-Length (RFC 9110 sections 6.4.1, 8.6).
    if code == 204 or code == 304:
        resp.is_head = True
        if code == 204:
            resp.headers.pop("Content-Length", None)
    return reason_for(code) if reason is None else reason
