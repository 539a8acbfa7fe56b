"""A stand-in for CircuitPython's `socketpool`, over real loopback sockets, for tests on CPython.

    pool = SocketPool(None)                       # like socketpool.SocketPool(wifi.radio)
    sock = pool.socket(pool.AF_INET, pool.SOCK_STREAM)

Public surface: only what CircuitPython 9's `socketpool.SocketPool` and `socketpool.Socket` have
(shared-bindings/socketpool/*.c), with their constants' values. Behaviour, as the board ports
implement it (ports/espressif and ports/raspberrypi, common-hal/socketpool/Socket.c):

- errors are OSError with newlib's errno numbers, as CircuitPython raises them: EAGAIN 11,
  ETIMEDOUT 116, ENOTCONN 128, ECONNRESET 104, EPIPE 32 (a BrokenPipeError), EBADF 9 ...
- `setblocking(False)` / `settimeout(0)`: accept, recv_into and send raise EAGAIN instead of
  waiting; a timeout that runs out raises ETIMEDOUT.
- `flavour="espressif"` (ESP32-S2/S3/C3/C6, the default): a non-blocking recv_into at the end
  of the stream raises ENOTCONN (it does not return 0), a reset shows as EAGAIN to recv_into,
  send never waits (EAGAIN even on a blocking socket), send after the end raises
  BrokenPipeError, and accept with no socket left raises EAGAIN.
  `flavour="raspberrypi"` (Pico W): recv_into returns 0 at the end of the stream and raises
  ECONNRESET on a reset; accept with no socket left raises RuntimeError("Out of sockets").
- `max_send` caps the bytes one send takes (lwIP hands over at most its free send buffer), so
  writers meet partial sends; `max_sockets` caps open sockets, as lwIP's socket table does.

Test hooks, never used by the code under test, all start with `_test`: the ports bound
(`_test_bound_ports`), call counts (`_test_stats`), the bytes a socket received
(`sock._test_received`, with `record=True`), and `announce=True` prints
"FAKE_SOCKETPOOL_BOUND <port>" on listen, so a test can find a server started on port 0.
"""

import errno as _host
import select
import socket as _socket
import time

# newlib's errno numbers: what CircuitPython's `errno` module and its OSErrors carry.
EAGAIN = 11
EBADF = 9
EINVAL = 22
EPIPE = 32
ECONNRESET = 104
ENOPROTOOPT = 109
ECONNREFUSED = 111
EADDRINUSE = 112
ECONNABORTED = 113
ETIMEDOUT = 116
EHOSTUNREACH = 118
EINPROGRESS = 119
ENOTCONN = 128

_FROM_HOST = {
    _host.EAGAIN: EAGAIN,
    _host.EWOULDBLOCK: EAGAIN,
    _host.EBADF: EBADF,
    _host.EINVAL: EINVAL,
    _host.EPIPE: EPIPE,
    _host.ECONNRESET: ECONNRESET,
    _host.ENOPROTOOPT: ENOPROTOOPT,
    _host.ECONNREFUSED: ECONNREFUSED,
    _host.EADDRINUSE: EADDRINUSE,
    _host.ECONNABORTED: ECONNABORTED,
    _host.ETIMEDOUT: ETIMEDOUT,
    _host.EHOSTUNREACH: EHOSTUNREACH,
    _host.EINPROGRESS: EINPROGRESS,
    _host.ENOTCONN: ENOTCONN,
}

_FLAVOURS = ("espressif", "raspberrypi")


def _error(code, text=None):
    """An OSError as CircuitPython raises it: `OSError(code)`; EPIPE is a BrokenPipeError."""
    if code == EPIPE:
        return BrokenPipeError(EPIPE, text or "Broken pipe")
    return OSError(code, text) if text else OSError(code)


def _translate(e):
    code = e.errno if e.errno is not None else (e.args[0] if e.args else EINVAL)
    return _error(_FROM_HOST.get(code, code), e.strerror)


class _WouldBlock(Exception):
    pass


