"""Running code on real MicroPython from pytest: the WebAssembly build and the unix port.

    run = wasm_runner()                                    # skips when Node.js is missing
    proc = run({DEVICE_LIB: "/lib", SHARED: "/app"}, "/app/run_cases.py")

The device files always come from a fresh `tools/build.py` output (.mpy only), laid out as
on a board (`/lib/tinyweb/...`), so the tests run what `make build` ships.
"""

import os
import shutil
import subprocess
import sys

import pytest
from support import load_tool

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "tests", "shared")
MP_TESTS = os.path.join(ROOT, "tests", "micropython")
RUNNER = os.path.join(ROOT, "tools", "mpwasm", "run.mjs")
WASM_TIMEOUT = 120  # seconds for one run of the WebAssembly interpreter


setup_test_runtimes = load_tool("setup_test_runtimes")


def build_device_files(out_dir, root=ROOT):
    """Run tools/build.py (of `root`) into out_dir; (returncode, output)."""
    proc = subprocess.run(
        [sys.executable, os.path.join(root, "tools", "build.py"), "--out", str(out_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=120,
    )
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


def device_build(tmp_path_factory):
    """A fresh build of the device files; fails the test with mpy-cross's message if any."""
    out = tmp_path_factory.mktemp("device")
    rc, output = build_device_files(out)
    if rc != 0:
        pytest.fail("tools/build.py failed (a device file does not compile):\n" + output)
    return os.path.join(str(out), "lib")


def wasm_runner():
    """A function that runs a script on MicroPython WebAssembly; skips without Node.js."""
    if shutil.which("node") is None:
        pytest.skip(
            "Node.js not found: install nodejs and npm, then `python tools/setup_test_runtimes.py`"
            " (make test does both on CI) to run the MicroPython WebAssembly tests"
        )
    if not setup_test_runtimes.ensure_mpwasm():
        pytest.fail("could not install the MicroPython WebAssembly build (see output above)")

    def run(mounts, script, *args, options=(), timeout=WASM_TIMEOUT):
        """Copy {host path: VFS path} in, run `script` (a VFS path); a CompletedProcess."""
        cmd = ["node", RUNNER]
        cmd += ["--mount=%s:%s" % (host, vfs) for host, vfs in mounts.items()]
        cmd += list(options) + [script] + list(args)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        proc.out = proc.stdout.decode("utf-8", "replace")
        proc.err = proc.stderr.decode("utf-8", "replace")
        return proc

    return run


def explain(proc):
    """Everything a failed run printed, for an assertion message."""
    return "exit %d\n--- stdout\n%s\n--- stderr\n%s" % (proc.returncode, proc.out, proc.err)
