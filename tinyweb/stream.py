"""The one seam between the core and the runtimes: what an adapter gives, what the core uses.

The seam is asyncio's own stream API, the part MicroPython's `asyncio.Stream` and CPython's
`StreamReader`/`StreamWriter` share: one object per connection, its reads and drains
awaited, its writes plain calls (no coroutine per write: heap is what a board lacks). On
MicroPython that object is the adapter's own small Stream over the socket (ssl= connections
get asyncio's). The adapters (`tinyweb.adapters`) give objects with exactly the methods of
`Stream` below, and start listening through a `start_server` of the form below.

    listener = await adapter.start_server(app._serve_connection, "0.0.0.0", 80, backlog=4)
    ...
    listener.close(); await listener.wait_closed()

Why no `readline`: MicroPython's `Stream.readline()` has no length limit, so a client could
fill the heap with one endless line. The core reads lines itself (`tinyweb/request.py`) with
`readinto`, and bounds every line and every body.
"""


class Stream:
    """One client connection, as the core sees it.

    Errors: a peer that went away shows as `OSError` (any errno) from a read or `drain`, or
    as a read returning b"" / 0. The core never lets either escape to the event loop.
    """

    async def readinto(self, buf):
        """Read into the writable buffer `buf`: the count of bytes read, 0 at end of stream,
        or None when woken with nothing to read yet (MicroPython; the core reads again)."""
        raise NotImplementedError

    async def read(self, n):
        """Up to `n` bytes (at least 1) as soon as any are there; b"" at end of stream."""
        raise NotImplementedError

    def write(self, data):
        """Queue `data` (bytes, bytearray or memoryview) to send; `drain()` sends it."""
        raise NotImplementedError

    async def drain(self):
        """Send everything queued, waiting while the peer is slow."""
        raise NotImplementedError

    def close(self):
        """Start closing the connection; `wait_closed()` finishes it."""
        raise NotImplementedError

    async def wait_closed(self):
        """Close the socket. Safe to call twice and on a connection the peer reset."""
        raise NotImplementedError

    def get_extra_info(self, name):
        """ "peername": the client's address, e.g. ("192.168.4.2", 51234), or None."""
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
