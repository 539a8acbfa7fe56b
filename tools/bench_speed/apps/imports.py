"""Which modules a hello-world app loads: print them after it starts and serves a request.

    micropython tools/bench_speed/apps/imports.py tinyweb 8089
    micropython tools/bench_speed/apps/imports.py microdot 8089

Starts the framework's server on 127.0.0.1 (so the adapter and board preset that a running
app loads are counted), serves one GET / through the same coroutine the server runs for
each connection (so anything imported on first use is counted too), then prints one
"MODULE <name> <file>" line per module loaded since the start and stops.
"""

import sys

try:
    import asyncio
except ImportError:  # MicroPython 1.20 and older
    import uasyncio as asyncio

FRAMEWORK = sys.argv[1]
PORT = int(sys.argv[2])
BEFORE = list(sys.modules)
REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


class Stream:
    """One fake connection with the methods both frameworks read and write through."""

    def __init__(self):
        self.data = REQUEST
        self.pos = 0
        self.out = []
        self.peer = ("127.0.0.1", 0)

    async def read(self, n=-1):
        end = len(self.data) if n < 0 else self.pos + n
        chunk = self.data[self.pos : end]
        self.pos += len(chunk)
        return chunk

    async def readinto(self, buf):
        chunk = await self.read(len(buf))
        buf[: len(chunk)] = chunk
        return len(chunk)

    async def readline(self):
        i = self.data.find(b"\n", self.pos)
        end = len(self.data) if i < 0 else i + 1
        line = self.data[self.pos : end]
        self.pos = end
        return line

    async def readexactly(self, n):
        return await self.read(n)

    async def write(self, data):
        self.out.append(bytes(data))

    awrite = write

    async def close(self):
        pass

    aclose = close

    def get_extra_info(self, name):
        return self.peer


if FRAMEWORK == "tinyweb":
    import tinyweb

    app = tinyweb.webserver()

    @app.route("/")
    async def index(req, resp):
        await resp.start_html()
        await resp.send("<h1>Hello, world!</h1>")

    async def main():
        server = await app.start("127.0.0.1", PORT)
        await asyncio.sleep(0.05)
        stream = Stream()
        await app._serve_connection(stream)
        server.close()
        await server.wait_closed()
        return b"".join(stream.out)

else:
    from microdot import Microdot

    app = Microdot()

    @app.route("/")
    async def index(req):
        return "<h1>Hello, world!</h1>", 200, {"Content-Type": "text/html; charset=utf-8"}

    async def main():
        task = asyncio.create_task(app.start_server(host="127.0.0.1", port=PORT))
        await asyncio.sleep(0.05)
        stream = Stream()
        await app.handle_request(stream, stream)
        app.shutdown()
        await task
        return b"".join(stream.out)


answer = asyncio.run(main())
if b"Hello, world!" not in answer:
    print("WRONG", answer)
    sys.exit(1)
for name in sorted(sys.modules):
    if name not in BEFORE:
        print("MODULE", name, getattr(sys.modules[name], "__file__", "-"))
