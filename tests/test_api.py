"""TinyWeb's documented API, item by item, through Python's http.client over real sockets."""

import json
import os
from urllib.parse import quote

import pytest
from conftest import http_request, raw_request

import tinyweb


def make_app(**kwargs):
    return tinyweb.webserver(**kwargs)


def test_route_decorator_and_add_route_default_methods(serve):
    app = make_app()

    async def page(req, resp):
        await resp.start_html()
        await resp.send("method=" + req.method.decode())

    app.add_route("/page", page)  # TinyWeb's default: GET and POST
    app.add_route("/lower", page, methods=["get"])  # method names in any case
    port = serve(app)
    assert http_request(port, "GET", "/page")[3] == b"method=GET"
    assert http_request(port, "POST", "/page", body=b"")[3] == b"method=POST"
    assert http_request(port, "GET", "/lower")[3] == b"method=GET"
    status, _, headers, _ = http_request(port, "PUT", "/page", body=b"")
    assert status == 405
    assert headers["allow"] == "GET, POST, HEAD, OPTIONS"


def test_same_url_two_routes_different_methods(serve):
    app = make_app()

    @app.route("/thing", methods=["GET"])
    async def read(req, resp):
        await resp.send_body("read")

    @app.route("/thing", methods=["DELETE"])
    async def delete(req, resp):
        await resp.send_body("deleted")

    with pytest.raises(ValueError):
        app.add_route("/thing", read, methods=["GET"])  # GET is taken
    port = serve(app)
    assert http_request(port, "GET", "/thing")[3] == b"read"
    assert http_request(port, "DELETE", "/thing")[3] == b"deleted"


def test_parameterized_url_two_routes_different_methods(serve):
    app = make_app()

    @app.route("/thing/<int:n>", methods=["get"])
    async def read(req, resp, n):
        await resp.send_body("read %d" % n)

    @app.route("/thing/<int:n>", methods=[b"Delete"])
    async def delete(req, resp, n):
        await resp.send_body("deleted %d" % n)

    with pytest.raises(ValueError):
        app.add_route("/thing/<int:n>", read, methods=["PUT", "GET"])  # GET is taken
    port = serve(app)
    assert http_request(port, "GET", "/thing/3")[3] == b"read 3"
    assert http_request(port, "DELETE", "/thing/4")[3] == b"deleted 4"
    status, _, headers, _ = http_request(port, "PUT", "/thing/5", body=b"")
    assert status == 405  # the refused registration left nothing behind
    assert headers["allow"] == "GET, DELETE, HEAD, OPTIONS"
    assert http_request(port, "GET", "/thing/x")[0] == 404


def test_invalid_urls_are_rejected():
    app = make_app()
    for url in ("", "no-slash", "/a?b=1", "/x/<int:>", "/x/<path:p>/tail", "/x/<float:f>"):
        with pytest.raises(ValueError):
            app.add_route(url, lambda req, resp: None)


def test_request_fields_are_bytes_and_saved_headers_only(serve):
    app = make_app()
    seen = {}

    @app.route("/r", save_headers=["Content-Length", "X-Custom"], methods=["POST"])
    async def r(req, resp):
        seen.update(
            method=req.method, path=req.path, qs=req.query_string, headers=dict(req.headers)
        )
        await resp.send_body("ok")

    port = serve(app)
    http_request(port, "POST", "/r?a=1", body=b"abc", headers={"x-custom": "v", "X-Other": "o"})
    assert seen["method"] == b"POST"
    assert seen["path"] == b"/r"
    assert seen["qs"] == b"a=1"
    # Found by the names the app used, whatever case the client sent; unsaved ones dropped.
    assert seen["headers"] == {b"Content-Length": b"3", b"X-Custom": b"v"}


