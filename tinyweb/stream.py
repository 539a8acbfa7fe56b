"""The one seam between the core and the runtimes: what an adapter gives, what the core uses.

The core (`tinyweb/`) never touches a socket. Each adapter in `tinyweb.adapters` turns its
runtime's connections into objects with exactly the methods of `Stream` below, and starts
listening through a `start_server` function of the form of `start_server` below. Test
doubles (`tinyweb.adapters.memory`) implement the same and nothing more.

    listener = await adapter.start_server(app._serve_connection, "0.0.0.0", 80, backlog=4)
    ...
    listener.close(); await listener.wait_closed()

Why no `readline`: MicroPython's `StreamReader.readline()` has no length limit, so a client
could fill the heap with one endless line. The core reads lines itself (`tinyweb/request.py`),
from `read(n)`, and bounds every line and every body.
"""


class Stream:
    """One client connection, as the core sees it. All I/O methods are coroutines.

    Errors: a peer that went away shows as `OSError` (any errno) from `read` / `write`, or
    as `read` returning b"". The core never lets either escape to the event loop.
    """

    # The peer's address, e.g. ("192.168.4.2", 51234), or None when unknown.
    peer = None

    async def read(self, n):
        """Up to `n` bytes (at least 1) as soon as any are there; b"" at end of stream."""
        raise NotImplementedError

    async def readinto(self, buf):
        """Read into the writable buffer `buf`; the count of bytes read, 0 at end of stream."""
        raise NotImplementedError

    async def write(self, data):
        """Send all of `data` (bytes, bytearray or memoryview), waiting while the peer is slow.

        Returns when the bytes are handed to the runtime (written and drained).
        """
        raise NotImplementedError

    async def close(self):
        """Close the connection. Safe to call twice and on a connection the peer reset."""
        raise NotImplementedError


class Listener:
    """What `start_server` returns: the listening socket and its accept loop."""

    def close(self):
        """Stop accepting. Connections already accepted are the core's to finish or cancel."""
        raise NotImplementedError

    async def wait_closed(self):
        """Return once the listening socket is closed."""
        raise NotImplementedError


async def start_server(handle_connection, host, port, backlog, **options):
    """Listen on (host, port) and run `await handle_connection(stream)` for each client.

    `handle_connection` owns the stream: it closes it, and it never raises. `backlog` goes to
    `listen()`. Adapters may take runtime options (e.g. `pool=` for CircuitPython's
    socketpool). Returns a `Listener`.
    """
    raise NotImplementedError
