"""`circup install tinyweb` with the real circup, offline, onto a folder that looks like CIRCUITPY.

circup loads its bundles even to install from a local path, and fetches them from GitHub unless
given --offline; offline it reads them from its data folder ($XDG_DATA_HOME/circup):
bundle_config.json naming the bundles, circup.json listing their tags, and each unpacked -py-
bundle under <owner>/<bundle id>-py/. `circup bundle-add` and the first online run put them
there for a user; these tests put them there from the zip `make bundle` builds, beside a
stand-in for the Adafruit bundle (asyncio and adafruit_ticks, built from the same PyPI
packages the real one is built from), which is where a user's circup finds the dependencies.
circup's exit code says little (it exits 0 on "unknown module"), so the tests look at the
drive. Any request to the network would go to a dead local proxy and fail.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [HERE]

from support import cp_client, load_tool  # noqa: E402
from support.fake_socketpool import SocketPool  # noqa: E402
from support.server_process import cp_server  # noqa: E402

bundle = load_tool("bundle")
VERSION = bundle.version()
OUR_KEY = "tinyweb/tinyweb_bundle"  # "<owner>/<repo>" of a bundle; never contacted offline
ADAFRUIT_KEY = "adafruit/Adafruit_CircuitPython_Bundle"
ADAFRUIT_TAG = "20250101"
BOOT_OUT = (
    "Adafruit CircuitPython 9.2.1 on 2024-11-20; Raspberry Pi Pico W with rp2040\n"
    "Board ID:raspberrypi_pico_w\n"
    "UID:E6614C311B4F7A2B\n"
)
DEAD_PROXY = "http://127.0.0.1:9"


def circup_command():
    path = os.path.join(os.path.dirname(sys.executable), "circup")
    return path if os.path.exists(path) else shutil.which("circup")


CIRCUP = circup_command()
pytestmark = pytest.mark.skipif(
    CIRCUP is None, reason="circup is not installed: pip install -e '.[test]'"
)


def bundle_id(key):
    """circup's id for a bundle key: the repo part, lower case, '_' as '-'."""
    return key.split("/")[1].lower().replace("_", "-")


@pytest.fixture
def workdir():
    path = tempfile.mkdtemp(prefix="tinyweb-circup-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def make_drive(workdir):
    drive = os.path.join(workdir, "CIRCUITPY")
    os.makedirs(drive)
    with open(os.path.join(drive, "boot_out.txt"), "w") as f:
        f.write(BOOT_OUT)
    return drive


def seed(workdir, bundles):
    """What bundle-add and the first download leave in circup's data folder.

    `bundles`: [(bundle key, tag, zip path)]. bundle_config.json in the data folder replaces
    circup's built-in list, so offline it looks for no other bundle.
    """
    data = os.path.join(workdir, "data", "circup")
    os.makedirs(data)
    for key, _tag, path in bundles:
        target = os.path.join(data, key.split("/")[0], bundle_id(key) + "-py")
        with zipfile.ZipFile(path) as zf:
            zf.extractall(target)
    with open(os.path.join(data, "bundle_config.json"), "w") as f:
        json.dump({key.split("/")[1]: key for key, _, _ in bundles}, f)
    with open(os.path.join(data, "circup.json"), "w") as f:
        json.dump({key: [tag] for key, tag, _ in bundles}, f)


def circup(workdir, *args, cwd=None):
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    env.update(
        XDG_DATA_HOME=os.path.join(workdir, "data"),
        XDG_CACHE_HOME=os.path.join(workdir, "cache"),
        HTTP_PROXY=DEAD_PROXY,
        HTTPS_PROXY=DEAD_PROXY,
        http_proxy=DEAD_PROXY,
        https_proxy=DEAD_PROXY,
        NO_PROXY="",
        no_proxy="",
    )
    # A clean working folder: circup installs a ./tinyweb folder it finds there instead of
    # the bundle's, and reads ./pyproject.toml for pins.
    cwd = cwd or os.path.join(workdir, "cwd")
    os.makedirs(cwd, exist_ok=True)
    proc = subprocess.run(
        [CIRCUP, "--offline"] + list(args),
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )
    return proc.returncode, proc.stdout


def files_under(folder):
    found = set()
    for root, _dirs, names in os.walk(folder):
        for name in names:
            found.add(os.path.relpath(os.path.join(root, name), folder).replace(os.sep, "/"))
    return found


def expected_library():
    """lib/ paths of what a CircuitPython user needs: core, socketpool adapter, its presets."""
    return {dest for _src, dest in bundle.library_files()}


def adafruit_standin_zip(folder):
    """A -py- bundle like Adafruit's, holding asyncio and adafruit_ticks and their needs."""
    files, requires = bundle.dependency_files()
    entries = [("lib/" + path, data) for path, data in files]
    for module, names in requires.items():
        text = "".join(n + "\n" for n in names).encode()
        entries.append(("requirements/%s/requirements.txt" % module, text))
    top = "%s-py-%s" % (bundle_id(ADAFRUIT_KEY), ADAFRUIT_TAG)
    path = os.path.join(folder, top + ".zip")
    bundle.write_zip(path, top, entries)
    return path


def build_our_zip(out):
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "tools", "bundle.py"), "--out", out],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout
    path = os.path.join(out, "%s-py-%s.zip" % (bundle.BUNDLE_ID, VERSION))
    assert os.path.exists(path), proc.stdout
    return path


