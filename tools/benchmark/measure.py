"""Memory of one web framework on MicroPython WebAssembly; run by tools/bench.py.

    node tools/mpwasm/run.mjs --mount=... --drive=drive /bench/measure.py tinyweb 200 [BOARD]

Prints one line "BENCH {json}". Every figure is gc.mem_alloc(): bytes of the GC heap in use.
This port collects garbage only when control returns to JavaScript, so the work is cut into
steps that run.mjs calls one by one (--drive): a figure read at the start of a step is the
live heap after a full collection.
"""

import asyncio
import gc
import json
import sys
from asyncio import core
from time import ticks_diff, ticks_ms

import js

FRAMEWORK = sys.argv[1]  # "tinyweb" or "microdot": imports app_<FRAMEWORK>
REQUESTS = int(sys.argv[2])  # per workload, for the bytes allocated per request
# sys.argv[3], when given, is the board preset app_tinyweb uses.
CLIENTS = 4  # concurrent clients while the peak is sampled
PER_CLIENT = 6  # requests each of them makes

# What a browser sends, give or take: the same head for every request.
HEAD = (
    b"Host: 192.168.4.1\r\n"
    b"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
    b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    b"Accept-Language: en-US,en;q=0.5\r\n"
    b"Accept-Encoding: gzip, deflate\r\n"
    b"Connection: close\r\n"
)
FORM = (
    b"name=Living+room&ssid=HomeNetwork&password=correct+horse+battery+staple&interval=60"
    b"&unit=celsius&threshold=21.5&notify=on&email=maker%40example.com&zone=Europe%2FBerlin"
    b"&note="
)
FORM += b"x" * (200 - len(FORM))  # 200 bytes
WORKLOADS = (
    ("hello", b"GET / HTTP/1.1\r\n" + HEAD + b"\r\n", b"Hello, world!"),
    ("json", b"GET /api/sensors/42 HTTP/1.1\r\n" + HEAD + b"\r\n", b'"celsius": 21.5'),
    (
        "form",
        b"POST /settings HTTP/1.1\r\n"
        + HEAD
        + b"Content-Type: application/x-www-form-urlencoded\r\n"
        + b"Content-Length: %d\r\n\r\n" % len(FORM)
        + FORM,
        b"saved 10 fields",
    ),
)


class Stream:
    """An in-memory connection with the methods of both frameworks' streams.

    tinyweb's seam: read, readinto, write, close, peer. microdot's (MicroPython asyncio):
    read, readline, readexactly, awrite, aclose, get_extra_info. Output is counted, not kept
    (unless `keep`), so the stream allocates the same for both. `pause_ms` makes every read
    and write wait, as a socket would, so that concurrent clients interleave.
    """

    peer = ("127.0.0.1", 50000)

    def __init__(self, data, pause_ms=0, keep=False):
        self.data = data
        self.pos = 0
        self.pause_ms = pause_ms
        self.sent = 0
        self.out = [] if keep else None

    async def _pause(self):
        if self.pause_ms:
            await asyncio.sleep_ms(self.pause_ms)

    async def read(self, n=-1):
        await self._pause()
        end = len(self.data) if n < 0 else min(len(self.data), self.pos + n)
        data = self.data[self.pos : end]
        self.pos = end
        return data

    async def readinto(self, buf):
        data = await self.read(len(buf))
        buf[: len(data)] = data
        return len(data)

    async def readline(self):
        await self._pause()
        end = self.data.find(b"\n", self.pos)
        end = len(self.data) if end < 0 else end + 1
        data = self.data[self.pos : end]
        self.pos = end
        return data

    async def readexactly(self, n):
        data = await self.read(n)
        if len(data) < n:
            raise EOFError
        return data

    async def write(self, data):
        await self._pause()
        self.sent += len(data)
        if self.out is not None:
            self.out.append(bytes(data))

    async def awrite(self, data):
        await self.write(data)

    async def close(self):
        pass

    async def aclose(self):
        pass

    def get_extra_info(self, name):
        return self.peer


def check(raw, expect):
    if not raw.startswith(b"HTTP/1.") or raw[9:12] != b"200" or expect not in raw:
        raise SystemExit("%s answered wrongly: %r" % (FRAMEWORK, raw[:400]))


results = {"framework": FRAMEWORK, "requests": REQUESTS, "per_client": PER_CLIENT}
results["hello_request_bytes"] = len(WORKLOADS[0][1])
app = None


def import_app():
    global app
    results["heap_before_import"] = gc.mem_alloc()
    app = __import__("app_" + FRAMEWORK)
    gc.collect()


def after_setup():
    results["heap_after_setup"] = gc.mem_alloc() - results["heap_before_import"]


async def verify():
    for _, raw, expect in WORKLOADS:
        stream = Stream(raw, keep=True)
        await app.handle(stream)
        check(b"".join(stream.out), expect)


async def allocated_per_request(raw):
    for _ in range(3):  # first requests pay one-time costs (lazy imports, interned names)
        await app.handle(Stream(raw))
    before = gc.mem_alloc()
    for _ in range(REQUESTS):
        await app.handle(Stream(raw))
    return (gc.mem_alloc() - before) // REQUESTS


async def harness_per_request(raw):
    async def nothing(stream):
        pass

    before = gc.mem_alloc()
    for _ in range(REQUESTS):
        await nothing(Stream(raw))
    return (gc.mem_alloc() - before) // REQUESTS


def per_request():
    asyncio.run(verify())
    gc.disable()
    try:
        for name, raw, _ in WORKLOADS:
            results["alloc_" + name] = asyncio.run(allocated_per_request(raw))
        results["alloc_harness"] = asyncio.run(harness_per_request(WORKLOADS[0][1]))
    finally:
        gc.enable()


clients_done = []


async def client(i):
    for j in range(PER_CLIENT):
        name, raw, expect = WORKLOADS[(i + j) % len(WORKLOADS)]
        stream = Stream(raw, pause_ms=1)
        await app.handle(stream)
        if stream.sent < 40:
            raise SystemExit("%s sent %d bytes for %s" % (FRAMEWORK, stream.sent, name))
    clients_done.append(i)


def start_clients():
    results["peak_samples"] = 0
    results["peak_heap"] = 0
    for i in range(CLIENTS):
        core.create_task(client(i))


def serve_round():
    """Sample the live heap, then let every client that can run take one step."""
    live = gc.mem_alloc() - results["heap_before_import"]
    results["peak_heap"] = max(results["peak_heap"], live)
    results["peak_samples"] += 1
    if len(clients_done) == CLIENTS:
        return False
    t = core._task_queue.peek()
    if t is None:
        raise SystemExit("clients stuck: %d of %d done" % (len(clients_done), CLIENTS))
    wait = ticks_diff(t.ph_key, ticks_ms())
    if wait > 0:
        js.mpwasmBlockMs(wait)
    core._run_iter()
    if core.asyncio_timer is not None:  # _run_iter armed a JS timer: we drive instead
        js.clearTimeout(core.asyncio_timer)
        core.asyncio_timer = None
    gc.collect()  # done when this step returns to JavaScript
    return True


STEPS = [gc.collect, import_app, after_setup, per_request, start_clients]
step_number = 0


def drive():
    """Called by run.mjs until it returns False; garbage is collected between calls."""
    global step_number
    if step_number < len(STEPS):
        STEPS[step_number]()
        step_number += 1
        gc.collect()
        return True
    if serve_round():
        return True
    results["mpy_version"] = sys.implementation._mpy & 0xFF
    results["micropython"] = ".".join(str(v) for v in sys.implementation.version[:3])
    print("BENCH " + json.dumps(results))
    return False
