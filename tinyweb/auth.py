"""HTTP Basic and Bearer authentication (RFC 7617, RFC 6750): 401 with WWW-Authenticate
until the client sends what is expected, compared in constant time.

Loaded when an app imports it. Protect one route (it saves the Authorization header), every
route of an app, or check inside a REST resource (resources save Authorization already):

    from tinyweb.auth import basic_auth, bearer_auth

    admin = basic_auth({'admin': 'secret'}, realm='config')

    @app.route('/config', save_headers=['Authorization'])
    @admin
    async def config(req, resp):               # req.user == 'admin' here
        ...

    api = bearer_auth(['token-1'])
    api.protect(app)                           # every route, now and later

    class Settings:
        def put(self, data, headers):
            api.verify(headers)                # 401 unless the token is right
"""

import binascii

from .compat import generator_type, load
from .request import HTTPException

_AUTHORIZATION = b"authorization"


def same(a, b):
    """Whether a == b (bytes or str), in a time that depends only on len(a): a wrong guess
    tells nothing of how much of it was right."""
    if isinstance(a, str):
        a = a.encode("utf-8")
    if isinstance(b, str):
        b = b.encode("utf-8")
    diff = len(a) ^ len(b)
    if diff:
        b = a  # still compare, so a length mismatch takes as long as a content one
    for i in range(len(a)):
        diff |= a[i] ^ b[i]
    return diff == 0


def _header(headers):
    for key, value in headers.items():
        if key.lower() == _AUTHORIZATION:
            return value
    return None


class Auth:
    """One way to authenticate: `basic_auth()` or `bearer_auth()` make one.

    auth.verify(headers)   the user name (Basic) or token (Bearer), else HTTPException 401
    @auth                  a route handler that runs only for authenticated requests,
                           with `req.user` set (the route must save 'Authorization')
    auth.protect(app)      every route of `app` (now and later) saves Authorization and
                           answers 401 before its handler unless authenticated
    """

    def __init__(self, scheme, check, realm):
        self.scheme = scheme
        self.check = check
        self.realm = realm

    def _refuse(self, error=None):
        challenge = '%s realm="%s"' % (self.scheme, self.realm)
        if self.scheme == "Basic":
            challenge += ', charset="UTF-8"'
        elif error:
            challenge += ', error="%s"' % error  # RFC 6750 section 3.1
        e = HTTPException(401)
        e.headers = {"WWW-Authenticate": challenge}
        return e

    def verify(self, headers):
        """Check the Authorization header among `headers` (a route's saved headers, or a
        REST method's `headers`): the user name (Basic) or the token (Bearer); raises
        HTTPException(401) with WWW-Authenticate otherwise.

            user = auth.verify(headers)   # in a REST method
        """
        value = _header(headers)
        if value is None:
            raise self._refuse()
        space = value.find(b" ")
        if space < 0 or value[:space].lower() != self.scheme.lower().encode():
            raise self._refuse()
        credentials = value[space + 1 :].strip()
        if self.scheme == "Bearer":
            token = credentials.decode("utf-8", "replace")
            if not self.check(token):
                raise self._refuse("invalid_token")
            return token
        try:
            pair = binascii.a2b_base64(credentials).decode("utf-8")
        except ValueError:  # not base64, not UTF-8 (binascii.Error is a ValueError)
            raise self._refuse()
        colon = pair.find(":")
        if colon < 0 or not self.check(pair[:colon], pair[colon + 1 :]):
            raise self._refuse()
        return pair[:colon]

    def __call__(self, handler):
        async def authenticated(req, resp, **params):
            self.require(req)
            r = handler(req, resp, **params)
            if r is not None and (isinstance(r, generator_type) or hasattr(r, "__await__")):
                await r

        return authenticated

    def require(self, req, resp=None):
        """Check a request (a before_request function): sets req.user, or raises 401."""
        route = req.route
        if route is not None and _AUTHORIZATION not in route.save_headers[0]:
            raise RuntimeError("auth: add save_headers=['Authorization'] to the route")
        req.user = self.verify(req.headers)

    def protect(self, app):
        """Require this check on every route of `app`, those added later included (a
        before_request hook; Authorization is saved for every route).

            basic_auth({'admin': 'secret'}).protect(app)
        """
        hooks = load("hooks")
        hooks.save_header(app, "Authorization")
        hooks.before_request(app, self.require)


def _checker(table):
    if isinstance(table, dict):  # {user: password}

        def check(user, password):
            expected = table.get(user)
            ok = same(password, expected if expected is not None else password + "x")
            return ok and expected is not None

        return check

    def check(token):  # tokens: a list or tuple; each is compared, found or not
        ok = False
        for t in table:
            ok = same(token, t) or ok
        return ok

    return check


def basic_auth(users=None, check=None, realm="tinyweb"):
    """HTTP Basic: `users` {name: password}, or `check(user, password)` -> bool."""
    return Auth("Basic", check or _checker(users), realm)


def bearer_auth(tokens=None, check=None, realm="tinyweb"):
    """Bearer tokens: `tokens` a list of the valid ones, or `check(token)` -> bool."""
    return Auth("Bearer", check or _checker(list(tokens)), realm)