def test_bundle_zip_layout(workdir):
    """make bundle: one top folder, lib/tinyweb with only the board's files, requirements."""
    path = build_our_zip(os.path.join(workdir, "dist"))
    top = "tinyweb-bundle-py-%s/" % VERSION
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        requirements = zf.read(top + "requirements/tinyweb/requirements.txt").decode()
    assert all(n.startswith(top) for n in names)
    lib = {n[len(top) + 4 :] for n in names if n.startswith(top + "lib/")}
    assert lib == expected_library()
    assert names == {top + "lib/" + n for n in lib} | {
        top + "requirements/tinyweb/requirements.txt"
    }
    assert requirements.split() == [
        "adafruit-circuitpython-asyncio",
        "adafruit-circuitpython-ticks",
    ]
    assert "tinyweb/adapters/circuitpython_socketpool.py" in lib
    for not_for_boards in ("cpython_asyncio", "micropython_streams", "memory"):
        assert "tinyweb/adapters/%s.py" % not_for_boards not in lib
    assert "tinyweb/boards/esp8266.py" not in lib  # MicroPython only
    assert not [n for n in lib if "__pycache__" in n or n.endswith(".pyc")]


def test_circup_installs_tinyweb_and_its_dependencies(workdir):
    """circup --offline --path DRIVE install tinyweb, from our bundle: tinyweb lands in
    lib/ with only the board's files, asyncio and adafruit_ticks come along, and the
    server then runs from the drive."""
    dist = os.path.join(workdir, "dist")
    seed(
        workdir,
        [
            (OUR_KEY, VERSION, build_our_zip(dist)),
            (ADAFRUIT_KEY, ADAFRUIT_TAG, adafruit_standin_zip(dist)),
        ],
    )
    drive = make_drive(workdir)
    code, out = circup(workdir, "--path", drive, "install", "tinyweb")
    assert code == 0, out
    assert "Installed 'tinyweb'" in out, out
    lib = os.path.join(drive, "lib")
    assert files_under(os.path.join(lib, "tinyweb")) == {
        p[len("tinyweb/") :] for p in expected_library()
    }, out
    on_drive = files_under(lib)
    assert "adafruit_ticks.py" in on_drive and "asyncio/__init__.py" in on_drive, out
    assert {p.split("/")[0] for p in on_drive} == {"tinyweb", "asyncio", "adafruit_ticks.py"}
    code, out = circup(workdir, "--path", drive, "freeze")
    assert "tinyweb==%s" % VERSION in out, out

    # Where import finds it: the server, its presets and its asyncio all come from the drive.
    srv = cp_server(lib=lib)
    try:
        assert srv.value("TINYWEB").startswith(lib)
        assert srv.value("ASYNCIO").startswith(lib)
        pool = SocketPool(None, record=True)
        response, _raw, content = cp_client.requests_exchange(pool, srv.port, "GET", "/", {}, b"")
        assert response.status_code == 200 and b"Hello, world!" in content
    finally:
        srv.stop()
    check_presets_import(lib)


def check_presets_import(lib):
    """Every preset CircuitPython can detect is on the drive and loads."""
    script = """
import sys
sys.path.insert(0, sys.argv[1])
import tinyweb, tinyweb.boards as boards, tinyweb.presets as presets
assert tinyweb.__file__.startswith(sys.argv[1]), tinyweb.__file__
machines = [
    ("RP2040", "Raspberry Pi Pico W with rp2040"),
    ("RP2350", "Raspberry Pi Pico 2 W with rp2350a"),
    ("Espressif", "Adafruit Feather ESP32-S3 4MB Flash 2MB PSRAM with ESP32S3"),
    ("Espressif", "Adafruit QT Py ESP32-S2 with ESP32S2"),
    ("Espressif", "Adafruit QT Py ESP32-C3 with ESP32-C3FN4"),
    ("Espressif", "ESP32-C6-DevKitC-1-N8 with ESP32C6N8"),
    ("Espressif", "Adafruit Feather HUZZAH32 with ESP32"),
    ("Espressif", "Some board with ESP32H2"),
]
for platform, machine in machines:
    name = boards.detect(platform, machine, "circuitpython")
    limits = presets.as_dict(name)
    print(name, limits["max_concurrency"])
"""
    proc = subprocess.run(
        [sys.executable, "-c", script, lib],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout


def test_circup_installs_from_a_local_path(workdir):
    """circup install ./tinyweb: the folder as it goes on a board (tools/bundle.py --stage).

    circup still loads its bundles first: an empty bundle_config.json gives it none. It
    resolves no dependencies for a local path, and lower-cases the path it is given.
    """
    data = os.path.join(workdir, "data", "circup")
    os.makedirs(data)
    with open(os.path.join(data, "bundle_config.json"), "w") as f:
        f.write("{}")
    src = bundle.stage(os.path.join(workdir, "src"))
    drive = make_drive(workdir)
    code, out = circup(workdir, "--path", drive, "install", "./tinyweb", cwd=src)
    assert code == 0, out
    installed = files_under(os.path.join(drive, "lib", "tinyweb"))
    assert installed == {p[len("tinyweb/") :] for p in expected_library()}, out
