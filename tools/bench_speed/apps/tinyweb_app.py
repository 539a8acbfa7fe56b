"""The benchmark app on tinyweb (TinyWeb's API): the four workloads of workloads.py.

    python tools/bench_speed/apps/tinyweb_app.py 8081          # CPython
    micropython tools/bench_speed/apps/tinyweb_app.py 8081     # MicroPython unix port

Serves on 127.0.0.1 until killed or asked GET /_quit. GET /_stats answers how many workload
requests the app has handled (and connections accepted), so the driver can check the load
generator's counts against the server's.
microdot_app.py is the same app on microdot.
"""

import sys

import workloads

import tinyweb
from tinyweb.compat import asyncio

app = tinyweb.webserver()
served = [0]  # workload requests handled


@app.route("/", methods=["GET"])
async def hello(req, resp):
    served[0] += 1
    await resp.start_html()
    await resp.send(workloads.HELLO_BODY)


@app.resource("/user/<id>")
def user(data, headers, id):
    served[0] += 1
    return workloads.user_record(id)


@app.route("/form", methods=["POST"])
async def form(req, resp):
    served[0] += 1
    data = await req.read_parse_form_data()
    resp.add_header("Content-Type", "text/plain; charset=utf-8")
    await resp.send(workloads.form_answer(data))


@app.route("/" + workloads.STATIC_NAME, methods=["GET"])
async def static(req, resp):
    served[0] += 1
    await resp.send_file(workloads.STATIC_NAME)


@app.route("/_stats", methods=["GET"])
async def stats(req, resp):
    # Handled workload requests, and connections accepted (tinyweb counts those itself).
    await resp.send_body("%d %d" % (served[0], app.processed_connections), "text/plain")


@app.route("/_quit", methods=["GET"])
async def quit(req, resp):
    await resp.send_body("bye", "text/plain")
    # Shut down from another task, once this connection is closed: shutdown() cancels the
    # connections still open, and on CPython that would include this very handler.
    asyncio.create_task(_shutdown_soon())


async def _shutdown_soon():
    await asyncio.sleep(0.05)
    app.shutdown()


async def serve(port):
    server = await app.start("127.0.0.1", port)
    print("READY", port)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
