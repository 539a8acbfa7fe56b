"""examples/app_shared.py served through the in-memory stream pair, on whatever runtime runs
this file (MicroPython's WebAssembly build, CircuitPython's unix port, CPython).

    micropython app_shared_in_memory.py      (app_shared.py and tinyweb on the path)

Prints one line per request, "<status line> | <body>" (a JSON body whole, any other its
first 40 bytes), then "done".
"""

from app_shared import make_app
from tinyweb.adapters import memory

from tinyweb.compat import asyncio

REQUESTS = (
    b"GET /api/status HTTP/1.0\r\n\r\n",
    b"POST /api/led HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Content-Length: 4\r\n\r\non=1",
    b"POST /api/led HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Content-Length: 4\r\n\r\non=7",
    b"GET / HTTP/1.0\r\n\r\n",
)


async def main():
    app = make_app(board="generic")
    for data in REQUESTS:
        raw = await memory.request(app, data)
        head, _, body = raw.partition(b"\r\n\r\n")
        if not body.startswith(b"{"):  # JSON whole, anything else its start
            body = body[:40].replace(b"\n", b" ")
        print(head.split(b"\r\n")[0].decode(), "|", body.decode())
    print("done")


asyncio.run(main())
