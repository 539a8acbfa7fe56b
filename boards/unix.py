"""MicroPython (or CircuitPython) running on a computer: the unix, Windows and WebAssembly
ports, where people try their board code first.

Sized like the board most people deploy to, the ESP32 (boards/esp32.py), not like the
computer: an app tried here meets the limits it will meet on the device (a 1 KB line, three
connections served and three waiting), and the heap it needs here (`-X heapsize=`) is what
it needs there. CPython on the same computer gets `host`; pass board="host" to get a
computer's limits on MicroPython too.
"""

max_concurrency = 3  # connections served at once
buffer_size = 1024  # bytes asked of the socket per read
max_line = 1024  # longest request or header line (414 / 431 past it)
max_headers = 32  # most header lines (431 past it); unsaved ones cost no memory
max_body_size = 1024  # default per-route body limit (413 past it)
request_timeout = 3  # seconds for the head; longest stall of any later read or write
backlog = 3  # listen() backlog, and connections that may wait for a slot

# What the limits were sized for (tests/test_boards.py checks the budget).
typical_free_heap = 100000  # the ESP32's (boards/esp32.py), whose limits these are
frozen = False  # the budget counts tinyweb installed as .mpy (mip, circup)
