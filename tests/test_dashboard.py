"""examples/dashboard/ over real sockets: the same dashboard.py on CPython and on
MicroPython's unix port (app.py, the simulated LED and sensor), main.py on the stub
MicroPython board (tests/micropython/board) and code.py on the simulated CircuitPython board
(support/run_on_fake_board.py). The browser test is test_dashboard_browser.py.
"""

import gzip
import http.client
import json
import os
import threading

import pytest
from conftest import ROOT, TIMEOUT, free_port, http_request
from micropython_runtime import MP_TESTS, micropython_or_skip
from support import load_tool
from test_examples import run_example  # noqa: F401 - fixture
from test_hardening import ask, check_locked_down_example, get
from test_live import read_event
from test_micropython_unix import lib, micropython  # noqa: F401 - fixtures

DASHBOARD = os.path.join(ROOT, "examples", "dashboard")
WWW = os.path.join(DASHBOARD, "www")
ASSETS = {"/": "index.html", "/dashboard.js": "dashboard.js"}
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(params=["cpython", "micropython"])
def dashboard(request):
    """examples/dashboard/app.py started by its one command; its port."""
    if request.param == "cpython":
        return request.getfixturevalue("run_example")(os.path.join("dashboard", "app.py"))
    micropython_or_skip()
    from test_micropython_unix import example

    return example(request.getfixturevalue("micropython"), os.path.join("dashboard", "app.py")).port


def led(port, method="GET", body=None, headers=None):
    """(status, JSON answer) of /api/led."""
    status, _, _, answer = http_request(port, method, "/api/led", body, headers)
    return status, json.loads(answer)


def check_led_api(port):
    assert led(port) == (200, {"on": 0})
    assert led(port, "PUT", '{"on": 1}', JSON) == (200, {"on": 1})
    assert led(port) == (200, {"on": 1})
    assert led(port, "PUT", "on=0", FORM) == (200, {"on": 0})
    assert led(port) == (200, {"on": 0})
    assert led(port, "PUT", '{"on": true}', JSON) == (200, {"on": 1})
    assert led(port, "PUT", '{"on": "maybe"}', JSON) == (400, {"error": "on: 1 or 0"})
    assert led(port, "PUT", "{}", JSON)[0] == 400
    assert led(port) == (200, {"on": 1})  # a refused PUT changed nothing
    assert http_request(port, "DELETE", "/api/led")[0] == 405


def events(port, count):
    """The first `count` events of /events, as dicts."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    conn.request("GET", "/events")
    resp = conn.getresponse()
    assert resp.status == 200
    assert resp.getheader("Content-Type") == "text/event-stream"
    got = []
    for _ in range(count):
        event = read_event(resp)
        assert event["event"] == "reading"
        got.append(json.loads(event["data"]))
    resp.close()
    conn.close()
    return got


def check_assets(port):
    """Each asset gzip to a client that takes it (the committed .gz), plain otherwise."""
    for path, name in ASSETS.items():
        with open(os.path.join(WWW, name), "rb") as f:
            plain = f.read()
        status, _, headers, body = http_request(port, "GET", path)
        assert (status, body) == (200, plain), path
        assert "content-encoding" not in headers
        status, _, headers, body = http_request(
            port, "GET", path, headers={"Accept-Encoding": "gzip, deflate, br"}
        )
        assert (status, headers["content-encoding"], headers["vary"]) == (
            200,
            "gzip",
            "Accept-Encoding",
        )
        assert gzip.decompress(body) == plain, path
        assert len(body) < len(plain)
    assert http_request(port, "GET", "/")[2]["content-type"] == "text/html; charset=utf-8"
    assert http_request(port, "GET", "/dashboard.js")[2]["content-type"] == (
        "application/javascript"
    )


def test_dashboard_api_events_and_assets(dashboard):
    port = dashboard
    check_led_api(port)
    first = events(port, 3)
    assert [e["n"] for e in first] == [1, 2, 3]
    for e in first:
        assert e["led"] == 1 and isinstance(e["value"], float) and 20 <= e["value"] <= 28, e
    assert led(port, "PUT", '{"on": 0}', JSON) == (200, {"on": 0})
    assert events(port, 1)[0]["led"] == 0  # the stream reports the LED as it is
    status, _, headers, body = http_request(port, "GET", "/api/sensor")
    sensor = json.loads(body)
    assert (status, sensor["name"], sensor["unit"]) == (200, "temperature (simulated)", "°C")
    assert 20 <= sensor["value"] <= 28
    check_assets(port)
    # The CPython demo answers no CORS: the page comes from the server itself.
    status, headers, _ = get(port, "/api/led", extra="Origin: http://evil.example\r\n")
    assert status == 200 and not [h for h in headers if h.startswith("access-control-")]
    assert http_request(port, "GET", "/nope")[0] == 404


def test_page_needs_no_internet():
    """No CDN: every script and style is the board's own (or inline)."""
    with open(os.path.join(WWW, "index.html")) as f:
        page = f.read()
    assert '<script src="dashboard.js">' in page
    for attribute in ("src=", "href="):
        for part in page.split(attribute)[1:]:
            target = part[1:].split(part[0])[0]
            assert "//" not in target, target
    with open(os.path.join(WWW, "dashboard.js")) as f:
        script = f.read()
    assert script.count("http") == 1 and "http://www.w3.org/2000/svg" in script  # a name only
    assert 'new EventSource("/events")' in script and '"/api/led"' in script