class Socket:
    """socketpool.Socket: TCP (and UDP) over a real, always non-blocking CPython socket."""

    def __init__(self, pool, family, type, proto=0, _sock=None):
        self._pool = pool
        self._type = type
        self._timeout = None  # None: block; 0: non-blocking; > 0: seconds
        self._connected = _sock is not None
        self._test_received = bytearray() if pool._record else None
        if _sock is None:
            kind = _socket.SOCK_STREAM if type == pool.SOCK_STREAM else _socket.SOCK_DGRAM
            _sock = _socket.socket(_socket.AF_INET, kind)
        _sock.setblocking(False)
        self._sock = _sock
        pool._test_stats["open"] += 1

    # ---- what socketpool.Socket has --------------------------------------------------

    @property
    def type(self):
        return self._type

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.close()

    def _check_open(self):
        if self._sock is None:
            raise _error(EBADF)

    def _wait(self, for_write):
        """Wait until the real socket is ready, as the timeout allows; False if it ran out."""
        timeout = self._timeout
        if timeout == 0:
            return False
        fd = [self._sock]
        r, w, _ = select.select([] if for_write else fd, fd if for_write else [], [], timeout)
        return bool(r or w)

    def _blocking_call(self, call, for_write):
        """Run `call` as CircuitPython would: EAGAIN at once if non-blocking, else wait."""
        while True:
            try:
                return call()
            except BlockingIOError:
                if self._timeout == 0:
                    raise _WouldBlock
                if not self._wait(for_write):
                    raise _error(ETIMEDOUT)
            except OSError as e:
                raise _translate(e)

    def accept(self):
        self._check_open()
        pool = self._pool
        pool._test_stats["accept"] += 1
        if pool._max_sockets is not None and pool._test_stats["open"] >= pool._max_sockets:
            if pool._flavour == "raspberrypi":
                raise RuntimeError("Out of sockets")
            pool._test_stats["accept_eagain"] += 1
            raise _error(EAGAIN)  # espressif: lwip_accept fails, reported as EAGAIN
        try:
            sock, addr = self._blocking_call(self._sock.accept, False)
        except _WouldBlock:
            pool._test_stats["accept_eagain"] += 1
            raise _error(EAGAIN)
        accepted = Socket(pool, pool.AF_INET, self._type, 0, sock)
        return accepted, (addr[0], addr[1])

    def bind(self, address):
        self._check_open()
        host, port = address
        if port < 0:
            raise ValueError("port must be >= 0")
        try:
            self._sock.bind((host or "0.0.0.0", port))
        except OSError as e:
            raise _translate(e)
        self._pool._test_bound_ports.append(self._sock.getsockname()[1])

    def close(self):
        sock = self._sock
        if sock is None:
            return
        self._sock = None
        self._connected = False
        self._pool._test_stats["open"] -= 1
        sock.close()

    def connect(self, address):
        self._check_open()
        host, port = address
        ip = self._pool._resolve(host)
        err = self._sock.connect_ex((ip, port))
        if err in (_host.EINPROGRESS, _host.EAGAIN):
            if not self._wait(True):
                raise _error(ETIMEDOUT)
            err = self._sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_ERROR)
        if err:
            raise _error(_FROM_HOST.get(err, err))
        self._connected = True

    def listen(self, backlog):
        self._check_open()
        self._sock.listen(backlog)
        if self._pool._announce:  # only now can a client connect
            print("FAKE_SOCKETPOOL_BOUND %d" % self._sock.getsockname()[1], flush=True)

    def recvfrom_into(self, buffer):
        self._check_open()
        try:
            n, addr = self._blocking_call(lambda: self._sock.recvfrom_into(buffer), False)
        except _WouldBlock:
            raise _error(EAGAIN)
        return n, (addr[0], addr[1]) if addr else None

    def recv_into(self, buffer, bufsize=0):
        if self._sock is None:
            raise _error(EBADF)
        size = len(buffer)
        if bufsize > size:
            raise ValueError("buffer too small for requested bytes")
        if 0 < bufsize < size:
            size = bufsize
        if size == 0:
            return 0
        pool = self._pool
        stats = pool._test_stats
        stats["recv"] += 1
        espressif = pool._flavour == "espressif"
        try:
            n = self._blocking_call(lambda: self._sock.recv_into(buffer, size), False)
        except _WouldBlock:
            stats["recv_eagain"] += 1
            raise _error(EAGAIN)
        except OSError as e:
            if espressif and self._timeout == 0 and e.args[0] != ETIMEDOUT:
                # lwip_recv failed (e.g. reset): this port reports anything but the end as EAGAIN
                stats["recv_eagain"] += 1
                raise _error(EAGAIN)
            raise
        if n == 0 and espressif and self._timeout == 0:
            self._connected = False
            raise _error(ENOTCONN)
        if self._test_received is not None:
            self._test_received += memoryview(buffer)[:n]
        return n

    def send(self, bytes):
        self._check_open()
        if not self._connected:
            raise _error(EPIPE)
        pool = self._pool
        stats = pool._test_stats
        stats["send"] += 1
        data = memoryview(bytes)
        if pool._max_send and len(data) > pool._max_send:
            data = data[: pool._max_send]
            stats["send_capped"] += 1
        try:
            if pool._flavour == "espressif":  # lwip socket is always O_NONBLOCK there
                try:
                    return self._sock.send(data)
                except BlockingIOError:
                    raise _WouldBlock
                except OSError as e:
                    raise _translate(e)
            return self._blocking_call(lambda: self._sock.send(data), True)
        except _WouldBlock:
            stats["send_eagain"] += 1
            raise _error(EAGAIN)
        except OSError as e:
            if e.args[0] in (ECONNRESET, ENOTCONN, EPIPE):
                self._connected = False
            raise

    def sendall(self, bytes):
        data = memoryview(bytes)
        while len(data):
            try:
                n = self.send(data)
            except OSError as e:
                if e.args[0] != EAGAIN or self._timeout == 0:
                    raise
                if not self._wait(True):
                    raise _error(ETIMEDOUT)
                continue
            data = data[n:]

    def sendto(self, bytes, address):
        self._check_open()
        host, port = address
        try:
            return self._sock.sendto(bytes, (self._pool._resolve(host), port))
        except OSError as e:
            raise _translate(e)

    def setblocking(self, flag):
        self._timeout = None if flag else 0

    def setsockopt(self, level, optname, value):
        self._check_open()
        pool = self._pool
        real = _socket
        known = {
            (pool.SOL_SOCKET, pool.SO_REUSEADDR): (real.SOL_SOCKET, real.SO_REUSEADDR),
            (pool.IPPROTO_TCP, pool.TCP_NODELAY): (real.IPPROTO_TCP, real.TCP_NODELAY),
            (pool.IPPROTO_IP, pool.IP_MULTICAST_TTL): (real.IPPROTO_IP, real.IP_MULTICAST_TTL),
        }
        if (level, optname) not in known:
            raise _error(ENOPROTOOPT)
        self._sock.setsockopt(*known[(level, optname)], value)

    def settimeout(self, value):
        self._timeout = None if value is None else float(value)


