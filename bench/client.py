"""HTTP clients for the socket benchmarks: every request on a new connection, every answer
checked byte for byte (bench/apps/workloads.py). 127.0.0.1 only; every loop is bounded.

    ok, problem = burst(port, "hello", requests=200, clients=4)   # threads, stops at a failure
    gen = LoadGenerator(4)                                        # worker processes
    res = gen.run(port, "hello", clients=4, seconds=1.0)          # res["rps"]
    gen.close()

Why not wrk: it miscounts answers that end when the server closes the connection (no
Content-Length, as tinyweb's streamed pages are): it counts a read error for each and opens
a spare connection per request, so the server sees two connections per request.
"""

import multiprocessing
import os
import socket
import sys
import threading
import time

from . import env

sys.path.insert(0, env.APPS)
import workloads  # noqa: E402  (bench/apps/workloads.py, shared with the device side)

TIMEOUT = 5.0  # seconds one request may take


def one_request(port, raw, timeout=TIMEOUT):
    """Send `raw` on a new connection to 127.0.0.1:port; everything read until EOF."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.settimeout(timeout)
        s.connect((env.HOST, port))
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


def burst(port, workload, requests, clients, deadline_s=120):
    """`requests` requests from `clients` threads at once; (all right, first problem)."""
    raw = workloads.request(workload)
    problems = []
    per_client = requests // clients
    stop_at = time.monotonic() + deadline_s

    def client():
        for _ in range(per_client):
            if problems or time.monotonic() > stop_at:
                return
            try:
                problem = workloads.check(workload, one_request(port, raw))
            except OSError as e:
                problem = "socket error: %r" % (e,)
            if problem:
                problems.append(problem)
                return

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(deadline_s + TIMEOUT)
    if not problems and time.monotonic() > stop_at:
        problems.append("took over %d s" % deadline_s)
    return not problems, (problems[0] if problems else None)


# ---- requests per second ---------------------------------------------------------------------


def _run(port, workload, start_at, stop_at):
    """One worker's share of a timed run: valid, late (finished after the end), bad."""
    raw = workloads.request(workload)
    valid = late = bad = 0
    problem = None
    now = time.monotonic()
    if start_at > now:
        time.sleep(start_at - now)
    while time.monotonic() < stop_at:
        try:
            err = workloads.check(workload, one_request(port, raw))
        except OSError as e:
            err = "socket error: %r" % (e,)
        if err is not None:
            bad += 1
            problem = problem or err
            if bad > 20:
                break
        elif time.monotonic() <= stop_at:
            valid += 1
        else:
            late += 1
    return {"valid": valid, "late": late, "bad": bad, "problem": problem}


def _worker(conn):
    while True:
        job = conn.recv()
        if job is None:
            break
        conn.send(_run(*job))


class LoadGenerator:
    """`workers` client processes, started once and reused by every run."""

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

    def run(self, port, workload, clients, seconds):
        """`clients` clients for `seconds`: counts merged, and requests per second."""
        start_at = time.monotonic() + 0.05
        stop_at = start_at + seconds
        pipes = self.pipes[:clients]
        for p in pipes:
            p.send((port, workload, start_at, stop_at))
        total = {"valid": 0, "late": 0, "bad": 0, "problem": None}
        for p in pipes:
            res = p.recv()
            for key in ("valid", "late", "bad"):
                total[key] += res[key]
            total["problem"] = total["problem"] or res["problem"]
        total["rps"] = total["valid"] / seconds
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


def cpu_count():
    return os.cpu_count() or 1
