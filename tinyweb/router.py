"""URL routing: exact paths by dict lookup, parameterized paths by matching segments.

    router.add(Route('/user/<int:id>', handler, ['GET'], options))
    route, params = router.match(b'/user/42', b'GET')   # params == {'id': 42}

Parameters are written `<name>` (a str, one segment), `<int:name>` (an int) or
`<path:name>` (the rest of the path, slashes included; last segment only).
"""

from .protocol import decode_text, unquote_bytes
from .request import HeaderFilter

_STR = 0
_INT = 1
_PATH = 2


class Route:
    """One registration: a URL, the methods it answers and how to call its handler."""

    def __init__(self, url, handler, methods, options):
        self.url = url
        self.handler = handler
        self.methods = [(m.encode() if isinstance(m, str) else m).upper() for m in methods]
        self.save_headers = HeaderFilter(options.get("save_headers") or ())
        self.max_body_size = options.get("max_body_size", 1024)
        # What response.add_access_control_headers() and REST resources send.
        self.params = {
            "allowed_access_control_headers": options.get("allowed_access_control_headers", "*"),
            "allowed_access_control_origins": options.get("allowed_access_control_origins", "*"),
            "allowed_access_control_methods": ", ".join(m.decode() for m in self.methods),
        }
        for key, value in self.params.items():  # sent as they are by every answer
            if not isinstance(value, str):
                value = self.params[key] = str(value)
            if "\r" in value or "\n" in value:
                raise ValueError("CR or LF in " + key)
        # For REST resources: {b'GET': (function, extra kwargs)}; None for plain routes.
        self.callmap = options.get("_callmap")
        self.options = options


class _Pattern:
    """A parameterized URL split into segments: (literal bytes, None, None) for a fixed one,
    (None, name, kind) for a parameter."""

    def __init__(self, url):
        self.segments = []
        self.has_path = False
        for seg in url.encode().split(b"/"):
            if seg.startswith(b"<") and seg.endswith(b">"):
                spec = seg[1:-1].decode()
                kind = _STR
                if ":" in spec:
                    type_name, spec = spec.split(":", 1)
                    if type_name == "int":
                        kind = _INT
                    elif type_name == "path":
                        kind = _PATH
                        self.has_path = True
                    elif type_name != "str" and type_name != "string":
                        raise ValueError("unknown parameter type: " + type_name)
                if not spec:
                    raise ValueError("parameter without a name in " + url)
                self.segments.append((None, spec, kind))
            else:
                self.segments.append((seg, None, None))
        if self.has_path and self.segments[-1][2] != _PATH:
            raise ValueError("a <path:...> parameter must come last in " + url)

    def match(self, path):
        """{name: value} when `path` (bytes) fits, else None."""
        parts = path.split(b"/")
        segs = self.segments
        if len(parts) != len(segs) and not (self.has_path and len(parts) >= len(segs)):
            return None
        params = {}
        i = 0
        # Tuples, not isinstance(): a builtin's name is looked up on every use.
        for literal, name, kind in segs:
            raw = parts[i]
            i += 1
            if literal is not None:
                if raw != literal:
                    return None
                continue
            if kind == _PATH:
                raw = b"/".join(parts[i - 1 :])
            if not raw:
                return None
            if kind == _INT:
                if not raw.isdigit():
                    return None
                params[name] = int(raw)
            else:
                params[name] = decode_text(unquote_bytes(raw))
            if kind == _PATH:
                break
        return params


def url_key(url):
    """The registration key of a URL: its bytes."""
    return url.encode() if isinstance(url, str) else url


class Router:
    def __init__(self):
        # b'/exact/path' -> [Route, ...] (several when each answers other methods)
        self.exact = {}
        # [(pattern, url, [Route, ...])] in the order they were added
        self.patterns = []
        self.catchall = None

    def add(self, route):
        """Register a route; ValueError when the URL already answers one of its methods."""
        url = route.url
        if not isinstance(url, str) or not url.startswith("/") or "?" in url:
            raise ValueError("Invalid URL: %r" % (url,))
        if "<" in url:
            routes = None
            for entry in self.patterns:
                if entry[1] == url:
                    routes = entry[2]
            if routes is None:
                routes = []
                self.patterns.append((_Pattern(url), url, routes))
        else:
            routes = self.exact.setdefault(url_key(url), [])
        for other in routes:
            for m in route.methods:
                if m in other.methods:
                    raise ValueError("URL exists: %s %s" % (m.decode(), url))
        routes.append(route)

    def find(self, path):
        """([Route, ...], params) for a path (bytes), or (None, None) when nothing matches."""
        routes = self.exact.get(path)
        if routes is not None:
            return routes, None
        for pattern, _, routes in self.patterns:
            params = pattern.match(path)
            if params is not None:
                return routes, params
        return None, None


def pick(routes, method):
    """The route of `routes` that answers `method` (HEAD is answered by GET), else None."""
    for r in routes:
        if method in r.methods:
            return r
    if method == b"HEAD":
        for r in routes:
            if b"GET" in r.methods:
                return r
    return None


def allowed_methods(routes):
    """The Allow header value for a URL: every method it answers, plus HEAD and OPTIONS."""
    names = []
    for r in routes:
        for m in r.methods:
            name = m.decode()
            if name not in names:
                names.append(name)
    if "GET" in names and "HEAD" not in names:
        names.append("HEAD")
    if "OPTIONS" not in names:
        names.append("OPTIONS")
    return ", ".join(names)
