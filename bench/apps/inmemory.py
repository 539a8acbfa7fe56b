"""Serve benchmark apps in memory, without sockets, on MicroPython; print what was measured.

    micropython inmemory.py alloc tinyweb json 100        # bytes allocated per request
    micropython inmemory.py instructions tinyweb json 200 # serve N requests (for callgrind)
    micropython inmemory.py breakdown tinyweb             # where the heap goes (hello world)

Each framework is fed a connection through the coroutine its own server runs for one: tinyweb
`app._serve_connection(stream)`, microdot `app.handle_request(reader, writer)`, phew
`server._handle_request`, uaioweb `app._dispatch`, picoweb `app._handle`. Each gets the same
stream: the methods of MicroPython's asyncio Stream (tinyweb's seam is that API), slices of
the request bytes in, the bytes written counted (kept only for the checked first answer).
Prints one line "RESULT <json>".
"""

import gc
import json
import sys

import workloads

try:
    import asyncio
except ImportError:  # MicroPython 1.20 and older
    import uasyncio as asyncio

PEER = ("127.0.0.1", 50000)


class Stream:
    """One client connection with the methods of MicroPython's asyncio Stream, reader and
    writer in one (tinyweb's seam is that API too, tinyweb/stream.py): write() queues,
    drain() and awrite() wait, as a socket's would. `pause_ms` makes every read and every
    drain wait that long, so that concurrent connections interleave."""

    def __init__(self, data, pause_ms=0, keep=False):
        self.data = data
        self.pos = 0
        self.pause_ms = pause_ms
        self.sent = 0
        self.writes = 0
        self.out = [] if keep else None

    async def read(self, n=-1):
        if self.pause_ms:
            await asyncio.sleep_ms(self.pause_ms)
        end = len(self.data) if n < 0 else min(len(self.data), self.pos + n)
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    async def readinto(self, buf):
        chunk = await self.read(len(buf))
        buf[: len(chunk)] = chunk
        return len(chunk)

    async def readline(self):
        if self.pause_ms:
            await asyncio.sleep_ms(self.pause_ms)
        i = self.data.find(b"\n", self.pos)
        end = len(self.data) if i < 0 else i + 1
        line = self.data[self.pos : end]
        self.pos = end
        return line

    async def readexactly(self, n):
        chunk = await self.read(n)
        if len(chunk) < n:
            raise EOFError
        return chunk

    def write(self, data):
        self.sent += len(data)
        self.writes += 1
        if self.out is not None:
            self.out.append(data.encode() if isinstance(data, str) else bytes(data))

    async def drain(self):
        if self.pause_ms:
            await asyncio.sleep_ms(self.pause_ms)

    async def awrite(self, data, off=0, sz=-1):
        if off or sz >= 0:
            data = memoryview(data)[off : len(data) if sz < 0 else off + sz]
        self.write(data)
        await self.drain()

    def close(self):
        pass

    async def wait_closed(self):
        pass

    async def aclose(self):
        pass

    def get_extra_info(self, name):
        return PEER


def connection(framework, module):
    """(handle, stream class): `await handle(stream)` serves one connection."""
    if framework == "tinyweb":
        return module.app._serve_connection, Stream
    if framework == "microdot":
        app = module.app

        async def handle(stream):
            await app.handle_request(stream, stream)

        return handle, Stream
    if framework == "phew":

        async def handle(stream):
            await module.server._handle_request(stream, stream)

        return handle, Stream
    if framework == "uaioweb":
        app = module.app

        async def handle(stream):
            await app._dispatch(stream, stream)

        return handle, Stream
    if framework == "picoweb":
        app = module.app
        # What app.run() sets up before serving, with its defaults (debug=False: logging on).
        import ulogging

        app.log = ulogging.getLogger("picoweb")
        app.debug = 0
        app.init()

        async def handle(stream):
            await app._handle(stream, stream)

        return handle, Stream
    raise SystemExit("unknown framework " + framework)


def load(framework, workload):
    module = __import__(framework + "_" + workload)
    return connection(framework, module)


async def serve_checked(handle, stream_class, workload):
    """Serve one request, keep and check the answer; the stream."""
    stream = stream_class(workloads.request(workload), keep=True)
    await handle(stream)
    problem = workloads.check(workload, b"".join(stream.out))
    if problem:
        raise SystemExit("wrong answer to %s: %s" % (workload, problem))
    return stream


