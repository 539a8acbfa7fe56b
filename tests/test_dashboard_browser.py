"""examples/dashboard/ in a real browser: headless Chromium (Debian's `chromium` package,
driven by support/chromium.py) loads the page from the dashboard on CPython and on
MicroPython's unix port, clicks the LED button, and the test checks the LED through the
API and the chart's points in the DOM. The screenshot goes to docs/dashboard.png
(docs/dashboard.md) when that file is missing or UPDATE_SCREENSHOTS=1 is set; always to the
test's tmp folder.

Skips when chromium is not installed (CI installs it: .ci/run).
"""

import json
import os

from conftest import ROOT, http_request
from support.chromium import chromium, save_screenshot  # noqa: F401 - fixture
from test_dashboard import dashboard  # noqa: F401 - fixture
from test_examples import run_example  # noqa: F401 - fixture
from test_micropython_unix import lib, micropython  # noqa: F401 - fixtures

SCREENSHOT = os.path.join(ROOT, "docs", "dashboard.png")
POINTS = 'document.querySelectorAll("#chart circle.point").length'


def api_led(port):
    status, _, _, body = http_request(port, "GET", "/api/led")
    assert status == 200
    return json.loads(body)["on"]


def test_dashboard_in_chromium(dashboard, chromium, tmp_path, request):  # noqa: F811
    port = dashboard
    chromium.open(port)
    assert chromium.wait_for_text("state", "live") == "live"
    # The page asked the API for the LED (off) and the sensor's name.
    assert chromium.wait_for_text("led", "off") == "off"
    assert chromium.wait_for('document.getElementById("name").textContent') == (
        "temperature (simulated)"
    )
    assert api_led(port) == 0
    chromium.evaluate('document.getElementById("led").click()')
    assert chromium.wait_for_text("led", "on") == "on"
    assert api_led(port) == 1  # the click went through the REST API to the pin
    # The chart: one point per reading, a line through them.
    assert chromium.wait_for(POINTS + " >= 3 && " + POINTS) >= 3
    line = chromium.evaluate('document.querySelector("#chart polyline").getAttribute("points")')
    assert len(line.split(" ")) >= 3
    value = chromium.evaluate('Number(document.getElementById("value").textContent)')
    assert 20 <= value <= 28
    assert chromium.evaluate('document.getElementById("unit").textContent') == "°C"
    # Switched off from elsewhere (curl, another tab): the page follows through /events.
    status, _, _, _ = http_request(
        port, "PUT", "/api/led", '{"on": 0}', {"Content-Type": "application/json"}
    )
    assert status == 200
    assert chromium.wait_for_text("led", "off") == "off"
    chromium.evaluate('document.getElementById("led").click()')  # on again, for the picture
    assert chromium.wait_for_text("led", "on") == "on"
    assert chromium.wait_for(POINTS + " >= 6 && " + POINTS) >= 6
    cpython = request.node.callspec.params["dashboard"] == "cpython"
    if cpython and (os.environ.get("UPDATE_SCREENSHOTS") or not os.path.exists(SCREENSHOT)):
        chromium.wait_for(POINTS + " >= 30", seconds=45)  # half a minute of readings for the docs
    png = chromium.screenshot()
    (tmp_path / "dashboard.png").write_bytes(png)
    if cpython:
        save_screenshot(png, SCREENSHOT)
