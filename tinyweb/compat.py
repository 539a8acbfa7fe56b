"""Every difference between MicroPython, CircuitPython and CPython that the hot path needs.

No other module of the core looks at ``sys.implementation``: it imports what it needs from
here. Anything only an error, a file or startup needs lives in the module that needs it
(tracebacks in `tinyweb.status`, file errors in `tinyweb.static`), so it costs no heap
until then.

    from .compat import asyncio, const, ticks_ms, ticks_diff
    deadline = ticks_ms() + 3000
"""

import gc
import sys

# `const()` folds a name into a literal when MicroPython compiles the module (and takes no
# globals slot when the name starts with an underscore). Millisecond ticks wrap around on the
# boards. CPython and CircuitPython get both from tinyweb.portable, which MicroPython never
# loads.
try:
    from micropython import const  # noqa: F401 - re-exported
except ImportError:
    from .portable import const  # noqa: F401

try:
    from time import ticks_add, ticks_diff, ticks_ms  # noqa: F401 - re-exported
except ImportError:
    from .portable import ticks_add, ticks_diff, ticks_ms  # noqa: F401

# MicroPython < 1.21 shipped `uasyncio`; everything newer, CircuitPython's
# adafruit-circuitpython-asyncio and CPython have `asyncio`.
try:
    import asyncio
except ImportError:  # MicroPython 1.20 and older
    import uasyncio as asyncio

IMPLEMENTATION = sys.implementation.name
IS_CPYTHON = IMPLEMENTATION == "cpython"


# The type of a generator object: on MicroPython an `async def` (and the README's streaming
# REST handler) is one of these.
generator_type = type((lambda: (yield))())

# The running task, to cancel it when its connection runs out of time.
current_task = asyncio.current_task

# `asyncio.sleep_ms` where it exists (MicroPython), `sleep(seconds)` elsewhere.
if hasattr(asyncio, "sleep_ms"):
    sleep_ms = asyncio.sleep_ms
else:
    from .portable import sleep_ms  # noqa: F401 - re-exported

# The loop `run()` drives: CPython 3.12+ no longer creates one implicitly.
if hasattr(asyncio, "get_event_loop_policy"):
    from .portable import get_event_loop
else:
    get_event_loop = asyncio.get_event_loop


# Errors on a socket that mean "the peer went away", not "the server is broken", as numbers:
# MicroPython's `errno` has neither EPIPE nor ETIMEDOUT, and lwIP (the boards), Linux and
# the BSDs agree on these: EPIPE 32, ECONNABORTED 103 (53 on macOS), ECONNRESET 104 (54),
# ENOTCONN 107 (57), ESHUTDOWN 108 (58), ETIMEDOUT 110 (60), EBADF 9 (a socket closed
# under us), EHOSTUNREACH 113 (65).
PEER_GONE = (9, 32, 53, 54, 57, 58, 60, 65, 103, 104, 107, 108, 110, 113)

# CPython's asyncio raises ConnectionResetError("Connection lost") with no errno at all.
try:
    _CONNECTION_ERROR = ConnectionError
except NameError:  # MicroPython has no ConnectionError
    _CONNECTION_ERROR = ()


def is_peer_gone(exc):
    """True when an OSError means the client went away (nothing left to answer)."""
    if _CONNECTION_ERROR and isinstance(exc, _CONNECTION_ERROR):
        return True
    return bool(exc.args) and exc.args[0] in PEER_GONE


def load(name):
    """The module tinyweb.<name>, one of those loaded on first use: imported now if it is
    not yet, right after a garbage collection.

    On a board a module's code lives in the heap, in blocks it gets as it loads. Collected
    first, the heap's free blocks are those between its lasting objects, which the code
    fills from the lowest up; loaded among what the request under way holds, it would sit
    between blocks that are free again once that request ends: holes too small for the
    next module. (The full-feature app of the shared cases serves in 61 KB of heap this
    way, and needed 68 to 70 KB; 32-bit build.) A collection is a few milliseconds on a
    board, once per module.
    """
    package = sys.modules["tinyweb"]
    module = getattr(package, name, None)
    if module is None:
        gc.collect()
        __import__("tinyweb." + name)
        module = getattr(package, name)
    return module


def lazy_method(obj, methods, name):
    """`obj.name` from the class `methods` of a module loaded on first use, bound to `obj`.

    The hot classes (request, response, webserver) define `__getattr__` with this, so methods
    most apps never call cost no heap until called; AttributeError for anything else.
    """
    if name[0] == "_":
        raise AttributeError(name)
    f = getattr(methods, name)
    return lambda *args, **kwargs: f(obj, *args, **kwargs)
