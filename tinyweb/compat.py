"""Every difference between MicroPython, CircuitPython and CPython that the core needs.

No other module of the core looks at ``sys.implementation``: it imports what it needs from
here.

    from .compat import asyncio, const, ticks_ms, ticks_diff
    deadline = ticks_ms() + 3000
"""

import sys

# `const()` folds a name into a literal when MicroPython compiles the module (and takes no
# globals slot when the name starts with an underscore); CPython has no such thing.
try:
    from micropython import const
except ImportError:

    def const(value):
        return value


# MicroPython < 1.21 shipped `uasyncio`; everything newer, CircuitPython's
# adafruit-circuitpython-asyncio and CPython have `asyncio`.
try:
    import asyncio
except ImportError:  # MicroPython 1.20 and older
    import uasyncio as asyncio

IMPLEMENTATION = sys.implementation.name
IS_CPYTHON = IMPLEMENTATION == "cpython"

# Millisecond ticks that wrap around on the boards; plain monotonic time on CPython.
try:
    from time import ticks_add, ticks_diff, ticks_ms
except ImportError:
    try:  # CircuitPython: supervisor.ticks_ms() wraps at 2**29
        from supervisor import ticks_ms

        def ticks_diff(end, start):
            diff = (end - start) & 0x1FFFFFFF
            return diff - 0x20000000 if diff & 0x10000000 else diff

        def ticks_add(ticks, delta):
            return (ticks + delta) & 0x1FFFFFFF

    except ImportError:  # CPython
        from time import monotonic as _monotonic

        def ticks_ms():
            return int(_monotonic() * 1000)

        def ticks_diff(end, start):
            return end - start

        def ticks_add(ticks, delta):
            return ticks + delta


# The type of a generator object: on MicroPython an `async def` that yields (the README's
# streaming REST handler) is one of these too.
generator_type = type((lambda: (yield))())


def is_awaitable(obj):
    """True for a CPython coroutine; MicroPython coroutines are generators (see above)."""
    return hasattr(obj, "__await__")


def is_async_iterator(obj):
    """True for a CPython async generator (`async def` with `yield`)."""
    return hasattr(obj, "__anext__")


def print_exception(exc, file=None):
    """Print a traceback: `sys.print_exception` on MicroPython, `traceback` on CircuitPython
    and CPython; just the exception where neither exists (CircuitPython builds without
    `traceback`, e.g. its unix port)."""
    if hasattr(sys, "print_exception"):
        if file is None:
            sys.print_exception(exc)
        else:
            sys.print_exception(exc, file)
        return
    try:
        import traceback
    except ImportError:
        (file or sys.stderr).write(repr(exc) + "\n")
        return
    traceback.print_exception(type(exc), exc, exc.__traceback__, file=file or sys.stderr)


def format_exception(exc):
    """The traceback of `exc` as text, for the body of a debug 500 page."""
    import io

    out = io.StringIO()
    print_exception(exc, out)
    return out.getvalue()


# The running task, to cancel it when its connection runs out of time. Bound directly
# (no wrapper function): the server asks for it on every connection.
current_task = asyncio.current_task


def get_event_loop():
    """The loop `run()` drives. CPython 3.12+ no longer creates one implicitly."""
    # Asked of the asyncio, not of the interpreter: CircuitPython's asyncio run on CPython (the
    # socketpool tests) has no policies and works like the boards.
    if hasattr(asyncio, "get_event_loop_policy"):
        try:
            return asyncio.get_event_loop_policy().get_event_loop()
        except RuntimeError:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            return loop
    return asyncio.get_event_loop()


def sleep_ms(ms):
    """`asyncio.sleep_ms` where it exists (MicroPython), `sleep(seconds)` elsewhere."""
    if hasattr(asyncio, "sleep_ms"):
        return asyncio.sleep_ms(ms)
    return asyncio.sleep(ms / 1000)


def forget_modules(names):
    """Unload the modules `names` and their submodules, so their code can be collected.

    On MicroPython and CircuitPython a module's bytecode lives in the heap; one that is used
    once (the board presets) is worth dropping. A no-op on CPython, where it is not.
    """
    if IS_CPYTHON:
        return
    for name in list(sys.modules):
        for prefix in names:
            if name == prefix or name.startswith(prefix + "."):
                del sys.modules[name]
                parent, _, child = name.rpartition(".")
                package = sys.modules.get(parent)
                if package is not None and hasattr(package, child):
                    delattr(package, child)


def default_adapter():
    """The adapter `webserver.run()` uses when the caller names none."""
    if IS_CPYTHON:
        from .adapters import cpython_asyncio as adapter
    elif IMPLEMENTATION == "circuitpython":
        from .adapters import circuitpython_socketpool as adapter
    else:
        from .adapters import micropython_streams as adapter
    return adapter


# Errors on a socket that mean "the peer went away", not "the server is broken".
# MicroPython and CircuitPython give lwIP's numbers through `errno`, CPython the OS's.
try:
    import errno as _errno
except ImportError:
    import uerrno as _errno

PEER_GONE = tuple(
    getattr(_errno, name)
    for name in ("ECONNRESET", "ECONNABORTED", "EPIPE", "ENOTCONN", "ESHUTDOWN", "EBADF")
    if hasattr(_errno, name)
)

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


ENOENT = getattr(_errno, "ENOENT", 2)
EACCES = getattr(_errno, "EACCES", 13)

# Errors of os.stat()/open() that mean "no such file here" (send_file answers 404). The
# MicroPython WebAssembly port's filesystem raises Emscripten's numbers (ENOENT is 44,
# EACCES is 2) while its `errno` module has Linux's.
FILE_NOT_FOUND = (ENOENT, EACCES, 2, 13)
if sys.platform == "webassembly":
    FILE_NOT_FOUND += (44,)
