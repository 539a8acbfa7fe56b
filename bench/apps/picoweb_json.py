"""picoweb, JSON for a path parameter: a regular-expression route and jsonify()."""

import re

import picoweb

app = picoweb.WebApp(None)


@app.route(re.compile("^/user/([^/]+)$"))
def user(req, resp):
    id = req.url_match.group(1)
    yield from picoweb.jsonify(resp, {"id": id, "name": "user " + id, "active": True})
