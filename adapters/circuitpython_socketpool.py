"""CircuitPython adapter: sockets from a `socketpool.SocketPool`, served inside its asyncio loop.

    pool = socketpool.SocketPool(wifi.radio)
    app.run(host=str(wifi.radio.ipv4_address), port=80, pool=pool)

CircuitPython's asyncio (the adafruit-circuitpython-asyncio library) cannot be woken by a
socketpool socket, so this adapter polls: every socket is non-blocking, and an operation that
raises EAGAIN sleeps a little and tries again. No thread, no blocking call: other tasks run
between polls. The sleep starts at 0 (a plain yield) and doubles up to `poll_ms` while a
socket stays idle, and drops back to 0 as soon as bytes move, so a busy connection is served
without delay and an idle one costs about 1000 / poll_ms cheap calls a second.

Any object with socketpool's methods works as the pool: CPython's `socket` module too.
"""

import gc

from tinyweb.compat import asyncio, const, forget, sleep_ms

try:
    import errno as _errno
except ImportError:  # very old MicroPython
    _errno = None

# Longest sleep, in milliseconds, between two polls of an idle socket: the most latency the
# polling adds. 20 ms is below what a person notices and keeps an idle server at ~50 polls/s
# per waiting socket.
POLL_MS = const(20)
# How long the accept loop rests after an error that is not "no client yet" (e.g. CircuitPython's
# "Out of sockets" while every socket is in use), before it tries again.
_ACCEPT_ERROR_MS = const(100)

# A new connection is taken in once the heap has this much free (bytes), as the MicroPython
# adapter does: its Stream, task and coroutine frames, and what its request allocates on the
# way. Until then it waits while the connections being served give theirs back, rather than
# run out of heap halfway through its request; after _WAITS looks, poll_ms apart, it is
# tried anyway. Only a board's heap (up to _SMALL_HEAP) is looked at: gc.mem_free() walks it.
# Every board with a socketpool is 32-bit (the MicroPython adapter gives 64-bit builds 5120).
_ROOM = const(3072)
_WAITS = const(50)
_SMALL_HEAP = const(262144)

_open = 0  # connections accepted and not yet closed: only they can give heap back

# CircuitPython raises newlib's errno numbers (espressif and raspberrypi ports, see
# ports/*/common-hal/socketpool/Socket.c): EAGAIN 11, ETIMEDOUT 116, ENOTCONN 128,
# ECONNRESET 104, ECONNABORTED 113, EPIPE 32, EBADF 9. The runtime's own `errno` names are
# added, so CPython's `socket` module (Linux or macOS numbers) works as a pool too.


def _codes(numbers, names):
    codes = list(numbers)
    if _errno is not None:
        for name in names:
            code = getattr(_errno, name, None)
            if code is not None and code not in codes:
                codes.append(code)
    return tuple(codes)


# "Nothing yet, try again": no client to accept, no bytes to read, no room to send.
_TRY_AGAIN = _codes((11, 116), ("EAGAIN", "EWOULDBLOCK", "ETIMEDOUT"))
# "The peer went away". On the espressif port a non-blocking recv_into raises ENOTCONN at the
# end of the stream instead of returning 0; the raspberrypi port returns 0.
_PEER_GONE = _codes(
    (128, 104, 113, 32, 9), ("ENOTCONN", "ECONNRESET", "ECONNABORTED", "EPIPE", "EBADF")
)
# What `drain` raises for a peer that went away: the runtime's ECONNRESET, which the core knows.
_ECONNRESET = getattr(_errno, "ECONNRESET", 104) if _errno is not None else 104


def _errcode(e):
    return e.args[0] if e.args else None


def _next_sleep(ms, poll_ms):
    """The next sleep of an idle poll: 0, 1, 2, 4 ... up to `poll_ms`."""
    if ms <= 0:
        return 1
    ms += ms
    return poll_ms if ms > poll_ms else ms


class Stream:
    """One accepted socket behind the seam's methods."""

    def __init__(self, sock, peer, poll_ms=POLL_MS):
        global _open
        self.sock = sock
        self.peer = peer
        self.poll_ms = poll_ms
        self.out = None  # what write() queued for drain() to send
        # The receive buffer, reused for every read: sized by the first read, which is the
        # core's read of the head (its `buffer_size`), so one allocation per connection.
        self.buf = None
        self.view = None
        _open += 1  # close() counts it out; last, once nothing here can run out of heap

    async def _recv_into(self, buf, n):
        """recv_into(buf, n), polling until bytes come; 0 once the peer has closed."""
        ms = 0
        while True:
            sock = self.sock
            if sock is None:
                return 0
            try:
                return sock.recv_into(buf, n)
            except OSError as e:
                code = _errcode(e)
                if code in _TRY_AGAIN:
                    await sleep_ms(ms)
                    ms = _next_sleep(ms, self.poll_ms)
                elif code in _PEER_GONE:
                    return 0
                else:
                    raise

    async def read(self, n):
        buf = self.buf
        if buf is None:
            buf = self.buf = bytearray(n)
            self.view = memoryview(buf)
        elif n > len(buf):  # a body read: take it a buffer at a time
            n = len(buf)
        count = await self._recv_into(buf, n)
        return bytes(self.view[:count]) if count else b""

    async def readinto(self, buf):
        return await self._recv_into(buf, 0)

    def get_extra_info(self, name):
        return self.peer if name == "peername" else None

    def write(self, data):
        out = self.out
        self.out = data if out is None else bytes(out) + bytes(data)

    async def drain(self):
        data = self.out
        if data is None:
            return
        self.out = None
        view = memoryview(data)
        total = len(view)
        sent = 0
        ms = 0
        while sent < total:
            sock = self.sock
            if sock is None:
                raise OSError(_ECONNRESET, "connection closed")
            try:
                count = sock.send(view[sent:] if sent else view)
            except OSError as e:
                code = _errcode(e)
                if code in _TRY_AGAIN:
                    count = 0
                elif code in _PEER_GONE:
                    raise OSError(_ECONNRESET, "connection reset by peer")
                else:
                    raise
            if count is None:  # a socket that sends all or raises
                count = total - sent
            if count:
                sent += count
                ms = 0
            else:  # the send buffer is full: wait for the peer to take some
                await sleep_ms(ms)
                ms = _next_sleep(ms, self.poll_ms)

    def close(self):
        global _open
        sock = self.sock
        if sock is None:
            return
        _open -= 1
        self.sock = None
        self.buf = self.view = self.out = None
        try:
            sock.close()
        except OSError:
            pass

    async def wait_closed(self):
        pass


