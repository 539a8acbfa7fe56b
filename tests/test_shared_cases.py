"""The shared request/response cases (tests/shared/cases.json) on CPython.

Over real loopback sockets (raw bytes in, raw bytes out: bad input needs raw bytes), and in
memory with reads cut into 7-byte pieces so lines and bodies straddle reads.
"""

import asyncio
import os

import case_app
import pytest
from check import check, load_cases
from conftest import SHARED, ServerThread, raw_request
from tinyweb.adapters import memory

CASES = load_cases(os.path.join(SHARED, "cases.json"))
STATIC = os.path.join(SHARED, "static")


@pytest.fixture(scope="module")
def ports():
    servers = {
        "main": ServerThread(case_app.make_app(STATIC)),
        "plain": ServerThread(case_app.make_plain_app()),
    }
    yield {name: s.port for name, s in servers.items()}
    for s in servers.values():
        s.stop()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case_over_socket(ports, case):
    raw = raw_request(ports[case.get("app", "main")], case["request"].encode("utf-8"))
    assert check(case, raw) == []


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case_in_memory_split_reads(case):
    app = case_app.make_app(STATIC) if case.get("app", "main") == "main" else None
    app = app or case_app.make_plain_app()
    raw = asyncio.run(memory.request(app, case["request"].encode("utf-8"), chunk=7))
    assert check(case, raw) == []
