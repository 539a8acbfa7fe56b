"""Issue 11's features on MicroPython, through tinyweb.testing.TestClient (no sockets):
streamed and chunked bodies, multipart, cookies, auth, hooks, error handlers, REST answers.
Prints "ok NAME" per check, "FAIL NAME: ..." for a failed one, then "done".

    micropython tests/micropython/webapps.py     (with the built lib on MICROPYPATH)
"""

import binascii

from tinyweb.adapters.memory import request, run

import tinyweb
from tinyweb.auth import basic_auth, bearer_auth
from tinyweb.testing import TestClient, TestResponse

app = tinyweb.webserver()
log = []
app.enable_access_log(log.append)
admin = basic_auth({"admin": "pw"})


def check(name, got, want):
    if got == want:
        print("ok", name)
    else:
        print("FAIL %s: got %r, want %r" % (name, got, want))


@app.route("/sum", methods=["POST"], max_body_size=100000)
async def total(req, resp):
    n = s = 0
    async for chunk in req.body_chunks(100):
        n += len(chunk)
        for b in chunk:
            s += b
    await resp.send_body("%d %d" % (n, s))


@app.route("/parts", methods=["POST"], max_body_size=100000)
async def parts(req, resp):
    out = []
    async for part in req.parts():
        if part.filename is None:
            out.append("%s=%s" % (part.name, await part.text()))
        else:
            n = 0
            async for chunk in part:
                n += len(chunk)
            out.append("%s:%s:%d" % (part.name, part.filename, n))
    await resp.send_body(",".join(out))


@app.route("/visit", save_headers=["Cookie"])
async def visit(req, resp):
    n = int(req.cookies.get("n", "0")) + 1
    resp.set_cookie("n", str(n), http_only=True)
    resp.set_cookie("flag", "1")
    await resp.send_body(str(n))


@app.route("/admin", save_headers=["Authorization"])
@admin
async def admin_page(req, resp):
    await resp.send_body("hi " + req.user)


@app.before_request
def stamp(req, resp):
    resp.headers["X-Hook"] = "1"


@app.errorhandler(404)
def not_found(req, resp, exc):
    return {"missing": req.path.decode()}, 404


@app.resource("/api/thing", method="DELETE")
def delete_thing(data, headers):
    return None


@app.resource("/api/thing", method="PUT")
def put_thing(data, headers):
    bearer_auth(["t0k"]).verify(headers)
    return data


async def main():
    client = TestClient(app)
    body = bytes(range(256)) * 20
    r = await client.post("/sum", body=body)
    check("body_chunks", (r.status, r.text), (200, "%d %d" % (len(body), sum(body))))
    raw = await request(
        app,
        b"POST /sum HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n2;x=1\r\nde\r\n0\r\n\r\n",
    )
    check("chunked", TestResponse(raw).text, "5 %d" % sum(b"abcde"))
    raw = await request(
        app,
        b"POST /sum HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"1ffff\r\n"
        + b"x" * 200,
        chunk=64,
    )
    check("chunked over max_body_size", TestResponse(raw).status, 413)
    form = (
        b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx y\r\n'
        b'--b\r\nContent-Disposition: form-data; name="f"; filename="f.bin"\r\n\r\n'
        + b"\r\n-" * 500
        + b"\r\n--b--\r\n"
    )
    r = await client.post(
        "/parts", body=form, headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    check("multipart", r.text, "a=x y,f:f.bin:1500")
    r = await client.post("/sum", body="x", headers={"Content-Type": "text/plain"})
    check("streamed body of any type", r.status, 200)
    texts = []
    for _ in range(2):
        r = await client.get("/visit")
        texts.append(r.text)
    check(
        "cookies",
        (texts, sorted(client.cookies.items())),
        (["1", "2"], [("flag", "1"), ("n", "2")]),
    )
    check("two Set-Cookie lines", len([1 for k, v in r.header_list if k == "Set-Cookie"]), 2)
    r = await client.get("/admin")
    check(
        "auth 401",
        (r.status, r.headers.get("www-authenticate")),
        (401, 'Basic realm="tinyweb", charset="UTF-8"'),
    )
    cred = binascii.b2a_base64(b"admin:pw").decode().strip()
    r = await client.get("/admin", headers={"Authorization": "Basic " + cred})
    check("auth ok", (r.status, r.text, r.headers.get("x-hook")), (200, "hi admin", "1"))
    r = await client.get("/nope")
    check("errorhandler", (r.status, r.json()), (404, {"missing": "/nope"}))
    r = await client.delete("/api/thing")
    check("None is 204", (r.status, r.body, "content-length" in r.headers), (204, b"", False))
    r = await client.put("/api/thing", json={"a": 1})
    check(
        "bearer 401 as JSON", (r.status, r.json()), (401, {"status": 401, "error": "Unauthorized"})
    )
    r = await client.put("/api/thing", json={"a": 1}, headers={"Authorization": "Bearer t0k"})
    check("bearer ok", r.json(), {"a": 1})
    r = await client.post("/api/thing", json={})
    check("405 as JSON", (r.status, r.json()["status"]), (405, 405))
    check(
        "access log",
        [line.split(" ")[1:4] for line in log[:2]],
        [["POST", "/sum", "200"], ["POST", "/sum", "200"]],
    )
    print("done")


run(main())
