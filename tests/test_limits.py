"""Limits and failures: concurrency cap, timeouts, clients that vanish, shutdown and start()."""

import asyncio
import socket
import struct
import threading
import time

from conftest import (
    TIMEOUT,
    ServerThread,
    Slowloris,
    http_request,
    no_connections_left,
    parallel,
    raw_request,
)

import tinyweb


def slow_app(**kwargs):
    """An app whose /slow handler holds its slot until released, counting overlaps."""
    app = tinyweb.webserver(**kwargs)
    state = {"now": 0, "peak": 0}

    @app.route("/slow")
    async def slow(req, resp):
        state["now"] += 1
        state["peak"] = max(state["peak"], state["now"])
        await asyncio.sleep(0.2)
        state["now"] -= 1
        await resp.send_body("done")

    @app.route("/")
    async def index(req, resp):
        await resp.send_body("index")

    @app.route("/big")
    async def big(req, resp):
        await resp.start_html()
        for _ in range(2000):
            await resp.send("x" * 1024)

    return app, state


def test_max_concurrency_extra_connections_wait_for_a_slot(serve):
    app, state = slow_app(max_concurrency=2, backlog=16)
    port = serve(app)
    results = parallel(port, ["/slow"] * 6)
    assert [r[0] for r in results] == [200] * 6
    assert [r[3] for r in results] == [b"done"] * 6
    assert state["peak"] == 2  # never more than max_concurrency handlers at once


def test_waiting_line_beyond_backlog_is_refused_with_503(serve):
    app, _ = slow_app(max_concurrency=1, backlog=1)
    port = serve(app)
    results = parallel(port, ["/slow"] * 5)
    statuses = sorted(r[0] for r in results)
    assert statuses.count(200) >= 2  # one served, one waited
    assert set(statuses) <= {200, 503} and 503 in statuses
    assert http_request(port, "GET", "/")[0] == 200  # and it keeps serving


def test_slow_client_gets_408_after_request_timeout(serve):
    app, _ = slow_app(request_timeout=0.5)
    port = serve(app)
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        s.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n")  # ...and never the blank line
        started = time.monotonic()
        data = s.recv(1024)
        waited = time.monotonic() - started
    assert data.startswith(b"HTTP/1.0 408 Request Timeout\r\n")
    assert 0.3 < waited < 3
    assert http_request(port, "GET", "/")[3] == b"index"


def test_silent_client_is_dropped_and_slots_come_back(serve):
    app, _ = slow_app(request_timeout=0.3, max_concurrency=2)
    port = serve(app)
    idle = [socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) for _ in range(2)]
    time.sleep(0.05)
    try:
        # Both slots are held by clients that send nothing; after the timeout they are
        # answered 408 and closed, and the request waiting behind them gets through.
        status = http_request(port, "GET", "/")[0]
        assert status == 200
        for s in idle:
            assert s.recv(100).split(b"\r\n")[0] == b"HTTP/1.0 408 Request Timeout"
    finally:
        for s in idle:
            s.close()


def test_client_that_disconnects_mid_request_and_mid_response(serve):
    app, _ = slow_app()
    port = serve(app)
    # Mid-request: half a head, then gone.
    for _ in range(5):
        s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        s.sendall(b"GET /sl")
        s.close()
    # Mid-response: ask for 2 MB, read a little, reset the connection.
    for _ in range(5):
        s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        s.sendall(b"GET /big HTTP/1.0\r\n\r\n")
        s.recv(1000)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    assert http_request(port, "GET", "/")[3] == b"index"
    assert no_connections_left(app)


def test_memory_error_in_handler_is_a_500_and_server_keeps_serving(serve):
    app = tinyweb.webserver()

    @app.route("/oom")
    async def oom(req, resp):
        raise MemoryError()

    @app.route("/")
    async def index(req, resp):
        await resp.send_body("alive")

    port = serve(app)
    assert http_request(port, "GET", "/oom")[0] == 500
    assert http_request(port, "GET", "/")[3] == b"alive"


def test_start_returns_a_handle_that_closes(serve):
    app, _ = slow_app()

    async def main():
        server = await app.start("127.0.0.1", 0)
        loop = asyncio.get_running_loop()
        status = (await loop.run_in_executor(None, http_request, server.port, "GET", "/"))[0]
        server.close()
        await server.wait_closed()
        return server.port, status

    port, status = asyncio.run(main())
    assert status == 200
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        refused = False
    except OSError:
        refused = True
    assert refused, "the listener is still open after close()"


def test_shutdown_closes_open_connections():
    app, _ = slow_app()
    server = ServerThread(app)
    s = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
    s.sendall(b"GET / HTTP/1.0\r\n")  # in the middle of a head
    time.sleep(0.1)
    server.stop()
    assert s.recv(100) == b""  # closed by the server, no answer
    s.close()


def test_run_blocking_then_shutdown_like_the_readme():
    """run() with loop_forever, KeyboardInterrupt-style stop, then shutdown() as documented."""
    app, _ = slow_app()
    holder = {}

    def thread_main():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        holder["loop"] = loop
        app.run(host="127.0.0.1", port=0, loop_forever=False)
        holder["port"] = app._listener.port
        loop.run_forever()  # what run() does by default; stopped from the test below
        app.shutdown()

        async def all_shutdown():
            await asyncio.sleep(0.1)

        loop.run_until_complete(all_shutdown())
        loop.run_until_complete(app.wait_closed())
        loop.close()

    t = threading.Thread(target=thread_main, daemon=True)
    t.start()
    for _ in range(100):
        if "port" in holder:
            break
        time.sleep(0.05)
    assert http_request(holder["port"], "GET", "/")[3] == b"index"
    holder["loop"].call_soon_threadsafe(holder["loop"].stop)
    t.join(TIMEOUT)
    assert not t.is_alive()