def test_read_parse_form_data_urlencoded_and_json(serve):
    app = make_app()

    @app.route("/form", methods=["POST"])
    async def form(req, resp):
        data = await req.read_parse_form_data()
        await resp.send_body(json.dumps(data), "application/json")

    port = serve(app)
    body = "city=S%C3%A3o+Paulo&n=1".encode()
    ctype = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
    status, _, _, got = http_request(port, "POST", "/form", body=body, headers=ctype)
    assert status == 200
    assert json.loads(got) == {"city": "S\u00e3o Paulo", "n": "1"}
    jbody = json.dumps({"a": [1, 2], "b": None}).encode()
    got = http_request(
        port, "POST", "/form", body=jbody, headers={"content-type": "application/json"}
    )
    assert json.loads(got[3]) == {"a": [1, 2], "b": None}
    # No body: an empty dict, as TinyWeb.
    assert json.loads(http_request(port, "POST", "/form", body=b"")[3]) == {}


def test_max_body_size_413(serve):
    app = make_app()

    @app.route("/up", methods=["POST"], max_body_size=100)
    async def up(req, resp):
        await req.read_parse_form_data()
        await resp.send_body("fine")

    port = serve(app)
    ok = http_request(port, "POST", "/up", body=b"a=" + b"x" * 98)
    assert ok[0] == 200
    status, reason, _, _ = http_request(port, "POST", "/up", body=b"a=" + b"x" * 99)
    assert (status, reason) == (413, "Content Too Large")


def test_response_api(serve):
    app = make_app()

    @app.route("/json")
    async def j(req, resp):
        resp.add_header("X-One", "1")
        await resp.start_json()
        await resp.send(json.dumps({"ok": True}))

    @app.route("/bytes")
    async def b(req, resp):
        resp.code = 201
        resp.headers["X-Direct"] = "yes"
        await resp.start_html()
        await resp.send(b"\x00\x01raw")

    @app.route("/moved")
    async def moved(req, resp):
        await resp.redirect("/json")

    @app.route("/nope")
    async def nope(req, resp):
        await resp.error(404)

    @app.route("/version")
    async def version(req, resp):
        resp.version = "1.1"
        resp.add_header("Connection", "close")
        await resp.send_body("v")

    port = serve(app)
    status, _, headers, body = http_request(port, "GET", "/json")
    assert (status, headers["content-type"], headers["x-one"]) == (200, "application/json", "1")
    assert json.loads(body) == {"ok": True}
    status, reason, headers, body = http_request(port, "GET", "/bytes")
    assert (status, reason, headers["x-direct"], body) == (201, "Created", "yes", b"\x00\x01raw")
    status, _, headers, _ = http_request(port, "GET", "/moved")
    assert (status, headers["location"]) == (302, "/json")
    assert http_request(port, "GET", "/nope")[:2] == (404, "Not Found")
    raw = raw_request(port, b"GET /version HTTP/1.1\r\nHost: x\r\n\r\n")
    assert raw.startswith(b"HTTP/1.1 200 OK\r\n")


def test_header_injection_is_refused_whatever_path_set_the_value(serve):
    """A CR, LF or NUL that reaches the head through add_header, resp.headers, resp.reason or
    a route's CORS option is refused when the head is written: 500, no smuggled header."""
    app = make_app()

    @app.route("/hdr/<how>")
    async def hdr(req, resp, how):
        value = req.query()["v"]
        if how == "add":
            resp.add_header("X-A", value)
        elif how == "dict":
            resp.headers["X-A"] = value
        elif how == "name":
            resp.headers[value] = "1"
        else:
            resp.reason = value
        await resp.start_html()
        await resp.send("never")

    @app.route("/cors", allowed_access_control_origins="a\r\nSet-Cookie: pwn=1")
    async def cors(req, resp):
        resp.add_access_control_headers()
        await resp.send_body("never")

    port = serve(app)
    for how in ("add", "dict", "name", "reason"):
        for evil in ("%0d%0aSet-Cookie:%20pwn=1", "%0aSet-Cookie:%20pwn=1", "x%0dy", "x%00y"):
            raw = raw_request(
                port, b"GET /hdr/%s?v=%s HTTP/1.0\r\n\r\n" % (how.encode(), evil.encode())
            )
            assert raw.startswith(b"HTTP/1.0 500 "), (how, evil, raw)
            assert b"pwn" not in raw and b"never" not in raw, (how, evil, raw)
    raw = raw_request(port, b"GET /cors HTTP/1.0\r\n\r\n")
    assert raw.startswith(b"HTTP/1.0 500 ") and b"pwn" not in raw
    # The server still answers normally afterwards.
    raw = raw_request(port, b"GET /hdr/add?v=fine HTTP/1.0\r\n\r\n")
    assert raw.startswith(b"HTTP/1.0 200 OK\r\n") and b"X-A: fine\r\n" in raw


