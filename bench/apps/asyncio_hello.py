"""No framework: the least an asyncio server on MicroPython does to answer hello world
(bench/keepalive.py's floor). One task per connection waits until its socket is readable,
reads what came with one readinto(), and answers every whole head in it with the page and
its Content-Length, the way tinyweb's MicroPython adapter moves bytes
(adapters/micropython_streams.py); it keeps the connection when the head says
"keep-alive" (ab's HTTP/1.0 keep-alive), else closes it. No parsing, no routing, no
limits: what is left of a request's cost is the event loop and the system calls. The
difference between its closing and its keep-alive CPU time per request is what opening
and closing a connection costs the server.
"""

import asyncio
import socket
from asyncio import core

from workloads import HELLO_BODY

_HEAD = b"HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n"
CLOSE = _HEAD % len(HELLO_BODY) + b"\r\n" + HELLO_BODY
KEEP = _HEAD % len(HELLO_BODY) + b"Connection: keep-alive\r\n\r\n" + HELLO_BODY


def connection(sock):
    buf = bytearray(1024)
    view = memoryview(buf)
    have = 0
    try:
        while True:
            yield core._io_queue.queue_read(sock)
            n = sock.readinto(view[have:])
            if n is None:
                continue  # woken with nothing to read
            if not n or have + n == len(buf):
                return  # closed, or a head longer than the buffer
            have += n
            while True:
                end = buf.find(b"\r\n\r\n", 0, have)
                if end < 0:
                    break
                # ab's "Keep-Alive" or a browser's "keep-alive", found without a copy.
                keep = buf.find(b"eep-alive", 0, end) > 0 or buf.find(b"eep-Alive", 0, end) > 0
                sock.write(KEEP if keep else CLOSE)  # short: the socket takes it at once
                if not keep:
                    return
                end += 4
                buf[: have - end] = buf[end:have]
                have -= end
    except OSError:
        pass  # the client reset the connection (ab does, at the end of a run)
    finally:
        sock.close()


def accept(listener):
    while True:
        yield core._io_queue.queue_read(listener)
        try:
            sock, _ = listener.accept()
        except OSError:
            continue
        sock.setblocking(False)
        core.create_task(connection(sock))


def run(host, port):
    address = socket.getaddrinfo(host, port)[0][-1]
    listener = socket.socket()
    listener.setblocking(False)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(address)
    listener.listen(64)
    core.create_task(accept(listener))
    asyncio.get_event_loop().run_forever()
