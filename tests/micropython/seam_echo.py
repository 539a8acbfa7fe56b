"""The MicroPython adapter alone, through the seam: peer, readinto, read, write, close.

    micropython seam_echo.py PORT CONNECTIONS

Each client sends a line; the answer is its address as the adapter reports it and the line,
read 5 bytes at a time with readinto (then one read). After CONNECTIONS clients (the tests'
readiness probe is one) the listener closes and the script prints "closed".
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
        if not n:
            break
        got += buf[:n]
    rest = await stream.read(100)  # b"": the client has shut its side
    try:
        await stream.write(b"%s %s %r" % (repr(stream.peer).encode(), got.strip(), rest))
    except OSError:  # the tests' "is it listening yet" probe hangs up without reading
        pass
    await stream.close()
    await stream.close()  # a second close is harmless
    served.append(1)
    if len(served) == int(sys.argv[2]):
        done.set()


async def main(port):
    listener = await micropython_streams.start_server(handle, "127.0.0.1", port, 2)
    print("listening on", listener.port)
    await done.wait()
    listener.close()
    await listener.wait_closed()
    print("closed")


asyncio.run(main(int(sys.argv[1])))
