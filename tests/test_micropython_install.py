"""Installs for MicroPython: package.json as `mip` reads it, and manifest.py for freezing.

    mpremote mip install github:<owner>/tinyweb   # reads package.json at the repository's root

The install test copies what package.json lists into a scratch /lib the way mip does
(each [device path, source] pair, the source relative to package.json) and runs an app from
there on the real MicroPython (WebAssembly), compiling the installed .py files on import.
"""

import json
import os

from micropython_runtime import (
    MP_TESTS,
    ROOT,
    build_device_files,
    explain,
    mip_install,
    wasm_runner,
)

import tinyweb

with open(os.path.join(ROOT, "package.json")) as f:
    PACKAGE = json.load(f)


def device_sources():
    """What a MicroPython board needs, as {device path: repository path}.

    When this test fails after a file was added to tinyweb/ or boards/, add it to the
    "urls" of package.json as ["<device path>", "<repository path>"].
    """
    wanted = {}
    for folder, package in (("tinyweb", "tinyweb"), ("boards", "tinyweb/boards")):
        for name in sorted(os.listdir(os.path.join(ROOT, folder))):
            # CircuitPython's presets go with its bundle (tools/bundle.py), not with mip.
            if name.endswith(".py") and not name.endswith("_circuitpython.py"):
                wanted["%s/%s" % (package, name)] = "%s/%s" % (folder, name)
    # memory.py: tinyweb.testing's TestClient sends its requests through it.
    for name in ("__init__.py", "memory.py", "micropython_streams.py"):
        wanted["tinyweb/adapters/" + name] = "adapters/" + name
    return wanted


def test_package_json_lists_the_core_the_micropython_adapter_and_the_boards():
    assert dict(PACKAGE["urls"]) == device_sources()
    assert len(PACKAGE["urls"]) == len(device_sources())  # no path twice
    assert PACKAGE["version"] == tinyweb.__version__


def test_installed_app_runs_on_micropython(tmp_path):
    run = wasm_runner()
    lib = tmp_path / "lib"
    mip_install(os.path.join(ROOT, "package.json"), str(lib))
    installed = sorted(
        os.path.relpath(os.path.join(folder, name), str(lib))
        for folder, _, names in os.walk(str(lib))
        for name in names
    )
    assert installed == sorted(device_sources())
    proc = run({str(lib): "/lib", MP_TESTS: "/app"}, "/app/installed_app.py")
    assert proc.returncode == 0, explain(proc)
    lines = proc.out.splitlines()
    assert "tinyweb from /lib/tinyweb/__init__.py" in lines
    # webserver.run() on MicroPython picks the streams adapter without being told.
    assert "run() would use tinyweb.adapters.micropython_streams" in lines
    assert "page HTTP/1.0 200 OK <h1>installed</h1>" in lines
    assert "api HTTP/1.1 200 OK [('celsius', 21), ('id', 7)]" in lines


def test_compiled_mip_package_installs_mpy_files_that_run(tmp_path):
    """`make build` writes build/device/package.json: mip, pointed at it over HTTP, installs
    the .mpy files (no compiling on the board) and the app runs from them."""
    run = wasm_runner()
    rc, output = build_device_files(tmp_path / "build")
    assert rc == 0, output
    lib = tmp_path / "lib"
    mip_install(str(tmp_path / "build" / "package.json"), str(lib))
    installed = sorted(
        os.path.relpath(os.path.join(folder, name), str(lib))
        for folder, _, names in os.walk(str(lib))
        for name in names
    )
    expected = sorted(
        path[:-3] + ".mpy" for path in device_sources() if path != "tinyweb/portable.py"
    )
    assert installed == expected
    proc = run({str(lib): "/lib", MP_TESTS: "/app"}, "/app/installed_app.py")
    assert proc.returncode == 0, explain(proc)
    lines = proc.out.splitlines()
    assert "tinyweb from /lib/tinyweb/__init__.mpy" in lines
    assert "page HTTP/1.0 200 OK <h1>installed</h1>" in lines


class ManifestAPI:
    """The part of MicroPython's manifest API (tools/manifestfile.py) manifest.py uses."""

    def __init__(self):
        self.frozen = {}
        self.meta = {}

    def metadata(self, **kwargs):
        self.meta.update(kwargs)

    def package(self, package_path, files=None, base_path=".", opt=None):
        # Like manifestfile.py: base_path/package_path/**.py is frozen as package_path/**.py.
        assert files is None
        top = os.path.join(base_path, package_path)
        for folder, _, names in os.walk(top, followlinks=True):
            for name in names:
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    self.frozen[os.path.relpath(path, base_path)] = path


def test_manifest_freezes_what_package_json_installs(monkeypatch):
    api = ManifestAPI()
    monkeypatch.chdir(ROOT)  # manifestfile.py runs a manifest from the manifest's folder
    with open(os.path.join(ROOT, "manifest.py")) as f:
        code = compile(f.read(), "manifest.py", "exec")
    exec(code, {"metadata": api.metadata, "package": api.package})
    assert sorted(api.frozen) == sorted(device_sources())
    for device_path, repo_path in device_sources().items():
        with open(api.frozen[device_path], "rb") as a, open(
            os.path.join(ROOT, repo_path), "rb"
        ) as b:
            assert a.read() == b.read(), device_path
    assert api.meta["version"] == tinyweb.__version__
