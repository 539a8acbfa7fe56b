"""A load generator that opens a new connection per request and checks every answer.

    gen = LoadGenerator(8)                  # 8 worker processes, started once
    res = gen.run(("127.0.0.1", 8081), raw_request, expected_body, connections=8, seconds=1)
    res["valid"] / res["seconds"]           # requests per second
    gen.close()

Why not wrk: wrk miscounts responses that end when the server closes the connection (no
Content-Length, as tinyweb's streamed HTML answers are, like TinyWeb's). Its HTTP parser only
finishes such a message at EOF, after which wrk reconnects twice: it counts a read error for
every response and opens an extra connection that it closes at once, so the server accepts
two connections per request (tools/bench_speed.py measures this: see `wrk_check`).

Each worker is a process with blocking sockets and one connection at a time: connect, send
the raw request, read to EOF, close, then compare status and body with what is expected
(byte for byte). `connections` workers run at once, from a common start time, for `seconds`;
a request still running at the deadline is finished but counted as `late`, so
valid + late + bad is exactly the number of requests the server saw. CPython on Linux;
127.0.0.1 only.
"""

import multiprocessing
import os
import socket
import time

_START_DELAY = 0.05  # seconds between handing out a run and its start, for the workers to wait


def check(resp, expected_body):
    """None when `resp` is a 200 whose body is `expected_body`, else what is wrong."""
    if resp[9:12] != b"200" or not resp.startswith(b"HTTP/1."):
        return "status line %r" % (resp[:40],)
    end = resp.find(b"\r\n\r\n")
    if end < 0:
        return "no end of head"
    if resp[end + 4 :] != expected_body:
        return "body of %d bytes, expected %d" % (len(resp) - end - 4, len(expected_body))
    return None


def one_request(addr, raw, timeout=5.0):
    """Send `raw` over a new connection and read until the server closes it; the bytes."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.settimeout(timeout)
        s.connect(addr)
        s.sendall(raw)
        chunks = []
        while True:
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
    finally:
        s.close()
    return b"".join(chunks)


def _run(addr, raw, expected_body, start_at, stop_at):
    """One worker's share of a run: counts, latencies (seconds) and the first problem."""
    valid = late = bad = 0
    latencies = []
    problem = None
    now = time.monotonic()
    if start_at > now:
        time.sleep(start_at - now)
    cpu0 = os.times()
    while True:
        t0 = time.monotonic()
        if t0 >= stop_at:
            break
        try:
            resp = one_request(addr, raw)
            err = check(resp, expected_body)
        except OSError as e:
            err = "socket error: %r" % (e,)
        t1 = time.monotonic()
        if err is not None:
            bad += 1
            problem = problem or err
        elif t1 <= stop_at:
            valid += 1
            latencies.append(t1 - t0)
        else:
            late += 1
    cpu1 = os.times()
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    return {
        "valid": valid,
        "late": late,
        "bad": bad,
        "latencies": latencies,
        "problem": problem,
        "cpu": cpu,
    }


def _worker(conn):
    while True:
        job = conn.recv()
        if job is None:
            break
        conn.send(_run(*job))


class LoadGenerator:
    """`workers` processes, started once and reused by every run (no fork inside a run)."""

    def __init__(self, workers):
        ctx = multiprocessing.get_context("fork")
        self.pipes = []
        self.procs = []
        for _ in range(workers):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_worker, args=(child,), daemon=True)
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)

    def run(self, addr, raw, expected_body, connections, seconds):
        """Run `connections` clients for `seconds`; the merged counts of all workers."""
        if connections > len(self.pipes):
            raise ValueError("only %d workers" % len(self.pipes))
        start_at = time.monotonic() + _START_DELAY
        stop_at = start_at + seconds
        pipes = self.pipes[:connections]
        for p in pipes:
            p.send((addr, raw, expected_body, start_at, stop_at))
        total = {"valid": 0, "late": 0, "bad": 0, "cpu": 0.0, "problem": None}
        latencies = []
        for p in pipes:
            res = p.recv()
            for key in ("valid", "late", "bad", "cpu"):
                total[key] += res[key]
            total["problem"] = total["problem"] or res["problem"]
            latencies.extend(res["latencies"])
        latencies.sort()
        total["seconds"] = seconds
        total["rps"] = total["valid"] / seconds
        total["p50_ms"] = _percentile(latencies, 50) * 1000
        total["p99_ms"] = _percentile(latencies, 99) * 1000
        return total

    def close(self):
        for p in self.pipes:
            try:
                p.send(None)
            except OSError:
                pass
        for proc in self.procs:
            proc.join(5)
            if proc.is_alive():
                proc.terminate()
                proc.join(5)


def _percentile(values, pct):
    if not values:
        return 0.0
    i = min(len(values) - 1, int(len(values) * pct / 100))
    return values[i]
