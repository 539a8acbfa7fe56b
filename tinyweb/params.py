"""URLs with parameters: `/user/<id>`, `/item/<int:n>`, `/files/<path:p>`.

Loaded when the first such URL is registered; exact URLs are a dict lookup in the server.

    routes_for(patterns, '/user/<int:id>')      # the route list of that URL, made if new
    find(patterns, b'/user/42')                 # -> ([Route], {'id': 42})

`<name>` is a str (one segment), `<int:name>` an int, `<path:name>` the rest of the path,
slashes included, a trailing one too (last segment only).
"""

from .compat import const
from .urlencoded import decode_text, unquote_bytes

# Parameter kinds, folded into the code by MicroPython's compiler (no globals).
_STR = const(0)
_INT = const(1)
_PATH = const(2)


def compile_url(url):
    """A parameterized URL as a list of segments: (literal bytes, None, None) for a fixed
    one, (None, name, kind) for a parameter."""
    segments = []
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
                elif type_name != "str" and type_name != "string":
                    raise ValueError("unknown parameter type: " + type_name)
            if not spec:
                raise ValueError("parameter without a name in " + url)
            segments.append((None, spec, kind))
        else:
            segments.append((seg, None, None))
    for i in range(len(segments) - 1):
        if segments[i][2] == _PATH:
            raise ValueError("a <path:...> parameter must come last in " + url)
    return segments


def routes_for(patterns, url):
    """The list of routes registered for `url`, added to `patterns` when new."""
    for entry in patterns:
        if entry[1] == url:
            return entry[2]
    routes = []
    patterns.append((compile_url(url), url, routes))
    return routes


def match(segments, path):
    """{name: value} when `path` (bytes) fits the segments, else None."""
    parts = path.split(b"/")
    has_path = segments[-1][2] == _PATH
    if len(parts) != len(segments) and not (has_path and len(parts) >= len(segments)):
        return None
    params = {}
    i = 0
    for literal, name, kind in segments:
        raw = parts[i]
        i += 1
        if literal is not None:
            if raw != literal:
                return None
            continue
        if kind == _PATH:
            # No empty segment: "/files//etc/passwd" must not hand "/etc/passwd" to an app
            # that joins it to a folder. A trailing slash is kept ("docs/": a folder).
            for part in parts[i - 1 : -1]:
                if not part:
                    return None
            raw = b"/".join(parts[i - 1 :])
        if not raw:
            return None
        if kind == _INT:
            if not raw.isdigit():
                return None
            params[name] = int(raw)
            continue
        value = unquote_bytes(raw)
        # Percent-decoding must not make what the route's shape forbids: a slash or a
        # backslash in a one-segment parameter ("..%2f..%2fsecrets"), a NUL anywhere, or a
        # path that starts at the root ("%2fetc%2fhostname").
        if b"\0" in value or (
            (b"/" in value or b"\\" in value) if kind == _STR else value[0] in b"/\\"
        ):
            return None
        params[name] = decode_text(value)
    return params


def find(patterns, path):
    """([Route, ...], params) for a path (bytes), or (None, None) when nothing matches."""
    for segments, _, routes in patterns:
        params = match(segments, path)
        if params is not None:
            return routes, params
    return None, None