def test_debug_puts_traceback_in_500_only_when_asked(serve):
    def app_with(debug):
        app = make_app(debug=debug)

        @app.route("/boom")
        async def boom(req, resp):
            raise RuntimeError("kaboom-detail")

        return app

    quiet, loud = serve(app_with(False)), serve(app_with(True))
    status, _, _, body = http_request(quiet, "GET", "/boom")
    assert status == 500 and b"kaboom-detail" not in body
    status, _, _, body = http_request(loud, "GET", "/boom")
    assert status == 500 and b"kaboom-detail" in body and b"Traceback" in body


def test_error_after_status_line_only_closes(serve):
    app = make_app(debug=True)

    @app.route("/late")
    async def late(req, resp):
        await resp.start_html()
        await resp.send("first part")
        raise RuntimeError("late failure")

    port = serve(app)
    raw = raw_request(port, b"GET /late HTTP/1.0\r\n\r\n")
    assert raw.count(b"HTTP/1.0") == 1
    assert raw.endswith(b"first part")


def test_resources_class_function_generator(serve):
    app = make_app()
    calls = []

    class Thing:
        def get(self, data, headers, thing_id, scale):
            calls.append((data, thing_id, scale))
            return {"id": thing_id, "value": int(thing_id) * scale}

        def delete(self, data, headers, thing_id, scale):
            if b"Authorization" not in headers:
                return {"error": "forbidden"}, 403
            return {"deleted": thing_id, "auth": headers[b"Authorization"].decode()}

    app.add_resource(Thing, "/things/<thing_id>", scale=10)

    @app.resource("/gen")
    def gen(data, headers):
        for i in range(3):
            yield '{"i": %d}\n' % i

    @app.resource("/coro", method="POST")
    async def coro(data, headers):
        return {"echo": data}, 202

    @app.resource("/agen")
    async def agen(data, headers):
        yield "a"
        yield "b"

    port = serve(app)
    status, _, headers, body = http_request(port, "GET", "/things/4?x=y")
    assert status == 200 and json.loads(body) == {"id": "4", "value": 40}
    assert calls == [({"x": "y"}, "4", 10)]
    assert headers["access-control-allow-origin"] == "*"
    assert http_request(port, "DELETE", "/things/4")[0] == 403
    status, _, _, body = http_request(port, "DELETE", "/things/4", headers={"authorization": "k"})
    assert status == 200 and json.loads(body) == {"deleted": "4", "auth": "k"}
    # http.client decodes the chunked body: what a user sees is the joined chunks.
    status, _, headers, body = http_request(port, "GET", "/gen")
    assert headers["transfer-encoding"] == "chunked"
    assert body == b'{"i": 0}\n{"i": 1}\n{"i": 2}\n'
    status, _, _, body = http_request(
        port, "POST", "/coro", body=b'{"k": 1}', headers={"Content-Type": "application/json"}
    )
    assert status == 202 and json.loads(body) == {"echo": {"k": 1}}
    assert http_request(port, "GET", "/agen")[3] == b"ab"


