"""Raspberry Pi Pico W (RP2040) on MicroPython: about 160 KB of heap.

Heap: what the firmware leaves of the RP2040's 264 KB of SRAM (__GcHeapStart to __GcHeapEnd,
micropython/micropython#10968). A Pico without Wi-Fi reports 209936 free (#12557, v1.20); on
the Pico W the CYW43 driver and lwIP (about 27 KB for lwIP alone, per lwipopts_common.h)
take their share: assumed 160 KB free with Wi-Fi up.

lwIP on the rp2 port keeps lwIP's default of 5 TCP connections (MEMP_NUM_TCP_PCB is not
raised in extmod/lwip-include/lwipopts_common.h) and a TCP_MSS of 800 bytes, so a read
rarely returns more than one segment: 3 served + 2 waiting, whatever the heap. Detection
also picks this preset for other RP2040 boards.

Budget (docs/boards.md): 32.3 KB for tinyweb and its adapter (.mpy), 3 x 6.1 KB per
connection served at its worst (1 KB + two copies of a 2048 B line or body + a 1024 B read),
2 x 0.6 KB per waiting one, 6.1 KB to assemble the largest line or body: 58.1 KB, 36% of the
160 KB free.
"""

max_concurrency = 3  # connections served at once
buffer_size = 1024  # bytes asked of the socket per read
max_line = 2048  # longest request or header line (414 / 431 past it)
max_headers = 32  # most header lines (431 past it); unsaved ones cost no memory
max_body_size = 1024  # default per-route body limit (413 past it)
request_timeout = 3  # seconds for the head; longest stall of any later read or write
backlog = 2  # listen() backlog, and connections that may wait for a slot
keep_alive = 10  # most requests one connection may carry (HTTP/1.1 keep-alive; 1: none)

# What the limits were sized for (tests/test_boards.py checks the budget).
typical_free_heap = 160000  # bytes of gc.mem_free() with Wi-Fi up (above)
frozen = False  # the budget counts tinyweb installed as .mpy (mip, circup)
