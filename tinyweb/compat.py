"""Every difference between MicroPython, CircuitPython and CPython that the hot path needs.

No other module of the core looks at ``sys.implementation``: it imports what it needs from
here. Anything only an error, a file or startup needs lives in the module that needs it
(tracebacks in `tinyweb.errors`, file errors in `tinyweb.static`), so it costs no heap
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


# Free heap (bytes) below which load() drops the code cached for features (forget()) before
# it imports the next module: room to compile a module from .py on the device (the biggest
# take about 12 KB while they compile, on a 32-bit board) or to load its .mpy with the
# request's own needs beside it. Looked at where gc.mem_free() exists (not CPython).
_RESERVE = const(14336)


def load(name):
    """The module tinyweb.<name> (`name` may be dotted: "adapters.cpython_asyncio"), one of
    those loaded on first use: imported now if it is not yet, right after a garbage
    collection.

    On a board a module's code lives in the heap, in blocks it gets as it loads. Collected
    first, the heap's free blocks are those between its lasting objects, which the code
    fills from the lowest up; loaded among what the request under way holds, it would sit
    between blocks that are free again once that request ends: holes too small for the
    next module. (The full-feature app of the shared cases serves in 61 KB of heap this
    way, and needed 68 to 70 KB; 32-bit build.) A collection is a few milliseconds on a
    board, once per module.
    """
    module = getattr(sys.modules["tinyweb"], name, None)
    if module is None:
        name = "tinyweb." + name
        gc.collect()
        if not IS_CPYTHON and gc.mem_free() < _RESERVE:
            forget()
        try:
            __import__(name)
        except MemoryError:
            forget()
            __import__(name)  # once more, with what forget() gave back
        module = sys.modules[name]
    return module


def forget():
    """Drop the code of the modules loaded on first use that hold nothing between calls
    (`_RELOADABLE`, and reached only through load()), then collect the garbage.

    That code is a cache: each module is imported again when next needed. load() calls this
    before an import when less than _RESERVE is free, and when an import finds no heap; the
    MicroPython and CircuitPython adapters when a new connection finds no room and no other
    is open. So an app that uses every feature needs heap for the modules one request
    uses, not for all of them (docs/layout.md).
    """
    # Allocates almost nothing (no copy of the keys; only each dropped module's short name,
    # key[8:]): in a short heap even a list freed at once may stay (a pointer left on the C
    # stack) and split the heap for the import that follows. So one module is dropped per
    # pass over sys.modules.
    modules = sys.modules
    while True:
        for key in modules:
            # Not the package itself: its __getattr__ (PEP 562) would raise, and allocate.
            if key.startswith("tinyweb.") and getattr(modules[key], "_RELOADABLE", False):
                break
        else:
            break  # a whole pass found none left to drop
        del modules[key]
        delattr(modules["tinyweb"], key[8:])
    gc.collect()


def lazy_method(obj, methods, name):
    """`obj.name` from the class `methods` of a module loaded on first use, bound to `obj`.

    The hot classes (request, response, webserver) define `__getattr__` with this, so methods
    most apps never call cost no heap until called; AttributeError for anything else.
    """
    if name[0] == "_":
        raise AttributeError(name)
    f = getattr(methods, name)
    return lambda *args, **kwargs: f(obj, *args, **kwargs)
