"""examples/dashboard as examples/dashboard/main.py serves it on an ESP32 (the esp32 preset,
locked down), with the simulated LED and sensor: for the heap test of test_dashboard.py.

    micropython -X heapsize=96k serve_dashboard.py PORT WWW
"""

import gc
import sys

gc.collect()
start = gc.mem_alloc()

import dashboard  # noqa: E402
import hardware_fake  # noqa: E402

led, sensor = hardware_fake.setup()
app = dashboard.make_app(
    led, sensor, www=sys.argv[2], board="esp32", cors=False, allowed_hosts=["127.0.0.1"]
)
gc.collect()
print("heap after make_app:", gc.mem_alloc() - start)
app.run("127.0.0.1", int(sys.argv[1]))
