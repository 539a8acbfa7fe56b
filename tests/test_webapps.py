"""What web apps on a board need besides routes: cookies, REST answers HTTP allows, auth,
hooks and error handlers, the in-memory test client (issue 11, items 4-8).

Over real sockets with http.client, curl and adafruit_requests where the network is the
point; through tinyweb.testing.TestClient where it is not.
"""

import asyncio
import http.client
import json
import shutil
import socket
import subprocess
import time

import adafruit_requests
import pytest
from conftest import TIMEOUT, http_request, raw_request

import tinyweb
from tinyweb.testing import TestClient


def run(coro):
    return asyncio.new_event_loop().run_until_complete(coro)


def status_line(raw):
    return raw.split(b"\r\n", 1)[0]


# ---- cookies ------------------------------------------------------------------------------


def cookie_app():
    app = tinyweb.webserver()

    @app.route("/", save_headers=["Cookie"])
    async def index(req, resp):
        visits = int(req.cookies.get("visits", "0")) + 1
        resp.set_cookie("visits", str(visits), max_age=3600, http_only=True, same_site="Lax")
        resp.set_cookie("theme", "dark", path="/", secure=True)
        if visits > 2:
            resp.delete_cookie("theme")
        await resp.send_body("visit %d" % visits)

    @app.route("/unsaved")
    async def unsaved(req, resp):
        await resp.send_body(repr(req.cookies))

    @app.route("/inject")
    async def inject(req, resp):
        resp.set_cookie("a", "x\r\nX-Evil: 1")

    @app.route("/inject_path")
    async def inject_path(req, resp):
        resp.set_cookie("a", "1", path="/\r\nX-Evil: 1")

    return app


def test_two_set_cookie_headers_reach_http_client(serve):
    port = serve(cookie_app())
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    conn.request("GET", "/", headers={"Cookie": "visits=4; other=1"})
    r = conn.getresponse()
    assert r.read() == b"visit 5"
    cookies = [v for k, v in r.getheaders() if k.lower() == "set-cookie"]
    conn.close()
    assert cookies == [
        "visits=5; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax",
        "theme=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
    ]


def test_cookie_jar_round_trip_with_curl(serve, tmp_path):
    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    port = serve(cookie_app())
    jar = str(tmp_path / "jar")
    bodies = []
    for _ in range(2):
        out = subprocess.run(
            ["curl", "-s", "-b", jar, "-c", jar, "http://127.0.0.1:%d/" % port],
            capture_output=True,
            timeout=TIMEOUT,
        )
        bodies.append(out.stdout)
    assert bodies == [b"visit 1", b"visit 2"]
    with open(jar) as f:
        saved = f.read()
    assert "\tvisits\t2" in saved


def test_cookies_need_the_route_to_save_the_header(serve):
    port = serve(cookie_app())
    status, _, _, _ = http_request(port, "GET", "/unsaved", headers={"Cookie": "a=1"})
    assert status == 500  # RuntimeError: "add save_headers=['Cookie'] to the route"


def test_set_cookie_refuses_what_would_split_the_header(serve):
    port = serve(cookie_app())
    for path in ("/inject", "/inject_path"):
        raw = raw_request(port, b"GET %s HTTP/1.0\r\n\r\n" % path.encode())
        assert status_line(raw) == b"HTTP/1.0 500 Internal Server Error", path
        assert b"X-Evil" not in raw
    assert http_request(port, "GET", "/")[0] == 200


def test_repeated_headers_are_checked_line_by_line(serve):
    app = tinyweb.webserver()

    @app.route("/")
    async def index(req, resp):
        resp.append_header("Link", "</a.css>; rel=preload")
        resp.append_header("Link", "</b.js>; rel=preload")
        resp.add_header("X-One", "1")
        await resp.send_body("x")

    @app.route("/evil")
    async def evil(req, resp):
        resp.set_cookie("ok", "1")
        resp.append_header("Link", "</b.js>\nX-Evil: 1")
        await resp.send_body("x")

    port = serve(app)
    raw = raw_request(port, b"GET / HTTP/1.0\r\n\r\n")
    assert raw == (
        b"HTTP/1.0 200 OK\r\nX-One: 1\r\nContent-Length: 1\r\n"
        b"Link: </a.css>; rel=preload\r\nLink: </b.js>; rel=preload\r\n\r\nx"
    )
    raw = raw_request(port, b"GET /evil HTTP/1.0\r\n\r\n")
    assert status_line(raw) == b"HTTP/1.0 500 Internal Server Error"
    assert b"X-Evil" not in raw and b"Set-Cookie" not in raw


