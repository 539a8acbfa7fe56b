"""Serve the shared cases' apps over real sockets, on MicroPython's unix port.

    MICROPYPATH=build/device/lib:tests/shared:.frozen micropython serve_cases.py \
        MAIN_PORT PLAIN_PORT STATIC_DIR [count]

Prints "ready" once both listen; runs until killed. With `count`, also prints "imports N US"
after each module tinyweb.compat.load() imports: how many so far, and the microseconds they
took (bench/shared_cases.py: how often a short heap loads the code of features again).
"""

import sys

import case_app

from tinyweb import compat
from tinyweb.compat import asyncio

if sys.argv[4:] == ["count"]:
    import time

    counted = [0, 0]  # imports, microseconds
    real_import = __import__

    def counting_import(name, *args):
        start = time.ticks_us()
        module = real_import(name, *args)
        counted[0] += 1
        counted[1] += time.ticks_diff(time.ticks_us(), start)
        print("imports", counted[0], counted[1])
        return module

    compat.__import__ = counting_import


async def main(main_port, plain_port, static_dir):
    await case_app.make_app(static_dir).start("127.0.0.1", main_port)
    await case_app.make_plain_app().start("127.0.0.1", plain_port)
    print("ready")
    while True:
        await asyncio.sleep(3600)


asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]))
