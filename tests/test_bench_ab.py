"""bench/apachebench.py: ab, the C load generator of bench/keepalive.py, over real sockets
against a tinyweb app. Its counts must be right for the keep-alive figure to mean anything:
connections kept in one mode and not in the other, and a wrong answer (status or length)
counted as wrong, not as a request served. Skipped where ab is not installed (Debian's
apache2-utils)."""

import pytest

import tinyweb
from bench import apachebench, client

workloads = client.workloads  # bench/apps/workloads.py

AB = apachebench.find()
needs_ab = pytest.mark.skipif(AB is None, reason="ab is not installed (apache2-utils)")

REPORT = """Server Software:
Server Hostname:        127.0.0.1
Document Path:          /
Document Length:        43 bytes

Concurrency Level:      8
Time taken for tests:   2.000 seconds
Complete requests:      30421
Failed requests:        3
   (Connect: 0, Receive: 0, Length: 3, Exceptions: 0)
Non-2xx responses:      2
Keep-Alive requests:    27379
Requests per second:    15210.50 [#/sec] (mean)
"""


def test_parse_reads_the_counts():
    got = apachebench.parse(REPORT)
    assert got == {
        "complete": 30421,
        "failed": 3,
        "non2xx": 2,
        "keepalive": 27379,
        "seconds": 2.0,
        "length": 43,
    }
    with pytest.raises(ValueError):
        apachebench.parse("ab: invalid URL\n")


def hello_app(wrong_after=None):
    """Hello world with its length; from the `wrong_after`-th request on, a 500."""
    app = tinyweb.webserver()
    count = [0]

    @app.route("/")
    async def index(request, response):
        count[0] += 1
        if wrong_after is not None and count[0] > wrong_after:
            response.code = 500
        await response.send_body(workloads.HELLO_BODY.decode(), "text/html; charset=utf-8")

    return app, count


@needs_ab
@pytest.mark.parametrize("keep", [False, True])
def test_ab_counts_answers_and_connections(serve, keep):
    app, count = hello_app()
    port = serve(app)
    gen = apachebench.ApacheBench(AB)
    res = gen.run(port, "hello", clients=4, seconds=1, keep_alive=keep)
    assert res["bad"] == 0, res["problem"]
    assert res["valid"] > 0
    # Every request ab counted reached the handler (plus the byte-for-byte check's).
    assert count[0] >= res["valid"]
    if keep:
        assert res["connections"] * 2 <= res["valid"]  # kept: many answers per connection
    else:
        assert res["connections"] == res["valid"]
    assert res["rps"] == pytest.approx(res["valid"] / res["seconds"])


@needs_ab
def test_ab_counts_a_wrong_status_as_wrong(serve):
    app, count = hello_app(wrong_after=50)
    port = serve(app)
    res = apachebench.ApacheBench(AB).run(port, "hello", clients=2, seconds=1, keep_alive=True)
    assert res["bad"] > 0
    assert "non-2xx" in res["problem"]
    assert res["valid"] <= 50
    # The server still answers a normal request (the 500s were the app's choice).
    raw = workloads.request("hello")
    status, _ = workloads.split(client.one_request(port, raw))
    assert status == 500


@needs_ab
def test_ab_refuses_a_wrong_first_answer(serve):
    app, _ = hello_app(wrong_after=0)
    port = serve(app)
    res = apachebench.ApacheBench(AB).run(port, "hello", clients=2, seconds=1)
    assert res["bad"] == 1 and res["valid"] == 0
    assert res["problem"].startswith("before ab: status 500")


def test_keepalive_bound_from_the_no_framework_server():
    """docs/benchmarks.md's bound on keep-alive's gain: (request + connection) / request,
    the connection's cost being the no-framework server's closing minus keeping."""
    from bench.report import keepalive_bound

    group = {
        "asyncio": {"cpu_close": 35.0, "cpu_keep": 14.0},
        "tinyweb": {"cpu_close": 69.0, "cpu_keep": 56.0},
    }
    text = keepalive_bound(group)
    assert "about 21 µs" in text and "(56 + 21) / 56 = 1.38x" in text
    assert keepalive_bound({"tinyweb": group["tinyweb"]}) is None
    assert keepalive_bound({**group, "asyncio": {"cpu_close": 14.0, "cpu_keep": 14.0}}) is None
