"""Build the API reference from the docstrings: `make docs` -> build/docs/index.html.

    python tools/docs.py                 # -> build/docs/
    python tools/docs.py --out DIR

pdoc (the `docs` extra) renders the public modules. Two things are shown as a user meets
them rather than as the source is laid out, in this process only (nothing is changed on
disk or for the tests):

- the methods `webserver`, `request` and `response` load on first use (`start`,
  `read_parse_form_data`, `error`, ...: `tinyweb.control.ServerMethods`,
  `tinyweb.body.RequestMethods`, `tinyweb.status.ResponseMethods`) appear on the classes;
- an adapter's seam methods (`read`, `drain`, ...) show the seam's text (tinyweb/stream.py).

Any warning pdoc gives fails the build (exit 1); tests/test_docstrings.py fails on a public
name without a docstring.
"""

import argparse
import os
import sys
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = [
    "tinyweb",
    "tinyweb.adapters",
    "tinyweb.boards",
    "tinyweb.resource",
    "tinyweb.stream",
    # Imported by name in apps (docs/guide.md, docs/live.md).
    "tinyweb.auth",
    "tinyweb.testing",
    "tinyweb.websocket",
    "tinyweb.sse",
]


def attach_lazy_methods():
    """Put the lazily found methods on their classes, as instances see them, and the
    package's lazily found functions (urldecode_plus, ...) in it."""
    import tinyweb

    for name in tinyweb.__all__:
        setattr(tinyweb, name, getattr(tinyweb, name))
    from tinyweb.body import RequestMethods
    from tinyweb.control import ServerMethods
    from tinyweb.status import ResponseMethods

    for cls, lazy in (
        (tinyweb.webserver, ServerMethods),
        (tinyweb.request, RequestMethods),
        (tinyweb.response, ResponseMethods),
    ):
        for name, f in vars(lazy).items():
            if not name.startswith("_") and callable(f) and name not in vars(cls):
                setattr(cls, name, f)


def stub_micropython_asyncio():
    """The MicroPython adapter imports `core` from MicroPython's asyncio at import time; a
    stand-in lets CPython import it to read its docstrings."""
    import asyncio
    import types

    if not hasattr(asyncio, "core") and "uasyncio" not in sys.modules:
        stub = types.ModuleType("uasyncio")
        stub.core = types.ModuleType("uasyncio.core")
        sys.modules["uasyncio"] = stub


def seam_docstrings():
    """An adapter's Stream/Listener methods without text of their own get the seam's."""
    import importlib

    import tinyweb.stream as seam

    folder = os.path.join(ROOT, "adapters")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".py") or name == "__init__.py":
            continue
        module = importlib.import_module("tinyweb.adapters." + name[:-3])
        for cls_name in ("Stream", "Listener"):
            cls = getattr(module, cls_name, None)
            if cls is None:
                continue
            for meth, f in vars(cls).items():
                told = getattr(getattr(seam, cls_name), meth, None)
                if callable(f) and not f.__doc__ and told is not None:
                    f.__doc__ = told.__doc__
        f = getattr(module, "start_server", None)
        if f is not None and not f.__doc__:
            f.__doc__ = seam.start_server.__doc__


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "build", "docs"))
    args = parser.parse_args(argv)
    try:
        import pdoc
        import pdoc.render
    except ImportError:
        sys.exit("docs: pdoc is missing: pip install -e '.[docs]'")
    stub_micropython_asyncio()
    attach_lazy_methods()
    seam_docstrings()
    pdoc.render.configure(
        docformat="markdown",
        footer_text="tinyweb: the API reference, from the docstrings (make docs)",
        search=True,
        show_source=False,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdoc.pdoc(*MODULES, output_directory=__import__("pathlib").Path(args.out))
    for w in caught:
        print("docs: warning: %s" % w.message)
    if caught:
        return 1
    print("docs: %s" % os.path.join(args.out, "index.html"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
