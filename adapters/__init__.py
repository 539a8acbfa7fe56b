"""Runtime adapters: each turns its runtime's connections into the `tinyweb.stream` seam.

Installed as `tinyweb.adapters`. `webserver.run()` picks the one for the running runtime;
name another with `run(..., adapter=tinyweb.adapters.memory)`.
"""


def default():
    """The adapter module `webserver.run()` uses when the caller names none."""
    from tinyweb.compat import IMPLEMENTATION, load

    # Through load(): when the adapter's code finds no heap, the code cached for features
    # (registration's, say) is dropped first and it is tried again.
    if IMPLEMENTATION == "cpython":
        adapter = load("adapters.cpython_asyncio")
    elif IMPLEMENTATION == "circuitpython":
        adapter = load("adapters.circuitpython_socketpool")
    else:
        adapter = load("adapters.micropython_streams")
    if IMPLEMENTATION != "cpython":
        # Picked once per server: on a board this package (this function) leaves the heap
        # again, as the presets do; the adapter module stays, held by the server. A later
        # import of tinyweb.adapters loads it anew.
        import sys

        import tinyweb

        try:
            del sys.modules[__name__]
            del tinyweb.adapters
        except (KeyError, AttributeError, TypeError):
            pass  # already gone, or a port whose modules keep their attributes: it stays
    return adapter
