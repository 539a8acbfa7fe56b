"""MicroPython adapter: asyncio's streams, which are the `tinyweb.stream` seam as they are.

`webserver.run()` picks it on MicroPython (ESP32, ESP8266, RP2, unix port); naming it works
too:

    from tinyweb.adapters import micropython_streams
    app.run("0.0.0.0", 80, adapter=micropython_streams)

MicroPython's `asyncio.Stream` already has the seam's methods (readinto, read, write, drain,
close, wait_closed, get_extra_info), so each connection's stream goes to the core as it is:
no object and no coroutine of ours per connection or per write.

The accept loop is ours, not `asyncio.start_server`'s: that one allocates the connection's
Stream and Task outside its error handling, so one MemoryError after `accept()` (a board at
the edge of its heap) ends it, and the server stops accepting for good. Here such a
connection is closed, the collector runs, and accepting goes on. It waits on the listening
socket the way asyncio's own stream code does (`core._io_queue.queue_read`, in every asyncio
since uasyncio v3 of MicroPython 1.13). TLS (`ssl=`, 1.22+) goes through
`asyncio.start_server`, as before.

Oldest MicroPython: 1.20, the first with `mip`; the .mpy files of `make build` (bytecode
version 6) load on 1.19 and newer. Tested on 1.27 (WebAssembly and a 32-bit unix build), 1.28
and 1.29 (unix ports). Limits live in the core: this module only listens.
"""

import gc

from tinyweb.compat import asyncio

try:
    from asyncio import core
    from asyncio.stream import Server, Stream
except ImportError:
    try:  # MicroPython 1.20 names it uasyncio
        from uasyncio import core
        from uasyncio.stream import Server, Stream
    except ImportError:  # a port without sockets (WebAssembly): nothing to listen with
        Server = object


class Listener(Server):
    """asyncio's Server (close, wait_closed) with an accept loop that survives MemoryError."""

    def _serve(self, sock, handle_connection, ssl=None):
        # A generator, as asyncio's own _serve: `yield` waits until a client is there.
        self.state = False
        while True:
            try:
                yield core._io_queue.queue_read(sock)
            except core.CancelledError:
                sock.close()  # close() was called, or the loop is shutting down
                if self.state:
                    return
                raise
            conn = None
            try:
                conn, addr = sock.accept()
                conn.setblocking(False)
                core.create_task(handle_connection(Stream(conn, {"peername": addr})))
            except MemoryError:
                if conn is not None:
                    conn.close()  # the client sees the connection close; the server goes on
                gc.collect()
            except OSError:  # the client left before accept()
                if conn is not None:
                    conn.close()


async def start_server(handle_connection, host, port, backlog, **options):
    """Listen on (host, port); `options` (e.g. ssl=) go to asyncio.start_server.

    Returns the listener (close, wait_closed). MicroPython does not tell the port bound for
    port=0 back.
    """
    if options:
        return await asyncio.start_server(
            lambda reader, writer: handle_connection(reader), host, port, backlog, **options
        )
    import socket  # here: the WebAssembly port has none, and may still import this module

    address = socket.getaddrinfo(host, port)[0]
    sock = socket.socket(address[0])
    sock.setblocking(False)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address[-1])
    sock.listen(backlog)
    listener = Listener()
    listener.task = core.create_task(listener._serve(sock, handle_connection))
    await asyncio.sleep_ms(0)  # the accept loop has started: close() can cancel it cleanly
    return listener
