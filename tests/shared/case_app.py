"""The app behind the shared request/response cases (cases.json).

Only the public API, so it runs unchanged on CPython, MicroPython and CircuitPython.
`make_app(static_dir)` builds it; `static_dir` holds the files of the static cases.
"""

import tinyweb

db = {}


class Customers:
    """A TinyWeb-style REST resource class."""

    def get(self, data, headers):
        return {"customers": db}

    def post(self, data, headers):
        db[str(len(db) + 1)] = data
        return {"message": "created"}, 201

    def delete(self, data, headers):
        if b"Authorization" in headers:
            db.clear()
            return {"message": "deleted"}
        return {"message": "forbidden"}, 403


class Customer:
    def get(self, data, headers, customer_id, prefix):
        if customer_id not in db:
            return {"message": "no such customer"}, 404
        return db[customer_id]

    def put(self, data, headers, customer_id, prefix):
        db[customer_id] = data
        return {"id": prefix + customer_id}, 200, {"X-Updated": customer_id}


def make_app(static_dir="static"):
    db.clear()
    app = tinyweb.webserver(debug=False)

    @app.route("/")
    async def index(req, resp):
        await resp.start_html()
        await resp.send("<html><body><h1>Hello, world!</h1></html>\n")

    @app.route("/table")
    async def table(req, resp):
        await resp.start_html()
        await resp.send("<table>")
        for i in range(3):
            await resp.send("<tr><td>Name{}</td><td>Value{}</td></tr>".format(i, i))
        await resp.send("</table>")

    @app.route("/echo", methods=["GET", "POST", "PUT"], save_headers=["Content-Type", "X-Token"])
    async def echo(req, resp):
        form = await req.read_parse_form_data()
        keys = sorted(form.keys())
        await resp.start_json()
        await resp.send(
            '{"method": "%s", "query": "%s", "token": "%s", "keys": "%s", "form": "%s"}'
            % (
                req.method.decode(),
                req.query_string.decode(),
                req.headers.get(b"X-Token", b"").decode(),
                ",".join(keys),
                ",".join(str(form[k]) for k in keys),
            )
        )

    @app.route("/small", methods=["POST"], max_body_size=8)
    async def small(req, resp):
        data = await req.read_parse_form_data()
        await resp.send_body("ok %d" % len(data))

    @app.route("/user/<name>")
    async def user(req, resp, name):
        await resp.start_html()
        await resp.send("user=" + name)

    @app.route("/item/<int:num>/detail")
    async def item(req, resp, num):
        await resp.send_body("item %d is %s" % (num, type(num).__name__))

    @app.route("/files/<path:rest>")
    async def files(req, resp, rest):
        await resp.send_body("path=" + rest)

    @app.route("/static/<fn>")
    async def static(req, resp, fn):
        await resp.send_file(static_dir + "/" + fn, max_age=60)

    @app.route("/gz")
    async def gz(req, resp):
        await resp.send_file(
            static_dir + "/hello.txt", content_type="text/plain", content_encoding="gzip", max_age=0
        )

    @app.route("/missing")
    async def missing(req, resp):
        await resp.send_file(static_dir + "/nope.txt")

    @app.route("/escape")
    async def escape(req, resp):
        await resp.send_file(static_dir + "/../case_app.py")

    @app.route("/redirect")
    async def redirect(req, resp):
        await resp.redirect("/")

    @app.route("/teapot")
    async def teapot(req, resp):
        resp.code = 418
        resp.reason = "Short And Stout"
        resp.add_header("X-Brew", "earl grey")
        await resp.send_body("teapot")

    @app.route("/forbidden")
    async def forbidden(req, resp):
        raise tinyweb.HTTPException(403)

    @app.route("/crash")
    async def crash(req, resp):
        raise ValueError("handler bug")

    @app.route("/crash_late")
    async def crash_late(req, resp):
        await resp.start_html()
        await resp.send("partial")
        raise ValueError("handler bug after the head")

    @app.route("/error")
    async def error(req, resp):
        await resp.error(409)

    @app.route("/empty")
    async def empty(req, resp):
        resp.code = 204

    @app.route("/forgot_await")
    async def forgot_await(req, resp):
        resp.start_html()  # the bug under test: no await, so nothing is sent
        resp.send("never sent")

    @app.route("/forgot_await_error")
    async def forgot_await_error(req, resp):
        resp.error(404)  # no await: a lazy (tinyweb.status) method dropped

    @app.route("/utf8")
    async def utf8(req, resp):
        await resp.send_body('{"text": "h\u00e9llo \u2603"}', "application/json")

    @app.route("/cors", allowed_access_control_origins="https://example.com")
    async def cors(req, resp):
        resp.add_access_control_headers()
        await resp.send_body("cors")

    app.add_resource(Customers, "/api/customers")
    app.add_resource(Customer, "/api/customers/<customer_id>", prefix="c-")

    @app.resource("/api/user/<user_id>")
    def api_user(data, headers, user_id):
        return {"id": user_id, "name": "foo", "q": data}

    @app.resource("/api/user/<user_id>", method="POST")
    def api_user_stream(data, headers, user_id):
        yield "{"
        yield '"id": "{}", '.format(user_id)
        yield '"got": "{}"'.format(data.get("name", ""))
        yield "}"

    @app.resource("/api/text")
    def api_text(data, headers):
        return "plain \u2603"

    @app.resource("/api/broken")
    def api_broken(data, headers):
        raise KeyError("oops")

    @app.catchall()
    async def catchall(req, resp):
        resp.code = 404
        await resp.start_html()
        await resp.send("custom 404 for " + req.path.decode())

    return app


def make_plain_app():
    """An app without a catch-all handler, for the plain 404 case."""
    app = tinyweb.webserver()

    @app.route("/")
    async def index(req, resp):
        await resp.send_body("plain")

    return app
