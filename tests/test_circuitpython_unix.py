"""The core on CircuitPython itself: its unix port, when CIRCUITPYTHON names one.

CircuitPython's unix port has no networking (no socketpool), so the shared cases and
examples/app_shared.py run through the in-memory stream pair. The library is laid out as
circup puts it on a board (tools/bundle.py --stage, with asyncio and adafruit_ticks), plus
the in-memory adapter, and comes first on the path, as /lib does on a board.

    CIRCUITPYTHON=~/circuitpython/ports/unix/build-standard/micropython make test
"""

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
