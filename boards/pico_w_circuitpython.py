"""Raspberry Pi Pico W (RP2040) on CircuitPython: about 110 KB of heap.

Heap: CircuitPython 9.0 reports 126112 free at the start of code.py on a Pico W (152 KB on
8.0.5; adafruit/circuitpython#9085); assumed 110 KB once Wi-Fi is connected and a socketpool
made.

CircuitPython's rp2 lwIP keeps 5 TCP connections (MEMP_NUM_TCP_PCB in
ports/raspberrypi/lwip_inc/lwipopts.h): 3 served + 2 waiting.

Budget (docs/boards.md): 32.3 KB for tinyweb and its adapter (.mpy), 3 x 4.1 KB per
connection served at its worst (1 KB + two copies of a 1024 B line or body + a 1024 B read),
2 x 0.6 KB per waiting one, 3.1 KB to assemble the largest line or body: 48.9 KB, 44% of the
110 KB free.
"""

max_concurrency = 3  # connections served at once
buffer_size = 1024  # bytes asked of the socket per read
max_line = 1024  # longest request or header line (414 / 431 past it)
max_headers = 32  # most header lines (431 past it); unsaved ones cost no memory
max_body_size = 1024  # default per-route body limit (413 past it)
request_timeout = 3  # seconds for the head; longest stall of any later read or write
backlog = 2  # listen() backlog, and connections that may wait for a slot
keep_alive = 10  # most requests one connection may carry (HTTP/1.1 keep-alive; 1: none)

# What the limits were sized for (tests/test_boards.py checks the budget).
typical_free_heap = 110000  # bytes of gc.mem_free() with Wi-Fi up (above)
frozen = False  # the budget counts tinyweb installed as .mpy (mip, circup)
