"""An app to test limits over sockets on MicroPython: slow handlers, big answers, shutdown.

    micropython serve_limits.py PORT max_concurrency=1 backlog=1 request_timeout=0.5 slow_ms=300
    micropython serve_limits.py PORT board=esp32

Options are webserver() arguments, slow_ms: how long /slow holds its slot (it prints
"slow: started" when it takes it), oom_waits: how many of the first waits for a socket
raise MemoryError, oom_answers: how many of the first error answers find no heap, and
free_heap: the free heap (bytes) the adapter sees, in a board-sized heap, whatever the real,
no_more_buffers=1: the heap has room for the receive buffer made at the start, no other,
buffer_room: the free heap (bytes) tinyweb.slots sees beside a new receive buffer,
load_room: the free heap (bytes) tinyweb.compat.load() sees before it imports a module,
oom_load: a module of tinyweb (e.g. cookies) whose first import finds no heap, and
oom_loads: how many of its imports do (1 unless given; load() tries twice).
/hog asks for more memory than the heap has, /shutdown answers and then shuts the server
down; the script then prints "stopped" and exits 0. /redirect and /cookie load modules on
first use (tinyweb.status; tinyweb.cookies), /modules answers the tinyweb modules loaded.
It names the MicroPython adapter, as a user may (the examples let run() pick it).
"""

import gc
import sys

from tinyweb.adapters import micropython_streams

import tinyweb
from tinyweb.compat import asyncio

options = {}
for arg in sys.argv[2:]:
    key, value = arg.split("=")
    if key == "board" or key == "oom_load":
        options[key] = value
    else:
        options[key] = float(value) if "." in value else int(value)
slow_ms = options.pop("slow_ms", 300)
oom_waits = options.pop("oom_waits", 0)
if oom_waits:
    # The first `oom_waits` waits for a socket fail as they do when the heap has no room left
    # for asyncio's wait list: the accept loop's first waits, before any client is there.
    from asyncio import core

    wait = core._io_queue.queue_read
    failing = [oom_waits]

    def queue_read(sock):
        if failing[0]:
            failing[0] -= 1
            raise MemoryError
        return wait(sock)

    core._io_queue.queue_read = queue_read
oom_answers = options.pop("oom_answers", 0)
if oom_answers:
    # The first `oom_answers` error answers find no heap even for their coroutine.
    from tinyweb import server

    answer = server._on_error
    no_heap = [oom_answers]

    def on_error(*args):
        if no_heap[0]:
            no_heap[0] -= 1
            raise MemoryError
        return answer(*args)

    server._on_error = on_error


class BoardHeap:
    """What a module reads of the heap (its `gc`): a board's, with `free` bytes left."""

    def __init__(self, free):
        self.free = free

    def collect(self):
        gc.collect()

    def mem_free(self):
        return self.free

    def mem_alloc(self):
        return 40000


free_heap = options.pop("free_heap", None)
if free_heap is not None:
    micropython_streams.gc = BoardHeap(free_heap)  # the adapter's room check
no_more_buffers = options.pop("no_more_buffers", 0)
buffer_room = options.pop("buffer_room", None)
if buffer_room is not None:
    import tinyweb.slots

    tinyweb.slots._mem_free = lambda: buffer_room
load_room = options.pop("load_room", None)
if load_room is not None:
    from tinyweb import compat

    compat.gc = BoardHeap(load_room)  # what load() sees before it imports a module
oom_load = options.pop("oom_load", None)
oom_loads = options.pop("oom_loads", 1)
if oom_load is not None:
    # The first imports of tinyweb.<oom_load> find no heap, as a module compiled from .py
    # does on a board whose heap the code cached for other features fills, or one loaded
    # while other connections hold the rest.
    from tinyweb import compat

    failing = ["tinyweb." + str(oom_load)] * oom_loads

    def failing_import(name, *args):
        if name in failing:
            failing.remove(name)
            raise MemoryError
        return __import__(name, *args)

    compat.__import__ = failing_import
app = tinyweb.webserver(**options)
if no_more_buffers:
    made = app._buffer
    first = [True]

    def buffer():
        if first[0]:
            first[0] = False
            return made()
        raise MemoryError

    app._buffer = buffer


@app.route("/")
async def index(req, resp):
    await resp.send_body("index")


@app.route("/slow")
async def slow(req, resp):
    print("slow: started")
    await asyncio.sleep_ms(slow_ms)
    await resp.send_body("done")


@app.route("/big")
async def big(req, resp):
    # 1 MB in 1 KB sends: the client hangs up long before the end.
    await resp.start_html()
    chunk = b"x" * 1024
    for _ in range(1024):
        await resp.send(chunk)


@app.route("/redirect")
async def redirect(req, resp):
    await resp.redirect("/")


@app.route("/cookie")
async def cookie(req, resp):
    resp.set_cookie("flavour", "oat")
    await resp.send_body("cookie")


@app.route("/modules")
async def modules(req, resp):
    names = sorted(name for name in sys.modules if name.startswith("tinyweb."))
    await resp.send_body(" ".join(names))


@app.route("/hog")
async def hog(req, resp):
    buf = bytearray(4 * 1024 * 1024)  # more than the heap the tests give
    await resp.send_body("got %d bytes" % len(buf))


async def stop_soon():
    await asyncio.sleep_ms(100)
    app.shutdown()


@app.route("/shutdown")
async def shutdown(req, resp):
    asyncio.create_task(stop_soon())
    await resp.send_body("bye")


async def main(port):
    server = await app.start("127.0.0.1", port, adapter=micropython_streams)
    print("ready")
    await server.serve_forever()
    await server.wait_closed()
    print("stopped")


asyncio.run(main(int(sys.argv[1])))
