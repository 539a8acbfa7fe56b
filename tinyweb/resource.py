"""REST resources: call a resource method with the request's data and send what it returns.

    class Customer:
        def get(self, data, headers, id):
            return {'id': id}                  # 200, JSON
        def post(self, data, headers, id):
            return {'created': id}, 201        # any status; a third item adds headers
        def delete(self, data, headers, id):
            return None                        # an empty 204

`data` holds the body's fields (a form or JSON object) and the query string's, the query
string winning when both name the same field (as in TinyWeb).

A method may also yield str/bytes chunks (sent with chunked encoding, for big payloads), be
`async def` on CPython, or be an async generator on CPython.
"""

import json

from .compat import generator_type, load
from .server import Route

# Route options that configure the route instead of reaching the resource's methods.
ROUTE_OPTIONS = (
    "save_headers",
    "max_body_size",
    "allowed_access_control_headers",
    "allowed_access_control_origins",
)

# Headers every resource saves, so methods can check them ("to aid in Authorization").
DEFAULT_SAVED = ["Content-Length", "Content-Type", "Authorization"]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# How resource methods are called. True: method(data, headers, **path_params, **kwargs), as
# this project's README (TinyWeb's fork) documents. False: method(data, *path_params,
# **kwargs), as upstream TinyWeb (belyalov/tinyweb 1.3) calls them, so that its apps run
# unchanged: set it before the app serves (docs/porting.md):
#     import tinyweb.resource
#     tinyweb.resource.headers_argument = False
headers_argument = True


def add_class(app, cls, url, kwargs):
    """`webserver.add_resource`: route each HTTP method the class has to its method."""
    try:
        obj = cls()
    except TypeError:  # an instance, or a class that needs arguments
        obj = cls
    names = []
    functions = []
    for name in METHODS:
        fn = getattr(obj, name.lower(), None)
        if fn is not None:
            names.append(name)
            functions.append(fn)
    if not names:
        raise ValueError("resource has no get/post/put/patch/delete method")
    _register(app, url, names, functions, kwargs)


def add_function(app, f, url, method, kwargs):
    """`@webserver.resource`: route one HTTP method of `url` to the function `f`."""
    _register(app, url, (method,), (f,), kwargs)


def _register(app, url, names, functions, kwargs):
    """One route for the resource's methods. It holds their functions as a tuple in the
    order of its (shared) methods tuple, and the kwargs for them (`extra`) only when there
    are some: the route options are taken out, the dict given is not kept."""
    configure = load("routing").configure

    options = {"methods": names}
    extra = None
    for k in kwargs:
        if k in ROUTE_OPTIONS:
            options[k] = kwargs[k]
        else:
            if extra is None:
                extra = {}
            extra[k] = kwargs[k]
    saved = list(DEFAULT_SAVED)
    for name in options.get("save_headers") or ():
        if name not in saved:
            saved.append(name)
    options["save_headers"] = saved
    route = Route(restful_resource_handler, options.get("max_body_size", app.max_body_size))
    configure(route, options)
    route.callmap = tuple(functions)
    route.extra = extra
    app._add(url, route)


async def restful_resource_handler(req, resp, **params):
    """The route handler behind every resource: data in, JSON (or chunks) out."""
    route = req.route
    methods = route.methods
    method = req.method
    # The route was chosen for this method, or for HEAD as GET.
    fn = route.callmap[methods.index(method if method in methods else b"GET")]
    extra = route.extra
    data = await req.read_parse_form_data() if req._body_left else {}
    if req.query_string:
        parse_query_string = load("urlencoded").parse_query_string

        data.update(parse_query_string(req.query_string))
    if not headers_argument:  # upstream TinyWeb: no headers, path parameters by position
        if extra:
            res = fn(data, *params.values(), **extra)
        else:
            res = fn(data, *params.values())
    else:
        if extra:
            params.update(extra)
        res = fn(data, req.headers, **params)
    # A dict (the usual answer), list or tuple needs none of the checks for other kinds.
    plain = isinstance(res, (dict, list, tuple))
    if not plain and hasattr(res, "__await__"):  # CPython coroutine
        res = await res
    # Like TinyWeb: REST answers are HTTP/1.1 with Connection: close, CORS headers included;
    # unless the client keeps the connection (tinyweb.keepalive).
    resp.version = "1.1"
    if not req._keep:
        resp.headers["Connection"] = "close"
    resp.add_access_control_headers()
    if plain:
        pass
    elif hasattr(res, "__anext__"):  # CPython async generator
        await _send_chunks_async(resp, res)
        return
    elif isinstance(res, generator_type):
        # An `async def` on MicroPython is a generator too: if it returns before yielding
        # anything, its return value is the result.
        try:
            first = next(res)
        except StopIteration as e:
            res = e.args[0] if e.args else None
        else:
            await _send_chunks(resp, first, res)
            return
    body = result_body(resp, res)
    code = resp.code
    if body is None and code == 200:
        resp.code = code = 204
    if code == 204 or code == 304:
        # Never a body, and no Content-Length with a 204 (RFC 9110 sections 8.6, 15.3.5).
        resp.headers.pop("Content-Type", None)
        await resp._send_headers()
        return
    await resp.send_body(body or "")


def result_body(resp, res):
    """The body for a handler's result: body, (body, status) or (body, status, headers).

    Sets the status and headers the result carries. A dict or list becomes JSON
    (application/json), a str goes as text/plain (UTF-8), bytes as
    application/octet-stream, unless the headers name a Content-Type; None is no body
    (an empty 204 when the status is left at 200). A plain function, not a coroutine: one
    coroutine less to create for every REST answer.
    """
    if isinstance(res, tuple):
        if len(res) > 2 and res[2]:
            for k, v in res[2].items():
                resp.add_header(k, v)
        resp.code = res[1]
        res = res[0]
    if res is None:
        return None
    if isinstance(res, (dict, list)):
        res = json.dumps(res)
        ctype = "application/json"
    elif isinstance(res, str):
        ctype = "text/plain; charset=utf-8"
    else:
        ctype = "application/octet-stream"
    if "Content-Type" not in resp.headers:
        resp.headers["Content-Type"] = ctype
    return res


def encode_chunk(data):
    """One chunk of a chunked body (RFC 9112 section 7.1): size in hex, CRLF, data, CRLF."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return ("%x\r\n" % len(data)).encode() + data + b"\r\n"


LAST_CHUNK = b"0\r\n\r\n"


async def _start_chunked(resp):
    resp.headers["Content-Type"] = "application/json"
    resp.headers["Transfer-Encoding"] = "chunked"
    await resp._send_headers()


async def _send_chunks(resp, first, rest):
    await _start_chunked(resp)
    if resp.is_head:
        return
    if first:
        await resp._write(encode_chunk(first))
    for chunk in rest:
        if chunk:
            await resp._write(encode_chunk(chunk))
    await resp._write(LAST_CHUNK)


async def _send_chunks_async(resp, agen):
    await _start_chunked(resp)
    if resp.is_head:
        return
    async for chunk in agen:
        if chunk:
            await resp._write(encode_chunk(chunk))
    await resp._write(LAST_CHUNK)