def test_cookie_parsing():
    from tinyweb.cookies import parse

    assert parse(b'a=1; b="two"; junk; c=; a=9; =x') == {"a": "1", "b": "two", "c": ""}


def test_test_client_keeps_cookies():
    async def go():
        client = TestClient(cookie_app())
        texts = []
        for _ in range(3):
            r = await client.get("/")
            texts.append((r.text, sorted(client.cookies)))
        return texts

    assert run(go()) == [
        ("visit 1", ["theme", "visits"]),
        ("visit 2", ["theme", "visits"]),
        ("visit 3", ["visits"]),
    ]


# ---- REST answers HTTP allows ------------------------------------------------------------


def rest_app():
    app = tinyweb.webserver()

    @app.resource("/none", method="DELETE")
    def none(data, headers):
        return None

    @app.resource("/none204", method="DELETE")
    def none204(data, headers):
        return None, 204

    @app.resource("/dict204")
    def dict204(data, headers):
        return {"ignored": True}, 204

    @app.resource("/not_modified")
    def not_modified(data, headers):
        return "x", 304, {"ETag": '"1"'}

    @app.resource("/text")
    def text(data, headers):
        return "plain \u2603"

    @app.resource("/json_text")
    def json_text(data, headers):
        return '{"a": 1}', 200, {"Content-Type": "application/json"}

    @app.resource("/both", method="POST")
    def both(data, headers):
        return data

    @app.resource("/accepted", method="POST")
    def accepted(data, headers):
        return {"queued": True}, 202

    return app


def test_none_is_an_empty_204_and_204_304_carry_no_body(serve):
    port = serve(rest_app())
    for path in ("/none", "/none204"):
        raw = raw_request(port, b"DELETE %s HTTP/1.0\r\n\r\n" % path.encode())
        head, body = raw.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 204 No Content\r\n"), path
        assert body == b"" and b"Content-Length" not in head and b"Content-Type" not in head
    raw = raw_request(port, b"GET /dict204 HTTP/1.0\r\n\r\n")
    assert raw.startswith(b"HTTP/1.1 204 No Content\r\n") and raw.endswith(b"\r\n\r\n")
    status, _, headers, body = http_request(port, "GET", "/not_modified")
    assert (status, body, headers["etag"]) == (304, b"", '"1"')


def test_str_result_is_text_and_can_be_labelled_json(serve):
    port = serve(rest_app())
    status, _, headers, body = http_request(port, "GET", "/text")
    assert (headers["content-type"], body) == ("text/plain; charset=utf-8", "plain \u2603".encode())
    status, _, headers, body = http_request(port, "GET", "/json_text")
    assert (headers["content-type"], json.loads(body)) == ("application/json", {"a": 1})