class SocketPool:
    """socketpool.SocketPool(radio): the constants, `socket()` and `getaddrinfo()`."""

    AF_INET = 2
    AF_INET6 = 10
    SOCK_STREAM = 1
    SOCK_DGRAM = 2
    SOCK_RAW = 3
    IPPROTO_IP = 0
    IPPROTO_ICMP = 1
    IPPROTO_TCP = 6
    IPPROTO_UDP = 17
    IPPROTO_IPV6 = 41
    IPPROTO_RAW = 255
    TCP_NODELAY = 1
    SOL_SOCKET = 0xFFF
    SO_REUSEADDR = 0x0004
    IP_MULTICAST_TTL = 5
    EAI_NONAME = -2

    class gaierror(OSError):
        """Raised by getaddrinfo for a name that does not resolve."""

    def __init__(
        self,
        radio=None,
        flavour="espressif",
        max_send=1460,
        max_sockets=None,
        record=False,
        announce=False,
    ):
        if flavour not in _FLAVOURS:
            raise ValueError("flavour must be one of %r" % (_FLAVOURS,))
        self._flavour = flavour
        self._max_send = max_send
        self._max_sockets = max_sockets
        self._record = record
        self._announce = announce
        self._test_bound_ports = []
        self._test_stats = dict.fromkeys(
            (
                "open",
                "accept",
                "accept_eagain",
                "recv",
                "recv_eagain",
                "send",
                "send_eagain",
                "send_capped",
            ),
            0,
        )
        self._test_started = time.monotonic()

    def _resolve(self, host):
        try:
            return _socket.getaddrinfo(host, None, _socket.AF_INET)[0][4][0]
        except OSError:
            raise self.gaierror(self.EAI_NONAME, "Name or service not known")

    def socket(self, family=AF_INET, type=SOCK_STREAM, proto=IPPROTO_IP):
        if family != self.AF_INET:
            raise NotImplementedError("Only IPv4 sockets supported")
        if self._max_sockets is not None and self._test_stats["open"] >= self._max_sockets:
            raise RuntimeError("Out of sockets")
        return Socket(self, family, type, proto)

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        return [(self.AF_INET, self.SOCK_STREAM, self.IPPROTO_TCP, "", (self._resolve(host), port))]


# What CircuitPython 9's socketpool.Socket and SocketPool offer, for tests of this double.
SOCKET_API = (
    "accept bind close connect listen recvfrom_into recv_into send sendall sendto setblocking "
    "setsockopt settimeout type"
).split()
POOL_API = "socket getaddrinfo gaierror".split()
