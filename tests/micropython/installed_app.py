"""An app run from what package.json installed into /lib, as after `mip install`.

Only the public API and the installed files: the requests go through a small in-memory
adapter defined here (the in-memory adapter of the repository is not installed on boards).
"""

import json

from tinyweb.adapters import default as default_adapter

import tinyweb
from tinyweb.compat import asyncio


class Stream:
    """The seam (tinyweb/stream.py): one connection whose request is given up front."""

    peer = ("127.0.0.1", 0)

    def __init__(self, data):
        self.data = data
        self.out = []

    async def read(self, n):
        data, self.data = self.data[:n], self.data[n:]
        return data

    async def readinto(self, buf):
        data = await self.read(len(buf))
        buf[: len(data)] = data
        return len(data)

    def write(self, data):
        self.out.append(bytes(data))

    async def drain(self):
        pass

    def close(self):
        pass

    async def wait_closed(self):
        pass

    def get_extra_info(self, name):
        return self.peer


class Listener:
    def __init__(self, handle_connection):
        self.handle_connection = handle_connection
        self.port = None

    def close(self):
        pass

    async def wait_closed(self):
        pass


class adapter:
    """What app.start(adapter=...) needs: a start_server function."""

    @staticmethod
    async def start_server(handle_connection, host, port, backlog, **options):
        adapter.listener = Listener(handle_connection)
        return adapter.listener


app = tinyweb.webserver()


@app.route("/")
async def index(req, resp):
    await resp.start_html()
    await resp.send("<h1>installed</h1>")


@app.resource("/api/sensor/<int:sensor_id>")
def sensor(data, headers, sensor_id):
    return {"id": sensor_id, "celsius": 21}


async def request(raw):
    stream = Stream(raw)
    await adapter.listener.handle_connection(stream)
    return b"".join(stream.out)


async def main():
    server = await app.start("0.0.0.0", 80, adapter=adapter)
    page = await request(b"GET / HTTP/1.0\r\n\r\n")
    api = await request(b"GET /api/sensor/7 HTTP/1.0\r\n\r\n")
    server.close()
    await server.wait_closed()
    print("page", page.split(b"\r\n")[0].decode(), page.split(b"\r\n\r\n")[1].decode())
    data = json.loads(api.split(b"\r\n\r\n")[1])
    print("api", api.split(b"\r\n")[0].decode(), sorted(data.items()))


print("tinyweb from", tinyweb.__file__)
print("run() would use", default_adapter().__name__)
asyncio.run(main())
