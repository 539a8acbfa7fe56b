"""MicroPython adapter: `asyncio.start_server`, whose streams are the `tinyweb.stream` seam.

`webserver.run()` picks it on MicroPython (ESP32, ESP8266, RP2, unix port); naming it works
too:

    from tinyweb.adapters import micropython_streams
    app.run("0.0.0.0", 80, adapter=micropython_streams)

MicroPython's `asyncio.Stream` already has the seam's methods (readinto, read, write, drain,
close, wait_closed, get_extra_info), so each connection's stream goes to the core as it is:
no object and no coroutine of ours per connection or per write.

Oldest MicroPython: 1.20, the first with `mip`. What this module uses is older:
`asyncio.start_server(cb, host, port, backlog)` and `Stream.readinto` (in `uasyncio` since
1.16; 1.20 still names the module `uasyncio`, which `tinyweb.compat` imports), and the .mpy
files of `make build` (bytecode version 6) load on 1.19 and newer. Tested on 1.27
(WebAssembly and a 32-bit unix build), 1.28 and 1.29 (unix ports).

Limits live in the core: `max_concurrency` and the waiting line (`backlog`) in
`webserver._serve_connection`, `request_timeout` in its watchdog. This module only listens.
"""

from tinyweb.compat import asyncio


async def start_server(handle_connection, host, port, backlog, **options):
    """Listen with MicroPython's asyncio; `options` go to it (e.g. ssl= on 1.22+).

    Returns asyncio's Server (close, wait_closed). MicroPython's Server keeps its socket to
    itself, so the port bound for port=0 cannot be told back.
    """
    return await asyncio.start_server(
        lambda reader, writer: handle_connection(reader), host, port, backlog, **options
    )