def test_committed_gz_files_are_today_s_files_made_with_gzip_9_n():
    """Each asset has its .gz, equal to the file once decompressed, made with `gzip -9 -n`
    (no name or time in the header: the same bytes on every machine)."""
    names = sorted(os.listdir(WWW))
    assert names == ["dashboard.js", "dashboard.js.gz", "index.html", "index.html.gz"]
    for name in ("dashboard.js", "index.html"):
        with open(os.path.join(WWW, name), "rb") as f:
            plain = f.read()
        with open(os.path.join(WWW, name + ".gz"), "rb") as f:
            packed = f.read()
        stale = "%s.gz is stale: gzip -9 -n -k -f %s" % (name, name)
        assert gzip.decompress(packed) == plain, stale
        assert packed[:3] == b"\x1f\x8b\x08" and packed[3] & 0x08 == 0  # no file name stored
        assert packed[4:8] == b"\0\0\0\0" and packed[8] == 2  # no time; XFL 2: -9


def visit(port, errors):
    """What a browser does on the dashboard: the page and its script (gzip), the API, then
    the event stream for three readings. Whatever goes wrong is added to `errors`."""
    try:
        for method, path, body, headers in (
            ("GET", "/", None, {"Accept-Encoding": "gzip"}),
            ("GET", "/dashboard.js", None, {"Accept-Encoding": "gzip"}),
            ("GET", "/api/led", None, None),
            ("GET", "/api/sensor", None, None),
            ("PUT", "/api/led", '{"on": 1}', JSON),
        ):
            status = http_request(port, method, path, body, headers)[0]
            if status != 200:
                errors.append((method, path, status))
        if [e["led"] for e in events(port, 3)] != [1, 1, 1]:
            errors.append("events")
    except Exception as e:  # reported by the test's assertion
        errors.append(repr(e))


def test_two_visitors_fit_an_esp32_heap_on_micropython(lib, tmp_path):  # noqa: F811
    """dashboard.py from .mpy with the esp32 preset, locked down as main.py has it, in a heap
    capped at 96 KB (an ESP32 has about 100 KB free; a 64-bit build's objects are bigger:
    160 KB there): two browsers at once, twice, all answered. Measured on the 32-bit 1.27
    build: 39 KB after make_app(), 60 KB at most while serving, the smallest heap that
    serves this 72 KB."""
    from micropython_runtime import word_bits
    from test_micropython_unix import MicroPythonProcess

    build = load_tool("build")
    app = tmp_path / "app"
    app.mkdir()
    for name in ("dashboard", "hardware_fake"):
        error = build.compile_file(
            build.mpy_cross_binary(),
            os.path.join(DASHBOARD, name + ".py"),
            name,
            str(app / (name + ".mpy")),
        )
        assert error is None, error
    port = free_port()
    mp = MicroPythonProcess(
        lib,
        os.path.join(MP_TESTS, "serve_dashboard.py"),
        (str(port), WWW),
        port,
        paths=[str(app)],
        heapsize="96k" if word_bits() == 32 else "160k",
        log=str(tmp_path / "serve.log"),
    )
    try:
        for _ in range(2):
            errors = []
            visitors = [threading.Thread(target=visit, args=(port, errors)) for _ in range(2)]
            for t in visitors:
                t.start()
            for t in visitors:
                t.join(TIMEOUT * 3)
            assert errors == [], mp.output()
        out = mp.output()
        assert "heap after make_app:" in out and "Error" not in out, out
    finally:
        mp.stop()


