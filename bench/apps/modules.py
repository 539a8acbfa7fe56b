"""Which modules a hello-world app loads, and what importing each one adds to the heap.

    micropython modules.py list tinyweb             # MODULE lines: loaded by the app
    micropython modules.py import tinyweb A B ...   # CODE lines: heap added by each import

`list` imports the app, serves one request in memory and, for tinyweb, starts its listener
as app.run() does (that loads the runtime's adapter), then prints every module loaded by
then. `import` imports the named modules one by one, in the order given (dependencies
first, so each delta is one module's own), and prints gc.mem_alloc() after a collection,
minus the figure before. A name NAME@INIT is the package NAME's real __init__, staged by the
driver as NAME._bench_init (the package's own __init__ is then an empty file, so that its
submodules can be imported one at a time).
"""

import gc
import sys

what = sys.argv[1]
framework = sys.argv[2]

if what == "list":
    # Taken before the harness imports asyncio: the event loop's own module state counts
    # as a runtime module of every framework that uses it (imported first, listed apart).
    before = list(sys.modules) + ["inmemory", "workloads"]
    import inmemory

    try:
        import asyncio
    except ImportError:
        import uasyncio as asyncio
    handle, stream_class = inmemory.load(framework, "hello")

    async def main():
        await inmemory.serve_checked(handle, stream_class, "hello")
        if framework == "tinyweb":
            # What app.run() does: start the listener (app.start() would load
            # tinyweb.control, which a hello-world app never does); listed before stopping.
            app = sys.modules["tinyweb_hello"].app
            await app._start("127.0.0.1", 0, None, None, {})
            loaded.extend(sys.modules)
            app.shutdown()
            await app.wait_closed()

    loaded = []
    asyncio.run(main())
    for name in sorted(set(loaded or sys.modules)):
        if name not in before and not name.startswith(framework + "_"):
            print("MODULE", name)
elif what == "import":
    for name in sys.argv[3:]:
        gc.collect()
        before = gc.mem_alloc()
        if name.endswith("@INIT"):
            __import__(name[:-5] + "._bench_init")
        else:
            __import__(name)
        gc.collect()
        print("CODE", name, gc.mem_alloc() - before)
