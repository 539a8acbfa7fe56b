"""Limits for the board the server runs on: picked from `tinyweb.boards`, overridable.

    limits = resolve("esp8266", max_concurrency=2)
    limits["buffer_size"]   # -> 512

A preset is plain data (a module of `tinyweb.boards`, or a dict) with the keys of `FIELDS`;
a missing key falls back to the `host` preset. Explicit arguments always win.
"""

import sys

FIELDS = (
    "max_concurrency",
    "buffer_size",
    "max_line",
    "max_headers",
    "max_body_size",
    "request_timeout",
    "backlog",
)


def _load(name):
    module = __import__("tinyweb.boards." + name)
    return getattr(module.boards, name)


def detect(platform=None, machine=None, implementation=None):
    """The name of the preset for this runtime (arguments are for tests)."""
    from .boards import detect as _detect

    if platform is None:
        platform = sys.platform
    if implementation is None:
        implementation = sys.implementation.name
    if machine is None:
        try:
            import os

            machine = os.uname().machine
        except (ImportError, AttributeError):
            machine = ""
    return _detect(platform, machine, implementation)


def as_dict(board):
    """A preset (module, dict or name) as a dict of every field."""
    base = _load("host")
    if isinstance(board, str):
        board = _load(board)
    res = {}
    for field in FIELDS:
        if isinstance(board, dict):
            value = board.get(field)
        else:
            value = getattr(board, field, None)
        res[field] = getattr(base, field) if value is None else value
    return res


def resolve(board=None, **overrides):
    """The limits to run with: `board` (detected when None), then non-None `overrides`."""
    if board is None:
        board = detect()
    limits = as_dict(board)
    for key, value in overrides.items():
        if key not in limits:
            raise TypeError("unknown limit: " + key)
        if value is not None:
            limits[key] = value
    return limits
