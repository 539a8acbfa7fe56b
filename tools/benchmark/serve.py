"""Serve the benchmark app over real sockets on MicroPython's unix port; run by tools/bench.py.

    MICROPYPATH=build/device/lib:build/bench/lib:.frozen micropython -X heapsize=32K \
        tools/benchmark/serve.py tinyweb 8081 [BOARD]
"""

import sys

framework = sys.argv[1]
port = int(sys.argv[2])
app = __import__("app_" + framework).app
if framework == "tinyweb":
    app.run("127.0.0.1", port)
else:
    app.run(host="127.0.0.1", port=port)
