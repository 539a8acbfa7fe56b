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
    out = bytearray()
    i = 0
    n = len(data)
    while i < n:
        c = data[i]
        if c == 0x25 and i + 2 < n:  # "%" with two chars after it
            hi = _hex_value(data[i + 1])
            lo = _hex_value(data[i + 2])
            if hi >= 0 and lo >= 0:
                out.append(hi * 16 + lo)
                i += 3
                continue
        out.append(c)
        i += 1
    return bytes(out)


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
    res = {}
    for pair in s.split(b"&"):
        if not pair:
            continue
        eq = pair.find(b"=")
        if eq < 0:
            res[urldecode_plus(pair)] = ""
        else:
            res[urldecode_plus(pair[:eq])] = urldecode_plus(pair[eq + 1 :])
    return res


def status_line_and_headers(version, code, reason, headers):
    """Serialize a response head: status line, header lines and the blank line, as bytes."""
    if reason is None:
        reason = reason_for(code)
    parts = ["HTTP/", version, " ", str(code), " ", reason, "\r\n"]
    for name, value in headers.items():
        parts.append(name)
        parts.append(": ")
        parts.append(str(value))
        parts.append("\r\n")
    parts.append("\r\n")
    return "".join(parts).encode("utf-8")


def is_bad_header_value(value):
    """A response header value must not smuggle a CR or LF into the head."""
    return "\r" in value or "\n" in value
