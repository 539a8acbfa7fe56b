"""A handler that runs out of memory answers 500, and the server serves the next request.

micropython serve_after_memory_error.py     # prints one line per request
"""

from tinyweb.adapters import memory

import tinyweb
from tinyweb.compat import asyncio

app = tinyweb.webserver()


@app.route("/hog")
async def hog(req, resp):
    buf = bytearray(1 << 30)  # more than any MicroPython heap will give
    await resp.send_body("got %d bytes" % len(buf))


@app.route("/")
async def index(req, resp):
    await resp.send_body("still serving")


async def main():
    for path in ("/hog", "/", "/hog", "/"):
        raw = await memory.request(app, b"GET %s HTTP/1.0\r\n\r\n" % path.encode())
        head, _, body = raw.partition(b"\r\n\r\n")
        print("%s -> %s | %s" % (path, head.split(b"\r\n")[0].decode(), body.decode()))


asyncio.run(main())
