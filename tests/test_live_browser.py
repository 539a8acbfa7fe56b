"""examples/live.py in a real browser: headless Chromium (Debian's `chromium` package)
loads the page, the test types a message and presses "send" through the DevTools protocol
(spoken with tests/support/ws_client.py), then reads the DOM: the echo from /ws and a tick
counter from /events that goes up. The screenshot goes to docs/live.png (docs/live.md) when
that file is missing or UPDATE_SCREENSHOTS=1 is set; always to the test's tmp folder.

Skips when chromium is not installed (CI installs it: .ci/run).
"""

import os

from conftest import ROOT
from support.chromium import chromium, save_screenshot  # noqa: F401 - fixture
from test_examples import run_example  # noqa: F401 - fixture
from test_live import live_example  # noqa: F401 - fixture
from test_micropython_unix import lib, micropython  # noqa: F401 - fixtures

SCREENSHOT = os.path.join(ROOT, "docs", "live.png")


def test_live_page_in_chromium(live_example, chromium, tmp_path, request):  # noqa: F811
    """On CPython and on MicroPython's unix port (the screenshot is CPython's)."""
    port = live_example
    chromium.open(port)
    assert chromium.wait_for_text("state", "open") == "open"
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
    png = chromium.screenshot()
    (tmp_path / "live.png").write_bytes(png)
    if request.node.callspec.params["live_example"] == "cpython":
        save_screenshot(png, SCREENSHOT)