def test_query_string_wins_over_the_body_for_the_same_field(serve):
    port = serve(rest_app())
    status, _, _, body = http_request(
        port,
        "POST",
        "/both?name=query&q=1",
        body=b"name=body&b=2",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert json.loads(body) == {"name": "query", "q": "1", "b": "2"}


@pytest.mark.parametrize(
    "code,reason",
    [
        (202, "Accepted"),
        (206, "Partial Content"),
        (303, "See Other"),
        (307, "Temporary Redirect"),
        (308, "Permanent Redirect"),
        (401, "Unauthorized"),
        (409, "Conflict"),
        (410, "Gone"),
        (415, "Unsupported Media Type"),
        (422, "Unprocessable Content"),
        (429, "Too Many Requests"),
        (503, "Service Unavailable"),
        (504, "Gateway Timeout"),
    ],
)
def test_reason_phrases(serve, code, reason):
    app = tinyweb.webserver()

    @app.route("/")
    async def index(req, resp):
        resp.code = code
        await resp.send_body("x")

    port = serve(app)
    assert (
        status_line(raw_request(port, b"GET / HTTP/1.0\r\n\r\n"))
        == ("HTTP/1.0 %d %s" % (code, reason)).encode()
    )


def test_rest_answers_through_adafruit_requests(serve):
    port = serve(rest_app())
    session = adafruit_requests.Session(socket, None)
    r = session.post("http://127.0.0.1:%d/accepted" % port, json={})
    assert (r.status_code, r.json()) == (202, {"queued": True})
    r.close()
    r = session.delete("http://127.0.0.1:%d/none" % port)
    assert (r.status_code, r.content) == (204, b"")
    r.close()


# ---- the test client ----------------------------------------------------------------------


def test_test_client_status_headers_body_json():
    app = rest_app()

    @app.route("/echo", methods=["POST"], save_headers=["X-Token"])
    async def echo(req, resp):
        form = await req.read_parse_form_data()
        form["token"] = req.headers.get(b"X-Token", b"").decode()
        await resp.send_body(json.dumps(form), "application/json")

    @app.resource("/stream")
    def stream(data, headers):
        yield '{"a": '
        yield "1}"

    async def go():
        client = TestClient(app)
        a = await client.post("/echo", json={"x": 1}, headers={"X-Token": "t"})
        b = await client.post("/echo", form={"name": "J\u00fcrgen B&B"})
        c = await client.get("/stream")
        d = await client.get("/nowhere")
        e = await client.head("/text")
        return a, b, c, d, e

    a, b, c, d, e = run(go())
    assert (a.status, a.reason, a.headers["content-type"]) == (200, "OK", "application/json")
    assert a.json() == {"x": 1, "token": "t"}
    assert b.json() == {"name": "J\u00fcrgen B&B", "token": ""}
    assert (c.headers["transfer-encoding"], c.json()) == ("chunked", {"a": 1})
    assert (d.status, d.text) == (404, "404 Not Found\n")
    assert (e.status, e.body, e.headers["content-length"]) == (200, b"", "9")


# ---- auth ---------------------------------------------------------------------------------


def auth_app(app_wide=False):
    from tinyweb.auth import basic_auth, bearer_auth

    app = tinyweb.webserver()
    admin = basic_auth({"admin": "s3cret:x"}, realm="config")
    api = bearer_auth(["token-1", "token-2"])

    @app.route("/", methods=["GET"])
    async def index(req, resp):
        await resp.send_body("public")

    @app.route("/config", save_headers=["Authorization"])
    @admin
    async def config(req, resp):
        await resp.send_body("config for " + req.user)

    @app.route("/forgot")
    @admin
    async def forgot(req, resp):
        await resp.send_body("never")

    class Settings:
        def put(self, data, headers):
            return {"token": api.verify(headers), "data": data}

    app.add_resource(Settings, "/api/settings")
    if app_wide:
        api.protect(app)

        @app.route("/later")
        async def later(req, resp):
            await resp.send_body("later for " + req.user)

    return app


def basic(user, password):
    import base64

    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def test_basic_auth_protects_one_route(serve):
    port = serve(auth_app())
    status, _, headers, body = http_request(port, "GET", "/config")
    assert (status, headers["www-authenticate"]) == (401, 'Basic realm="config", charset="UTF-8"')
    assert http_request(port, "GET", "/")[3] == b"public"
    for bad in (basic("admin", "s3cret"), basic("root", "s3cret:x"), "Basic !!!", "Bearer x", "x"):
        assert http_request(port, "GET", "/config", headers={"Authorization": bad})[0] == 401
    ok = http_request(port, "GET", "/config", headers={"Authorization": basic("admin", "s3cret:x")})
    assert (ok[0], ok[3]) == (200, b"config for admin")
    # a protected route that does not save the header is a programming error, said loudly
    assert (
        http_request(port, "GET", "/forgot", headers={"Authorization": basic("a", "b")})[0] == 500
    )


def test_basic_auth_with_curl(serve):
    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    port = serve(auth_app())
    url = "http://127.0.0.1:%d/config" % port
    out = subprocess.run(
        ["curl", "-s", "-w", " %{http_code}", "-u", "admin:s3cret:x", url],
        capture_output=True,
        timeout=TIMEOUT,
    )
    assert out.stdout == b"config for admin 200"
    out = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", "admin:no", url],
        capture_output=True,
        timeout=TIMEOUT,
    )
    assert out.stdout == b"401"


