"""MicroPython (or CircuitPython) running on a computer: the unix, Windows and WebAssembly
ports, where people try their board code first.

Sized like a board, not like the computer, so that an app tried here meets the limits it
will meet on the device, and the heap it needs here (`-X heapsize=`) is what it needs there:
the smallest boards' 512-byte lines and bodies (esp8266.py, generic.py; a longer header that
the route does not save streams past at no cost), and the ESP32's three connections served
and three waiting (esp32.py). CPython on the same computer gets `host`; pass board="host"
(or any preset) to get other limits.
"""

max_concurrency = 3  # connections served at once
buffer_size = 512  # bytes asked of the socket per read
max_line = 512  # longest request line or saved header line (414 / 431 past it)
max_headers = 32  # most header lines (431 past it); unsaved ones cost no memory
max_body_size = 512  # default per-route body limit (413 past it)
request_timeout = 3  # seconds for the head; longest stall of any later read or write
backlog = 3  # listen() backlog, and connections that may wait for a slot
keep_alive = 10  # most requests one connection may carry (HTTP/1.1 keep-alive; 1: none)

# What the limits were sized for (tests/test_boards.py checks the budget).
typical_free_heap = 100000  # the ESP32's (boards/esp32.py), whose connection counts these are
frozen = False  # the budget counts tinyweb installed as .mpy (mip, circup)
