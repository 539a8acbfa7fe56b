"""An app to test limits over sockets on MicroPython: slow handlers, big answers, shutdown.

    micropython serve_limits.py PORT max_concurrency=1 backlog=1 request_timeout=0.5

/slow holds its slot for 0.3 s, /hog asks for more memory than the heap has, /shutdown
answers and then shuts the server down; the script then prints "stopped" and exits 0.
"""

import sys

import tinyweb
from tinyweb.compat import asyncio

options = {}
for arg in sys.argv[2:]:
    key, value = arg.split("=")
    options[key] = float(value) if "." in value else int(value)
app = tinyweb.webserver(**options)


@app.route("/")
async def index(req, resp):
    await resp.send_body("index")


@app.route("/slow")
async def slow(req, resp):
    await asyncio.sleep_ms(300)
    await resp.send_body("done")


@app.route("/hog")
async def hog(req, resp):
    buf = bytearray(4 * 1024 * 1024)  # more than the heap the tests give
    await resp.send_body("got %d bytes" % len(buf))


async def stop_soon():
    await asyncio.sleep_ms(100)
    app.shutdown()


@app.route("/shutdown")
async def shutdown(req, resp):
    asyncio.create_task(stop_soon())
    await resp.send_body("bye")


async def main(port):
    server = await app.start("127.0.0.1", port)
    print("ready")
    await server.serve_forever()
    await server.wait_closed()
    print("stopped")


asyncio.run(main(int(sys.argv[1])))
