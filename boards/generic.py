"""An unknown MicroPython or CircuitPython board: the smallest limits of any preset.

Detection picks this when it does not know the board (no known Wi-Fi chip, an ESP32-C2 or
H2, a port without a preset). Every limit is at most the ESP8266's, so it fits the smallest
heap tinyweb runs in (about 35 KB, with tinyweb frozen). Once you know the board's
gc.mem_free() with Wi-Fi up, pick a named preset or pass bigger limits.

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
