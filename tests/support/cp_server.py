"""Serve the shared-case app as CircuitPython would: socketpool adapter, Adafruit asyncio loop.

Run by tests/test_circuitpython.py in a subprocess of its own (the Adafruit asyncio has to be
`asyncio` in the process, see support/adafruit_asyncio.py):

    python tests/support/cp_server.py [--flavour espressif] [--max-concurrency 2] ...

(every option: main() and short_of_heap()).

Prints, one per line: "ASYNCIO <file>", "TINYWEB <file>", "PORTS <main> <plain>", "READY";
and after a shutdown (GET /_test/shutdown): "STOPPED <json of counters>". The pool is the
socketpool double (support/fake_socketpool.py) over 127.0.0.1.
"""

import json
import os
import sys

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(TESTS, "shared")


def option(name, default, kind=str):
    args = sys.argv[1:]
    for i in range(len(args) - 1):
        if args[i] == "--" + name:
            return kind(args[i + 1])
    return default


def main():
    lib = option("lib", None)
    sys.path[:0] = ([lib] if lib else []) + [TESTS, SHARED]
    from support import adafruit_asyncio

    asyncio = adafruit_asyncio.install([lib] if lib else None)
    import tinyweb

    if lib and not os.path.abspath(tinyweb.__file__).startswith(os.path.abspath(lib)):
        raise SystemExit("tinyweb came from %s, not from %s" % (tinyweb.__file__, lib))
    from tinyweb.adapters import circuitpython_socketpool

    from support.fake_socketpool import SocketPool

    print("ASYNCIO", asyncio.__file__)
    print("TINYWEB", tinyweb.__file__)
    pool = SocketPool(
        None,
        flavour=option("flavour", "espressif"),
        max_send=option("max-send", 1460, int),
        max_sockets=option("max-sockets", None, int),
    )
    import case_app

    limits = {
        "max_concurrency": option("max-concurrency", None, int),
        "request_timeout": option("request-timeout", None, float),
        "buffer_size": option("buffer-size", None, int),
    }

    class webserver(tinyweb.webserver):
        """The case app's webserver, with the limits given on the command line."""

        def __init__(self, *args, **kwargs):
            for name, value in limits.items():
                if kwargs.get(name) is None:
                    kwargs[name] = value
            super().__init__(*args, **kwargs)

    tinyweb.webserver = webserver  # case_app calls tinyweb.webserver(...)
    app = case_app.make_app(os.path.join(SHARED, "static"))
    plain = case_app.make_plain_app()
    add_test_routes(app, pool, asyncio)

    short_of_heap(circuitpython_socketpool)

    async def serve():
        options = {"adapter": circuitpython_socketpool, "pool": pool}
        poll_ms = option("poll-ms", None, int)
        if poll_ms is not None:
            options["poll_ms"] = poll_ms
        main_server = await app.start("127.0.0.1", 0, **options)
        plain_server = await plain.start("127.0.0.1", 0, **options)
        ports = pool._test_bound_ports
        print("PORTS", ports[0], ports[1])
        print("READY", flush=True)
        await main_server.serve_forever()
        plain.shutdown()
        await main_server.wait_closed()
        await plain_server.wait_closed()
        await asyncio.sleep_ms(50)  # let cancelled connections finish closing
        stats = dict(pool._test_stats, processed=app.processed_connections, conns=len(app.conns))
        print("STOPPED", json.dumps(stats), flush=True)

    asyncio.run(serve())


def short_of_heap(adapter):
    """--oom-streams N: the first N connections find no heap for their Stream, as on a board
    at the edge of its heap. --free-heap B: the adapter sees a board's heap with B bytes
    free, however much is collected (as when the connections being served hold the rest)."""
    oom_streams = option("oom-streams", 0, int)
    if oom_streams:
        made = adapter.Stream
        left = [oom_streams]

        class Stream(made):
            def __init__(self, *args):
                if left[0]:
                    left[0] -= 1
                    raise MemoryError("memory allocation failed")
                super().__init__(*args)

        adapter.Stream = Stream
    free_heap = option("free-heap", None, int)
    if free_heap is not None:

        class BoardHeap:
            """What the adapter reads of the heap (its `gc`): a 64 KB board's."""

            def mem_free():
                return free_heap

            def mem_alloc():
                return 65536 - free_heap

            def collect():
                pass

        adapter.gc = BoardHeap


def add_test_routes(app, pool, asyncio):
    """Routes for the tests beyond the shared cases: slow handlers, big bodies, counters."""
    state = {"active": 0, "peak": 0}

    def number(req, name, default):
        for part in req.query_string.decode().split("&"):
            key, _, value = part.partition("=")
            if key == name:
                return int(value)
        return default

    @app.route("/_test/sleep")
    async def sleep(req, resp):
        state["active"] += 1
        state["peak"] = max(state["peak"], state["active"])
        try:
            await asyncio.sleep_ms(number(req, "ms", 100))
        finally:
            state["active"] -= 1
        await resp.send_body(json.dumps({"peak": state["peak"]}), "application/json")

    @app.route("/_test/stats")
    async def stats(req, resp):
        from tinyweb.adapters import circuitpython_socketpool as adapter

        body = dict(pool._test_stats, peak=state["peak"], conns=len(app.conns))
        body["open"] = adapter._open  # connections the adapter counts as open
        await resp.send_body(json.dumps(body), "application/json")

    @app.route("/_test/big")
    async def big(req, resp):
        kb = number(req, "kb", 1024)
        resp.add_header("Content-Length", kb * 1024)
        await resp.start("application/octet-stream")
        chunk = b"x" * 4096
        for _ in range(kb // 4):
            await resp.send(chunk)

    @app.route("/_test/upload", methods=["POST"], max_body_size=16384)
    async def upload(req, resp):
        body = await req.read_body()
        await resp.send_body("%d %d" % (len(body), sum(body)))

    @app.route("/_test/shutdown")
    async def shutdown(req, resp):
        app.shutdown()
        await resp.send_body("bye")


if __name__ == "__main__":
    main()
