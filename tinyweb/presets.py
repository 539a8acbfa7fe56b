"""Limits for the board the server runs on: picked from `tinyweb.boards`, overridable.

    limits = resolve("esp8266", max_concurrency=2)
    limits["buffer_size"]   # -> 512

A preset is a module of `tinyweb.boards`, its name, or a dict, with the keys of `FIELDS`.
With no board the preset is detected from the runtime (`detect()`). A key a module or dict
leaves out comes from the detected preset. Explicit arguments that are not None always win.
Only the preset in use is imported, so a board never loads the others.
"""

import sys

from .compat import load

FIELDS = (
    "max_concurrency",
    "buffer_size",
    "max_line",
    "max_headers",
    "max_body_size",
    "request_timeout",
    "backlog",
    "keep_alive",
)


def _load(name):
    """The preset module `tinyweb.boards.<name>`; ValueError naming the presets if unknown."""
    PRESETS = load("boards").PRESETS

    if name not in PRESETS:
        raise ValueError("unknown board preset %r; presets: %s" % (name, ", ".join(PRESETS)))
    module = __import__("tinyweb.boards." + name)
    return getattr(module.boards, name)


def detect(platform=None, machine=None, implementation=None):
    """The name of the preset for this runtime (arguments are for tests)."""
    _detect = load("boards").detect

    if platform is None:
        platform = sys.platform
    if implementation is None:
        implementation = sys.implementation.name
    if machine is None:
        try:
            import os

            machine = os.uname().machine
        except (ImportError, AttributeError):  # MicroPython's unix port has no uname()
            machine = ""
    return _detect(platform, machine, implementation)


def as_dict(board=None):
    """A preset (name, module, dict, or None to detect) as a dict of every field."""
    if board is None:
        board = detect()
    if isinstance(board, str):
        board = _load(board)
    res = {}
    missing = False
    if isinstance(board, dict):
        for key in board:
            if key not in FIELDS:
                raise ValueError("unknown limit in board preset: %s" % key)
    for field in FIELDS:
        if isinstance(board, dict):
            value = board.get(field)
        else:
            value = getattr(board, field, None)
        res[field] = value
        missing = missing or value is None
    if missing:  # a partial preset: the rest from this runtime's own
        base = _load(detect())
        for field in FIELDS:
            if res[field] is None:
                res[field] = getattr(base, field)
    return res


def forget_modules(names):
    """Unload the modules `names` and their submodules, so their code can be collected.

    On MicroPython and CircuitPython a module's bytecode lives in the heap; one that is used
    once (the board presets, this module) is worth dropping. A no-op on CPython.
    """
    if sys.implementation.name == "cpython":
        return
    for name in list(sys.modules):
        for prefix in names:
            if name == prefix or name.startswith(prefix + "."):
                del sys.modules[name]
                parent, _, child = name.rpartition(".")
                package = sys.modules.get(parent)
                if package is not None and hasattr(package, child):
                    delattr(package, child)


def apply(app, board, overrides, lockdown=None):
    """Set the limits (`board`, then non-None `overrides`) as attributes of `app`, then
    unload the presets' code from a board's heap: they are read once per server.

    `lockdown` holds webserver's cors= and allowed_hosts=, if given (tinyweb.lockdown):
    set up here, where the code that does it leaves the heap again.
    """
    limits = resolve(board, **overrides)
    for key in FIELDS:
        setattr(app, key, limits[key])
    app._timeout_ms = int(limits["request_timeout"] * 1000)
    if lockdown:
        Guard = load("lockdown").Guard

        app._guard = Guard(**lockdown)
    forget_modules(("tinyweb.presets", "tinyweb.boards"))


def resolve(board=None, **overrides):
    """The limits to run with: `board` (detected when None), then non-None `overrides`."""
    limits = as_dict(board)
    for key, value in overrides.items():
        if key not in limits:
            raise TypeError("unknown limit: " + key)
        if value is not None:
            limits[key] = value
    return limits
