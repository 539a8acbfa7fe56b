"""A route's options past the defaults: its methods, the headers it saves, CORS options.

Loaded the first time a route is registered with one of them (a plain `@app.route('/')`
takes the defaults, class attributes of `tinyweb.server.Route`).

    configure(route, {'methods': ['get', 'PUT'], 'save_headers': ['Content-Type']})

Routes that ask for the same share one object: one tuple per set of methods, one header
filter per set of saved headers, one bytes object per method name. A board registers dozens
of routes, mostly alike; each copy would cost it 100 to 300 bytes.
"""

from .server import Route

# Holds only `_made`, a cache: dropped when the heap runs out, and loaded again (compat.load),
# routes registered after that share with one another, not with those before.
_RELOADABLE = True

# Every method tuple and header filter handed out so far (as many as the distinct ones the
# app's routes name), each to be handed out again for an equal one. Route's defaults first.
_made = [Route.methods, Route.save_headers]


def header_filter(names):
    # What a route keeps of the headers: ({lower-case name: name as the app wrote it},
    # {name lengths}), so that most header lines are skipped by their length alone.
    keys = {}
    for name in names or ():
        key = name.encode() if isinstance(name, str) else name
        keys[key.lower()] = key
    return keys, set(len(k) for k in keys)


def shared(value):
    # `value`, or the equal one (a tuple of methods, a header filter) handed out before.
    for v in _made:
        if v == value:
            return v
    _made.append(value)
    return value


def configure(route, options):
    # Set on `route` the methods, save_headers and allowed_access_control_* of `options`
    # (add_route's keyword arguments); other keys are ignored, and `options` is not kept.
    #
    # Methods are upper-case bytes, str or bytes in any case given; a name a tuple handed out
    # before holds is that tuple's bytes object (b'GET' is the one of Route's default
    # methods), so no table of method names is kept for it.
    names = options.get("methods")
    if names:
        methods = []
        for m in names:
            m = (m.encode() if isinstance(m, str) else m).upper()
            for made in _made:
                # A header filter is a dict and a set: equal to no bytes.
                if m in made:
                    m = made[made.index(m)]
                    break
            methods.append(m)
        route.methods = shared(tuple(methods))
    names = options.get("save_headers")
    if names:
        route.save_headers = shared(header_filter(names))
    cors = None
    for key in options:
        if key.startswith("allowed_access_control"):
            if cors is None:
                cors = {}
            cors[key] = options[key]
    if cors is not None:
        route.params = cors
