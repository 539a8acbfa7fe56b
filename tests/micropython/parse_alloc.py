"""Heap allocated by parsing hostile urlencoded input, printed as "name bytes" lines.

    MICROPYPATH=build/device/lib:.frozen micropython parse_alloc.py

The collector is off while each parse runs, so every byte it allocates is counted (nothing is
freed in between); the input itself is made before counting starts.
"""

import gc

from tinyweb.urlencoded import parse_query_string

INPUTS = (
    ("amp1024", b"&" * 1024),
    ("amp990", b"&" * 990),
    ("percent1024", b"a=" + b"%" * 1022),
)

for name, data in INPUTS:
    gc.collect()
    gc.disable()
    before = gc.mem_alloc()
    parse_query_string(data)
    after = gc.mem_alloc()
    gc.enable()
    print(name, after - before)
