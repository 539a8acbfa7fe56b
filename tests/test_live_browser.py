"""examples/live.py in a real browser: headless Chromium (Debian's `chromium` package)
loads the page, the test types a message and presses "send" through the DevTools protocol
(spoken with tests/support/ws_client.py), then reads the DOM: the echo from /ws and a tick
counter from /events that goes up. The screenshot goes to docs/live.png (docs/live.md) when
that file is missing or UPDATE_SCREENSHOTS=1 is set; always to the test's tmp folder.

Skips when chromium is not installed (CI installs it: .ci/run).
"""

import base64
import json
import os
import shutil
import subprocess
import time
import urllib.request

import pytest
from conftest import ROOT, TIMEOUT, stop_process
from support.ws_client import OP_CONT, OP_TEXT, WSClient
from test_examples import run_example  # noqa: F401 - fixture
from test_live import live_example  # noqa: F401 - fixture
from test_micropython_unix import lib, micropython  # noqa: F401 - fixtures

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOT = os.path.join(ROOT, "docs", "live.png")
START_TIMEOUT = 30  # seconds for chromium to open its DevTools port


class DevTools:
    """The DevTools protocol of one page: JSON commands over a WebSocket."""

    def __init__(self, port, path):
        self.ws = WSClient(port, path)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send_frame(
            OP_TEXT, json.dumps({"id": self.next_id, "method": method, "params": params}).encode()
        )
        while True:
            fin, op, data = self.ws.recv_frame()
            while not fin:  # a long answer (a screenshot) may come in fragments
                fin, cont, more = self.ws.recv_frame()
                assert cont == OP_CONT
                data += more
            message = json.loads(data)
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message["result"]

    def evaluate(self, expression):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)[
            "result"
        ].get("value")

    def wait_for(self, expression, seconds=TIMEOUT):
        """Evaluate until the value is truthy (bounded in time); the value."""
        deadline = time.monotonic() + seconds
        while True:
            value = self.evaluate(expression)
            if value or time.monotonic() > deadline:
                return value
            time.sleep(0.1)


@pytest.fixture
def chromium(tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    profile = tmp_path / "profile"
    proc = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",  # CI runs as root
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            "--user-data-dir=" + str(profile),
            "--window-size=800,600",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    active = profile / "DevToolsActivePort"
    deadline = time.monotonic() + START_TIMEOUT
    while not active.exists() or len(active.read_text().split("\n")) < 2:
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_process(proc)
            pytest.fail("chromium did not open its DevTools port")
        time.sleep(0.1)
    port = int(active.read_text().split("\n")[0])
    with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port, timeout=TIMEOUT) as r:
        pages = [t for t in json.load(r) if t["type"] == "page"]
    path = "/" + pages[0]["webSocketDebuggerUrl"].split("/", 3)[3]
    tools = DevTools(port, path)
    yield tools
    tools.ws.close()
    stop_process(proc)


def test_live_page_in_chromium(live_example, chromium, tmp_path, request):  # noqa: F811
    """On CPython and on MicroPython's unix port (the screenshot is CPython's)."""
    port = live_example
    chromium.call("Page.enable")
    chromium.call("Page.navigate", url="http://127.0.0.1:%d/" % port)
    state = 'document.getElementById("state").textContent'
    assert chromium.wait_for(state + ' === "open" && ' + state) == "open"
    chromium.evaluate(
        'document.getElementById("text").value = "hello from chromium";'
        'document.getElementById("send").click()'
    )
    echoes = chromium.wait_for(
        'Array.from(document.querySelectorAll("#echoes li")).map(li => li.textContent)'
        '.filter(t => t.startsWith("echo: ")).join("|")'
    )
    assert echoes == "echo: hello from chromium"
    count = 'Number(document.getElementById("count").textContent)'
    first = chromium.wait_for(count + " >= 2 && " + count)
    assert first >= 2
    assert chromium.wait_for("%s > %d && %s" % (count, first, count)) > first  # it goes up
    png = base64.b64decode(chromium.call("Page.captureScreenshot", format="png")["data"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "live.png").write_bytes(png)
    cpython = request.node.callspec.params["live_example"] == "cpython"
    if cpython and (os.environ.get("UPDATE_SCREENSHOTS") or not os.path.exists(SCREENSHOT)):
        with open(SCREENSHOT, "wb") as f:
            f.write(png)
