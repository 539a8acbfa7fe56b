"""The benchmark app on microdot: the same four workloads as tinyweb_app.py.

    python tools/bench_speed/apps/microdot_app.py 8082          # CPython
    micropython tools/bench_speed/apps/microdot_app.py 8082     # MicroPython unix port

Handlers are `async def`, as microdot recommends: on CPython a plain `def` handler runs in
a thread pool, which would slow microdot down for a reason that is not its own parsing.
GET /_stats answers how many workload requests the app has handled; GET /_quit stops it.
"""

import sys

import workloads
from microdot import Microdot, send_file

try:
    import asyncio
except ImportError:  # MicroPython 1.20 and older
    import uasyncio as asyncio

app = Microdot()
served = [0]  # workload requests handled

_HTML = {"Content-Type": "text/html; charset=utf-8"}
_TEXT = {"Content-Type": "text/plain; charset=utf-8"}


@app.get("/")
async def hello(req):
    served[0] += 1
    return workloads.HELLO_BODY, 200, _HTML


@app.get("/user/<id>")
async def user(req, id):
    served[0] += 1
    return workloads.user_record(id)


@app.post("/form")
async def form(req):
    served[0] += 1
    return workloads.form_answer(req.form), 200, _TEXT


@app.get("/" + workloads.STATIC_NAME)
async def static(req):
    served[0] += 1
    # tinyweb's send_file sends Cache-Control max-age=2592000 by default: the same here.
    return send_file(workloads.STATIC_NAME, max_age=2592000)


@app.get("/_stats")
async def stats(req):
    return "%d -1" % served[0]  # handled workload requests; connections: not counted


@app.get("/_quit")
async def quit(req):
    req.app.shutdown()  # the server stops once this answer is out; the process then exits
    return "bye"


if __name__ == "__main__":
    port = int(sys.argv[1])
    print("READY", port)
    asyncio.run(app.start_server(host="127.0.0.1", port=port))
