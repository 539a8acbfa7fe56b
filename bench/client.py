"""HTTP clients for the socket benchmarks: every request on a new connection (or, in
keep-alive mode, on one connection per client for as long as the server keeps it), every
answer checked byte for byte (bench/apps/workloads.py). 127.0.0.1 only; every loop is
bounded.

    ok, problem = burst(port, "hello", requests=200, clients=4)   # threads, stops at a failure
    gen = LoadGenerator(4)                                        # worker processes
    res = gen.run(port, "hello", clients=4, seconds=1.0)          # res["rps"]
    res = gen.run(port, "hello", 4, 1.0, keep_alive=True)         # and res["connections"]
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


class KeptConnection:
    """HTTP/1.1 keep-alive from the client's side: requests one after another on one
    connection, each answer read by its Content-Length (or to the end of the connection
    when it has none); a new connection when the server closed the last one (it said
    `Connection: close`, answered HTTP/1.0 without `Connection: keep-alive`, or just
    closed). `connections` counts the connections opened."""

    def __init__(self, port, timeout=TIMEOUT):
        self.port = port
        self.timeout = timeout
        self.sock = None
        self.buf = b""
        self.connections = 0

    def _recv(self):
        b = self.sock.recv(65536)
        if b:
            self.buf += b
        return b

    def request(self, raw):
        """Send `raw`; the raw answer (head and body)."""
        if self.sock is None:
            self.sock = socket.create_connection((env.HOST, self.port), timeout=self.timeout)
            self.connections += 1
            self.buf = b""
        try:
            self.sock.sendall(raw)
            while b"\r\n\r\n" not in self.buf:
                if not self._recv():
                    raise OSError("closed before the answer's head")
            end = self.buf.index(b"\r\n\r\n") + 4
            head = self.buf[:end].lower()
            length = None
            for line in head.split(b"\r\n"):
                if line.startswith(b"content-length:"):
                    length = int(line[15:])
            if length is None:  # delimited by the end of the connection
                while self._recv():
                    pass
                answer, keep = self.buf, False
            else:
                while len(self.buf) < end + length:
                    if not self._recv():
                        raise OSError("closed inside the answer's body")
                answer = self.buf[: end + length]
                self.buf = self.buf[end + length :]
                keep = b"connection: close" not in head and (
                    head.startswith(b"http/1.1") or b"connection: keep-alive" in head
                )
        except BaseException:
            self.close()
            raise
        if not keep:
            self.close()
        return answer

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None


# ---- requests per second ---------------------------------------------------------------------


def _run(port, workload, start_at, stop_at, keep_alive=False):
    """One worker's share of a timed run: valid, late (finished after the end), bad (and,
    in keep-alive mode, the connections it opened)."""
    raw = workloads.request(workload)
    kept = None
    if keep_alive:
        raw = raw.replace(b"Connection: close\r\n", b"Connection: keep-alive\r\n")
        kept = KeptConnection(port)
    valid = late = bad = 0
    problem = None
    now = time.monotonic()
    if start_at > now:
        time.sleep(start_at - now)
    while time.monotonic() < stop_at:
        try:
            answer = one_request(port, raw) if kept is None else kept.request(raw)
            err = workloads.check(workload, answer)
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
    res = {"valid": valid, "late": late, "bad": bad, "problem": problem}
    if kept is not None:
        kept.close()
        res["connections"] = kept.connections
    return res


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

    def run(self, port, workload, clients, seconds, keep_alive=False):
        """`clients` clients for `seconds`: counts merged, and requests per second. With
        `keep_alive`, each client keeps its connection (HTTP/1.1) while the server does;
        "connections" then says how many were opened in all."""
        start_at = time.monotonic() + 0.05
        stop_at = start_at + seconds
        pipes = self.pipes[:clients]
        for p in pipes:
            p.send((port, workload, start_at, stop_at, keep_alive))
        total = {"valid": 0, "late": 0, "bad": 0, "problem": None, "connections": 0}
        for p in pipes:
            res = p.recv()
            for key in ("valid", "late", "bad", "connections"):
                total[key] += res.get(key, 0)
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
