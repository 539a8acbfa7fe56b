"""In-memory adapter: a request goes in as bytes, the response comes out as bytes.

No sockets: for tests on every runtime (the MicroPython WebAssembly build has none), for
benchmarks that count allocations, and for trying an app without a network.

    raw = await tinyweb.adapters.memory.request(app, b"GET / HTTP/1.0\\r\\n\\r\\n")
"""

from tinyweb.compat import asyncio


class Stream:
    """A client connection whose input is given up front and whose output is collected.

    `chunk` caps how many bytes one read returns, to exercise the core's line splitting.
    Input that runs out reads as end of stream (the client half-closed).
    """

    def __init__(self, data, chunk=None):
        self.data = data
        self.pos = 0
        self.chunk = chunk
        self.out = []
        self.closed = False

    async def read(self, n):
        if self.chunk:
            n = min(n, self.chunk)
        data = self.data[self.pos : self.pos + n]
        self.pos += len(data)
        return data

    async def readinto(self, buf):
        data = await self.read(len(buf))
        buf[: len(data)] = data
        return len(data)

    def write(self, data):
        if self.closed:
            raise OSError(9, "write on a closed stream")
        self.out.append(bytes(data))

    async def drain(self):
        pass

    def close(self):
        self.closed = True

    async def wait_closed(self):
        pass

    def get_extra_info(self, name):
        return ("127.0.0.1", 0) if name == "peername" else None

    def output(self):
        """Everything the server wrote to this connection, as bytes."""
        return b"".join(self.out)


class Listener:
    """What start_server returns: nothing listens, `connect()` feeds the server directly."""

    def __init__(self, handle_connection):
        self.handle_connection = handle_connection
        self.closed = False
        self.port = 0

    async def connect(self, data, chunk=None):
        """Serve one connection that sends `data`; returns everything the server wrote."""
        stream = Stream(data, chunk)
        await self.handle_connection(stream)
        return stream.output()

    def close(self):
        self.closed = True

    async def wait_closed(self):
        pass


async def start_server(handle_connection, host, port, backlog, **options):
    return Listener(handle_connection)


async def request(app, data, chunk=None):
    """Serve one raw request with `app` (no listener needed); the raw response bytes."""
    stream = Stream(data, chunk)
    await app._serve_connection(stream)
    return stream.output()


def run(coro):
    """Run a coroutine to completion on this runtime's event loop."""
    return asyncio.get_event_loop().run_until_complete(coro)
