"""Run one benchmark app on 127.0.0.1, the way its framework's documentation starts it.

    micropython serve.py tinyweb hello 8081             # bench/apps/tinyweb_hello.py
    micropython serve.py tinyweb hello 8081 peak        # and print the live heap's peak
    python serve.py tinyweb hello 8081 socketpool       # tinyweb's CircuitPython adapter
    python serve.py httpserver hello 8081               # CPython's socket as the pool
    micropython serve.py tinyweb hello 8081 app=hello_length  # tinyweb_hello_length.py
    micropython serve.py tinyweb hello 8081 serve=8     # 8 slots instead of the preset's

Serves until the process is stopped. With `peak` (MicroPython), one more task collects
garbage whenever it gets a turn and prints "PEAK <bytes>" each time gc.mem_alloc() is higher
than before; "POOL <bytes>" first gives the size of the GC heap.
"""

import sys

FRAMEWORK = sys.argv[1]
WORKLOAD = sys.argv[2]
HOST = "127.0.0.1"
PORT = int(sys.argv[3])
OPTIONS = sys.argv[4:]
# "app=NAME": another app of the framework (FRAMEWORK_NAME.py) that also answers WORKLOAD,
# e.g. hello with a Content-Length (bench/keepalive.py), or live pages (bench/live_heap.py).
APP = WORKLOAD
for option in OPTIONS:
    if option.startswith("app="):
        APP = option[4:]
module = __import__(FRAMEWORK + "_" + APP)

if "peak" in OPTIONS:
    import asyncio
    import gc

    print("POOL", gc.mem_free() + gc.mem_alloc())

    async def sample():
        peak = 0
        while True:
            gc.collect()
            live = gc.mem_alloc()
            if live > peak:
                peak = live
                print("PEAK", peak)
            await asyncio.sleep_ms(0)

    asyncio.create_task(sample())

if FRAMEWORK == "tinyweb":
    for option in OPTIONS:
        if option.startswith("serve="):  # connections served at once (before the start)
            module.app.max_concurrency = int(option[6:])
        elif option.startswith("keep_alive="):  # most requests on one connection
            module.app.keep_alive = int(option[11:])
    if "socketpool" in OPTIONS:
        import socket

        from tinyweb.adapters import circuitpython_socketpool

        module.app.run(HOST, PORT, adapter=circuitpython_socketpool, pool=socket)
    else:
        module.app.run(HOST, PORT)
elif FRAMEWORK == "asyncio":  # no framework (bench/apps/asyncio_hello.py)
    module.run(HOST, PORT)
elif FRAMEWORK == "microdot":
    module.app.run(host=HOST, port=PORT)
elif FRAMEWORK == "phew":
    module.server.run(host=HOST, port=PORT)
elif FRAMEWORK == "uaioweb":
    import asyncio

    module.app.host = HOST
    module.app.port = PORT
    loop = asyncio.get_event_loop()
    loop.create_task(module.app.serve())
    loop.run_forever()
elif FRAMEWORK == "picoweb":
    module.app.run(host=HOST, port=PORT)
elif FRAMEWORK == "httpserver":
    module.server.start(HOST, PORT)
    while True:
        module.server.poll()
elif FRAMEWORK == "biplane":
    import socket

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    for _ in module.server.start(listener, listen_on=(HOST, PORT)):
        pass
else:
    raise SystemExit("unknown framework " + FRAMEWORK)
