"""A computer: CPython, or MicroPython's unix, Windows or WebAssembly port.

Memory is not the constraint, so these are a small production server's limits: 4 KB lines
and reads (nginx reads headers into 1 KB and grows to 8 KB; tomcat allows 8 KB), 100 header
lines, TinyWeb's 1 KB default body. A custom preset that leaves a field out gets it from the
preset detected for the runtime, which on a computer is this one.
"""

max_concurrency = 32  # connections served at once
buffer_size = 4096  # bytes asked of the socket per read
max_line = 4096  # longest request or header line (414 / 431 past it)
max_headers = 100  # most header lines (431 past it; Apache's default); unsaved ones cost nothing
max_body_size = 1024  # default per-route body limit (413 past it)
request_timeout = 3  # seconds for the head; longest stall of any later read or write
backlog = 16  # listen() backlog, and connections that may wait for a slot
keep_alive = 100  # most requests one connection may carry (HTTP/1.1 keep-alive; 1: none)

# What the limits were sized for (tests/test_boards.py checks the budget).
typical_free_heap = None  # a computer: not the constraint
frozen = False  # the budget counts tinyweb installed as .mpy (mip, circup)
