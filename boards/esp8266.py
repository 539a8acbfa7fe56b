"""ESP8266 on MicroPython: about 35 KB of heap, so one connection at a time.

Heap: MicroPython gives the ESP8266 a fixed 38 KB heap (a static array in
ports/esp8266/main.c); after boot with Wi-Fi up gc.mem_free() reads about 35 KB
(micropython/micropython#11666 on v1.20: "about 35 KB of free heap"; #2530: GC total 35968).
Wi-Fi and lwIP live outside it; the SDK's lwIP takes its TCP connection limit from a value
espconn sets, 5 by default.

tinyweb has to be frozen into the firmware here: imported from .py or .mpy its code holds
about 25 KB of the heap, frozen about 7.5 KB. Even so a second slot, or TinyWeb's 1 KB
default body, would not fit in half the heap, so bodies default to 512 bytes (a route can
ask for more with max_body_size=). A browser loads a page's CSS, script and icon over
parallel connections once the page itself is in: 1 served + 2 waiting takes three, within
lwIP's 5; a fourth at the same moment gets 503 with Retry-After.

Budget (docs/boards.md): 11.8 KB for tinyweb and its adapter (frozen), 1 x 2.6 KB per
connection served at its worst (1 KB + two copies of a 512 B line or body + a 512 B read), 2
x 0.6 KB per waiting one, 1.5 KB to assemble the largest line or body: 17.2 KB, 49% of the
35 KB free.
"""

max_concurrency = 1  # connections served at once
buffer_size = 512  # bytes asked of the socket per read
max_line = 512  # longest request or header line (414 / 431 past it)
max_headers = 32  # most header lines (431 past it); unsaved ones cost no memory
max_body_size = 512  # default per-route body limit (413 past it)
request_timeout = 3  # seconds for the head; longest stall of any later read or write
backlog = 2  # listen() backlog, and connections that may wait for a slot
keep_alive = 10  # most requests one connection may carry (HTTP/1.1 keep-alive; 1: none)

# What the limits were sized for (tests/test_boards.py checks the budget).
typical_free_heap = 35000  # bytes of gc.mem_free() with Wi-Fi up (above)
frozen = True  # the budget counts tinyweb frozen into the firmware
