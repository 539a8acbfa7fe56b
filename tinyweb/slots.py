"""What a full server does: the waiting line, eviction of stalled heads, and the 503.

Loaded the first time a connection finds every slot busy (a hello-world app serving one
client at a time never loads it).

A slot is held from the first byte of a request head to the end of its answer, so clients
that open connections and then send their head a byte at a time (slowloris), or nothing at
all, could hold every slot and every place in line until their `request_timeout`, and then
come back. Honest clients send their head in one go, so:

- a connection that finds every slot busy joins the line, which is served in arrival
  order; the line holds `backlog` connections plus one per slot holder still on its head;
- while the first in line waits, the slot holder that has spent longest on its head, once
  that is longer than a head should take (a sixth of `request_timeout`, 0.5 s by default),
  is cut off with a 408 and its slot goes to the first in line;
- a connection that finds the line full is refused with 503;
- a refused connection gets its 503 and is read until the client closes (bounded), so that
  closing it does not reset the connection before the client has read the answer.

So `max_concurrency + backlog` slow sockets delay a normal client by about one grace
period each time instead of locking it out (tests/test_limits.py, tests/attack/).
"""

from .compat import const, sleep_ms, ticks_add, ticks_diff, ticks_ms
from .server import _BUSY

# How often a connection in line looks at the slots (milliseconds).
_POLL_MS = const(10)

# What a refused connection may still send before it is closed: bytes, milliseconds.
_LINGER_BYTES = const(4096)
_LINGER_MS = const(1000)


def _heads(app):
    """How many slot holders are still on their head, and the one on it longest."""
    count = 0
    oldest = None
    for req in app.conns:
        if (
            req._buf is not None  # in a slot (connections in line have no buffer)
            and req.route is None  # still on its head
            and req._deadline is not None
            and not req._timed_out
        ):
            count += 1
            if oldest is None or ticks_diff(oldest._deadline, req._deadline) > 0:
                oldest = req
    return count, oldest


async def wait_for_slot(app, req, resp):
    """Every slot is busy: wait in line, True once a slot is free for this connection; or
    answer 503 (False) when the line is full.

    The line holds `backlog` connections, plus one for each slot holder still on its head
    (that slot is freed as soon as the head has taken too long, so the place it gives is
    as good as a free one), plus one for each free slot.
    """
    try:
        line = app._line
    except AttributeError:
        line = app._line = []
    # Places: `backlog`, one per slot holder still on its head, and one per free slot (the
    # first in line takes it at its next look).
    if len(line) >= app.backlog + _heads(app)[0] + app.max_concurrency - app._active:
        await refuse(req, resp)
        return False
    timeout = app._timeout_ms
    # Waiting may take up to twice what a head may take, so that clients queued behind
    # stalled ones get served once those are cut off.
    req._deadline = ticks_add(req._deadline, timeout)
    line.append(req)
    app._waiting += 1  # from now on newcomers queue behind it, even when a slot is free
    try:
        while line[0] is not req or app._active >= app.max_concurrency:
            if line[0] is req:
                # First in line: cut off the slot holder longest on its head once that
                # is longer than a sixth of the timeout (a head comes in one go), as the
                # watchdog would at the end of it: answered 408 by its own task.
                oldest = _heads(app)[1]
                # Deadlines before this belong to heads begun over timeout / 6 ago.
                stalled = ticks_add(ticks_ms(), timeout - timeout // 6)
                if oldest is not None and ticks_diff(stalled, oldest._deadline) >= 0:
                    oldest._timed_out = True
                    oldest._deadline = None
                    oldest._task.cancel()
            await sleep_ms(_POLL_MS)
    finally:
        line.remove(req)
        app._waiting -= 1
    req._deadline = ticks_add(ticks_ms(), timeout)  # now the head's own time
    return True


async def refuse(req, resp):
    """Answer 503, then read what the client sends until it closes, bounded in bytes and
    time (the watchdog cuts it off): closing with unread input would reset the connection,
    and the client could lose the answer."""
    resp.headers_sent = True  # nothing else goes out on this connection, not even a 408
    stream = req.reader
    stream.write(_BUSY)
    await stream.drain()
    req._deadline = ticks_add(ticks_ms(), _LINGER_MS)
    left = _LINGER_BYTES
    while left > 0:
        data = await stream.read(min(left, 256))
        if not data:
            break
        left -= len(data)
