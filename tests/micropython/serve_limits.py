"""An app to test limits over sockets on MicroPython: slow handlers, big answers, shutdown.

    micropython serve_limits.py PORT max_concurrency=1 backlog=1 request_timeout=0.5 slow_ms=300
    micropython serve_limits.py PORT board=esp32

Options are webserver() arguments, slow_ms: how long /slow holds its slot (it prints
"slow: started" when it takes it), oom_waits: how many of the first waits for a socket
raise MemoryError, oom_answers: how many of the first error answers find no heap, and
free_heap: the free heap (bytes) the adapter sees, in a board-sized heap, whatever the real,
no_more_buffers=1: the heap has room for the receive buffer made at the start, no other,
and buffer_room: the free heap (bytes) tinyweb.slots sees beside a new receive buffer.
/hog asks for more memory than the heap has, /shutdown answers and then shuts the server
down; the script then prints "stopped" and exits 0.
It names the MicroPython adapter, as a user may (the examples let run() pick it).
"""

import sys

from tinyweb.adapters import micropython_streams

import tinyweb
from tinyweb.compat import asyncio

options = {}
for arg in sys.argv[2:]:
    key, value = arg.split("=")
    if key == "board":
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
free_heap = options.pop("free_heap", None)
if free_heap is not None:
    # What the adapter reads of the heap: a board's, with `free_heap` bytes left.
    import gc

    class BoardHeap:
        def collect(self):
            gc.collect()

        def mem_free(self):
            return free_heap

        def mem_alloc(self):
            return 40000

    micropython_streams.gc = BoardHeap()
no_more_buffers = options.pop("no_more_buffers", 0)
buffer_room = options.pop("buffer_room", None)
if buffer_room is not None:
    import tinyweb.slots

    tinyweb.slots._mem_free = lambda: buffer_room
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