def test_resource_route_options_and_method_arguments(serve):
    app = make_app()

    class Box:
        def get(self, data, headers, box_id, unit):
            return {"id": box_id, "unit": unit, "token": headers.get(b"X-Token", b"").decode()}

        def put(self, data, headers, box_id, unit):
            return {"put": box_id, "data": data}

    # Route options configure the route; the other keyword arguments reach the methods.
    app.add_resource(
        Box,
        "/boxes/<box_id>",
        unit="kg",
        save_headers=["X-Token"],
        max_body_size=16,
        allowed_access_control_origins="https://shop.example",
    )

    @app.resource("/boxes/<box_id>", method="delete")  # any case, as add_route's methods
    def remove(data, headers, box_id):
        return {"deleted": box_id}

    with pytest.raises(ValueError):
        app.add_resource(Box, "/boxes/<box_id>")  # GET and PUT are taken

    port = serve(app)
    status, _, headers, body = http_request(port, "GET", "/boxes/7", headers={"X-Token": "t"})
    assert status == 200 and json.loads(body) == {"id": "7", "unit": "kg", "token": "t"}
    assert headers["access-control-allow-origin"] == "https://shop.example"
    assert headers["access-control-allow-methods"] == "GET, PUT"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, headers, body = http_request(port, "PUT", "/boxes/7", body=b"a=1", headers=form)
    assert status == 200 and json.loads(body) == {"put": "7", "data": {"a": "1"}}
    assert http_request(port, "PUT", "/boxes/7", body=b"a=" + b"x" * 20, headers=form)[0] == 413
    assert json.loads(http_request(port, "DELETE", "/boxes/7")[3]) == {"deleted": "7"}
    # HEAD is answered by get(): its status and headers, no body.
    raw = raw_request(port, b"HEAD /boxes/8 HTTP/1.0\r\n\r\n")
    assert raw.startswith(b"HTTP/1.1 200 OK\r\n") and raw.endswith(b"\r\n\r\n")
    assert b"Content-Type: application/json\r\n" in raw
    status, _, headers, _ = http_request(port, "PATCH", "/boxes/7", body=b"")
    assert status == 405 and headers["allow"] == "GET, PUT, DELETE, HEAD, OPTIONS"


def test_options_and_head_are_automatic(serve):
    app = make_app()

    @app.route("/data", methods=["GET", "PUT"], allowed_access_control_headers="X-Key")
    async def data(req, resp):
        await resp.send_body("0123456789")

    port = serve(app)
    status, _, headers, body = http_request(port, "OPTIONS", "/data")
    assert status == 200 and body == b""
    assert headers["access-control-allow-methods"] == "GET, PUT"
    assert headers["access-control-allow-headers"] == "X-Key"
    assert headers["allow"] == "GET, PUT, HEAD, OPTIONS"
    raw = raw_request(port, b"HEAD /data HTTP/1.0\r\n\r\n")
    assert raw.startswith(b"HTTP/1.0 200 OK\r\n")
    assert b"Content-Length: 10\r\n" in raw and raw.endswith(b"\r\n\r\n")


def test_catchall(serve):
    app = make_app()

    @app.catchall()
    async def anything(req, resp):
        resp.code = 404
        await resp.start_html()
        await resp.send("<h1>My custom 404 for %s</h1>" % req.path.decode())

    port = serve(app)
    status, _, _, body = http_request(port, "GET", "/a/b")
    assert (status, body) == (404, b"<h1>My custom 404 for /a/b</h1>")


def test_sync_handler_and_parameters_as_keywords(serve):
    app = make_app()

    @app.route("/u/<name>/<int:n>")
    async def u(req, resp, n, name):  # order does not matter: keywords
        await resp.send_body("%s:%d:%r" % (name, n, req.path_params == {"name": name, "n": n}))

    port = serve(app)
    assert http_request(port, "GET", "/u/%E2%98%83/7")[3] == "\u2603:7:True".encode()


def test_helpers_urldecode_plus_and_parse_query_string():
    assert tinyweb.urldecode_plus("a+b%20c%2B") == "a b c+"
    assert tinyweb.urldecode_plus("%E2%98%83") == "\u2603"
    assert tinyweb.urldecode_plus("100%") == "100%"
    assert tinyweb.urldecode_plus("%zz") == "%zz"
    assert tinyweb.parse_query_string("a=1&b=&c&d=x%3Dy&a=2") == {
        "a": "2",
        "b": "",
        "c": "",
        "d": "x=y",
    }
    assert tinyweb.parse_query_string("") == {}


