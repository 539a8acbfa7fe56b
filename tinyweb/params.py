"""URLs with parameters: `/user/<id>`, `/item/<int:n>`, `/files/<path:p>`.

Loaded when the first such URL is registered; exact URLs are a dict lookup in the server.

    i = slot(patterns, '/user/<int:id>')        # where that URL's routes are, made if new
    find(patterns, b'/user/42')                 # -> ((Route,), {'id': 42})

`<name>` is a str (one segment), `<int:name>` an int, `<path:name>` the rest of the path,
slashes included, a trailing one too (last segment only).

`patterns` (the server's) is one flat list, three items per URL: the compiled URL, the URL,
and the tuple of its routes. A compiled URL is one tuple: per segment after the leading
slash, bytes for a fixed one, the name (str) for a parameter, that preceded by _INT or _PATH
for those kinds. `/item/<int:n>/detail` is (b'item', 1, 'n', b'detail'): 32 bytes and one
bytes object per fixed segment on a 32-bit board, where a list of a tuple per segment took
three times that.
"""

from .compat import const, load

# Holds nothing between calls: dropped when the heap runs out, and loaded again (compat.load).
_RELOADABLE = True

# Parameter kinds, folded into the code by MicroPython's compiler (no globals).
_STR = const(0)
_INT = const(1)
_PATH = const(2)


def compile_url(url):
    # A parameterized URL as the tuple described above; ValueError when it is not one.
    segments = []
    last = None  # where a <path:...> parameter's kind is
    for seg in url.encode().split(b"/")[1:]:
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
            if last is not None:
                break  # a segment after <path:...>
            if kind != _STR:
                if kind == _PATH:
                    last = len(segments)
                segments.append(kind)
            segments.append(spec)
        elif last is not None:
            break
        else:
            segments.append(seg)
    else:
        return tuple(segments)
    raise ValueError("a <path:...> parameter must come last in " + url)


def slot(patterns, url):
    # The index in `patterns` of the routes of `url`, an empty tuple added when new.
    for i in range(1, len(patterns), 3):
        if patterns[i] == url:
            return i + 1
    patterns.append(compile_url(url))
    patterns.append(url)
    patterns.append(())
    return len(patterns) - 1


def match(segments, path):
    # {name: value} when `path` (bytes) fits the compiled URL, else None.
    parts = path.split(b"/")
    if parts[0]:  # not from the root
        return None
    n = len(parts)
    i = 1
    params = None
    kind = _STR
    for seg in segments:
        if type(seg) is int:
            kind = seg
            continue
        if i >= n:
            return None
        raw = parts[i]
        i += 1
        if type(seg) is bytes:
            if raw != seg:
                return None
            continue
        if kind == _PATH:
            # No empty segment: "/files//etc/passwd" must not hand "/etc/passwd" to an app
            # that joins it to a folder. A trailing slash is kept ("docs/": a folder).
            for part in parts[i - 1 : -1]:
                if not part:
                    return None
            raw = b"/".join(parts[i - 1 :])
            i = n
        if not raw:
            return None
        if kind == _INT:
            if not raw.isdigit():
                return None
            value = int(raw)
        else:
            urlencoded = load("urlencoded")  # looked up here: it may be dropped (compat)
            value = urlencoded.unquote_bytes(raw)
            # Percent-decoding must not make what the route's shape forbids: a slash or a
            # backslash in a one-segment parameter ("..%2f..%2fsecrets"), a NUL anywhere, or
            # a path that starts at the root ("%2fetc%2fhostname").
            if b"\0" in value or (
                (b"/" in value or b"\\" in value) if kind == _STR else value[0] in b"/\\"
            ):
                return None
            value = urlencoded.decode_text(value)
        if params is None:
            params = {}
        params[seg] = value
        kind = _STR
    if i != n:
        return None
    return {} if params is None else params


def find(patterns, path):
    # ((Route, ...), params) for a path (bytes), or (None, None) when nothing matches.
    for i in range(0, len(patterns), 3):
        params = match(patterns[i], path)
        if params is not None:
            return patterns[i + 2], params
    return None, None
