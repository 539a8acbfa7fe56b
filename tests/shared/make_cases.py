"""Writes cases.json: the request/response cases every runtime must pass.

The cases are data (JSON) so that CPython over sockets, MicroPython in WebAssembly and the
CircuitPython socketpool path read the very same list. Edit here, then run:
    python tests/shared/make_cases.py
"""

import json
import os

CRLF = "\r\n"


def req(line, headers=(), body=""):
    head = line + CRLF + "".join(h + CRLF for h in headers) + CRLF
    return head + body


def form(path, body, ctype="application/x-www-form-urlencoded", method="POST", extra=()):
    return req(
        "%s %s HTTP/1.0" % (method, path),
        ["Content-Type: " + ctype, "Content-Length: %d" % len(body.encode())] + list(extra),
        body,
    )


JSON = "application/json"
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"

CASES = [
    # --- routing and the README's examples
    dict(
        name="hello world",
        request=req("GET / HTTP/1.0"),
        status=200,
        headers={"content-type": HTML},
        body="<html><body><h1>Hello, world!</h1></html>\n",
    ),
    dict(
        name="table streams several sends",
        request=req("GET /table HTTP/1.1", ["Host: x"]),
        status=200,
        body_contains="<tr><td>Name2</td><td>Value2</td></tr>",
    ),
    dict(
        name="HTTP/1.0 by default",
        request=req("GET / HTTP/1.1", ["Host: x"]),
        status=200,
        version="HTTP/1.0",
    ),
    dict(
        name="a higher minor version is answered",
        request=req("GET / HTTP/1.2", ["Host: x"]),
        status=200,
    ),
    dict(
        name="empty lines before the request line are skipped",
        request=CRLF + req("GET / HTTP/1.0"),
        status=200,
    ),
    dict(
        name="HEAD answers like GET without the body",
        request=req("HEAD / HTTP/1.0"),
        status=200,
        headers={"content-type": HTML},
        body="",
    ),
    dict(
        name="unknown path goes to the catch-all",
        request=req("GET /nowhere HTTP/1.0"),
        status=404,
        body="custom 404 for /nowhere",
    ),
    dict(
        name="plain 404 without catch-all",
        app="plain",
        request=req("GET /nowhere HTTP/1.0"),
        status=404,
        body="404 Not Found\n",
    ),
    dict(
        name="405 lists the allowed methods",
        request=req("DELETE / HTTP/1.0"),
        status=405,
        headers={"allow": "GET, POST, HEAD, OPTIONS"},
    ),
    dict(
        name="OPTIONS is answered with CORS headers",
        request=req("OPTIONS /echo HTTP/1.0"),
        status=200,
        headers={
            "access-control-allow-origin": "*",
            "access-control-allow-methods": "GET, POST, PUT",
            "content-length": "0",
        },
    ),
    dict(
        name="route CORS origin option",
        request=req("GET /cors HTTP/1.0"),
        status=200,
        headers={"access-control-allow-origin": "https://example.com"},
        body="cors",
    ),
    # --- parameters
    dict(
        name="path parameter",
        request=req("GET /user/alice HTTP/1.0"),
        status=200,
        body="user=alice",
    ),
    dict(
        name="percent-encoded UTF-8 parameter",
        request=req("GET /user/j%C3%BCrgen%20b HTTP/1.0"),
        status=200,
        body="user=j\u00fcrgen b",
    ),
    dict(
        name="int parameter",
        request=req("GET /item/42/detail HTTP/1.0"),
        status=200,
        body="item 42 is int",
    ),
    dict(
        name="int parameter rejects text",
        request=req("GET /item/abc/detail HTTP/1.0"),
        status=404,
        body="custom 404 for /item/abc/detail",
    ),
    dict(
        name="path parameter takes slashes",
        request=req("GET /files/a/b/c.txt HTTP/1.0"),
        status=200,
        body="path=a/b/c.txt",
    ),
    # --- request data
    dict(
        name="query string and saved header",
        request=req("GET /echo?a=1&b=x+y HTTP/1.0", ["x-token: secret", "Other: dropped"]),
        status=200,
        body='{"method": "GET", "query": "a=1&b=x+y", "token": "secret", "keys": "", "form": ""}',
    ),
    dict(
        name="urlencoded form",
        request=form("/echo", "name=J%C3%BCrgen+B&age=7"),
        status=200,
        body='{"method": "POST", "query": "", "token": "", '
        '"keys": "age,name", "form": "7,J\u00fcrgen B"}',
    ),
    dict(
        name="form with lower-case headers",
        request=req(
            "POST /echo HTTP/1.0",
            ["content-type: application/x-www-form-urlencoded", "content-length: 3"],
            "k=v",
        ),
        status=200,
        body_contains='"keys": "k", "form": "v"',
    ),
    dict(
        name="JSON body",
        request=form("/echo", '{"x": 1, "y": "z"}', JSON, "PUT"),
        status=200,
        body_contains='"keys": "x,y", "form": "1,z"',
    ),
    dict(name="broken JSON is 400", request=form("/echo", '{"x": ', JSON), status=400),
    dict(
        name="JSON that is not an object is 400", request=form("/echo", "[1, 2]", JSON), status=400
    ),
    dict(name="body over max_body_size is 413", request=form("/small", "a=123456789"), status=413),
    dict(name="body within max_body_size", request=form("/small", "a=1"), status=200, body="ok 1"),
    dict(
        name="default max_body_size is 1024", request=form("/echo", "a=" + "x" * 1100), status=413
    ),
    # --- responses
    dict(
        name="static file with type and cache",
        request=req("GET /static/page.html HTTP/1.0"),
        status=200,
        headers={
            "content-type": HTML,
            "cache-control": "max-age=60, public",
            "content-length": "50",
        },
        body="<!doctype html><title>t</title><p>static page</p>\n",
    ),
    dict(
        name="static css",
        request=req("GET /static/style.css HTTP/1.0"),
        status=200,
        headers={"content-type": "text/css"},
    ),
    dict(
        name="HEAD of a static file has its length, no body",
        request=req("HEAD /static/hello.txt HTTP/1.0"),
        status=200,
        headers={"content-length": "26"},
        body="",
    ),
    dict(
        name="send_file with content type and encoding",
        request=req("GET /gz HTTP/1.0"),
        status=200,
        headers={
            "content-type": "text/plain",
            "content-encoding": "gzip",
            "cache-control": "no-cache",
        },
    ),
    dict(name="missing file is 404", request=req("GET /missing HTTP/1.0"), status=404),
    dict(name="file name with .. is 403", request=req("GET /escape HTTP/1.0"), status=403),
    dict(
        name="encoded slash in a one-segment parameter matches no route",
        request=req("GET /static/..%2Fcase_app.py HTTP/1.0"),
        status=404,
        body="custom 404 for /static/..%2Fcase_app.py",
    ),
    dict(
        name="encoded backslash in a one-segment parameter matches no route",
        request=req("GET /static/..%5Ccase_app.py HTTP/1.0"),
        status=404,
    ),
    dict(
        name="encoded NUL in a parameter matches no route",
        request=req("GET /static/page.html%00.txt HTTP/1.0"),
        status=404,
    ),
    dict(
        name="double-encoded dots stay literal",
        request=req("GET /static/%252e%252e%252fcase_app.py HTTP/1.0"),
        status=404,
    ),
    dict(
        name="path parameter from the root matches no route",
        request=req("GET /files//etc/hostname HTTP/1.0"),
        status=404,
    ),
    dict(
        name="encoded root in a path parameter matches no route",
        request=req("GET /files/%2fetc%2fhostname HTTP/1.0"),
        status=404,
    ),
    dict(
        name="empty segment inside a path parameter matches no route",
        request=req("GET /files/a//b HTTP/1.0"),
        status=404,
    ),
    dict(
        name="redirect",
        request=req("GET /redirect HTTP/1.0"),
        status=302,
        headers={"location": "/"},
    ),
    dict(
        name="custom status, reason and header",
        request=req("GET /teapot HTTP/1.0"),
        status=418,
        reason="Short And Stout",
        headers={"x-brew": "earl grey"},
        body="teapot",
    ),
    dict(name="HTTPException from a handler", request=req("GET /forbidden HTTP/1.0"), status=403),
    dict(
        name="handler exception is 500 without traceback",
        request=req("GET /crash HTTP/1.0"),
        status=500,
        body="500 Internal Server Error\n",
    ),
    dict(
        name="exception after the head only closes",
        request=req("GET /crash_late HTTP/1.0"),
        status=200,
        body="partial",
    ),
    dict(
        name="response.error", request=req("GET /error HTTP/1.0"), status=409, body="409 Conflict\n"
    ),
    dict(
        name="handler that sends nothing",
        request=req("GET /empty HTTP/1.0"),
        status=204,
        headers={"content-length": None},  # a 204 has none (RFC 9110 section 8.6)
        body="",
    ),
    dict(
        name="a handler that forgot to await resp.start_html()/send() gets a 500",
        request=req("GET /forgot_await HTTP/1.0"),
        status=500,
        body="500 Internal Server Error\n",
    ),
    dict(
        name="a dropped resp.error(404) is a 500 too, not an empty 200",
        request=req("GET /forgot_await_error HTTP/1.0"),
        status=500,
        body="500 Internal Server Error\n",
    ),
    dict(
        name="Content-Length counts bytes",
        request=req("GET /utf8 HTTP/1.0"),
        status=200,
        headers={"content-length": "22"},
        body='{"text": "h\u00e9llo \u2603"}',
    ),
    # --- REST resources
    dict(
        name="resource GET list",
        # Closed like TinyWeb's REST answers (an HTTP/1.1 client that keeps the connection
        # gets keep-alive instead: tests/test_keepalive.py).
        request=req("GET /api/customers HTTP/1.0", ["Connection: close"]),
        status=200,
        version="HTTP/1.1",
        headers={"connection": "close", "content-type": JSON, "access-control-allow-origin": "*"},
        body='{"customers": {}}',
    ),
    dict(
        name="resource POST is 201",
        request=form("/api/customers", '{"name": "Jack"}', JSON),
        status=201,
        body='{"message": "created"}',
    ),
    dict(
        name="resource DELETE without Authorization is 403",
        request=req("DELETE /api/customers HTTP/1.0"),
        status=403,
        body='{"message": "forbidden"}',
    ),
    dict(
        name="resource DELETE with authorization header in any case",
        request=req("DELETE /api/customers HTTP/1.0", ["authorization: Bearer t"]),
        status=200,
        body='{"message": "deleted"}',
    ),
    dict(
        name="resource with path parameter and kwargs",
        request=form("/api/customers/7", '{"n": 1}', JSON, "PUT"),
        status=200,
        headers={"x-updated": "7"},
        body='{"id": "c-7"}',
    ),
    dict(
        name="resource returns status",
        request=req("GET /api/customers/99 HTTP/1.0"),
        status=404,
        body='{"message": "no such customer"}',
    ),
    dict(
        name="resource method not implemented is 405",
        request=req("PATCH /api/customers HTTP/1.0"),
        status=405,
    ),
    dict(
        name="function resource with query data",
        request=req("GET /api/user/5?x=1 HTTP/1.0"),
        status=200,
        json={"id": "5", "name": "foo", "q": {"x": "1"}},
    ),
    dict(
        name="generator resource streams chunks on the same URL",
        request=form("/api/user/5", "name=bob"),
        status=200,
        headers={"transfer-encoding": "chunked"},
        body='1\r\n{\r\nb\r\n"id": "5", \r\nc\r\n"got": "bob"\r\n1\r\n}\r\n0\r\n\r\n',
    ),
    dict(
        name="string result is sent as is",
        request=req("GET /api/text HTTP/1.0"),
        status=200,
        headers={"content-length": "9"},
        body="plain \u2603",
    ),
    dict(name="resource exception is 500", request=req("GET /api/broken HTTP/1.0"), status=500),
    # --- bad input
    dict(name="request line with two parts", request=req("GET /"), status=400),
    dict(name="request line with lower-case method", request=req("get / HTTP/1.0"), status=400),
    dict(name="not HTTP", request=req("GET / SPDY/3"), status=400),
    dict(name="absolute-form target", request=req("GET http://x/ HTTP/1.0"), status=400),
    dict(name="NUL in the path", request=req("GET /a\u0000b HTTP/1.0"), status=400),
    dict(name="header without colon", request=req("GET / HTTP/1.0", ["NoColon"]), status=400),
    dict(name="space before the colon", request=req("GET / HTTP/1.0", ["Host : x"]), status=400),
    dict(
        name="obsolete line folding",
        request=req("GET / HTTP/1.0", ["X-A: 1", " folded"]),
        status=400,
    ),
    dict(
        name="bad Content-Length",
        request=req("POST /echo HTTP/1.0", ["Content-Length: 1x"]),
        status=400,
    ),
    dict(
        name="negative Content-Length",
        request=req("POST /echo HTTP/1.0", ["Content-Length: -1"]),
        status=400,
    ),
    dict(
        name="conflicting Content-Length",
        request=req("POST /echo HTTP/1.0", ["Content-Length: 1", "Content-Length: 2"], "a"),
        status=400,
    ),
    dict(
        name="Content-Length 0 then 5 is 400",
        request=req("POST /echo HTTP/1.0", ["Content-Length: 0", "Content-Length: 5"], "hello"),
        status=400,
    ),
    dict(
        name="HTTP/1.1 without Host is 400",
        request=req("GET / HTTP/1.1"),
        status=400,
    ),
    dict(
        name="two Host headers are 400",
        request=req("GET / HTTP/1.1", ["Host: a", "host: b"]),
        status=400,
    ),
    dict(
        name="malformed version is 400",
        request=req("GET / HTTP/1.1x", ["Host: x"]),
        status=400,
    ),
    dict(
        name="control byte in the path is 400",
        request=req("GET /a\x01b HTTP/1.0"),
        status=400,
    ),
    dict(
        name="DEL in the path is 400",
        request=req("GET /a\x7fb HTTP/1.0"),
        status=400,
    ),
    dict(
        name="NUL in a header value is 400",
        request=req("GET / HTTP/1.0", ["X-A: a\x00b"]),
        status=400,
    ),
    dict(
        name="bare CR in a header value is 400",
        request=req("GET / HTTP/1.0", ["X-A: a\rb"]),
        status=400,
    ),
    dict(
        name="Transfer-Encoding gzip is 501",
        request=req("POST /api/customers HTTP/1.1", ["Host: x", "Transfer-Encoding: gzip"]),
        status=501,
    ),
    dict(
        name="chunked request body is decoded",
        request=req(
            "POST /echo HTTP/1.1",
            ["Host: x", "Content-Type: application/json", "Transfer-Encoding: chunked"],
            '3\r\n{"x\r\n7;ext=1\r\n": "y"}\r\n0\r\n\r\n',
        ),
        status=200,
        body_contains='"keys": "x", "form": "y"',
    ),
    dict(
        name="chunked body over max_body_size is 413",
        request=req(
            "POST /small HTTP/1.1",
            [
                "Host: x",
                "Content-Type: application/x-www-form-urlencoded",
                "Transfer-Encoding: chunked",
            ],
            "5\r\na=123\r\n5\r\n45678\r\n0\r\n\r\n",
        ),
        status=413,
    ),
    dict(
        name="chunked body in HTTP/1.0 is 400",
        request=req(
            "POST /echo HTTP/1.0",
            ["Content-Type: application/json", "Transfer-Encoding: chunked"],
            "2\r\n{}\r\n0\r\n\r\n",
        ),
        status=400,
    ),
    dict(
        name="chunk size that is not hex is 400",
        request=req(
            "POST /echo HTTP/1.1",
            ["Host: x", "Content-Type: application/json", "Transfer-Encoding: chunked"],
            "0x2\r\n{}\r\n0\r\n\r\n",
        ),
        status=400,
    ),
    dict(
        name="text/plain body to a form reader is 415",
        request=form("/echo", "hello", "text/plain"),
        status=415,
    ),
    dict(
        name="Content-Length with Transfer-Encoding is 400",
        request=req(
            "POST /echo HTTP/1.1",
            ["Host: x", "Content-Length: 5", "Transfer-Encoding: chunked"],
            "0\r\n\r\n",
        ),
        status=400,
    ),
    dict(
        name="request line too long is 414",
        request=req("GET /" + "a" * 5000 + " HTTP/1.0"),
        status=414,
    ),
    dict(
        name="saved header line too long is 431",
        request=req("GET /echo HTTP/1.0", ["X-Token: " + "b" * 5000]),
        status=431,
    ),
    dict(
        name="long header nobody saves streams past",
        request=req("GET / HTTP/1.0", ["X-Big: " + "b" * 5000, "Host: x"]),
        status=200,
    ),
    dict(
        name="header line over 8 KB is 431 even unsaved",
        request=req("GET / HTTP/1.0", ["X-Big: " + "b" * 9000]),
        status=431,
    ),
    dict(
        name="too many headers is 431",
        request=req("GET / HTTP/1.0", ["X-H%d: v" % i for i in range(120)]),
        status=431,
    ),
    dict(
        name="truncated body is 400",
        request=req(
            "POST /echo HTTP/1.0", ["Content-Type: application/json", "Content-Length: 50"], "{}"
        ),
        status=400,
    ),
]


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases.json")
    names = set()
    for case in CASES:
        assert case["name"] not in names, case["name"]
        names.add(case["name"])
    with open(path, "w") as f:
        json.dump(CASES, f, indent=1, ensure_ascii=True)
        f.write("\n")
    print("wrote %d cases to %s" % (len(CASES), path))


if __name__ == "__main__":
    main()
