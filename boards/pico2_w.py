"""Raspberry Pi Pico 2 W (RP2350) on MicroPython: about 400 KB of heap.

Heap: what the firmware leaves of the RP2350's 520 KB of SRAM, as on the RP2040; assumed 400
KB free with Wi-Fi up (no published gc.mem_free() figure was found; 520 KB less the Pico W's
share of static RAM gives about 450 KB).

lwIP on the rp2 port keeps lwIP's default of 5 TCP connections (MEMP_NUM_TCP_PCB is not
raised in extmod/lwip-include/lwipopts_common.h) and a TCP_MSS of 800 bytes, so a read
rarely returns more than one segment: 3 served + 2 waiting, whatever the heap. So the heap
buys longer lines and reads rather than more connections. Detection also picks this preset
for other RP2350 boards.

Budget (docs/boards.md): 32.3 KB for tinyweb and its adapter (.mpy), 3 x 11.3 KB per
connection served at its worst (1 KB + two copies of a 4096 B line or body + a 2048 B read),
2 x 0.6 KB per waiting one, 12.3 KB to assemble the largest line or body: 79.6 KB, 20% of
the 400 KB free.
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
typical_free_heap = 400000  # bytes of gc.mem_free() with Wi-Fi up (above)
frozen = False  # the budget counts tinyweb installed as .mpy (mip, circup)
