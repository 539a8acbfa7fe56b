"""Cookies (RFC 6265): `req.cookies` read from the Cookie header, `resp.set_cookie()` and
`resp.delete_cookie()` adding one Set-Cookie header each, and `resp.append_header()` for
any header that may repeat.

Loaded the first time an app touches one of them. A request keeps only the headers its
route saves, so a route that reads cookies saves `Cookie`:

    @app.route('/', save_headers=['Cookie'])
    async def index(req, resp):
        visits = int(req.cookies.get('visits', '0')) + 1
        resp.set_cookie('visits', str(visits), max_age=3600, http_only=True)
        await resp.send_body('visit %d' % visits)
"""

# Holds nothing between calls: dropped when the heap runs out, and loaded again (compat.load).
_RELOADABLE = True

# Characters a cookie name may not hold (RFC 6265 section 4.1.1: a token of RFC 2616) and
# a value may not hold besides controls and non-ASCII (cookie-octet).
_NAME_SEPARATORS = '()<>@,;:\\"/[]?={} \t'
_VALUE_FORBIDDEN = ' ",;\\'


def parse(header):
    # The cookies of a Cookie header (bytes or str) as {name: value}, both str; pairs
    # without "=" are skipped, a value in double quotes loses them, the first of two equal
    # names wins (RFC 6265 section 5.4: the most specific path is sent first).
    if isinstance(header, bytes):
        header = header.decode("utf-8", "replace")
    cookies = {}
    for pair in header.split(";"):
        eq = pair.find("=")
        if eq <= 0:
            continue
        name = pair[:eq].strip()
        value = pair[eq + 1 :].strip()
        if len(value) > 1 and value[0] == '"' and value[-1] == '"':
            value = value[1:-1]
        if name and name not in cookies:
            cookies[name] = value
    return cookies


def request_cookies(req):
    # `req.cookies`: the request's cookies, from the Cookie header its route saves.
    route = req.route
    if route is not None and b"cookie" not in route.save_headers[0]:
        raise RuntimeError("req.cookies: add save_headers=['Cookie'] to the route")
    for key, value in req.headers.items():
        if key.lower() == b"cookie":
            return parse(value)
    return {}


def _check(text, forbidden, what):
    for c in text:
        if c < "!" or c > "~" or c in forbidden:
            raise ValueError("invalid character in a cookie %s: %r" % (what, text))


def set_cookie(
    resp,
    name,
    value,
    max_age=None,
    path="/",
    domain=None,
    expires=None,
    http_only=False,
    secure=False,
    same_site=None,
):
    # Add a Set-Cookie header; several cookies give several headers.
    #
    # max_age   seconds until it expires (0: now); None: when the browser closes
    # expires   an HTTP date string, for clients that ignore Max-Age
    # same_site 'Strict', 'Lax' or 'None' (which browsers take only with secure=True)
    # ValueError for a name or value a Cookie header could not carry back (quote or encode
    # such values yourself, e.g. as hex or URL-encoded).
    if not name:
        raise ValueError("empty cookie name")
    _check(name, _NAME_SEPARATORS, "name")
    value = str(value)
    _check(value, _VALUE_FORBIDDEN, "value")
    parts = [name + "=" + value]
    if max_age is not None:
        parts.append("Max-Age=%d" % max_age)
    if expires:
        parts.append("Expires=" + expires)
    if path:
        parts.append("Path=" + path)
    if domain:
        parts.append("Domain=" + domain)
    if secure:
        parts.append("Secure")
    if http_only:
        parts.append("HttpOnly")
    if same_site:
        parts.append("SameSite=" + same_site)
    cookie = "; ".join(parts)
    for attr in parts[1:]:
        _check(attr.replace(" ", "_").replace(",", "_"), ";", "attribute")
    # The same name, path and domain again replaces the cookie set before.
    key = (name, [p for p in parts[1:] if p.startswith("Path=") or p.startswith("Domain=")])
    extra = _extra(resp)
    for i, (header, value) in enumerate(extra):
        if header == "Set-Cookie":
            attrs = value.split("; ")
            eq = attrs[0].find("=")
            if key == (
                attrs[0][:eq],
                [p for p in attrs[1:] if p.startswith("Path=") or p.startswith("Domain=")],
            ):
                extra[i] = ("Set-Cookie", cookie)
                return
    extra.append(("Set-Cookie", cookie))


def _extra(resp):
    # The response's repeated header lines [(name, value)], made the first time: the head
    # then gets them after the lines of `resp.headers` (response._head, wrapped).
    if resp._extra is not None:
        return resp._extra
    extra = resp._extra = []
    head = resp._head  # the class's, or one an after_request hook wraps

    def head_with_extra():
        data = head()
        lines = "".join("%s: %s\r\n" % item for item in extra)
        n = len(extra)
        if lines.count("\n") != n or lines.count("\r") != n or "\0" in lines:
            resp.headers_sent = False
            raise ValueError("CR, LF or NUL in a response header")
        return data[:-2] + lines.encode("utf-8") + b"\r\n"

    resp._head = head_with_extra
    return extra


def append_header(resp, name, value):
    # Add a header line even when one of that name is there already (Set-Cookie, Link,
    # WWW-Authenticate, Vary): `resp.headers` keeps one value per name, these are sent after
    # them, checked the same way (ValueError for CR, LF or NUL).
    _extra(resp).append((name, value))


def delete_cookie(resp, name, path="/", domain=None):
    # Ask the browser to forget a cookie: empty, expired (Max-Age=0 and a past Expires);
    # give the path and domain it was set with.
    set_cookie(
        resp, name, "", max_age=0, path=path, domain=domain, expires="Thu, 01 Jan 1970 00:00:00 GMT"
    )
