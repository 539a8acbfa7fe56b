"""Headless Chromium driven through the DevTools protocol, for the browser tests
(test_live_browser.py, test_dashboard_browser.py).

    from support.chromium import chromium, save_screenshot   # chromium: a pytest fixture

    def test_page(chromium):
        chromium.open(8081)                # http://127.0.0.1:8081/
        assert chromium.wait_for("document.title") == "..."

The protocol is JSON commands over a WebSocket (spoken with support/ws_client.py). The
fixture skips when Debian's `chromium` is not installed (CI installs it: .ci/run).
"""

import base64
import json
import os
import shutil
import subprocess
import time
import urllib.request

import pytest
from conftest import TIMEOUT, stop_process

from support.ws_client import OP_CONT, OP_TEXT, WSClient

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
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

    def open(self, port):
        """Load http://127.0.0.1:<port>/ in the page."""
        self.call("Page.enable")
        self.call("Page.navigate", url="http://127.0.0.1:%d/" % port)

    def wait_for_text(self, element_id, text, seconds=TIMEOUT):
        """Wait (bounded in time) until the element `element_id` shows `text`; the text it
        shows then (what the test asserts)."""
        shown = "document.getElementById(%s).textContent" % json.dumps(element_id)
        self.wait_for("%s === %s" % (shown, json.dumps(text)), seconds)
        return self.evaluate(shown)

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

    def screenshot(self):
        """The page as PNG bytes."""
        png = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        return png


def save_screenshot(png, path):
    """Write a docs/ screenshot when it is missing or UPDATE_SCREENSHOTS=1 is set (so a test
    run leaves the committed picture alone)."""
    if os.environ.get("UPDATE_SCREENSHOTS") or not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(png)


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
