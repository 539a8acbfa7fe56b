"""A test client: requests sent to an app in memory (no sockets), answers as objects.

Runs on CPython, MicroPython and CircuitPython (it needs `tinyweb.adapters.memory`, which
`make build` and the test runtimes include). The client keeps the cookies the app sets
and sends them back, like a browser.

    from tinyweb.testing import TestClient

    async def test_index():
        client = TestClient(app)
        r = await client.get('/')
        assert r.status == 200 and r.text.startswith('<html>')
        r = await client.post('/api/items', json={'name': 'x'})
        assert r.json() == {'id': 1}

    tinyweb.adapters.memory.run(test_index())   # or asyncio.run() on CPython
"""

import json as _json

from .adapters import memory


class TestResponse:
    """An answer: `status` (int), `reason`, `version`, `headers` ({lower-case name: value};
    a repeated header's values joined with ", "), `header_list` (every (name, value) pair
    in order), `body` (bytes, de-chunked), `text`, `json()`, `cookies` (what Set-Cookie
    set: {name: value})."""

    __test__ = False  # not a pytest test class

    def __init__(self, raw):
        self.raw = raw
        end = raw.find(b"\r\n\r\n")
        if end < 0:
            raise ValueError("no complete HTTP head in the answer: %r" % raw[:200])
        lines = raw[:end].decode("utf-8").split("\r\n")
        version, status, reason = (lines[0] + " ").split(" ", 2)
        self.version = version
        self.status = int(status)
        self.reason = reason.strip()
        self.header_list = []
        self.headers = {}
        self.cookies = {}
        for line in lines[1:]:
            colon = line.find(":")
            name = line[:colon].strip()
            value = line[colon + 1 :].strip()
            self.header_list.append((name, value))
            key = name.lower()
            if key in self.headers:
                self.headers[key] += ", " + value
            else:
                self.headers[key] = value
            if key == "set-cookie":
                pair = value.split(";", 1)[0]
                eq = pair.find("=")
                if eq > 0:
                    self.cookies[pair[:eq].strip()] = pair[eq + 1 :].strip()
        body = raw[end + 4 :]
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            body = dechunk(body)
        self.body = body

    @property
    def text(self):
        """The body decoded as UTF-8."""
        return self.body.decode("utf-8")

    def json(self):
        """The body parsed as JSON (ValueError when it is not JSON)."""
        return _json.loads(self.body)


def quote(text):
    """Percent-encode `text` (str) for a urlencoded form, as UTF-8."""
    out = []
    for c in str(text).encode("utf-8"):
        if (48 <= c <= 57) or (65 <= c <= 90) or (97 <= c <= 122) or c in b"-._~":
            out.append(chr(c))
        else:
            out.append("%%%02X" % c)
    return "".join(out)


def dechunk(data):
    """The body of a chunked answer (RFC 9112 section 7.1)."""
    out = []
    pos = 0
    while True:
        eol = data.find(b"\r\n", pos)
        if eol < 0:
            raise ValueError("truncated chunked body")
        size = int(data[pos:eol].split(b";")[0], 16)
        if size == 0:
            return b"".join(out)
        out.append(data[eol + 2 : eol + 2 + size])
        pos = eol + 4 + size


class TestClient:
    """Sends requests to `app` in memory. `cookies` starts the cookie jar ({name: value});
    `host` is the Host header sent (an app with `allowed_hosts` checks it).

    Every method is a coroutine returning a TestResponse: request(method, path, headers=,
    body=, json=, form=) and get/post/put/patch/delete/head/options(path, ...). `body` is
    str or bytes; `json` is sent as application/json, `form` (a dict) as urlencoded.
    Requests are HTTP/1.1."""

    __test__ = False  # not a pytest test class

    def __init__(self, app, cookies=None, host="localhost"):
        self.app = app
        self.cookies = dict(cookies or {})
        self.host = host

    async def request(self, method, path, headers=None, body=None, json=None, form=None):
        """Send one request to the app in memory; its TestResponse. `body` (str or bytes),
        `json` (sent as application/json) or `form` (a dict, urlencoded) gives the body;
        the client's cookies go along and Set-Cookie answers update them.

            r = await client.request('PUT', '/api/led', json={'on': 1})
        """
        headers = dict(headers or {})
        if json is not None:
            body = _json.dumps(json)
            headers.setdefault("Content-Type", "application/json")
        elif form is not None:
            body = "&".join(quote(k) + "=" + quote(v) for k, v in form.items())
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if isinstance(body, str):
            body = body.encode("utf-8")
        if body is not None:
            headers.setdefault("Content-Length", str(len(body)))
        if self.cookies and "Cookie" not in headers:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        head = "%s %s HTTP/1.1\r\nHost: %s\r\n" % (method, path, self.host)
        head += "".join("%s: %s\r\n" % kv for kv in headers.items()) + "\r\n"
        raw = await memory.request(self.app, head.encode("utf-8") + (body or b""))
        resp = TestResponse(raw)
        for name, value in resp.header_list:
            if name.lower() == "set-cookie":
                self._remember(value)
        return resp

    def _remember(self, set_cookie):
        attrs = set_cookie.split(";")
        eq = attrs[0].find("=")
        if eq <= 0:
            return
        name = attrs[0][:eq].strip()
        value = attrs[0][eq + 1 :].strip()
        gone = not value
        for attr in attrs[1:]:
            attr = attr.strip().lower()
            if attr == "max-age=0" or attr.startswith("max-age=-"):
                gone = True
        if gone:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    async def get(self, path, **kwargs):
        """request('GET', path, ...)."""
        return await self.request("GET", path, **kwargs)

    async def post(self, path, **kwargs):
        """request('POST', path, ...)."""
        return await self.request("POST", path, **kwargs)

    async def put(self, path, **kwargs):
        """request('PUT', path, ...)."""
        return await self.request("PUT", path, **kwargs)

    async def patch(self, path, **kwargs):
        """request('PATCH', path, ...)."""
        return await self.request("PATCH", path, **kwargs)

    async def delete(self, path, **kwargs):
        """request('DELETE', path, ...)."""
        return await self.request("DELETE", path, **kwargs)

    async def head(self, path, **kwargs):
        """request('HEAD', path, ...)."""
        return await self.request("HEAD", path, **kwargs)

    async def options(self, path, **kwargs):
        """request('OPTIONS', path, ...)."""
        return await self.request("OPTIONS", path, **kwargs)