async def allocated(handle, stream_class, workload, count):
    """Bytes allocated per request with the collector off, after 3 warm-up requests; and of
    them, the harness's own (a stream object and a call of a coroutine that does nothing)."""
    raw = workloads.request(workload)
    await serve_checked(handle, stream_class, workload)
    for _ in range(2):
        await handle(stream_class(raw))

    async def nothing(stream):
        pass

    gc.collect()
    gc.disable()
    try:
        before = gc.mem_alloc()
        for _ in range(count):
            await handle(stream_class(raw))
        served = gc.mem_alloc() - before
        before = gc.mem_alloc()
        for _ in range(count):
            await nothing(stream_class(raw))
        harness = gc.mem_alloc() - before
    finally:
        gc.enable()
    return served // count, harness // count


def alloc(framework, workload, count):
    handle, stream_class = load(framework, workload)
    per, harness = asyncio.run(allocated(handle, stream_class, workload, count))
    return {"per_request": per, "harness": harness}


def instructions(framework, workload, count):
    """Serve one checked request, then `count` more whose answers only have to be as long."""
    handle, stream_class = load(framework, workload)

    async def main():
        first = await serve_checked(handle, stream_class, workload)
        raw = workloads.request(workload)
        wrong = 0
        for _ in range(count):
            stream = stream_class(raw)
            await handle(stream)
            if stream.sent != first.sent:
                wrong += 1
        return first, wrong

    first, wrong = asyncio.run(main())
    if wrong:
        raise SystemExit("%d of %d answers differ in length from the first" % (wrong, count))
    return {"writes": first.writes, "bytes": first.sent}


# ---- where the heap goes --------------------------------------------------------------------

PACKAGES = {
    "tinyweb": "tinyweb",
    "microdot": "microdot",
    "phew": "phew.server",
    "uaioweb": "uaioweb",
    "picoweb": "picoweb",
}
CLIENTS = 4  # concurrent connections at the peak
ROUNDS = 6  # requests each of them makes


def live():
    gc.collect()
    return gc.mem_alloc()


def sizes():
    """What an asyncio task and each harness stream object take, measured the same way."""
    n = 8
    slots = [None] * n
    event = asyncio.Event()

    async def parked():
        await event.wait()

    before = live()
    for i in range(n):
        slots[i] = parked()
    coros = live()
    for i in range(n):
        slots[i] = asyncio.create_task(slots[i])
    tasks = live()
    for t in slots:
        t.cancel()
    for i in range(n):
        slots[i] = None
    before_streams = live()
    for i in range(n):
        slots[i] = Stream(b"")
    streams = live()
    return {
        "task": (tasks - coros) // n,
        "stream": (streams - before_streams) // n,
        "parked_coroutine": (coros - before) // n,
    }


async def _client(handle, stream_class, raw, state):
    for _ in range(ROUNDS):
        await handle(stream_class(raw, pause_ms=1))
    state["done"] += 1


async def _burst(handle, stream_class, raw, state):
    """CLIENTS connections at once, each making ROUNDS requests on streams that wait 1 ms
    on every read and write; the live heap is sampled whenever this task gets a turn."""
    rest = live()
    for _ in range(CLIENTS):
        asyncio.create_task(_client(handle, stream_class, raw, state))
    while state["done"] < CLIENTS:
        state["peak"] = max(state["peak"], live())
        await asyncio.sleep_ms(0)
    return rest


async def _first(handle, stream_class):
    await serve_checked(handle, stream_class, "hello")  # its answer is not kept: None


def breakdown(framework, count):
    """The heap of a hello-world app at each stage, from the same starting point."""
    res = {"framework": framework}
    raw = workloads.request("hello")
    state = {"peak": 0, "done": 0}
    base = live()
    __import__(PACKAGES[framework])
    res["code"] = live() - base
    module = __import__(framework + "_hello")
    handle, stream_class = connection(framework, module)
    res["app"] = live() - base - res["code"]
    asyncio.run(_first(handle, stream_class))
    res["first_request"] = live() - base - res["code"] - res["app"]
    rest = asyncio.run(_burst(handle, stream_class, raw, state))
    res["peak_4"] = state["peak"] - rest
    res["after_4"] = live() - base - res["code"] - res["app"] - res["first_request"]
    res["at_rest"] = live() - base
    res["per_request"], res["harness_per_request"] = asyncio.run(
        allocated(handle, stream_class, "hello", count)
    )
    res["base"] = base
    res.update(sizes())
    res["pool"] = gc.mem_free() + gc.mem_alloc()
    return res


def main(argv):
    what, framework = argv[1], argv[2]
    if what == "alloc":
        res = alloc(framework, argv[3], int(argv[4]))
    elif what == "instructions":
        res = instructions(framework, argv[3], int(argv[4]))
    elif what == "breakdown":
        res = breakdown(framework, int(argv[3]) if len(argv) > 3 else 100)
    else:
        raise SystemExit("unknown measurement " + what)
    res["bits"] = 64 if sys.maxsize > 2**32 else 32
    print("RESULT " + json.dumps(res))


if __name__ == "__main__":
    main(sys.argv)
