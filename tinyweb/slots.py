"""What a full server does: the line of connections waiting for a slot, cutting off stalled
heads, the 503, and a slot's receive buffer made when it is first needed.

Loaded the first time every slot is busy when a connection comes, or more connections are
served at once than ever before (a hello-world app serving one client at a time never loads
it).

A slot is held from the first byte of a request head to the end of its answer, so clients
that open connections and then send their head a byte at a time (slowloris), or nothing at
all, could hold every slot and every place in line until their `request_timeout`, and then
come back. Honest clients send their head in one go, so:

- the line holds `backlog` connections, plus one per free slot, plus one per slot holder
  still on its head (that slot is freed as soon as the head has taken too long, so the
  place it gives is as good as a free one);
- once the first in line has waited longer than a sixth of `request_timeout` (0.5 s by
  default), the slot holder that has spent longest on its head, if that is longer than
  the same sixth, is cut off with a 408 and its slot is reserved for the first in line
  (`webserver._reserved`): a newcomer, or an attacker coming back, cannot take it;
- a kept-alive connection idle between two requests gives way to the first in line at
  once (closed without an answer, as HTTP allows; tinyweb.keepalive);
- a connection that finds the line full is refused with 503, and read until the client
  closes (bounded), so that closing does not reset the connection before the client has
  read the answer.

So `max_concurrency + backlog` slow sockets delay a normal client by about one grace
period each time instead of locking it out (tests/test_limits.py, tests/attack/).
"""

from .compat import const, load, sleep_ms, ticks_add, ticks_diff, ticks_ms
from .server import _BUSY

# How often a connection waiting for a slot looks again (milliseconds).
_SLOT_POLL_MS = const(10)

try:
    from gc import mem_free as _mem_free  # MicroPython, CircuitPython
except ImportError:  # CPython: no heap of its own to run out of
    _mem_free = None

# What a refused connection may still send before it is closed: bytes, milliseconds.
_LINGER_BYTES = const(4096)
_LINGER_MS = const(1000)


def _heads(app):
    # How many slot holders are still on their head, and the one on it longest.
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


async def make_room(app, req, resp):
    # The line has `backlog` connections beyond the free slots: True when a slot holder
    # stalled on its head gives a place; else answer 503 and return False.
    heads = _heads(app)[0]
    if len(app._line) < app.backlog + app.max_concurrency - app._active + heads:
        return True
    await refuse(req, resp)
    return False


def cut_off_stalled(app):
    # Free a slot for the first in line, if one can be: close a kept-alive connection
    # idle between two requests (quietly, as it may be at any time), else cut off the slot
    # holder longest on its head once that is longer than a sixth of the timeout, as the
    # watchdog would at its end (answered 408 by its own task).
    if app._kept:
        is_idle = load("keepalive").is_idle

        for req in app.conns:
            if req._buf is not None and req._deadline is not None and is_idle(req):
                req._deadline = None
                req._task.cancel()
                app._reserved += 1  # its slot goes to the first in line
                return
    oldest = _heads(app)[1]
    timeout = app._timeout_ms
    # Deadlines before this belong to heads begun over timeout / 6 ago.
    stalled = ticks_add(ticks_ms(), timeout - timeout // 6)
    if oldest is not None and ticks_diff(stalled, oldest._deadline) >= 0:
        oldest._timed_out = True
        oldest._deadline = None
        oldest._task.cancel()
        app._reserved += 1  # its slot goes to the first in line


async def refuse(req, resp):
    # Answer 503, then read what the client sends until it closes, bounded in bytes and
    # time (the watchdog cuts it off): closing with unread input would reset the connection,
    # and the client could lose the answer.
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


async def wait_for_slot(app, req, resp):
    # Every slot is busy, or others wait already: wait in line, True once a slot is
    # free for this connection; False when it was refused (503).
    #
    # A free slot goes to whichever waiting connection sees it first (each looks every
    # 10 ms), except one freed for the first in line by cutting off another connection,
    # which only that one may take: newcomers cannot take what an attack's victims give
    # up. Refused when the line is full (make_room); slot holders stalled on their heads
    # (slowloris) are looked for once the first in line has waited longer than a head
    # should take (cut_off_stalled).
    line = app._line
    timeout = app._timeout_ms
    # Places: `backlog`, and one per free slot (the first in line takes it at its next
    # look); make_room finds more, or answers 503.
    if len(line) >= app.backlog + app.max_concurrency - app._active:
        if not await make_room(app, req, resp):
            return False
    # Waiting may take up to twice what a head may take, so that clients queued behind
    # stalled ones get served once those are cut off.
    req._deadline = ticks_add(req._deadline, timeout)
    line.append(req)
    since = ticks_ms()
    try:
        while True:
            first = line[0] is req
            # A free slot, unless it was freed for the first in line (reserved).
            if app._active + (0 if first else app._reserved) < app.max_concurrency:
                break
            # First in line: a kept-alive connection idle between requests gives way at
            # once, a head stalled in its slot once it is late.
            if first and (app._kept or ticks_diff(ticks_ms(), since) > timeout // 6):
                cut_off_stalled(app)
            await sleep_ms(_SLOT_POLL_MS)
    finally:
        line.remove(req)
        if app._reserved and (first or not line):
            # The first in line took its slot (or gave up); an empty line needs none.
            app._reserved = app._reserved - 1 if line else 0
    req._deadline = ticks_add(ticks_ms(), timeout)  # now the head's own time
    return True


async def new_buffer(app):
    # The place of a free receive buffer: the first not made yet, made now, or while
    # the heap has no room for it, the first that another connection gives back.
    #
    # Kept when the heap has three times its size left beside it (1.5 KB for the unix port's
    # 514 bytes): the connection it is made for has its request still to serve, and so do
    # the others being served. Kept with less, the next allocation of any of them could fail
    # halfway through its request (seen: hello world with 4 clients in 26 KiB, 32-bit).
    buffers = app._buffers
    while True:
        i = 0
        n = len(buffers)
        while i < n and buffers[i] is None:
            i += 1
        if i < n:
            if buffers[i] is not False:
                return i
            try:
                made = app._buffer()
                if _mem_free is None or _mem_free() >= 3 * len(made[0]):
                    buffers[i] = made
                    return i
                made = None  # too little left beside it: garbage, and wait
            except MemoryError:
                pass
        await sleep_ms(_SLOT_POLL_MS)