def check_board_dashboard(port):
    """A board's dashboard (main.py, code.py): locked down, and the LED switched on by a
    JSON PUT."""
    check_locked_down_example(port, "/", "/api/led")
    status, _, body = ask(
        port,
        "PUT /api/led HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 9\r\n\r\n",
        b'{"on": 1}',
    )
    assert (status, json.loads(body)) == (200, {"on": 1})


def test_main_py_on_a_micropython_board(lib, tmp_path):  # noqa: F811
    """main.py with the stand-ins for `network` and `machine` (the board's address is
    127.0.0.1; no temperature sensor, so the ADC, 25 % of full scale)."""
    micropython_or_skip()
    from test_micropython_unix import MicroPythonProcess

    port = free_port()
    (tmp_path / "settings.py").write_text(
        'WIFI_SSID = "net"\nWIFI_PASSWORD = "pw"\nHOST = "127.0.0.1"\nPORT = %d\n' % port
    )
    board = os.path.join(MP_TESTS, "board")
    mp = MicroPythonProcess(
        lib,
        os.path.join(DASHBOARD, "main.py"),
        (),
        port,
        paths=[str(tmp_path), board],
        log=str(tmp_path / "main.log"),
    )
    try:
        check_board_dashboard(port)
        sensor = json.loads(get(port, "/api/sensor")[2])
        assert sensor == {"name": "analog input", "unit": "%", "value": 25.0}
        status, _, body = get(port, "/dashboard.js", extra="Accept-Encoding: gzip\r\n")
        with open(os.path.join(WWW, "dashboard.js"), "rb") as f:
            assert (status, gzip.decompress(body)) == (200, f.read())
        out = mp.output()
        assert "stub network: connect net pw" in out
        assert "stub machine: Pin(2).value(1)" in out  # the real pin call, GPIO 2
        assert "tinyweb: dashboard on http://127.0.0.1:%d/" % port in out
        assert "Traceback" not in out, out
    finally:
        mp.stop()


def test_code_py_on_a_circuitpython_board():
    """code.py as on a CircuitPython board: settings.toml's values in the environment, the
    Adafruit asyncio, socketpool, digitalio and microcontroller doubles."""
    from support.server_process import on_fake_board

    board = on_fake_board(os.path.join(DASHBOARD, "code.py"))
    port = board.port
    try:
        assert board.value("tinyweb: dashboard on") == "http://127.0.0.1:0/"
        check_board_dashboard(port)
        board.wait_for("FAKE_PIN LED True")  # digitalio's value, set
        sensor = json.loads(get(port, "/api/sensor")[2])
        assert (sensor["name"], sensor["unit"]) == ("chip temperature", "°C")
        assert 30 <= sensor["value"] <= 31  # 30.0 to 30.99, rounded by the app
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        conn.request("GET", "/events")
        resp = conn.getresponse()
        event = read_event(resp)
        data = json.loads(event["data"])
        assert (event["event"], data["n"], data["led"]) == ("reading", 1, 1)
        resp.close()
        conn.close()
    finally:
        board.stop()


def test_dashboard_files_compile_for_micropython(tmp_path):
    """Every file that goes on a board compiles with mpy-cross."""
    build = load_tool("build")
    for name in sorted(os.listdir(DASHBOARD)):
        if name.endswith(".py"):
            out = str(tmp_path / (name[:-3] + ".mpy"))
            error = build.compile_file(
                build.mpy_cross_binary(), os.path.join(DASHBOARD, name), name[:-3], out
            )
            assert error is None, (name, error)
