"""The original ESP32 (no PSRAM) on CircuitPython: about 100 KB of heap.

Heap: CircuitPython takes "the biggest contiguous chunk possible, but in no event more than
half the total internal sram", which "on esp32 gives 123728 bytes of gc.mem_free in the
repl" (adafruit/circuitpython commit 72f5537). Assumed 100 KB once Wi-Fi is connected and a
socketpool made. Most CircuitPython ESP32 boards (Feather ESP32 V2) carry 2 MB of PSRAM.
With PSRAM gc.mem_free() reads MBs: pass bigger limits (docs/boards.md).

CircuitPython's ESP-IDF build allows 8 sockets (CONFIG_LWIP_MAX_SOCKETS=8 in
ports/espressif/esp-idf-config/sdkconfig.defaults) and the web workflow may hold two: 1
listening + 2 served + 3 waiting leaves those two.

Budget (docs/boards.md): 32.3 KB for tinyweb and its adapter (.mpy), 2 x 4.1 KB per
connection served at its worst (1 KB + two copies of a 1024 B line or body + a 1024 B read),
3 x 0.6 KB per waiting one, 3.1 KB to assemble the largest line or body: 45.4 KB, 45% of the
100 KB free.
"""

max_concurrency = 2  # connections served at once
buffer_size = 1024  # bytes asked of the socket per read
max_line = 1024  # longest request or header line (414 / 431 past it)
max_headers = 32  # most header lines (431 past it); unsaved ones cost no memory
max_body_size = 1024  # default per-route body limit (413 past it)
request_timeout = 3  # seconds for the head; longest stall of any later read or write
backlog = 3  # listen() backlog, and connections that may wait for a slot
keep_alive = 10  # most requests one connection may carry (HTTP/1.1 keep-alive; 1: none)

# What the limits were sized for (tests/test_boards.py checks the budget).
typical_free_heap = 100000  # bytes of gc.mem_free() with Wi-Fi up (above)
frozen = False  # the budget counts tinyweb installed as .mpy (mip, circup)
