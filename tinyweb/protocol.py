"""HTTP/1.x wire format as pure functions over bytes: no I/O, so every runtime can test them.

parse_request_line(b"GET /a?b=1 HTTP/1.1")  # -> (b"GET", b"/a", b"b=1", b"HTTP/1.1")
parse_query_string("a=1&b=%C3%A9")         # -> {"a": "1", "b": "é"}
"""

# Reason phrases of RFC 9110 section 15 for the codes the core sends and handlers use most;
# any other code goes out with an empty reason (allowed) unless the handler sets one.
REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    301: "Moved Permanently",
    302: "Found",
    304: "Not Modified",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    411: "Length Required",
    413: "Content Too Large",
    414: "URI Too Long",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class HTTPException(Exception):
    """Raise from a handler (or the core) to answer with `code` instead of 500.

    raise HTTPException(403)
    """

    def __init__(self, code=400, reason=None):
        super().__init__(code)
        self.code = code
        self.reason = reason


def reason_for(code):
    """The standard reason phrase of a status code ("" when it has none we know)."""
    return REASONS.get(code, "")


def parse_request_line(line):
    """Split a request line (without CRLF) into method, path, query string and version.

    RFC 9112 section 3: method SP request-target SP HTTP-version. Returns None when the line
    is not of that form, so the caller answers 400. Only origin-form targets ("/path") and
    "*" (for OPTIONS) are accepted: this server is nobody's proxy.
    """
    parts = line.split(b" ")
    if len(parts) != 3:
        return None
    method, target, version = parts
    if not method or not method.isalpha() or not method.isupper():
        return None
    if not version.startswith(b"HTTP/1."):
        return None
    if not target or (target[0] != 0x2F and target != b"*"):  # 0x2F is "/"
        return None
    if b"\x00" in target:
        return None
    query = b""
    q = target.find(b"?")
    if q >= 0:
        query = target[q + 1 :]
        target = target[:q]
    return method, target, query, version


def parse_content_length(value):
    """The body length a Content-Length value announces, or None when it is not a number.

    Only digits are accepted (RFC 9110 section 8.6): "+5", "-1" and "5, 5" are rejected.
    """
    value = value.strip()
    if not value or not value.isdigit() or len(value) > 15:
        return None
    return int(value)


def _hex_value(c):
    if 48 <= c <= 57:  # 0-9
        return c - 48
    c |= 0x20  # lower case
    if 97 <= c <= 102:  # a-f
        return c - 87
    return -1


def unquote_bytes(data, plus_as_space=False):
    """Percent-decode bytes (and "+" to space for forms); a broken escape stays as it is."""
    if plus_as_space and b"+" in data:
        data = data.replace(b"+", b" ")
    if b"%" not in data:
        return data
    # Work per escape, not per byte: split at "%" and decode the two hex digits after each.
    parts = data.split(b"%")
    out = [parts[0]]
    for i in range(1, len(parts)):
        part = parts[i]
        if len(part) >= 2:
            hi = _hex_value(part[0])
            lo = _hex_value(part[1])
            if hi >= 0 and lo >= 0:
                out.append(bytes((hi * 16 + lo,)))
                out.append(part[2:])
                continue
        out.append(b"%")
        out.append(part)
    return b"".join(out)


def decode_text(data):
    """UTF-8 bytes to str; bytes that are not UTF-8 come through one char per byte."""
    try:
        return data.decode("utf-8")
    except UnicodeError:
        return "".join(chr(b) for b in data)


def urldecode_plus(s):
    """Decode an urlencoded string, "+" included: urldecode_plus("a+%C3%A9") == "a é".

    Accepts str (TinyWeb's signature) or bytes; always returns str.
    """
    if isinstance(s, str):
        s = s.encode("utf-8")
    return decode_text(unquote_bytes(s, True))


def parse_query_string(s):
    """Parse an urlencoded string ("a=1&b=2") into a dict of str; the last repeat wins.

    A key with no "=" maps to "". Accepts str or bytes.
    """
    if isinstance(s, str):
        s = s.encode("utf-8")
    # "+" and "%" are looked for once in the whole string, not in every key and value: on
    # MicroPython each call and each new object costs (a form field is otherwise ~18k
    # instructions, most of them outside the decoding itself).
    if b"+" in s:
        s = s.replace(b"+", b" ")
    escaped = b"%" in s
    res = {}
    for pair in s.split(b"&"):
        if not pair:
            continue
        eq = pair.find(b"=")
        if eq < 0:
            key = pair
            value = b""
        else:
            key = pair[:eq]
            value = pair[eq + 1 :]
        if escaped:
            key = unquote_bytes(key)
            value = unquote_bytes(value)
        try:  # inline: decode_text() is a call more per key and value
            res[key.decode("utf-8")] = value.decode("utf-8")
        except UnicodeError:
            res[decode_text(key)] = decode_text(value)
    return res


# (version, code) -> "HTTP/1.0 200 OK\r\n": made once, as str() of a code would make a new
# string (and look it up among the interned ones) for every answer on MicroPython.
_STATUS_LINES = {}


def status_line_and_headers(version, code, reason, headers):
    """Serialize a response head: status line, header lines and the blank line, as bytes."""
    if reason is None:
        line = _STATUS_LINES.get((version, code))
        if line is None:
            line = "HTTP/%s %d %s\r\n" % (version, code, reason_for(code))
            if code in REASONS:  # a bounded set: the cache stays small
                _STATUS_LINES[(version, code)] = line
    else:
        line = "HTTP/%s %d %s\r\n" % (version, code, reason)
    parts = [line]
    add = parts.append
    for name, value in headers.items():
        add(name)
        add(": ")
        add(value)
        add("\r\n")
    add("\r\n")
    try:
        head = "".join(parts)
    except TypeError:  # a value set into resp.headers directly that is not a str
        head = "".join([p if isinstance(p, str) else str(p) for p in parts])
    return head.encode("utf-8")
