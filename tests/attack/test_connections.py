"""Attacks on connections rather than on requests: resets mid-head, mid-body and
mid-response, idle floods, slowloris. Each loop is bounded in count and time; the server
cuts off whoever holds a slot for longer than its request timeout (408), logs nothing for a
client that went away, and then answers a normal request at once.
"""

import socket
import time

import pytest
from conftest import TIMEOUT, at_once

from . import attack_app
from .conftest import connect, read_all, reset, status

SLOTS = attack_app.MAX_CONCURRENCY
WAITING = attack_app.BACKLOG
TIMED_OUT = b"HTTP/1.0 408 Request Timeout"
BUSY = b"HTTP/1.0 503 Service Unavailable"
RESETS = 10  # connections reset per kind


def settle():
    """Give the server a moment to notice resets (nothing is asserted about the time)."""
    time.sleep(0.2)


@pytest.mark.parametrize(
    "data",
    [
        b"GET / HTTP/1.1\r\nHost: device\r\nX-Half: a",
        b"GET /files/hello.txt HTT",
        b"POST /form HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 1000\r\n\r\na=1&b=2",
    ],
    ids=["mid-head", "mid-request-line", "mid-body"],
)
def test_reset_mid_request(server, data):
    before = server.tracebacks()
    for _ in range(RESETS):
        s = connect(server.port)
        s.sendall(data)
        reset(s)
    settle()
    server.answers_normally()
    assert server.tracebacks() == before, server.report()


def test_reset_mid_response(server):
    before = server.tracebacks()
    for _ in range(RESETS):
        s = connect(server.port)
        s.sendall(b"GET /big HTTP/1.0\r\n\r\n")
        assert s.recv(1024).startswith(b"HTTP/1.0 200 OK")
        reset(s)
    settle()
    server.answers_normally()
    assert server.tracebacks() == before, server.report()


def test_both_directions_shut_mid_response(server):
    """The client shuts its socket both ways: the server's next send fails (EPIPE)."""
    before = server.tracebacks()
    for _ in range(RESETS // 2):
        s = connect(server.port)
        s.sendall(b"GET /big HTTP/1.0\r\n\r\n")
        assert s.recv(1024).startswith(b"HTTP/1.0 200 OK")
        s.shutdown(socket.SHUT_RDWR)
        s.close()
    settle()
    server.answers_normally()
    assert server.tracebacks() == before, server.report()


def open_idle(server, n):
    """n connections that send nothing, opened one after another."""
    socks = []
    for _ in range(n):
        socks.append(connect(server.port))
    return socks


def answers(socks):
    """What each socket receives until the server closes it, read from a thread each."""

    def one(i):
        with socks[i]:
            return read_all(socks[i])

    return at_once(one, len(socks))


def test_idle_flood_up_to_slots_and_waiting_places_is_cut_off(server):
    """Slots + waiting places of silent sockets: each one is cut off with a 408 (the waiting
    ones once they had a slot), and the server then answers at once."""
    socks = open_idle(server, SLOTS + WAITING)
    results = answers(socks)
    assert [status(r) for r in results] == [TIMED_OUT] * (SLOTS + WAITING), server.report()
    server.answers_normally()


def fill(server):
    """Every slot busy in a handler (/slow, a second) and every waiting place taken by a
    silent socket: the server is full, and a new connection is refused (503)."""
    busy = []
    for _ in range(SLOTS):
        s = connect(server.port)
        s.sendall(b"GET /slow HTTP/1.0\r\n\r\n")
        busy.append(s)
    time.sleep(0.1)  # the slow ones have their slots
    return busy, open_idle(server, WAITING)


def test_a_full_server_refuses_with_503(server):
    busy, idle = fill(server)
    try:
        time.sleep(0.1)
        with connect(server.port) as extra:
            assert status(read_all(extra)) == BUSY, server.report()
    finally:
        slow = answers(busy)
        waited = answers(idle)
    assert [r.endswith(b"\r\n\r\nslept") for r in slow] == [True] * SLOTS, slow
    # The silent ones got the slots when /slow let go, then ran out of time for their heads.
    assert [status(r) for r in waited] == [TIMED_OUT] * WAITING, server.report()
    server.answers_normally()


def test_a_normal_client_is_served_during_an_idle_flood(server):
    """Every slot and waiting place held by silent sockets: an honest client still gets its
    answer (one that made no progress gives way), not a 503."""
    socks = open_idle(server, SLOTS + WAITING)
    try:
        time.sleep(0.2)
        raw = server.raw(b"GET / HTTP/1.0\r\n\r\n")
        assert status(raw) == b"HTTP/1.0 200 OK" and raw.endswith(b"index")
    finally:
        answers(socks)


def test_the_503_of_a_full_server_is_not_lost_to_a_reset(server):
    """A client refused with 503 that sends its request in two writes (as http.client does
    with a head and a body) reads the 503: the server reads the request first, so that its
    close does not reset the connection under the answer or under the client's second
    write."""
    busy, idle = fill(server)
    got = []
    try:
        time.sleep(0.1)
        with connect(server.port) as s:
            try:
                s.sendall(b"POST /form HTTP/1.0\r\nContent-Length: 8\r\n\r\n")
                time.sleep(0.1)
                s.sendall(b"a=1&b=22")
                got.append(status(read_all(s)))
            except ConnectionError as e:
                got.append(repr(e))
    finally:
        answers(busy + idle)
    assert got == [BUSY], server.report()
    server.answers_normally()


def test_slowloris(server):
    """Slow clients, one header byte every 100 ms, as many as the slots: each gets a 408
    (the head's time is what counts, not the time between bytes) or is closed."""
    head = b"GET / HTTP/1.1\r\nHost: device\r\n" + b"X-Slow: " + b"s" * 200

    def slow(i):
        s = connect(server.port)
        try:
            for byte in head:  # at most 23 s of bytes: the server cuts it off long before
                try:
                    s.sendall(bytes((byte,)))
                except OSError:  # the server closed it: what it answered is read below
                    break
                s.settimeout(0.1)
                try:
                    if s.recv(1, socket.MSG_PEEK):
                        break  # an answer is there
                except socket.timeout:
                    pass
                finally:
                    s.settimeout(TIMEOUT)
            return read_all(s)
        finally:
            s.close()

    results = at_once(slow, SLOTS, TIMEOUT * 4)
    assert [status(r) for r in results] == [TIMED_OUT] * SLOTS, (results, server.report())
    server.answers_normally()


def test_the_server_holds_what_it_held_before(server):
    server.holds_what_it_held()
