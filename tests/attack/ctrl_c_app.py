"""The README's way to stop a server with Ctrl-C, to be interrupted by a real SIGINT.

    python ctrl_c_app.py PORT   /   micropython ctrl_c_app.py PORT  (later arguments ignored)

try: app.run() except KeyboardInterrupt: app.shutdown(), then one short loop run
(app.wait_closed()). Prints "ready" before run(), then, once interrupted, which of the
server's tasks asyncio still called current (MicroPython and CircuitPython keep the one that
ran last), "shutdown returned" (or what it raised), and "stopped N" with N connections left.
Then it stays a moment, so that a test can see the port closed, and exits 0.
"""

import sys
import time

import tinyweb
from tinyweb.compat import asyncio

try:  # CPython: a parent that ignores SIGINT (a shell's background job) passes that on
    import signal

    signal.signal(signal.SIGINT, signal.default_int_handler)
except ImportError:  # MicroPython's unix port: no signal module, its own handler is set
    pass

app = tinyweb.webserver(board="unix", request_timeout=30)


@app.route("/")
async def index(req, resp):
    await resp.send_body("index")


def current():
    """Which task asyncio calls current after the interrupt (MicroPython, CircuitPython)."""
    core = getattr(asyncio, "core", None)
    task = getattr(core, "cur_task", None)
    if task is None:
        return "none"
    if task is app._watchdog:
        return "watchdog"
    if task is getattr(app._listener, "task", None):
        return "listener"
    for req in app.conns:
        if req._task is task:
            return "connection"
    return "other"


print("ready")
try:
    app.run("127.0.0.1", int(sys.argv[1]))
except KeyboardInterrupt:
    print("current", current())
    try:
        app.shutdown()
        print("shutdown returned")
    except Exception as e:  # reported to the test
        print("shutdown raised", repr(e))
    asyncio.get_event_loop().run_until_complete(app.wait_closed())
    print("stopped", len(app.conns))
    time.sleep(2)
