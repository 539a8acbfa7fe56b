"""Bad input never crashes, hangs or leaks: seeded random and mutated requests.

Every answer is either nothing (the connection closed) or one HTTP/1.x response with one
status line; afterwards no connection is left open and a normal request is served.
"""

import asyncio
import os
import random

import case_app
from check import load_cases
from conftest import SHARED, http_request, no_connections_left, raw_request
from tinyweb.adapters import memory

SEED = 20261121
CASES = load_cases(os.path.join(SHARED, "cases.json"))
SEEDS = [c["request"].encode("utf-8") for c in CASES]
ALPHABET = b"GETPOSHAD /?&=%:\r\n\x00\t;,-_.~+*<>\"'\\\xff\xc3\xa9abcxyz0123456789"


def mutate(rng, data):
    """One random change of a request: flip, insert, delete, cut or repeat bytes."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(5)
        pos = rng.randrange(len(data) + 1)
        if op == 0 and data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif op == 1:
            data[pos:pos] = bytes(rng.choice(ALPHABET) for _ in range(rng.randint(1, 8)))
        elif op == 2:
            del data[pos : pos + rng.randint(1, 8)]
        elif op == 3:
            data = data[:pos]
        else:
            data[pos:pos] = data[pos : pos + 16] * rng.randint(1, 50)
    return bytes(data)


def check_answer(raw):
    assert raw == b"" or raw.startswith(b"HTTP/1."), raw[:80]
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.count(b"HTTP/1.") <= 1, raw[:200]


def test_mutated_requests_in_memory():
    rng = random.Random(SEED)
    app = case_app.make_app(os.path.join(SHARED, "static"))

    async def main():
        for _ in range(600):
            data = mutate(rng, rng.choice(SEEDS))
            raw = await asyncio.wait_for(memory.request(app, data, rng.choice((None, 1, 5))), 5)
            check_answer(raw)
        assert app.conns == [] and app._active == 0
        raw = await memory.request(app, b"GET / HTTP/1.0\r\n\r\n")
        assert raw.startswith(b"HTTP/1.0 200 OK\r\n")

    asyncio.run(main())


def test_random_bytes_and_mutations_over_sockets(serve):
    rng = random.Random(SEED + 1)
    app = case_app.make_app(os.path.join(SHARED, "static"))
    port = serve(app)
    for i in range(150):
        if i % 3 == 0:
            data = bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))
        else:
            data = mutate(rng, rng.choice(SEEDS))
        check_answer(raw_request(port, data))
    assert http_request(port, "GET", "/")[0] == 200
    assert no_connections_left(app)
