"""Serve one workload's request N times inside this process, without sockets.

    micropython tools/bench_speed/apps/inprocess.py tinyweb json 200
    valgrind --tool=callgrind micropython tools/bench_speed/apps/inprocess.py microdot json 200

For counting instructions per request: the app is set up, one warm-up request is served
(first-use imports and caches land there) and its answer checked, then N more. (I(N) - I(0))
/ N is what one request costs. tinyweb is driven the way `tinyweb.adapters.memory.request`
drives it (`app._serve_connection(stream)` with a `memory.Stream`); microdot through
`app.handle_request(reader, writer)`, the coroutine its server runs for every connection.
Both streams hand out slices of the same raw bytes.

The N timed requests write into streams that only count bytes (each must write as many as
the checked warm-up answer): on MicroPython every new bytes object hashes its contents, so
copying and joining the output, as `memory.Stream` does for tests, would add about 14
instructions per byte sent (0.3 M for the 20 KB file) to both frameworks alike, where a
socket stream writes the caller's buffer as it is. Prints "OK <framework> <workload> <N>".
"""

import sys

import workloads

try:
    import asyncio
except ImportError:  # MicroPython 1.20 and older
    import uasyncio as asyncio

FRAMEWORK = sys.argv[1]
WORKLOAD = sys.argv[2]
COUNT = int(sys.argv[3])
RAW = workloads.raw_request(WORKLOAD, "127.0.0.1:8081")


class MicrodotStream:
    """Reader and writer of one microdot connection over bytes given up front.

    The methods microdot's handle_request uses: readline, readexactly, read, awrite,
    aclose and get_extra_info (what MicroPython's asyncio Stream has).
    """

    def __init__(self, data, keep=True):
        self.data = data
        self.pos = 0
        self.out = [] if keep else None  # None: count the bytes written, keep nothing
        self.written = 0

    async def readline(self):
        data = self.data
        i = data.find(b"\n", self.pos)
        end = len(data) if i < 0 else i + 1
        line = data[self.pos : end]
        self.pos = end
        return line

    async def read(self, n=-1):
        end = len(self.data) if n < 0 else self.pos + n
        chunk = self.data[self.pos : end]
        self.pos += len(chunk)
        return chunk

    async def readexactly(self, n):
        return await self.read(n)

    async def awrite(self, data):
        if self.out is None:
            self.written += len(data)
        else:
            self.out.append(bytes(data))

    async def aclose(self):
        pass

    def get_extra_info(self, name):
        return ("127.0.0.1", 0)


if FRAMEWORK == "tinyweb":
    from tinyweb.adapters import memory
    from tinyweb_app import app

    class CountingStream(memory.Stream):
        """memory.Stream whose writes are counted, not kept."""

        written = 0

        async def write(self, data):
            if self.closed:
                raise OSError(9, "write on a closed stream")
            self.written += len(data)

    async def serve_one(raw, keep):
        stream = memory.Stream(raw) if keep else CountingStream(raw)
        await app._serve_connection(stream)
        if keep:
            WRITES[0] = len(stream.out)
            return stream.output()
        return stream.written

else:
    from microdot_app import app

    async def serve_one(raw, keep):
        stream = MicrodotStream(raw, keep)
        await app.handle_request(stream, stream)
        if keep:
            WRITES[0] = len(stream.out)
            return b"".join(stream.out)
        return stream.written


WRITES = [0]  # write calls of the warm-up answer


async def main():
    answer = await serve_one(RAW, True)  # warm-up: lazy imports, compiled patterns, caches
    wrong = 0
    for _ in range(COUNT):
        if await serve_one(RAW, False) != len(answer):
            wrong += 1
    return answer, wrong


answer, wrong = asyncio.run(main())
status, headers, body = workloads.split_response(answer)
problem = workloads.check_answer(WORKLOAD, status, body)
if wrong:
    problem = "%d of %d answers differ in length from the first" % (wrong, COUNT)
if problem:
    print("WRONG", FRAMEWORK, WORKLOAD, problem)
    sys.exit(1)
print("OK", FRAMEWORK, WORKLOAD, COUNT, "writes=%d" % WRITES[0])
