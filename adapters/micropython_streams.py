"""MicroPython adapter: non-blocking sockets in MicroPython's asyncio, as `tinyweb.stream`.

`webserver.run()` picks it on MicroPython (ESP32, ESP8266, RP2, unix port); naming it works
too:

    from tinyweb.adapters import micropython_streams
    app.run("0.0.0.0", 80, adapter=micropython_streams)

Each connection is a `Stream` with the seam's methods (readinto, read, write, drain, close,
wait_closed, get_extra_info), written the way `asyncio.Stream` is: a read or a drain waits
until its socket is ready with `core._io_queue.queue_read/queue_write` (every asyncio since
uasyncio v3 of MicroPython 1.13). Ours rather than asyncio's because importing
`asyncio.stream` puts its module state (its classes and functions: 0.9 KB on a 32-bit build,
though the module is frozen) into the heap for good, and its Stream keeps a dict per
connection; this module holds only what the core uses.

The accept loop is ours too: `asyncio.start_server`'s allocates the connection's Stream and
Task outside its error handling, so one MemoryError after `accept()` (a board at the edge of
its heap) ends it, and the server stops accepting for good. Here such a connection is closed,
the collector runs, and accepting goes on. TLS (`ssl=`, 1.22+) goes through
`asyncio.start_server`, as before, with asyncio's streams.

Oldest MicroPython: 1.20, the first with `mip`; the .mpy files of `make build` (bytecode
version 6) load on 1.19 and newer. Tested on 1.27 (WebAssembly and a 32-bit unix build), 1.28
and 1.29 (unix ports). Limits live in the core: this module only moves bytes.
"""

import gc
import sys

from tinyweb.compat import asyncio, const, forget

try:
    from asyncio import core
except ImportError:  # MicroPython 1.20 names it uasyncio
    from uasyncio import core


# How long the accept loop waits before it looks again when the heap had no room to wait.
_RETRY_MS = const(20)
# A new connection is taken in once the heap has this much free (bytes): its task, record
# and coroutine frames (about 700 B on a 32-bit board) and what its request allocates on the
# way (2.2 KB for hello world). Until then it waits in the backlog while the connections
# being served give theirs back, rather than run out of heap halfway through its request (a
# reset, or a 500); after _WAITS looks, _RETRY_MS apart, it is tried anyway. (Hello world's
# smallest heap with 4 clients: 27.25 KiB without this, 25.5 with it; 32-bit build. On a
# 64-bit build 3 KB let a request run out of heap halfway at 40 KiB, 1 run in 4.)
_ROOM = 3072 if sys.maxsize < 1 << 32 else 5120  # a 64-bit build's objects are 1.6x as big
_WAITS = const(50)
# Only a heap up to this size is looked at: gc.mem_free() walks the whole heap (14 us for
# 100 KB on a computer, 170 for the unix port's 1 MB), and a bigger one has room to spare.
_SMALL_HEAP = const(262144)

_open = 0  # connections taken in and not yet closed: only they can give heap back


class Stream:
    """One client connection: a non-blocking socket, its peer's address and unsent bytes."""

    out = b""  # what write() could not send at once; drain() sends it

    def __init__(self, sock, peer):
        self.s = sock
        self.peer = peer

    def get_extra_info(self, name):
        return self.peer if name == "peername" else None

    # readinto, read and drain are generators, as asyncio's: `yield` after queue_read or
    # queue_write waits until the socket is ready.

    def readinto(self, buf):
        yield core._io_queue.queue_read(self.s)
        return self.s.readinto(buf)

    def read(self, n):
        while True:
            yield core._io_queue.queue_read(self.s)
            data = self.s.read(n)
            if data is not None:
                return data

    def write(self, data):
        if not self.out:
            n = self.s.write(data)  # send at once what the socket takes
            if n == len(data):
                return
            if n:
                data = data[n:]
        self.out += data

    def drain(self):
        if not self.out:
            # Always give the loop a turn, so that a loop of write+drain cannot starve it.
            return (yield from core.sleep_ms(0))
        out = memoryview(self.out)
        sent = 0
        while sent < len(out):
            yield core._io_queue.queue_write(self.s)
            n = self.s.write(out[sent:])
            if n:
                sent += n
        self.out = b""

    def close(self):
        global _open
        if self.peer is not None:  # counted once: close() may come twice
            self.peer = None
            _open -= 1
        self.s.close()  # safe twice, and after a reset

    async def wait_closed(self):
        pass


def _accept(sock, handle_connection, watch):
    # A generator, as asyncio's own _serve: `yield` waits until a client is there.
    global _open
    while True:
        try:
            try:
                yield core._io_queue.queue_read(sock)
            except MemoryError:
                # No heap even to wait (asyncio's wait list): collect, and look again
                # shortly, rather than end the loop: the server would stop accepting for
                # good.
                gc.collect()
                yield from core.sleep_ms(_RETRY_MS)
                continue
        except core.CancelledError:  # close() was called, or the loop is shutting down
            sock.close()
            return
        conn = None
        try:
            conn, addr = sock.accept()
            conn.setblocking(False)
        except MemoryError:
            if conn is not None:
                conn.close()  # the client sees the connection close; the server goes on
            gc.collect()
            continue
        except OSError:  # the client left before accept()
            if conn is not None:
                conn.close()
            continue
        # Taken in when the heap has room for it (_ROOM), or when no other connection is
        # open (none would give heap back: the code cached for features, tinyweb.compat's
        # forget(), does); else looked at again _RETRY_MS later, up to _WAITS times, then
        # tried anyway. Closed if even then its task finds no heap.
        waits = 0
        while True:
            tight = False
            if watch and waits < _WAITS and gc.mem_free() < _ROOM:
                gc.collect()  # garbage counts as room once collected
                if gc.mem_free() < _ROOM:
                    if _open:
                        tight = True
                    else:
                        forget()
            if not tight:
                try:
                    core.create_task(handle_connection(Stream(conn, addr)))
                    _open += 1  # its Stream's close() counts it out
                    break
                except MemoryError:
                    if waits >= _WAITS or not _open:
                        conn.close()  # the client sees the connection close
                        gc.collect()
                        break
            waits += 1
            try:
                yield from core.sleep_ms(_RETRY_MS)
            except core.CancelledError:
                conn.close()
                sock.close()
                return


class Listener:
    """The listening socket's accept loop, as a task: close() stops it."""

    def close(self):
        self.task.cancel()

    async def wait_closed(self):
        await self.task


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
    watch = gc.mem_free() + gc.mem_alloc() <= _SMALL_HEAP  # a board's heap
    listener.task = core.create_task(_accept(sock, handle_connection, watch))
    await asyncio.sleep_ms(0)  # the accept loop has started: close() can cancel it cleanly
    return listener
