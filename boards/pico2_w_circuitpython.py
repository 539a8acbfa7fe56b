"""Raspberry Pi Pico 2 W (RP2350) on CircuitPython: about 300 KB of heap.

Heap: no published gc.mem_free() figure was found; assumed 300 KB once Wi-Fi is connected
(520 KB of SRAM against the RP2040's 264 KB, of which CircuitPython leaves 126 KB). Check
yours.

CircuitPython's rp2 lwIP keeps 5 TCP connections (MEMP_NUM_TCP_PCB in
ports/raspberrypi/lwip_inc/lwipopts.h): 3 served + 2 waiting. So the heap buys longer lines
and reads rather than more connections.

Budget (docs/boards.md): 32.3 KB for tinyweb and its adapter (.mpy), 3 x 11.3 KB per
connection served at its worst (1 KB + two copies of a 4096 B line or body + a 2048 B read),
2 x 0.6 KB per waiting one, 12.3 KB to assemble the largest line or body: 79.6 KB, 27% of
the 300 KB free.
"""

max_concurrency = 3  # connections served at once
buffer_size = 2048  # bytes asked of the socket per read
max_line = 4096  # longest request or header line (414 / 431 past it)
max_headers = 32  # most header lines (431 past it); unsaved ones cost no memory
max_body_size = 1024  # default per-route body limit (413 past it)
request_timeout = 3  # seconds for the head; longest stall of any later read or write
backlog = 2  # listen() backlog, and connections that may wait for a slot
keep_alive = 10  # most requests one connection may carry (HTTP/1.1 keep-alive; 1: none)

# What the limits were sized for (tests/test_boards.py checks the budget).
typical_free_heap = 300000  # bytes of gc.mem_free() with Wi-Fi up (above)
frozen = False  # the budget counts tinyweb installed as .mpy (mip, circup)
