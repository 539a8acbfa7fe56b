"""The benchmark app on tinyweb: hello world, a JSON resource with a path parameter, a form.

tools/bench.py may name a board preset as the script's third argument (e.g. esp8266);
without one, tinyweb picks the preset of the runtime, as an app does.
"""

import sys

import tinyweb

app = tinyweb.webserver(board=sys.argv[3] if len(sys.argv) > 3 else None)


@app.route("/")
async def index(req, resp):
    await resp.start_html()
    await resp.send("<h1>Hello, world!</h1>")


@app.resource("/api/sensors/<int:sensor_id>")
def sensor(data, headers, sensor_id):
    return {"id": sensor_id, "celsius": 21.5}


@app.route("/settings", methods=["POST"])
async def settings(req, resp):
    form = await req.read_parse_form_data()
    await resp.send_body("saved %d fields" % len(form))


async def handle(stream):
    """Serve one connection (the benchmark's in-memory stream)."""
    await app._serve_connection(stream)
