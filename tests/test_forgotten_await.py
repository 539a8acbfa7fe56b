"""A handler that forgot `await` before a response method: a 500 and the handler's name.

`resp.start_html()` without `await` makes a coroutine and drops it: nothing is sent. Without
a check the client would get an empty 200, and MicroPython would say nothing at all. The
shared cases (every runtime) assert the 500; these tests also assert what the developer
reads, the handler's name in the server's output, on CPython and on MicroPython's unix port
over real sockets, and that the server answers the next request as usual.
"""

import os
import sys

import pytest
from conftest import free_port, http_request, raw_request
from micropython_runtime import MP_TESTS, NO_MICROPYTHON, micropython_binary

sys.path.insert(0, MP_TESTS)
from forgot_await_app import make_app  # noqa: E402

# The MicroPython fixtures (a fresh .mpy build, a process with its output kept).
from test_micropython_unix import lib, micropython  # noqa: E402, F401 - fixtures


def check_answers(port):
    assert http_request(port, "GET", "/sync_style")[::3] == (500, b"500 Internal Server Error\n")
    assert http_request(port, "GET", "/json")[0] == 500
    raw = raw_request(port, b"GET /late HTTP/1.0\r\n\r\n")
    assert raw.startswith(b"HTTP/1.0 200 OK\r\n") and raw.endswith(b"\r\n\r\n"), raw
    assert raw.count(b"HTTP/1.0") == 1  # no second status line went into the body
    status, _, headers, body = http_request(port, "GET", "/nothing")
    assert (status, headers.get("content-length"), body) == (204, None, b"")  # RFC 9110 8.6
    assert http_request(port, "GET", "/")[::3] == (200, b"fine")


def check_report(output):
    for name in ("sync_style", "json_dropped", "late_send"):
        assert "handler %s() returned without awaiting a response method" % name in output, output
    assert "nothing()" not in output and "index()" not in output


def test_cpython_answers_500_and_names_the_handler(serve, capsys):
    port = serve(make_app())
    check_answers(port)
    out, err = capsys.readouterr()  # the traceback goes to stderr on CPython
    check_report(out + err)


@pytest.mark.skipif(micropython_binary() is None, reason=NO_MICROPYTHON)
def test_micropython_answers_500_and_names_the_handler(micropython):  # noqa: F811 - fixture
    port = free_port()
    mp = micropython(os.path.join(MP_TESTS, "forgot_await_app.py"), str(port), port=port)
    check_answers(port)
    check_report(mp.output())
