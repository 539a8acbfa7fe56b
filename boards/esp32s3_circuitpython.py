"""ESP32-S3 without PSRAM on CircuitPython: about 140 KB of heap.

Heap: CircuitPython 9.0 on an S3 without PSRAM reports 162912 free, which a maintainer calls
reasonable (adafruit/circuitpython#9120); assumed 140 KB once Wi-Fi is connected. With PSRAM
gc.mem_free() reads MBs: pass bigger limits (docs/boards.md).

CircuitPython's ESP-IDF build allows 8 sockets (CONFIG_LWIP_MAX_SOCKETS=8 in
ports/espressif/esp-idf-config/sdkconfig.defaults) and the web workflow may hold two: 1
listening + 2 served + 3 waiting leaves those two. Lines of 2 KB leave room for long cookies
and URLs.

Budget (docs/boards.md): 32.3 KB for tinyweb and its adapter (.mpy), 2 x 6.1 KB per
connection served at its worst (1 KB + two copies of a 2048 B line or body + a 1024 B read),
3 x 0.6 KB per waiting one, 6.1 KB to assemble the largest line or body: 52.6 KB, 38% of the
140 KB free.
"""

max_concurrency = 2  # connections served at once
buffer_size = 1024  # bytes asked of the socket per read
max_line = 2048  # longest request or header line (414 / 431 past it)
max_headers = 32  # most header lines (431 past it); unsaved ones cost no memory
max_body_size = 1024  # default per-route body limit (413 past it)
request_timeout = 3  # seconds for the head; longest stall of any later read or write
backlog = 3  # listen() backlog, and connections that may wait for a slot
keep_alive = 10  # most requests one connection may carry (HTTP/1.1 keep-alive; 1: none)

# What the limits were sized for (tests/test_boards.py checks the budget).
typical_free_heap = 140000  # bytes of gc.mem_free() with Wi-Fi up (above)
frozen = False  # the budget counts tinyweb installed as .mpy (mip, circup)
