"""ESP32-C3 on MicroPython: about 120 KB of heap (400 KB of SRAM, no PSRAM).

Heap: MicroPython 1.21+ starts the heap at MICROPY_GC_INITIAL_HEAP_SIZE and grows it on
demand into ESP-IDF's internal RAM (micropython/micropython discussion #12316), sizing the
start "so they can grow the heap once (double it) and still have enough internal RAM to
start WiFi and make a HTTPS request" (ports/esp32/mpconfigport.h): 64 KB on the C3, so about
128 KB; assumed 120 KB free with Wi-Fi up (no published gc.mem_free() figure was found:
check yours). Wi-Fi and BLE together may not fit on the C3 (micropython/micropython#18859):
with BLE on, lower max_concurrency.

ESP-IDF allows 10 sockets (CONFIG_LWIP_MAX_SOCKETS default): 1 listening + 3 served + 4
waiting leaves 2 for the app. Lines of 2 KB leave room for long cookies and URLs.

Budget (docs/boards.md): 32.3 KB for tinyweb and its adapter (.mpy), 3 x 6.1 KB per
connection served at its worst (1 KB + two copies of a 2048 B line or body + a 1024 B read),
4 x 0.6 KB per waiting one, 6.1 KB to assemble the largest line or body: 59.4 KB, 49% of the
120 KB free.
"""

max_concurrency = 3  # connections served at once
buffer_size = 1024  # bytes asked of the socket per read
max_line = 2048  # longest request or header line (414 / 431 past it)
max_headers = 32  # most header lines (431 past it); unsaved ones cost no memory
max_body_size = 1024  # default per-route body limit (413 past it)
request_timeout = 3  # seconds for the head; longest stall of any later read or write
backlog = 4  # listen() backlog, and connections that may wait for a slot
keep_alive = 10  # most requests one connection may carry (HTTP/1.1 keep-alive; 1: none)

# What the limits were sized for (tests/test_boards.py checks the budget).
typical_free_heap = 120000  # bytes of gc.mem_free() with Wi-Fi up (above)
frozen = False  # the budget counts tinyweb installed as .mpy (mip, circup)
