"""Serve the shared cases' apps over real sockets, on MicroPython's unix port.

    MICROPYPATH=build/device/lib:tests/shared:.frozen micropython serve_cases.py \
        MAIN_PORT PLAIN_PORT STATIC_DIR

Prints "ready" once both listen; runs until killed.
"""

import sys

import case_app

from tinyweb.compat import asyncio


async def main(main_port, plain_port, static_dir):
    await case_app.make_app(static_dir).start("127.0.0.1", main_port)
    await case_app.make_plain_app().start("127.0.0.1", plain_port)
    print("ready")
    while True:
        await asyncio.sleep(3600)


asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]))