def test_many_sequential_requests_do_not_leak_connections(serve):
    app, _ = slow_app()
    port = serve(app)
    for _ in range(200):
        assert raw_request(port, b"GET / HTTP/1.0\r\n\r\n").endswith(b"index")
    assert no_connections_left(app)


def test_shutdown_from_a_handler_stops_cleanly(capfd):
    app = tinyweb.webserver()

    @app.route("/stop")
    async def stop(req, resp):
        await resp.send_body("bye")
        app.shutdown()

    async def main():
        server = await app.start("127.0.0.1", 0)
        loop = asyncio.get_running_loop()
        got = await loop.run_in_executor(None, http_request, server.port, "GET", "/stop")
        await asyncio.wait_for(server.serve_forever(), TIMEOUT)
        await server.wait_closed()
        return got

    status, _, _, body = asyncio.run(main())
    assert (status, body) == (200, b"bye")
    err = capfd.readouterr().err
    assert "Exception" not in err and "Traceback" not in err, err


def test_slowloris_on_every_slot_and_place_in_line_leaves_normal_clients_served(serve):
    # The esp32 preset: 3 connections served, 3 waiting. As many attackers as both hold.
    app, _ = slow_app(board="esp32")
    port = serve(app)
    attack = Slowloris(port, app.max_concurrency + app.backlog)
    try:
        time.sleep(1.0)  # every slot and place in line is taken, and the heads have stalled
        answers = []
        for _ in range(10):
            try:
                answers.append(http_request(port, "GET", "/")[3])
            except OSError as e:
                answers.append(repr(e))
            time.sleep(0.1)
    finally:
        attack.stop()
    assert answers.count(b"index") >= 9, answers
    assert attack.cut_off > 0  # the attackers were cut off (408), not served
    assert no_connections_left(app)


def test_503_of_a_full_server_reaches_a_client_still_sending(serve):
    # The refused connection is read (bounded) after its 503, until the client closes: a
    # close with unread input would reset it, and a client still sending its request (as
    # http.client does, head then body) would get a broken pipe instead of the answer.
    app, _ = slow_app(max_concurrency=1, backlog=1)
    port = serve(app)
    holders = [socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) for _ in range(2)]
    try:
        for s in holders:  # one served (its handler takes 0.2 s), one waiting
            s.sendall(b"GET /slow HTTP/1.0\r\n\r\n")
        time.sleep(0.02)
        answers = []
        for _ in range(3):
            with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
                try:
                    s.sendall(b"POST /slow HTTP/1.0\r\nContent-Length: 1000\r\n\r\n")
                    for _ in range(2):
                        time.sleep(0.02)
                        s.sendall(b"x" * 500)
                    answers.append(s.recv(1024).split(b"\r\n")[0])
                except OSError as e:
                    answers.append(repr(e))
        for s in holders:
            assert s.recv(1024).startswith(b"HTTP/1.0 200 OK")
    finally:
        for s in holders:
            s.close()
    assert answers == [b"HTTP/1.0 503 Service Unavailable"] * 3
    assert http_request(port, "GET", "/")[3] == b"index"


def test_a_refused_body_still_being_read_keeps_its_slot_and_the_next_client_is_served(serve):
    # An error answer reads on for a while (so closing does not reset the client): until
    # it is done, its receive buffer is in use, and the next client waits for it instead
    # of finding the buffer pool empty (which answered 500).
    app = tinyweb.webserver(max_concurrency=1)

    @app.route("/", methods=["GET", "POST"], max_body_size=10)
    async def index(req, resp):
        await resp.send_body("index")

    port = serve(app)
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        s.sendall(b"POST / HTTP/1.0\r\nContent-Length: 5000\r\n\r\nxx")
        assert s.recv(100).startswith(b"HTTP/1.0 413 ")
        assert http_request(port, "GET", "/")[:2] == (200, "OK")


def test_no_heap_for_a_new_connection_is_answered_503_and_said_once(monkeypatch, capsys):
    # At the edge of a board's heap even the connection's record may not fit: the client
    # gets a 503 (not a bare close, or a reset), the log one line, and serving goes on.
    from tinyweb.adapters import memory

    from tinyweb import server

    app = tinyweb.webserver()

    @app.route("/")
    async def index(req, resp):
        await resp.send_body("index")

    def no_heap(stream):
        raise MemoryError()

    real = server.request
    monkeypatch.setattr(server, "request", no_heap)
    answers = [asyncio.run(memory.request(app, b"GET / HTTP/1.0\r\n\r\n")) for _ in range(2)]
    monkeypatch.setattr(server, "request", real)
    assert answers == [server._BUSY] * 2
    assert answers[0].startswith(b"HTTP/1.0 503 Service Unavailable\r\n")
    assert capsys.readouterr().out.count("out of memory for a new connection") == 1
    assert asyncio.run(memory.request(app, b"GET / HTTP/1.0\r\n\r\n")).endswith(b"index")
