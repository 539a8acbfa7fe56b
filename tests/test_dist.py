"""`make dist` (tools/dist.py), each artifact installed from the file it built.

- the wheel: pip into a fresh venv (no index), which then serves a page over a socket;
- the sdist: pip builds and installs it; both pass `twine check --strict` (in tools/dist.py);
- the mip packages (.mpy and .py): served over HTTP on 127.0.0.1 and installed by the real
  `mip` of MicroPython's unix port into a scratch lib folder, which then serves a page;
- the circup bundle zip: circup installs tinyweb from it onto a fake CIRCUITPY drive, as
  after `circup bundle-add <owner>/tinyweb` (tests/test_circup.py's offline set-up).
"""

import functools
import http.server
import importlib.util
import json
import os
import subprocess
import sys
import threading
import zipfile

import pytest
from conftest import ROOT, free_port, http_request, stop_process, wait_listening
from micropython_runtime import NO_MICROPYTHON, micropython_binary

SERVE_HELLO = """
import sys
import tinyweb
app = tinyweb.webserver()

@app.route("/")
async def index(req, resp):
    await resp.send_body("from " + tinyweb.__file__)

app.run("127.0.0.1", int(sys.argv[1]))
"""

# The packages tools/dist.py runs (`python -m build`, `python -m twine`).
HAVE_TOOLS = all(importlib.util.find_spec(name) for name in ("build", "twine"))

pytestmark = pytest.mark.skipif(
    not HAVE_TOOLS, reason="build and twine are missing: pip install -e '.[test]'"
)


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("dist") / "dist")
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "tools", "dist.py"), "--out", out],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASSED") == 2, proc.stdout  # twine check, wheel and sdist
    return out


def version():
    sys.path.insert(0, ROOT)
    try:
        import tinyweb

        return tinyweb.__version__
    finally:
        sys.path.remove(ROOT)


def serve_and_get(cmd, port, env=None):
    """Start cmd (which serves SERVE_HELLO on port) and GET / from it; the body."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        if not wait_listening(port, proc, 20):
            stop_process(proc)
            raise AssertionError(proc.stdout.read().decode())
        status, _, _, body = http_request(port, "GET", "/")
        assert status == 200
        return body.decode()
    finally:
        stop_process(proc)


def test_dist_holds_every_artifact(dist):
    v = version()
    assert sorted(os.listdir(dist)) == sorted(
        [
            "tinyweb-%s-py3-none-any.whl" % v,
            "tinyweb-%s.tar.gz" % v,
            "mip",
            "mip-py",
            "tinyweb-py-%s.zip" % v,
        ]
    )
    with zipfile.ZipFile(os.path.join(dist, "tinyweb-%s-py3-none-any.whl" % v)) as whl:
        names = set(whl.namelist())
    assert "tinyweb/adapters/cpython_asyncio.py" in names and "tinyweb/boards/host.py" in names
    assert not [n for n in names if n.startswith(("adapters/", "boards/", "tests/"))]


def test_wheel_installs_into_a_fresh_venv_and_serves(dist, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    wheel = os.path.join(dist, "tinyweb-%s-py3-none-any.whl" % version())
    pip = subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-index", wheel],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    port = free_port()
    app = tmp_path / "app.py"
    app.write_text(SERVE_HELLO)
    body = serve_and_get([python, str(app), str(port)], port)
    assert body.startswith("from " + str(venv)), body  # the venv's copy, not the checkout's


def test_sdist_builds_and_installs(dist, tmp_path):
    target = tmp_path / "site"
    sdist = os.path.join(dist, "tinyweb-%s.tar.gz" % version())
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), sdist],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(tmp_path),
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert (target / "tinyweb" / "adapters" / "micropython_streams.py").exists()
    assert (target / "tinyweb" / "boards" / "esp32.py").exists()
    assert not (target / "adapters").exists() and not (target / "tests").exists()


class FolderServer:
    """A folder over HTTP on 127.0.0.1, as a release's files would be served."""

    def __init__(self, folder):
        handler = functools.partial(QuietHandler, directory=folder)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.skipif(micropython_binary() is None, reason=NO_MICROPYTHON)
@pytest.mark.parametrize("package, ext", [("mip", ".mpy"), ("mip-py", ".py")])
def test_mip_installs_the_package_into_a_scratch_lib_and_it_serves(dist, tmp_path, package, ext):
    with open(os.path.join(dist, package, "package.json")) as f:
        wanted = sorted(dest for dest, _ in json.load(f)["urls"])
    assert all(dest.endswith(ext) for dest in wanted)
    lib = tmp_path / "lib"
    web = FolderServer(os.path.join(dist, package))
    try:
        url = "http://127.0.0.1:%d/package.json" % web.port
        out = subprocess.run(
            [
                micropython_binary(),
                "-c",
                "import mip; mip.install(%r, target=%r)" % (url, str(lib)),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=str(tmp_path),  # not the checkout: its tinyweb/ must not be what gets imported
        )
    finally:
        web.stop()
    assert out.returncode == 0 and "Done" in out.stdout, out.stdout + out.stderr
    installed = sorted(
        os.path.relpath(os.path.join(d, n), str(lib)) for d, _, names in os.walk(lib) for n in names
    )
    assert installed == wanted
    port = free_port()
    app = tmp_path / "app.py"
    app.write_text(SERVE_HELLO)
    env = dict(os.environ, MICROPYPATH="%s:.frozen" % lib)
    body = serve_and_get([micropython_binary(), str(app), str(port)], port, env)
    assert body == "from %s/tinyweb/__init__%s" % (lib, ext)


def test_circup_installs_from_the_bundle_zip(dist, tmp_path):
    import test_circup as tc

    if tc.CIRCUP is None:
        pytest.skip("circup is not installed: pip install -e '.[test]'")
    workdir = str(tmp_path)
    ours = os.path.join(dist, "tinyweb-py-%s.zip" % version())
    os.makedirs(os.path.join(workdir, "standin"))
    adafruit = tc.adafruit_standin_zip(os.path.join(workdir, "standin"))
    # What `circup bundle-add <owner>/tinyweb` and its first download leave behind.
    key = "someone/tinyweb"
    tc.seed(workdir, [(key, version(), ours), (tc.ADAFRUIT_KEY, tc.ADAFRUIT_TAG, adafruit)])
    drive = tc.make_drive(workdir)
    code, out = tc.circup(workdir, "--path", drive, "install", "tinyweb")
    assert code == 0 and "Installed 'tinyweb'" in out, out
    lib = os.path.join(drive, "lib")
    assert tc.files_under(os.path.join(lib, "tinyweb")) == {
        p[len("tinyweb/") :] for p in tc.expected_library()
    }
    assert "adafruit_ticks.py" in tc.files_under(lib)
