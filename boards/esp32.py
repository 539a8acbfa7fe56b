"""The original ESP32 (no PSRAM) on MicroPython: about 100 KB of heap.

Heap: MicroPython 1.21+ starts the heap at MICROPY_GC_INITIAL_HEAP_SIZE and grows it on
demand into ESP-IDF's internal RAM (micropython/micropython discussion #12316), sizing the
start "so they can grow the heap once (double it) and still have enough internal RAM to
start WiFi and make a HTTPS request" (ports/esp32/mpconfigport.h): 56 KB on the ESP32, so
about 112 KB; boards report as much: 114256 free at boot on v1.12
(micropython/micropython#5554), GC total 111168 on v1.13 (#7043). Assumed 100 KB free with
Wi-Fi up. A module with PSRAM ("Generic ESP32 module with SPIRAM") has MBs: pass bigger
limits (docs/boards.md).

ESP-IDF allows 10 sockets (CONFIG_LWIP_MAX_SOCKETS default): 1 listening + 3 served + 3
waiting leaves 3 for the app.

Budget (docs/boards.md): 32.3 KB for tinyweb and its adapter (.mpy), 3 x 4.1 KB per
connection served at its worst (1 KB + two copies of a 1024 B line or body + a 1024 B read),
3 x 0.6 KB per waiting one, 3.1 KB to assemble the largest line or body: 49.5 KB, 50% of the
100 KB free.
"""

max_concurrency = 3  # connections served at once
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
