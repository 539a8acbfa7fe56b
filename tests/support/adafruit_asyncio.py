"""Make `import asyncio` give CircuitPython's asyncio (adafruit-circuitpython-asyncio) on CPython.

The PyPI package installs a top-level package named `asyncio`, which the standard library's
`asyncio` shadows (the stdlib comes first on sys.path). A server "as CircuitPython runs it"
needs the Adafruit one to *be* `asyncio` in its process, because tinyweb.compat and the
adapters `import asyncio`. So, in a fresh process and before anything imports asyncio:

    from support import adafruit_asyncio
    adafruit_asyncio.install()          # sys.modules["asyncio"] is now the Adafruit package
    import tinyweb                      # ... and tinyweb runs on its event loop

`install()` loads the package from its folder by path under the name `asyncio` (no sys.path
tricks, so nothing else from site-packages moves ahead of the stdlib) and checks it is the
Adafruit one. One gap is filled: the Adafruit loop waits with `select.poll().ipoll(ms)`, the
MicroPython/CircuitPython form, which CPython's `select` lacks; the loop alone gets a `select`
with `ipoll` over CPython's poll (`_MicroPythonPoll` below). Nothing else is changed.
"""

import os
import select as _select
import sys
import types

MARKER = "Adafruit_CircuitPython_asyncio"


def find(search=None):
    """The folder of the Adafruit `asyncio` package: in `search` (a list of folders) or sys.path."""
    for folder in search or sys.path:
        init = os.path.join(folder or ".", "asyncio", "__init__.py")
        if os.path.isfile(init):
            with open(init, encoding="utf-8") as f:
                if MARKER in f.read():
                    return os.path.dirname(init)
    raise ImportError("adafruit-circuitpython-asyncio is not installed (pip install it)")


class _MicroPythonPoll:
    """select.poll() as MicroPython has it: register objects, `ipoll()` yields (object, event)."""

    def __init__(self):
        self._poll = _select.poll()
        self._objects = {}

    def register(self, obj, mask=_select.POLLIN | _select.POLLOUT):
        fd = obj.fileno()
        self._objects[fd] = obj
        self._poll.register(fd, mask)

    def modify(self, obj, mask):
        self._poll.modify(obj.fileno(), mask)

    def unregister(self, obj):
        fd = obj.fileno()
        self._objects.pop(fd, None)
        self._poll.unregister(fd)

    def poll(self, timeout=-1):
        return [(self._objects[fd], ev) for fd, ev in self._poll.poll(timeout)]

    def ipoll(self, timeout=-1, flags=0):
        return self.poll(timeout)


def _select_for_the_loop():
    module = types.ModuleType("select")
    for name in ("POLLIN", "POLLOUT", "POLLERR", "POLLHUP"):
        setattr(module, name, getattr(_select, name))
    module.poll = _MicroPythonPoll
    return module


def install(search=None):
    """Load the Adafruit `asyncio` as `asyncio` in this process; returns the module.

    `search`: folders to look in first (e.g. a CIRCUITPY drive's lib/); default sys.path.
    """
    import importlib.util

    folder = find(search)
    loaded = sys.modules.get("asyncio")
    if loaded is not None:
        if os.path.dirname(os.path.abspath(loaded.__file__)) == folder:
            return loaded
        raise RuntimeError("the standard library's asyncio is already imported in this process")
    spec = importlib.util.spec_from_file_location(
        "asyncio", os.path.join(folder, "__init__.py"), submodule_search_locations=[folder]
    )
    module = importlib.util.module_from_spec(spec)
    real_select = sys.modules.get("select", _select)
    sys.modules["asyncio"] = module
    sys.modules["select"] = _select_for_the_loop()  # seen by asyncio.core's `import select`
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules["asyncio"]
        raise
    finally:
        sys.modules["select"] = real_select
    if not hasattr(module, "sleep_ms") or MARKER not in (module.__repo__ or ""):
        raise RuntimeError("%s is not the Adafruit asyncio" % module.__file__)
    return module
