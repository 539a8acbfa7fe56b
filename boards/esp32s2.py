"""ESP32-S2 without PSRAM on MicroPython: about 64 KB of heap.

Heap: MicroPython 1.21+ starts the heap at MICROPY_GC_INITIAL_HEAP_SIZE and grows it on
demand into ESP-IDF's internal RAM (micropython/micropython discussion #12316), sizing the
start "so they can grow the heap once (double it) and still have enough internal RAM to
start WiFi and make a HTTPS request" (ports/esp32/mpconfigport.h): 36 KB on an S2 without
PSRAM, so about 72 KB; assumed 64 KB free with Wi-Fi up. Most S2 boards carry 2 MB of PSRAM
(the "R2" in ESP32-S2FN4R2) and the generic S2 firmware uses it. With PSRAM gc.mem_free()
reads MBs: pass bigger limits (docs/boards.md).

Half of 64 KB holds tinyweb only when it is frozen into the firmware; installed with mip
(.mpy) the same limits take about 78% of the heap.

ESP-IDF allows 10 sockets (CONFIG_LWIP_MAX_SOCKETS default): 1 listening + 3 served + 4
waiting leaves 2 for the app.

Budget (docs/boards.md): 11.8 KB for tinyweb and its adapter (frozen), 3 x 4.1 KB per
connection served at its worst (1 KB + two copies of a 1024 B line or body + a 1024 B read),
4 x 0.6 KB per waiting one, 3.1 KB to assemble the largest line or body: 29.7 KB, 46% of the
64 KB free.
"""

max_concurrency = 3  # connections served at once
buffer_size = 1024  # bytes asked of the socket per read
max_line = 1024  # longest request or header line (414 / 431 past it)
max_headers = 32  # most header lines (431 past it); unsaved ones cost no memory
max_body_size = 1024  # default per-route body limit (413 past it)
request_timeout = 3  # seconds for the head; longest stall of any later read or write
backlog = 4  # listen() backlog, and connections that may wait for a slot
keep_alive = 10  # most requests one connection may carry (HTTP/1.1 keep-alive; 1: none)

# What the limits were sized for (tests/test_boards.py checks the budget).
typical_free_heap = 64000  # bytes of gc.mem_free() with Wi-Fi up (above)
frozen = True  # the budget counts tinyweb frozen into the firmware
