"""MicroPython adapter: `asyncio.start_server` streams as the `tinyweb.stream` seam.

`webserver.run()` picks it on MicroPython (ESP32, ESP8266, RP2, unix port); naming it works
too:

    from tinyweb.adapters import micropython_streams
    app.run("0.0.0.0", 80, adapter=micropython_streams)

Oldest MicroPython: 1.20, the first with `mip`. What this module uses is older:
`asyncio.start_server(cb, host, port, backlog)` and `Stream.readinto` (in `uasyncio` since
1.16; 1.20 still names the module `uasyncio`, which `tinyweb.compat` imports), and the .mpy
files of `make build` (bytecode version 6) load on 1.19 and newer. Tested on 1.27
(WebAssembly, in CI) and 1.28 (unix port, when MICROPYTHON names one).

Limits live in the core: `max_concurrency` and the waiting line (`backlog`) in
`webserver._serve_connection`, `request_timeout` in its watchdog. This module only moves
bytes. MicroPython's one `Stream` object is both reader and writer.
"""

from tinyweb.compat import asyncio


class Stream:
    """One accepted connection: MicroPython's asyncio `Stream` behind the seam's methods."""

    def __init__(self, stream):
        self.stream = stream

    @property
    def peer(self):
        return _address(self.stream.get_extra_info("peername"))

    async def read(self, n):
        # With n >= 0, Stream.read returns whatever one socket read gives: b"" at the end.
        return await self.stream.read(n)

    async def readinto(self, buf):
        while True:
            n = await self.stream.readinto(buf)
            if n is not None:  # None: woken with nothing to read yet; wait again
                return n

    async def write(self, data):
        stream = self.stream
        stream.write(data)
        await stream.drain()

    async def close(self):
        try:
            self.stream.close()
            await self.stream.wait_closed()  # closes the socket; a second call is harmless
        except OSError:  # the peer reset the connection first
            pass


class Listener:
    """The running `asyncio.start_server` task."""

    def __init__(self, server, port):
        self.server = server
        # MicroPython's Server keeps its socket to itself: port 0 cannot be told back.
        self.port = port or None

    def close(self):
        self.server.close()

    async def wait_closed(self):
        try:
            await self.server.wait_closed()
        except asyncio.CancelledError:  # 1.20: closed before its accept loop first ran
            pass


async def start_server(handle_connection, host, port, backlog, **options):
    """Listen with MicroPython's asyncio; `options` go to it (e.g. ssl= on 1.22+)."""

    async def on_connect(reader, writer):
        await handle_connection(Stream(reader))

    server = await asyncio.start_server(on_connect, host, port, backlog, **options)
    return Listener(server, port)


def _address(addr):
    """(host, port) from what accept() gave: a tuple on boards, a raw sockaddr on unix."""
    if isinstance(addr, tuple) or addr is None:
        return addr
    if len(addr) >= 8 and addr[0] == 2 and addr[1] == 0:  # struct sockaddr_in, AF_INET (Linux)
        return "%d.%d.%d.%d" % (addr[4], addr[5], addr[6], addr[7]), addr[2] << 8 | addr[3]
    return None
