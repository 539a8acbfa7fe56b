"""The benchmark app on microdot, written as its documentation shows: the same three pages."""

from microdot import Microdot

app = Microdot()


@app.route("/")
async def index(request):
    return "<h1>Hello, world!</h1>", 200, {"Content-Type": "text/html; charset=utf-8"}


@app.get("/api/sensors/<int:sensor_id>")
async def sensor(request, sensor_id):
    return {"id": sensor_id, "celsius": 21.5}


@app.post("/settings")
async def settings(request):
    return "saved %d fields" % len(request.form)


async def handle(stream):
    """Serve one connection (the benchmark's in-memory stream is reader and writer)."""
    await app.handle_request(stream, stream)
