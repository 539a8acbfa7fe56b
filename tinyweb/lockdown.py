"""Locking a device down: CORS for named origins only (or for none), and a Host check.

Loaded only by an app that passes either setting to `webserver` (docs/security.md):

    app = tinyweb.webserver(cors=False, allowed_hosts=["192.168.1.50", "sensor.local"])
    app = tinyweb.webserver(cors=["http://dashboard.example"])
"""

from .request import _NO_HEADERS, HTTPException


class Guard:
    """What `webserver(cors=..., allowed_hosts=...)` asked for, applied to every request.

    cors           True: TinyWeb's `Access-Control-Allow-Origin: *` (the default); False: no
                   CORS headers at all; a list of origins ("http://a.example"): the request's
                   Origin is echoed, with `Vary: Origin`, only when it is listed. A route's
                   own `allowed_access_control_origins` option still wins over this.
    allowed_hosts  None: any Host (the default); a list of names or addresses, with or
                   without a port ("sensor.local", "192.168.1.50:8081", "[::1]"): a request
                   whose Host is not listed gets 421, one without a Host 400.
    """

    def __init__(self, cors=True, allowed_hosts=None):
        if isinstance(cors, str):
            cors = True if cors == "*" else [cors]
        if cors is not True and cors is not False:
            cors = tuple(o.encode() if isinstance(o, str) else bytes(o) for o in cors)
        self.cors = cors
        if allowed_hosts is not None:
            allowed_hosts = tuple(
                (h.encode() if isinstance(h, str) else bytes(h)).lower() for h in allowed_hosts
            )
        self.hosts = allowed_hosts
        # id(a route's header filter) -> (that filter, it with Host and Origin added)
        self._filters = {}

    def _filter(self, save):
        """The route's header filter plus the headers the checks read (Host, Origin).

        Made once per filter: routes share theirs, so there are few.
        """
        if save is None:
            save = _NO_HEADERS
        entry = self._filters.get(id(save))
        if entry is not None and entry[0] is save:
            return entry[1]
        saved = dict(save[0])
        lengths = set(save[1])
        if self.hosts is not None and b"host" not in saved:
            saved[b"host"] = b"Host"
            lengths.add(4)
        if self.cors is not True and self.cors is not False and b"origin" not in saved:
            saved[b"origin"] = b"Origin"
            lengths.add(6)
        merged = (saved, lengths)
        self._filters[id(save)] = (save, merged)
        return merged

    async def read_headers(self, req, route, max_headers):
        """Read the head as the server does, then check it: 400 when Host is missing, 421
        when it is not listed. What the route does not save is dropped again."""
        save = route.save_headers if route is not None else None
        merged = self._filter(save)
        await req.read_headers(merged, max_headers)
        req._guard = self  # for tinyweb.cors
        own = (save or _NO_HEADERS)[0]
        headers = req.headers
        if self.cors is not True and self.cors is not False:
            key = merged[0][b"origin"]
            req._origin = headers.get(key)
            if b"origin" not in own:
                headers.pop(key, None)
        hosts = self.hosts
        if hosts is not None:
            key = merged[0][b"host"]
            host = headers.get(key)
            if b"host" not in own:
                headers.pop(key, None)
            if host is None:
                raise HTTPException(400)
            host = host.lower()
            if host not in hosts:
                # "name:port" and "[v6]:port" match a listed name without a port.
                colon = host.rfind(b":")
                if colon <= host.rfind(b"]") or host[:colon] not in hosts:
                    raise HTTPException(421)

    def allow_origin(self, req, headers):
        """The Access-Control-Allow-Origin value for this request, or None for none."""
        cors = self.cors
        if cors is True:
            return "*"
        if cors is False:
            return None
        # The answer depends on Origin: a cache must not give it to another origin.
        vary = headers.get("Vary")
        if not vary:
            headers["Vary"] = "Origin"
        elif "Origin" not in vary:
            headers["Vary"] = vary + ", Origin"
        origin = req._origin
        if origin is not None and origin in cors:
            return origin.decode()
        return None
