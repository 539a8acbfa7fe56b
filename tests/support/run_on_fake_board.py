"""Run a CircuitPython program (examples/code.py) on CPython as a board would run it.

    python tests/support/run_on_fake_board.py examples/code.py

Before the program starts: the Adafruit asyncio is `asyncio` (support/adafruit_asyncio.py),
`wifi`, `socketpool`, `board` and `digitalio` are the doubles in support/fake_board/, and the
program's own folder is on the path, as the CIRCUITPY root is. Settings come from the
environment (CIRCUITPY_WIFI_SSID, TINYWEB_PORT...): CircuitPython's os.getenv() reads them
from settings.toml, CPython's from the environment, so the program's code is the same.
"""

import os
import runpy
import sys

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    program = os.path.abspath(sys.argv[1])
    sys.path[:0] = [os.path.dirname(program), os.path.join(TESTS, "support", "fake_board"), TESTS]
    from support import adafruit_asyncio

    asyncio = adafruit_asyncio.install()
    print("ASYNCIO", asyncio.__file__, flush=True)
    sys.argv = [program]
    runpy.run_path(program, run_name="__main__")


if __name__ == "__main__":
    main()
