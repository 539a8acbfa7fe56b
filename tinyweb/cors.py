"""OPTIONS, CORS and 405: what a URL answers for a method none of its routes takes.

Loaded on the first OPTIONS request, 405 or `add_access_control_headers()` call.

    OPTIONS /api/x  ->  204-style empty 200 with Allow and Access-Control-Allow-* headers
    DELETE /        ->  405 with Allow: GET, POST, HEAD, OPTIONS
"""

from .request import HTTPException

# Holds nothing between calls: dropped when the heap runs out, and loaded again (compat.load).
_RELOADABLE = True


def allowed_methods(routes):
    # The Allow header value for a URL: every method it answers, plus HEAD and OPTIONS.
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


def add_headers(resp, route=None):
    # Add the route's CORS headers (its `allowed_access_control_*` options, "*" by
    # default, as in TinyWeb, and its methods); response.add_access_control_headers().
    #
    # Without a route option the app's `webserver(cors=...)` decides (tinyweb.lockdown):
    # with cors=False, or an Origin that is not listed, no CORS header goes out.
    req = resp._req
    if route is None and req is not None:
        route = req.route
    params = resp.params
    headers = resp.headers
    origin = params.get("allowed_access_control_origins")
    if origin is None:
        guard = req._guard if req is not None else None  # set by tinyweb.lockdown
        origin = "*" if guard is None else guard.allow_origin(req, headers)
        if origin is None:
            return
    headers["Access-Control-Allow-Origin"] = origin
    headers["Access-Control-Allow-Methods"] = (
        ", ".join(m.decode() for m in route.methods) if route is not None else "GET, POST"
    )
    headers["Access-Control-Allow-Headers"] = params.get("allowed_access_control_headers", "*")


async def no_route_for_method(req, resp, routes):
    # Answer OPTIONS (CORS preflight, "what can I do here") for every URL; 405 otherwise.
    allow = allowed_methods(routes)
    resp.headers["Allow"] = allow
    if req.method != b"OPTIONS":
        raise HTTPException(405)
    resp.params = routes[0].params
    add_headers(resp, routes[0])
    resp.headers["Content-Length"] = "0"
    await resp._send_headers()
