"""One app for every runtime: a status page and a small JSON API, routes only.

    python examples/app_shared.py --port 8081         CPython (asyncio adapter)
    micropython examples/app_shared.py --port 8081    MicroPython (asyncio streams adapter)
    examples/code.py imports it on CircuitPython      (socketpool adapter, Wi-Fi)

The file that runs it picks the adapter and the board preset; the routes never change.
Open http://HOST:PORT/ for the page; GET /api/status and POST /api/led (on=1 or on=0) are
the API it uses.
"""

import json
import sys

import tinyweb

PAGE = """<!doctype html>
<html><head><meta name="viewport" content="width=device-width">
<title>tinyweb</title></head><body>
<h1>tinyweb on <span id="rt">?</span></h1>
<p>Free memory: <span id="free">?</span> bytes. LED: <span id="led">?</span>
<button onclick="toggle()">toggle</button></p>
<script>
let led = false;
async function show(r) {
  const s = await r.json();
  document.getElementById("rt").textContent = s.runtime + " (" + s.platform + ")";
  document.getElementById("free").textContent = s.free === null ? "n/a" : s.free;
  led = s.led;
  document.getElementById("led").textContent = led ? "on" : "off";
}
async function toggle() {
  await show(await fetch("/api/led", {method: "POST",
    headers: {"Content-Type": "application/x-www-form-urlencoded"},
    body: "on=" + (led ? "0" : "1")}));
}
fetch("/api/status").then(show);
</script></body></html>
"""


def free_memory():
    """gc.mem_free() on MicroPython and CircuitPython; None on CPython, which has none."""
    import gc

    gc.collect()
    return gc.mem_free() if hasattr(gc, "mem_free") else None


def make_app(set_led=None, **options):
    """The app. `set_led(on)` drives a real LED if given; `options` go to tinyweb.webserver
    (board=, max_concurrency=, request_timeout=, ...)."""
    app = tinyweb.webserver(**options)
    state = {"led": False}

    def status():
        return {
            "runtime": sys.implementation.name,
            "platform": sys.platform,
            "free": free_memory(),
            "led": state["led"],
        }

    @app.route("/", methods=["GET"])
    async def index(req, resp):
        await resp.send_body(PAGE, "text/html; charset=utf-8")

    @app.route("/api/status", methods=["GET"])
    async def api_status(req, resp):
        await resp.send_body(json.dumps(status()), "application/json")

    @app.route("/api/led", methods=["POST"], max_body_size=16)
    async def api_led(req, resp):
        form = await req.read_parse_form_data()
        on = form.get("on")
        if on not in ("0", "1"):
            raise tinyweb.HTTPException(400)
        state["led"] = on == "1"
        if set_led is not None:
            set_led(state["led"])
        await resp.send_body(json.dumps(status()), "application/json")

    return app


if __name__ == "__main__":
    from cli import host_port

    host, port = host_port()
    print("tinyweb: serving on http://%s:%d/" % (host, port))
    make_app().run(host=host, port=port)