def test_bearer_auth_in_a_resource_answers_json_401(serve):
    port = serve(auth_app())
    session = adafruit_requests.Session(socket, None)
    url = "http://127.0.0.1:%d/api/settings" % port
    r = session.put(url, json={"led": 1}, headers={"Authorization": "Bearer token-2"})
    assert (r.status_code, r.json()) == (200, {"token": "token-2", "data": {"led": 1}})
    r.close()
    r = session.put(url, json={"led": 1}, headers={"Authorization": "Bearer token-3"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == 'Bearer realm="tinyweb", error="invalid_token"'
    assert r.json() == {"status": 401, "error": "Unauthorized"}
    r.close()


def test_app_wide_auth_covers_routes_before_and_after_protect(serve):
    port = serve(auth_app(app_wide=True))
    token = {"Authorization": "Bearer token-1"}
    for path in ("/", "/later"):
        status, _, headers, _ = http_request(port, "GET", path)
        assert (status, headers["www-authenticate"]) == (401, 'Bearer realm="tinyweb"'), path
    assert http_request(port, "GET", "/", headers=token)[3] == b"public"
    assert http_request(port, "GET", "/later", headers=token)[3] == b"later for token-1"


def test_constant_time_compare_is_correct():
    from tinyweb.auth import same

    assert same("abc", "abc") and same(b"", b"")
    assert not same("abc", "abd") and not same("abc", "ab") and not same("", "a")


# ---- hooks, error handlers, the access log ------------------------------------------------


def hooks_app(lines):
    app = tinyweb.webserver(debug=False)

    @app.route("/")
    async def index(req, resp):
        await resp.send_body("hello")

    @app.before_request
    def stamp(req, resp):
        resp.headers["X-Device"] = "kitchen"
        if req.path == b"/blocked":
            return {"blocked": True}, 403

    @app.after_request
    def timing(req, resp):
        resp.headers["X-Status-Seen"] = str(resp.code)

    @app.errorhandler(404)
    def not_found(req, resp, exc):
        return {"error": "not found", "path": req.path.decode()}, 404

    @app.errorhandler(KeyError)
    async def key_error(req, resp, exc):
        resp.code = 422
        await resp.send_body("missing key %s" % exc)

    @app.route("/blocked")
    async def blocked(req, resp):
        await resp.send_body("never")

    @app.route("/key")
    async def key(req, resp):
        {}["led"]

    @app.route("/crash")
    async def crash(req, resp):
        raise ValueError("bug")

    @app.resource("/api/items", method="POST")
    def items(data, headers):
        return data, 201

    @app.catchall()
    async def anything(req, resp):
        raise tinyweb.HTTPException(404)

    app.enable_access_log(lines.append)
    return app


def test_hooks_shape_every_answer(serve):
    lines = []
    port = serve(hooks_app(lines))
    status, _, headers, body = http_request(port, "GET", "/")
    assert (status, body, headers["x-device"], headers["x-status-seen"]) == (
        200,
        b"hello",
        "kitchen",
        "200",
    )
    status, _, headers, body = http_request(port, "GET", "/blocked")
    assert (status, json.loads(body), headers["x-status-seen"]) == (403, {"blocked": True}, "403")
    status, _, headers, body = http_request(port, "GET", "/key")
    assert (status, body, headers["x-status-seen"]) == (422, b"missing key 'led'", "422")
    status, _, _, body = http_request(port, "GET", "/nowhere")
    assert (status, json.loads(body)) == (404, {"error": "not found", "path": "/nowhere"})
    status, _, headers, _ = http_request(port, "GET", "/crash")
    assert (status, headers["x-status-seen"]) == (500, "500")


def test_rest_errors_are_json(serve):
    lines = []
    port = serve(hooks_app(lines))
    cases = [
        ("POST", "/api/items", b"{", "application/json", 400),
        ("POST", "/api/items", b"x", "text/plain", 415),
        ("DELETE", "/api/items", None, None, 405),
        ("POST", "/api/items", b"x" * 2000, "application/json", 413),
    ]
    for method, path, body, ctype, code in cases:
        headers = {"Content-Type": ctype} if ctype else {}
        status, _, got, answer = http_request(port, method, path, body=body, headers=headers)
        assert (status, got["content-type"]) == (code, "application/json"), code
        assert json.loads(answer)["status"] == code
    assert http_request(port, "GET", "/")[0] == 200


def test_access_log_line_per_request(serve):
    lines = []
    port = serve(hooks_app(lines))
    http_request(port, "GET", "/?q=1")
    http_request(port, "GET", "/nowhere")
    raw_request(port, b"BAD\r\n\r\n")
    for _ in range(100):  # the line is written once the connection is closed
        if len(lines) == 3:
            break
        time.sleep(0.02)
    assert [line.rsplit(" ", 1)[0] for line in lines] == [
        "127.0.0.1 GET /?q=1 200 5",
        "127.0.0.1 GET /nowhere 404 42",
        "127.0.0.1 BAD - 400 16",
    ]
    assert all(line.endswith("ms") for line in lines)


def test_no_access_log_by_default(serve, capsys):
    app = tinyweb.webserver()

    @app.route("/")
    async def index(req, resp):
        await resp.send_body("x")

    port = serve(app)
    http_request(port, "GET", "/")
    assert "GET /" not in capsys.readouterr().out


def test_timeout_goes_to_the_408_handler(serve):
    app = tinyweb.webserver(request_timeout=1)

    @app.errorhandler(408)
    def slow(req, resp, exc):
        return {"error": "too slow", "exc": repr(exc)}, 408

    @app.route("/", methods=["POST"])
    async def index(req, resp):
        await resp.send_body(await req.read_body())

    port = serve(app)
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    s.sendall(b"POST / HTTP/1.0\r\nContent-Length: 10\r\n\r\nabc")
    answer = s.recv(65536)
    s.close()
    assert answer.startswith(b"HTTP/1.0 408 Request Timeout\r\n")
    assert answer.endswith(b'{"error": "too slow", "exc": "None"}')


# ---- the same on MicroPython ----------------------------------------------------------------


def script_results(out):
    lines = out.splitlines()
    assert lines and lines[-1] == "done", out[-3000:]
    failed = [line for line in lines if line.startswith("FAIL")]
    assert failed == [], "\n".join(failed)
    return [line for line in lines if line.startswith("ok ")]


def test_webapps_on_micropython_webassembly(tmp_path_factory):
    from micropython_runtime import MP_TESTS, device_build, explain, wasm_runner

    run_wasm = wasm_runner()
    lib = device_build(tmp_path_factory)
    proc = run_wasm({lib: "/lib", MP_TESTS: "/app"}, "/app/webapps.py")
    assert proc.returncode == 0, explain(proc)
    assert len(script_results(proc.out)) == 15


def test_webapps_on_micropython_unix_port(tmp_path_factory):
    import os

    from micropython_runtime import MP_TESTS, device_build, micropython_or_skip

    binary = micropython_or_skip()
    lib = device_build(tmp_path_factory)
    env = dict(os.environ, MICROPYPATH=lib + ":.frozen")
    proc = subprocess.run(
        [binary, os.path.join(MP_TESTS, "webapps.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(script_results(proc.stdout)) == 15


# ---- the same features through adafruit_requests and curl -------------------------------


def test_cookies_through_adafruit_requests(serve):
    port = serve(cookie_app())
    session = adafruit_requests.Session(socket, None)
    r = session.get("http://127.0.0.1:%d/" % port, headers={"Cookie": "visits=41"})
    assert (r.status_code, r.text) == (200, "visit 42")
    # adafruit_requests joins repeated headers with ", " into one value
    assert r.headers["set-cookie"] == (
        "visits=42; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax, "
        "theme=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"
    )
    r.close()


def test_error_handler_and_access_log_with_curl(serve):
    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    lines = []
    port = serve(hooks_app(lines))
    out = subprocess.run(
        ["curl", "-s", "-i", "http://127.0.0.1:%d/nowhere" % port],
        capture_output=True,
        timeout=TIMEOUT,
    )
    head, body = out.stdout.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.0 404 Not Found\r\n")
    assert json.loads(body) == {"error": "not found", "path": "/nowhere"}
    for _ in range(100):
        if lines:
            break
        time.sleep(0.02)
    assert lines[0].startswith("127.0.0.1 GET /nowhere 404 42 ")


def test_test_client_host_reaches_allowed_hosts():
    app = tinyweb.webserver(allowed_hosts=["sensor.local"])

    @app.route("/")
    async def index(req, resp):
        await resp.send_body("ok")

    async def go():
        return (await TestClient(app).get("/")).status, (
            await TestClient(app, host="sensor.local").get("/")
        ).status

    assert run(go()) == (421, 200)
