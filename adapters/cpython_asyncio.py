"""CPython adapter: `asyncio.start_server` connections as the `tinyweb.stream` seam.

For developing and testing on a laptop; `webserver.run()` picks it on CPython.

    server = await app.start("127.0.0.1", 8081)   # uses this adapter
"""

import asyncio
import socket


class Stream:
    """An (asyncio.StreamReader, asyncio.StreamWriter) pair as one seam stream."""

    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer
        self.write = writer.write
        self.get_extra_info = writer.get_extra_info

    async def read(self, n):
        return await self.reader.read(n)

    async def readinto(self, buf):
        data = await self.reader.read(len(buf))
        n = len(data)
        buf[:n] = data
        return n

    async def drain(self):
        await self.writer.drain()

    def close(self):
        if not self.writer.is_closing():
            self.writer.close()

    async def wait_closed(self):
        try:
            await self.writer.wait_closed()
        except OSError:  # the peer reset the connection first
            pass


class Listener:
    """The listening server `start_server` returns; `port` is the port it got (for port 0)."""

    def __init__(self, server):
        self.server = server
        self.port = server.sockets[0].getsockname()[1] if server.sockets else None

    def close(self):
        self.server.close()

    async def wait_closed(self):
        # Python 3.12+ waits here for every connection too; the core cancels those first.
        try:
            await asyncio.wait_for(self.server.wait_closed(), 5)
        except asyncio.TimeoutError:
            pass


async def start_server(handle_connection, host, port, backlog, **options):
    """Listen with asyncio; `options` go to `asyncio.start_server` (e.g. reuse_port)."""

    async def on_connect(reader, writer):
        sock = writer.get_extra_info("socket")
        if sock is not None:
            # Our responses go out in a few writes at most: don't wait for ACKs (Nagle).
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
        await handle_connection(Stream(reader, writer))

    server = await asyncio.start_server(on_connect, host, port, backlog=backlog, **options)
    return Listener(server)