class Listener:
    """The listening socket and the task that accepts from it."""

    def __init__(self, pool, sock, handle_connection, port, poll_ms):
        self.pool = pool
        self.sock = sock
        self.handle_connection = handle_connection
        self.poll_ms = poll_ms
        # The port asked for; when that was 0, whatever the socket reports (CPython's socket
        # module can tell, socketpool cannot: None).
        self.port = port or _bound_port(sock)
        mem_free = getattr(gc, "mem_free", None)  # CPython has none: a computer's heap
        self.watch = mem_free is not None and mem_free() + gc.mem_alloc() <= _SMALL_HEAP
        self.task = asyncio.create_task(self._accept_loop())

    async def _accept_loop(self):
        ms = 0
        try:
            while self.sock is not None:
                try:
                    accepted = self.sock.accept()
                except OSError as e:
                    if self.sock is None:
                        break
                    if _errcode(e) in _TRY_AGAIN:
                        await sleep_ms(ms)
                        ms = _next_sleep(ms, self.poll_ms)
                    else:
                        print("tinyweb: accept failed:", repr(e))
                        await sleep_ms(_ACCEPT_ERROR_MS)
                    continue
                except RuntimeError as e:  # CircuitPython: "Out of sockets"
                    print("tinyweb: accept failed:", repr(e))
                    await sleep_ms(_ACCEPT_ERROR_MS)
                    continue
                except MemoryError:  # no heap for the new socket: collect, and go on
                    gc.collect()
                    await sleep_ms(self.poll_ms)
                    continue
                if accepted is None:  # CircuitPython (raspberrypi): accept() was interrupted
                    continue
                ms = 0
                conn, peer = accepted
                stream = None
                try:
                    conn.setblocking(False)
                    _no_delay(self.pool, conn)
                    if self.watch and gc.mem_free() < _ROOM:
                        await self._room()
                    stream = Stream(conn, peer, self.poll_ms)
                    asyncio.create_task(self.handle_connection(stream))
                except (OSError, MemoryError):
                    # The client left, or no heap for its record or its task (or even the
                    # wait for some): it sees its connection close, and accepting goes on
                    # (ending this loop would stop the server for good).
                    (conn if stream is None else stream).close()
                    gc.collect()
                except BaseException:  # cancelled (close()) while it waited for heap
                    conn.close()
                    raise
        finally:
            self._close_socket()

    async def _room(self):
        # Called with less than _ROOM free: wait while that stays so once collected and
        # another connection is open to give some back; with none open, drop the code cached
        # for features (tinyweb.compat.forget) instead.
        for _ in range(_WAITS):
            gc.collect()  # garbage counts as room once collected
            if gc.mem_free() >= _ROOM:
                return
            if _open <= 0:
                forget()
                return
            await sleep_ms(self.poll_ms)

    def _close_socket(self):
        sock = self.sock
        self.sock = None
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass

    def close(self):
        self._close_socket()
        self.task.cancel()

    async def wait_closed(self):
        for _ in range(500):  # at most 5 s; the accept loop ends at its next wake-up
            if self.task.done():
                return
            await sleep_ms(10)


def _bound_port(sock):
    try:
        return sock.getsockname()[1]
    except (AttributeError, OSError, IndexError):
        return None


def _no_delay(pool, sock):
    """Turn Nagle off: the head and the body go out in separate sends, and waiting for the
    client's (delayed) ACK between them would add up to 200 ms to every response."""
    level = getattr(pool, "IPPROTO_TCP", None)
    option = getattr(pool, "TCP_NODELAY", None)
    if level is None or option is None:
        return
    try:
        sock.setsockopt(level, option, 1)
    except (OSError, AttributeError):
        pass


def _default_pool():
    """CircuitPython: the Wi-Fi radio's pool, when the caller passes none."""
    try:
        import socketpool
        import wifi
    except ImportError:
        raise ValueError("pass pool=, e.g. socketpool.SocketPool(wifi.radio)")
    return socketpool.SocketPool(wifi.radio)


async def start_server(handle_connection, host, port, backlog, pool=None, poll_ms=POLL_MS):
    """Listen on (host, port) with a socket from `pool`; accept and serve from a task.

    pool     a `socketpool.SocketPool` (default: one on `wifi.radio`), or anything with its
             methods, such as CPython's `socket` module
    poll_ms  longest sleep between two polls of an idle socket (see the module docstring)
    """
    if pool is None:
        pool = _default_pool()
    sock = pool.socket(pool.AF_INET, pool.SOCK_STREAM)
    try:
        if hasattr(pool, "SO_REUSEADDR"):
            try:
                sock.setsockopt(pool.SOL_SOCKET, pool.SO_REUSEADDR, 1)
            except OSError:
                pass
        sock.bind((host, port))
        sock.listen(backlog)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return Listener(pool, sock, handle_connection, port, poll_ms)