def test_expect_100_continue_is_answered_before_the_body(serve):
    import socket

    app = make_app()

    @app.route("/upload", methods=["POST"], max_body_size=4096)
    async def upload(req, resp):
        body = await req.read_body()
        await resp.send_body("got %d" % len(body))

    port = serve(app)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(
            b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n"
            b"Expect: 100-continue\r\n\r\n"
        )
        # A client such as curl waits for this before it sends a large body.
        assert s.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        s.sendall(b"x" * 3000)
        answer = b""
        while not answer.endswith(b"got 3000"):
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.0 200 OK\r\n") and answer.endswith(b"got 3000")


def test_an_overlong_header_nobody_keeps_streams_past(serve):
    """max_line bounds what is kept: a 3 KB Cookie on a board with 512-byte lines is read
    past when the route saves no Cookie, and 431 when it does or when it passes 8 KB."""
    app = make_app(board="esp8266")

    @app.route("/")
    async def index(req, resp):
        await resp.send_body("x-token=%s" % req.headers.get(b"X-Token", b"-").decode())

    @app.route("/keeps", save_headers=["Cookie"])
    async def keeps(req, resp):
        await resp.send_body("kept")

    port = serve(app)
    cookie = b"Cookie: " + b"a" * 3000 + b"\r\n"
    head = b"GET %s HTTP/1.0\r\nHost: x\r\n" + cookie + b"X-Token: t1\r\n\r\n"
    raw = raw_request(port, head % b"/")
    assert raw.startswith(b"HTTP/1.0 200 OK\r\n") and raw.endswith(b"x-token=-"), raw
    assert raw_request(port, head % b"/keeps").startswith(b"HTTP/1.0 431 ")
    huge = b"GET / HTTP/1.0\r\nCookie: " + b"a" * 9000 + b"\r\n\r\n"
    assert raw_request(port, huge).startswith(b"HTTP/1.0 431 ")
    # A long line that is not even a header (no colon within the buffer) is refused too.
    assert raw_request(port, b"GET / HTTP/1.0\r\n" + b"a" * 600 + b"\r\n\r\n").startswith(
        b"HTTP/1.0 431 "
    )


def test_send_file_refuses_names_that_leave_their_folder(serve):
    """The name an app builds from a folder and a client's value: 403 for "..", NUL or an
    empty segment past the start ("www/" + "/etc/passwd"), whatever the slashes."""
    app = make_app()
    here = os.path.dirname(os.path.abspath(__file__))

    @app.route("/get")
    async def get(req, resp):
        await resp.send_file(here + "/shared/static/" + req.query()["f"])

    port = serve(app)
    for name in ("/etc/hostname", "../test_api.py", "..\\test_api.py", "x\x00", "a//b"):
        raw = raw_request(port, b"GET /get?f=%s HTTP/1.0\r\n\r\n" % quote(name).encode())
        assert raw.startswith(b"HTTP/1.0 403 "), (name, raw[:80])
    raw = raw_request(port, b"GET /get?f=hello.txt HTTP/1.0\r\n\r\n")
    assert raw.startswith(b"HTTP/1.0 200 OK\r\n")


def test_client_made_errors_are_4xx_not_500(serve):
    """JSON nested 10,000 deep is 400; a file name past the filesystem's limit is 404; an
    ordinary request with 100 headers is served on the host preset (Apache's default)."""
    app = make_app()
    here = os.path.dirname(os.path.abspath(__file__))

    @app.route("/json", methods=["POST"], max_body_size=65536)
    async def json_route(req, resp):
        await resp.send_body(str(len(await req.read_parse_form_data())))

    @app.route("/file/<name>")
    async def file_route(req, resp, name):
        await resp.send_file(here + "/" + name)

    port = serve(app)
    deep = b"[" * 10000 + b"]" * 10000
    head = b"POST /json HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
    assert raw_request(port, head % len(deep) + deep).startswith(b"HTTP/1.0 400 ")
    assert raw_request(port, b"GET /file/%s HTTP/1.0\r\n\r\n" % (b"a" * 300)).startswith(
        b"HTTP/1.0 404 "
    )
    headers = b"".join(b"X-H%d: v\r\n" % i for i in range(99))
    raw = raw_request(port, b"GET /file/test_api.py HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    assert raw.startswith(b"HTTP/1.0 200 OK\r\n")
