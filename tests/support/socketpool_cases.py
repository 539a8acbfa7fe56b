"""The shared cases through the socketpool adapter, on whatever runtime runs this file.

    micropython socketpool_cases.py cases.json static     (tinyweb, check.py, case_app.py and,
                                                           on CircuitPython, asyncio on the path)

No sockets: `MemoryPool` has socketpool's methods over byte buffers, non-blocking, with
CircuitPython's numbers (EAGAIN 11) and the Pico W's end of stream (recv_into returns 0). Its
sends take at most 100 bytes and every third one raises EAGAIN, so the adapter's retry and
partial-send paths run on the interpreter under test (MicroPython's WebAssembly build in CI,
CircuitPython's unix port when there is one), not only on CPython.
Prints failures, then "<implementation>: N passed, N failed" and the heap a connection took.
"""

import gc
import sys

import case_app
from check import check, load_cases
from tinyweb.adapters import circuitpython_socketpool

from tinyweb.compat import asyncio, sleep_ms

EAGAIN = 11
MAX_SEND = 100


def _again():
    return OSError(EAGAIN)


class MemorySocket:
    """One end of an in-memory connection, or a listening socket."""

    def __init__(self, pool, incoming=b""):
        self.pool = pool
        self.incoming = incoming  # what the client sent (all at once, then its end)
        self.out = []
        self.closed = False
        self.backlog = []
        self.sends = 0

    def setsockopt(self, level, option, value):
        pass

    def bind(self, address):
        pass

    def listen(self, backlog):
        pass

    def setblocking(self, flag):
        if flag:
            raise ValueError("this double is non-blocking only")

    def accept(self):
        if self.closed:
            raise OSError(9)
        if not self.backlog:
            raise _again()
        conn = self.backlog.pop(0)
        return conn, ("127.0.0.1", 40000)

    def recv_into(self, buf, n=0):
        if self.closed:
            raise OSError(9)
        n = n or len(buf)
        data = self.incoming[:n]
        self.incoming = self.incoming[n:]
        buf[: len(data)] = data
        return len(data)  # 0: the client has sent everything (and half-closed)

    def send(self, data):
        if self.closed:
            raise OSError(9)
        self.sends += 1
        if self.sends % 3 == 0:
            raise _again()
        data = bytes(data[:MAX_SEND])
        self.out.append(data)
        return len(data)

    def close(self):
        self.closed = True


class MemoryPool:
    AF_INET = 2
    SOCK_STREAM = 1
    SOL_SOCKET = 0xFFF
    SO_REUSEADDR = 4

    def __init__(self):
        self.listener = None

    def socket(self, family=2, type=1, proto=0):
        self.listener = MemorySocket(self)
        return self.listener

    def connect(self, data):
        """A client connection that sends `data`; its server-side socket."""
        conn = MemorySocket(self, data)
        self.listener.backlog.append(conn)
        return conn


async def exchange(pool, data, limit_ms=5000):
    conn = pool.connect(data)
    waited = 0
    while not conn.closed:
        await sleep_ms(1)
        waited += 1
        if waited > limit_ms:
            return b"(no answer)"
    return b"".join(conn.out)


async def run_all(cases, static_dir):
    pool, plain_pool = MemoryPool(), MemoryPool()
    options = {"adapter": circuitpython_socketpool, "pool": pool, "poll_ms": 2}
    main = await case_app.make_app(static_dir).start("0.0.0.0", 80, **options)
    options["pool"] = plain_pool
    plain = await case_app.make_plain_app().start("0.0.0.0", 80, **options)
    passed = failed = 0
    for case in cases:
        which = plain_pool if case.get("app") == "plain" else pool
        raw = await exchange(which, case["request"].encode("utf-8"))
        problems = check(case, raw)
        if problems:
            failed += 1
            print("FAIL %s: %s" % (case["name"], "; ".join(problems)))
        else:
            passed += 1
    # The heap one more connection takes while it is served, and what it leaves behind.
    gc.collect()
    before = gc.mem_alloc() if hasattr(gc, "mem_alloc") else 0
    await exchange(pool, b"GET / HTTP/1.0\r\n\r\n")
    gc.collect()
    after = gc.mem_alloc() if hasattr(gc, "mem_alloc") else 0
    main.close()
    plain.close()
    await main.wait_closed()
    await plain.wait_closed()
    return passed, failed, after - before, pool.listener.closed and plain_pool.listener.closed


def main(argv):
    cases = load_cases(argv[1] if len(argv) > 1 else "cases.json")
    static_dir = argv[2] if len(argv) > 2 else "static"
    passed, failed, left, closed = asyncio.run(run_all(cases, static_dir))
    print("%s: %d passed, %d failed" % (sys.implementation.name, passed, failed))
    print("heap left behind by a served connection: %d bytes" % left)
    print("listeners closed: %s" % closed)
    return 1 if failed or not closed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
