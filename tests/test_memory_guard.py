"""The memory guard: tinyweb must keep serving in a heap capped just above what it needs today.

A change that makes the hello-world app or the full-feature app (every shared case: routes,
parameters, REST resources, static files, forms, CORS, errors) need more heap fails here,
on MicroPython's unix port, from the .mpy files a board gets and from the .py files mip
installs. The caps are the smallest heap that served (bisected by `python -m bench --only
heap-floor`, see docs/benchmarks.md) plus a margin of about 10% for the collector's
run-to-run jitter (the .py caps of the 32-bit build are issue 8's goal, 64 KiB, instead);
lower them when the code gets smaller, never raise them without saying why in the commit.
"""

import http.client
import os
import subprocess
import threading

import pytest
from check import check, load_cases
from conftest import free_port, raw_request, stop_process, wait_listening
from micropython_runtime import (
    MP_TESTS,
    NO_MICROPYTHON,
    ROOT,
    SHARED,
    device_build,
    micropython_binary,
    micropython_or_skip,
    mip_install,
    word_bits,
)

pytestmark = pytest.mark.skipif(micropython_binary() is None, reason=NO_MICROPYTHON)

# KiB of -X heapsize, by the interpreter's word size (a 64-bit build's objects are about
# 1.6 times as large). Measured on 2026-11-30 (hello with 4 clients / every shared case, the
# case app compiled from .py as here / the same two with tinyweb itself compiled from .py, as
# mip installs it): 32-bit 1.27 build 24.5-27 / 48 / 46 / 60 KiB, PyPI's 64-bit 1.29-preview
# 37-38 / 70 / 66 / 90 KiB (the shared cases run two apps, each with its buffers). The two
# from .py were 50 / 60 and 80 / 96 before `import tinyweb` compiled server.py first, while
# the heap is empty.
# The full-feature app needed 60 / 90 KiB (.py: 73 KiB on the 32-bit build) before the code
# of the modules loaded on first use became a cache that a short heap drops
# (tinyweb.compat.forget), 75 / 112-114 KiB before routes kept less and those modules were
# loaded right after a collection; 68 / 107 KiB before the shared cases came to cover chunked
# request bodies, keep-alive, JSON errors on REST URLs, cookies, the forgotten-await report
# and validators on files. Hello world: 25.5 / 38 KiB since the MicroPython adapter takes a
# connection in only when the heap has room for it, 24-24.5 / 37 since a slot's receive
# buffer is made when first needed and the waiting line loads with tinyweb.slots. The 32-bit
# hello cap leaves 2.5 KiB: at 26 this example (not the bench's app) lost a connection about
# 1 run in 5, where the layout of its heap is unlucky. The 64-bit hello cap was 40 KiB, 5%
# above the floor: CI lost a connection there (a request out of heap as it loaded
# tinyweb.keepalive, since answered without it; then 1 run in 50 out of heap in its body with
# two test processes at once); 42 leaves the 10% of the rule above, and lost none in 50 runs
# that way. The .py caps on the 32-bit build are issue 8's goals, 64 KiB.
CAPS = {
    32: {"hello": 27, "cases": 53, "hello_py": 64, "cases_py": 64},
    64: {"hello": 42, "cases": 78, "hello_py": 74, "cases_py": 100},
}
# Bytes that `import tinyweb` + webserver() + one route hold at rest (hello_at_rest.py, laid
# out as on a board: /lib/tinyweb/...): 15,728 on the 32-bit 1.27 build and 23,936 on PyPI's
# 64-bit 1.29-preview (2026-11-30, server imported first; 15,792 / 24,032 before, with
# load()'s cache of feature code, and the test for a client gone away moved to
# tinyweb.errors; 15,824 / 24,064 before that, 16,144 / 24,384 before
# the waiting line and header filters left the hot path), plus about 2% for the collector.
# A feature that makes hello world hold more fails here: it belongs in a module loaded on
# first use.
AT_REST = {32: 16032, 64: 24416}
# What hello world loads: the hot path, nothing else (docs/layout.md).
HOT_PATH = "tinyweb tinyweb.compat tinyweb.request tinyweb.response tinyweb.server"
# Bytes one registration may keep (tests/micropython/registration_cost.py: the route, its
# key, the test's own URL string and handler function), by word size. Measured on 2026-11-30,
# 32-bit / 64-bit: plain route 106 / 212, path parameter 156 / 312, methods and save_headers
# 119 / 238, add_resource of a two-method class 186 / 372, @app.resource 153 / 307; before
# routes shared their methods and header filters and kept no URL, options dict or list:
# 154, 357, 423, 634, 537 on the 32-bit build. The caps leave about 15%.
REGISTRATION_CAPS = {
    32: {
        "plain": 128,
        "param": 184,
        "options": 144,
        "resource_class": 216,
        "resource_function": 184,
    },
    64: {
        "plain": 248,
        "param": 360,
        "options": 280,
        "resource_class": 432,
        "resource_function": 360,
    },
}
CLIENTS = 4
REQUESTS = 200
CASES = load_cases(os.path.join(SHARED, "cases.json"))


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    micropython_or_skip()
    return device_build(tmp_path_factory)


