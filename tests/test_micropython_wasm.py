"""The shared cases and the core on real MicroPython: the official WebAssembly build, via Node.

The interpreter is @micropython/micropython-webassembly-pyscript (pinned in
tools/mpwasm/package.json), 32-bit like the boards. It has no sockets, so requests go through
the in-memory adapter. tinyweb is imported from .mpy files that tools/build.py just made,
laid out as on a board (/lib/tinyweb/...): the tests run what `make build` ships.
"""

import json
import os

import pytest
from micropython_runtime import MP_TESTS, SHARED, device_build, explain, wasm_runner

with open(os.path.join(SHARED, "cases.json")) as f:
    CASES = json.load(f)
NAMES = [case["name"] for case in CASES]


@pytest.fixture(scope="module")
def run():
    return wasm_runner()


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    return device_build(tmp_path_factory)


def test_build_holds_only_mpy_files(lib):
    """No .py beside the .mpy files: a .py would win the import and hide the build."""
    names = []
    for folder, _, files in os.walk(lib):
        names += [os.path.relpath(os.path.join(folder, name), lib) for name in files]
    assert "tinyweb/server.mpy" in names
    assert "tinyweb/adapters/micropython_streams.mpy" in names
    assert [name for name in names if not name.endswith(".mpy")] == []


def test_runs_on_32bit_micropython_from_the_built_mpy(run, lib):
    proc = run({lib: "/lib", MP_TESTS: "/app"}, "/app/probe.py")
    assert proc.returncode == 0, explain(proc)
    assert "implementation micropython" in proc.out
    assert "maxsize 2147483647" in proc.out  # 32-bit, like the boards
    assert "tinyweb /lib/tinyweb/server.mpy" in proc.out
    assert "adapter /lib/tinyweb/adapters/memory.mpy" in proc.out


@pytest.fixture(scope="module")
def shared_run(run, lib):
    """One run of tests/shared/run_cases.py on MicroPython; its failures by case name."""
    proc = run({lib: "/lib", SHARED: "/app"}, "/app/run_cases.py", "cases.json", "static")
    failures = {}
    for line in proc.out.splitlines():
        if not line.startswith("FAIL "):
            continue
        for name in NAMES:
            if line.startswith("FAIL %s: " % name):
                failures.setdefault(name, []).append(line[len(name) + 7 :])
    return proc, failures


def test_shared_cases_all_pass_on_micropython(shared_run):
    proc, _ = shared_run
    # Every case runs twice: whole reads, then reads cut into 7-byte pieces.
    summary = "micropython: %d passed, 0 failed" % (2 * len(CASES))
    assert summary in proc.out.splitlines() and proc.returncode == 0, explain(proc)


@pytest.mark.parametrize("name", NAMES)
def test_shared_case_on_micropython(shared_run, name):
    proc, failures = shared_run
    assert "micropython:" in proc.out, "run_cases.py did not finish:\n" + explain(proc)
    assert name not in failures, "\n".join(failures[name])


def test_server_keeps_serving_after_a_handler_hits_memory_error(run, lib):
    proc = run({lib: "/lib", MP_TESTS: "/app"}, "/app/serve_after_memory_error.py")
    assert proc.returncode == 0, explain(proc)
    lines = proc.out.splitlines()
    hog = "/hog -> HTTP/1.0 500 Internal Server Error | 500 Internal Server Error"
    assert lines.count(hog) == 2
    assert lines.count("/ -> HTTP/1.0 200 OK | still serving") == 2
    assert "MemoryError" in proc.out  # the handler's traceback was logged


def test_board_presets_leave_the_heap_after_setup(run, lib):
    """Their code is read once; on a board it would otherwise sit in the heap for good."""
    proc = run({lib: "/lib", MP_TESTS: "/app"}, "/app/presets_unloaded.py")
    assert proc.returncode == 0, explain(proc)
    # The hot path only: nothing of presets, boards, errors, forms, parameters or files.
    assert (
        "loaded ['tinyweb.compat', 'tinyweb.request', 'tinyweb.response', 'tinyweb.server']"
        in proc.out
    )
    assert "presets" not in proc.out.split("loaded", 1)[1].split("\n", 1)[0]
    assert "boards" not in proc.out.split("loaded", 1)[1].split("\n", 1)[0]
    assert "attributes False False" in proc.out
    assert "again 2 512 512" in proc.out  # a preset by name, with an override, still works


def test_websocket_and_event_stream_in_memory(run, lib):
    """WebSocket frames both ways (echo, pong, fragments, close codes 1009/1002/1007) and an
    event stream on the 32-bit interpreter, through the in-memory adapter; a plain route
    loads neither module (tests/micropython/live_in_memory.py)."""
    proc = run({lib: "/lib", MP_TESTS: "/app"}, "/app/live_in_memory.py")
    assert proc.returncode == 0, explain(proc)
    assert "live: 10 passed, 0 failed" in proc.out, explain(proc)
    # Its route names methods=['GET']: route options are tinyweb.routing's (docs/layout.md).
    assert (
        "plain route loaded ['tinyweb.compat', 'tinyweb.request', 'tinyweb.response', "
        "'tinyweb.routing', 'tinyweb.server']" in proc.out
    ), explain(proc)
