"""The core on CircuitPython itself: its unix port, when CIRCUITPYTHON names one.

CircuitPython's unix port has no networking (no socketpool), so the shared cases and
examples/app_shared.py run through the in-memory stream pair, and the shared cases once more
through the socketpool adapter on an in-memory pool (support/socketpool_cases.py), on the
Adafruit asyncio. The library is laid out as circup puts it on a board (tools/bundle.py
--stage, with asyncio and adafruit_ticks), plus the in-memory adapter, and comes first on the
path, as /lib does on a board.

Building one (CircuitPython 9/10 sources; the unix port needs no submodule with these):
    make -C ports/unix VARIANT=standard CIRCUITPY_ULAB=0 MICROPY_PY_FFI=0 \
        FROZEN_MANIFEST= CFLAGS_EXTRA=-DMICROPY_PY_MICROPYTHON_RINGIO=0

    CIRCUITPYTHON=~/circuitpython/ports/unix/build-standard/micropython make test
"""

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(HERE, "shared")
EXAMPLES = os.path.join(ROOT, "examples")
sys.path[:0] = [HERE]

from support import load_tool  # noqa: E402

bundle = load_tool("bundle")
CIRCUITPYTHON = os.environ.get("CIRCUITPYTHON")
pytestmark = pytest.mark.skipif(
    not CIRCUITPYTHON,
    reason="set CIRCUITPYTHON to a CircuitPython unix port binary (make -C ports/unix in "
    "adafruit/circuitpython) to run the shared cases on CircuitPython through the in-memory "
    "streams; its unix port has no networking",
)
TIMEOUT = 300  # seconds for one run of the interpreter
with open(os.path.join(SHARED, "cases.json")) as f:
    CASES = json.load(f)


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    if not os.access(CIRCUITPYTHON, os.X_OK):
        pytest.fail("CIRCUITPYTHON=%s is not an executable file" % CIRCUITPYTHON)
    folder = str(tmp_path_factory.mktemp("circuitpy") / "lib")
    adapters = bundle.DEVICE_ADAPTERS + ("memory",)
    return bundle.stage(folder, with_deps=True, adapters=adapters)


def run(lib, script, *args, cwd, paths=()):
    env = dict(os.environ, MICROPYPATH=":".join([lib] + list(paths) + [".frozen"]))
    proc = subprocess.run(
        [CIRCUITPYTHON, script] + list(args),
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=TIMEOUT,
    )
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


def test_shared_cases_on_circuitpython(lib):
    code, out = run(lib, "run_cases.py", "cases.json", "static", cwd=SHARED)
    assert code == 0, out
    assert "circuitpython:" in out and ", 0 failed" in out, out


def test_socketpool_adapter_on_circuitpython(lib):
    script = os.path.join(HERE, "support", "socketpool_cases.py")
    code, out = run(lib, script, "cases.json", "static", cwd=SHARED, paths=[SHARED])
    assert code == 0, out
    assert "circuitpython: %d passed, 0 failed" % len(CASES) in out, out
    assert "listeners closed: True" in out, out


def test_app_shared_on_circuitpython(lib):
    script = os.path.join(HERE, "support", "app_shared_in_memory.py")
    code, out = run(lib, script, cwd=EXAMPLES, paths=[EXAMPLES])
    assert code == 0, out
    lines = out.splitlines()
    assert lines[-1] == "done", out
    assert [line.split(" | ")[0] for line in lines[:4]] == [
        "HTTP/1.0 200 OK",
        "HTTP/1.0 200 OK",
        "HTTP/1.0 400 Bad Request",
        "HTTP/1.0 200 OK",
    ], out
    assert '"runtime": "circuitpython"' in lines[0], out
