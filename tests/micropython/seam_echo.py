"""The MicroPython adapter alone, through the seam: readinto, read, write, drain, close.

    micropython seam_echo.py PORT CONNECTIONS

Each client sends a line; the answer is whether the stream reports a peer address and the
line, read 5 bytes at a time with readinto (then one read). After CONNECTIONS clients (the
tests' readiness probe is one) the listener closes and the script prints "closed".
"""

import sys

from tinyweb.adapters import micropython_streams

from tinyweb.compat import asyncio

served = []
done = asyncio.Event()


async def handle(stream):
    buf = bytearray(5)
    got = b""
    while not got.endswith(b"\n"):
        n = await stream.readinto(buf)
        if n is None:  # woken with nothing to read yet
            continue
        if not n:
            break
        got += buf[:n]
    rest = await stream.read(100)  # b"": the client has shut its side
    peer = stream.get_extra_info("peername") is not None
    try:
        stream.write(b"peer=%s %s %r" % (str(peer).encode(), got.strip(), rest))
        await stream.drain()
    except OSError:  # the tests' "is it listening yet" probe hangs up without reading
        pass
    stream.close()
    await stream.wait_closed()
    await stream.wait_closed()  # a second close is harmless
    served.append(1)
    if len(served) == int(sys.argv[2]):
        done.set()


async def main(port):
    listener = await micropython_streams.start_server(handle, "127.0.0.1", port, 2)
    print("listening")
    await done.wait()
    listener.close()
    await listener.wait_closed()
    print("closed")


asyncio.run(main(int(sys.argv[1])))
