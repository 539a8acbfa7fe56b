"""docs/porting.md's route for upstream TinyWeb apps: REST methods without `headers`.

tests/upstream/upstream_rest_app.py is written as for belyalov/tinyweb (get(self, data),
the path parameter by position, add_resource kwargs as keywords); run_upstream.py starts it
unchanged after `tinyweb.resource.headers_argument = False`. Over real sockets, on CPython
and on MicroPython's unix port (the .mpy device build).
"""

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT, free_port, http_request, stop_process, wait_listening
from micropython_runtime import NO_MICROPYTHON, micropython_binary
from test_micropython_unix import lib, micropython  # noqa: F401 - fixtures

UPSTREAM = os.path.join(ROOT, "tests", "upstream")


def check_upstream_app(port):
    status, _, headers, body = http_request(port, "GET", "/sensors")
    assert status == 200 and headers["content-type"] == "application/json"
    assert json.loads(body)["1"] == {"name": "porch", "celsius": 21}
    status, _, _, body = http_request(port, "GET", "/sensors/2")
    assert (status, json.loads(body)) == (200, {"name": "attic", "celsius": 28})
    assert http_request(port, "GET", "/sensors/9")[0] == 404
    status, _, _, body = http_request(
        port,
        "POST",
        "/sensors",
        body=b"name=cellar&celsius=12",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (status, json.loads(body)) == (201, {"message": "created", "id": "3"})
    status, _, _, body = http_request(port, "DELETE", "/sensors/3")
    assert json.loads(body) == {"message": "deleted", "unit": "celsius"}  # kwargs passed on
    assert json.loads(http_request(port, "GET", "/ping?n=4")[3]) == {"pong": "4"}
    status, _, _, body = http_request(port, "POST", "/log/boot", body=b"")
    assert (status, json.loads(body)) == (200, {"topic": "boot"})  # a generator resource


def wait_ready(proc, port):
    if wait_listening(port, proc, 20):
        return
    stop_process(proc)
    raise AssertionError(proc.stdout.read().decode())


def test_upstream_rest_app_runs_unchanged_on_cpython():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, os.path.join(UPSTREAM, "run_upstream.py"), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_ready(proc, port)
        check_upstream_app(port)
    finally:
        stop_process(proc)


@pytest.mark.skipif(micropython_binary() is None, reason=NO_MICROPYTHON)
def test_upstream_rest_app_runs_unchanged_on_micropython(micropython):  # noqa: F811 - fixture
    port = free_port()
    mp = micropython(
        os.path.join(UPSTREAM, "run_upstream.py"), str(port), port=port, paths=[UPSTREAM]
    )
    try:
        check_upstream_app(port)
    except Exception:
        raise AssertionError(mp.output())


def test_without_the_switch_such_methods_fail_with_500(serve, monkeypatch):
    """Why the switch exists: called with headers, get(self, data) raises TypeError."""
    sys.path.insert(0, UPSTREAM)
    try:
        import upstream_rest_app
    finally:
        sys.path.remove(UPSTREAM)
    port = serve(upstream_rest_app.app)
    assert http_request(port, "GET", "/sensors")[0] == 500
    import tinyweb.resource

    monkeypatch.setattr(tinyweb.resource, "headers_argument", False)
    assert http_request(port, "GET", "/sensors")[0] == 200