def start(lib, heap_k, script, args, port, paths=()):
    env = dict(os.environ, MICROPYPATH=":".join([lib] + list(paths) + [".frozen"]))
    cmd = [micropython_binary(), "-X", "heapsize=%dK" % heap_k, script] + list(args)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if wait_listening(port, proc, 15):
        return proc
    stop_process(proc)
    raise AssertionError("did not start in %d KiB:\n%s" % (heap_k, proc.stdout.read().decode()))


def output(proc):
    stop_process(proc)
    return proc.stdout.read().decode("utf-8", "replace")


def test_hello_world_at_rest_holds_only_the_hot_path_within_its_budget(lib):
    # Run from the folder holding lib/, as a board runs from /: the path of every module
    # loaded is an interned string in the heap, as long here as on a device.
    env = dict(os.environ, MICROPYPATH="lib:.frozen")
    script = os.path.join(MP_TESTS, "hello_at_rest.py")
    proc = subprocess.run(
        [micropython_binary(), script],
        cwd=os.path.dirname(lib),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines() if " " in line)
    assert "HEAP" in lines, proc.stdout + proc.stderr
    assert lines["MODULES"] == HOT_PATH
    budget = AT_REST[word_bits()]
    assert int(lines["HEAP"]) <= budget, "hello world holds %s bytes at rest, budget %d" % (
        lines["HEAP"],
        budget,
    )


def hello_answers(lib, cap):
    """(each answer's status and whether it said Hello, the server's output): hello world
    in `cap` KiB, REQUESTS requests from CLIENTS clients at once."""
    port = free_port()
    script = os.path.join(ROOT, "examples", "hello_world.py")
    proc = start(lib, cap, script, ["--host", "127.0.0.1", "--port", str(port)], port)
    answers = []

    def client():
        for _ in range(REQUESTS // CLIENTS):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/")
                r = conn.getresponse()
                answers.append((r.status, b"Hello" in r.read()))
                conn.close()
            except OSError as e:
                answers.append(repr(e))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return answers, output(proc)


def test_hello_world_serves_four_clients_in_its_capped_heap(lib):
    cap = CAPS[word_bits()]["hello"]
    answers, log = hello_answers(lib, cap)
    assert answers == [(200, True)] * REQUESTS, "in %d KiB:\n%s" % (cap, log[-3000:])
    assert "MemoryError" not in log


def failed_cases(lib, cap):
    """(the cases answered wrong, the server's output) for the case apps in `cap` KiB."""
    main, plain = free_port(), free_port()
    script = os.path.join(MP_TESTS, "serve_cases.py")
    args = [str(main), str(plain), os.path.join(SHARED, "static")]
    proc = start(lib, cap, script, args, plain, paths=[SHARED])
    failures = []
    for case in CASES:
        port = main if case.get("app", "main") == "main" else plain
        try:
            problems = check(case, raw_request(port, case["request"].encode("utf-8")))
        except OSError as e:
            problems = [repr(e)]
        if problems:
            failures.append((case["name"], problems))
    return failures, output(proc)


def test_full_feature_app_answers_every_shared_case_in_its_capped_heap(lib):
    cap = CAPS[word_bits()]["cases"]
    failures, log = failed_cases(lib, cap)
    assert failures == [], "in %d KiB:\n%r\n%s" % (cap, failures, log[-3000:])
    assert "MemoryError" not in log


@pytest.fixture(scope="module")
def py_lib(tmp_path_factory):
    """The .py files `mip install` puts on a board (package.json), in a lib/ folder."""
    micropython_or_skip()
    lib = str(tmp_path_factory.mktemp("mip") / "lib")
    mip_install(os.path.join(ROOT, "package.json"), lib)
    return lib


def test_hello_world_compiled_from_py_serves_four_clients_in_its_capped_heap(py_lib):
    # Issue 8's goal: `import tinyweb` from the .py files mip installs, and hello world,
    # in 64 KB on a 32-bit board.
    cap = CAPS[word_bits()]["hello_py"]
    answers, log = hello_answers(py_lib, cap)
    assert answers == [(200, True)] * REQUESTS, "in %d KiB:\n%s" % (cap, log[-3000:])
    assert "MemoryError" not in log


def test_full_feature_app_compiled_from_py_answers_every_shared_case_in_its_capped_heap(py_lib):
    # Compiling a module on the device takes about three times its code's size while it
    # compiles: the modules a request loads must fit beside what the app holds, which the
    # cache of feature code (tinyweb.compat.forget) and modules split small make possible.
    cap = CAPS[word_bits()]["cases_py"]
    failures, log = failed_cases(py_lib, cap)
    assert failures == [], "in %d KiB:\n%r\n%s" % (cap, failures, log[-3000:])
    assert "MemoryError" not in log


def test_registering_a_route_or_resource_keeps_little_heap(lib, tmp_path):
    """A board app registers dozens of routes: each kind's heap per registration, capped."""
    caps = REGISTRATION_CAPS[word_bits()]
    env = dict(os.environ, MICROPYPATH=lib + ":.frozen")
    script = os.path.join(MP_TESTS, "registration_cost.py")
    out = subprocess.run(
        [micropython_binary(), script], env=env, cwd=str(tmp_path), capture_output=True, timeout=60
    )
    assert out.returncode == 0, out.stdout + out.stderr
    kept = {k: int(v) for k, v in (line.split() for line in out.stdout.decode().splitlines())}
    assert sorted(kept) == sorted(caps)
    over = {k: (kept[k], caps[k]) for k in caps if kept[k] > caps[k]}
    assert not over, "bytes per registration (kept, cap): %r" % over
