"""ab (ApacheBench, Debian's `apache2-utils`): a load generator written in C for
bench/keepalive.py, so that the figure is bound by the server and not by the client (the
Python clients of bench/client.py share the machine's CPUs with the server and cost more
per request than it does). Same interface as client.LoadGenerator:

    gen = ApacheBench(prefix=("taskset", "-c", "1"))   # None if ab is not installed: find()
    res = gen.run(port, "hello", clients=8, seconds=2, keep_alive=True)
    res["rps"], res["valid"], res["bad"], res["problem"], res["connections"], res["seconds"]
    res["load_cpu"]                                      # ab's CPU seconds (user and system)

ab speaks HTTP/1.0: without -k every request is on a new connection; with -k it asks
`Connection: Keep-Alive` and keeps a connection while the answers say `Keep-Alive` and
carry a Content-Length (else it reads the answer to the end of the connection and opens
another, so an answer delimited by closing is counted right, which wrk does not do). It
checks each answer's status (non-2xx are counted) and its length against the first
answer's; a failed request, a non-2xx answer or a length that is not the right answer's is
a wrong answer here. ab cannot check the bytes, so run() first sends one request (two on
one connection with keep-alive) with bench/client.py and checks them byte for byte.
"""

import re
import resource
import shutil
import subprocess

from . import client, env

PACKAGE = "apache2-utils"  # Debian's package that has ab


def find():
    """The path of ab, or None."""
    return shutil.which("ab")


def version(path):
    out = subprocess.run([path, "-V"], capture_output=True, text=True, timeout=30)
    m = re.search(r"Version (\S+)", out.stdout)
    return m.group(1) if m else "?"


def _field(text, name, default=None):
    m = re.search(r"^%s:\s+([0-9.]+)" % re.escape(name), text, re.M)
    return float(m.group(1)) if m else default


def parse(text):
    """ab's report as numbers: complete, failed, non2xx, keepalive, seconds, length (of the
    first answer's body); raise ValueError when it is not one."""
    done = _field(text, "Complete requests")
    taken = _field(text, "Time taken for tests")
    if done is None or taken is None:
        raise ValueError("not an ab report: %s" % text[-300:])
    return {
        "complete": int(done),
        "failed": int(_field(text, "Failed requests", 0)),
        "non2xx": int(_field(text, "Non-2xx responses", 0)),
        "keepalive": int(_field(text, "Keep-Alive requests", 0)),
        "seconds": taken,
        "length": _field(text, "Document Length"),
    }


def check(port, workload, keep_alive):
    """One answer (two on one connection with keep-alive) checked byte for byte: the body's
    length, or raise RuntimeError with what is wrong."""
    raw = client.workloads.request(workload)
    if not keep_alive:
        answers = [client.one_request(port, raw)]
    else:
        raw = raw.replace(b"Connection: close\r\n", b"Connection: keep-alive\r\n")
        kept = client.KeptConnection(port)
        try:
            answers = [kept.request(raw), kept.request(raw)]
        finally:
            kept.close()
    for answer in answers:
        problem = client.workloads.check(workload, answer)
        if problem:
            raise RuntimeError(problem)
    return len(client.workloads.split(answers[0])[1])


class ApacheBench:
    """ab, run once per measurement, behind `prefix` (e.g. taskset)."""

    name = "ab"

    def __init__(self, path, prefix=()):
        self.path = path
        self.prefix = list(prefix)
        self.version = version(path)

    def describe(self):
        return "ab %s (%s)" % (self.version, PACKAGE)

    def run(self, port, workload, clients, seconds, keep_alive=False):
        """`clients` connections at once for `seconds` (whole seconds, at least 1): the
        counts as client.LoadGenerator.run gives them, "seconds" the run's own length."""
        res = {"valid": 0, "late": 0, "bad": 0, "problem": None, "connections": 0, "rps": 0.0}
        try:
            length = check(port, workload, keep_alive)
        except (OSError, RuntimeError) as e:
            res.update(bad=1, problem="before ab: %s" % (e,))
            return res
        method, path = client.workloads.TARGETS[workload]
        if method != b"GET":
            raise ValueError("ab sends GET; %s is %s" % (workload, method.decode()))
        seconds = max(1, int(round(seconds)))
        # -t before -n: -t implies -n 50000, a later -n lifts that bound.
        cmd = self.prefix + [self.path, "-q", "-r", "-s", "5", "-c", str(clients)]
        cmd += ["-t", str(seconds), "-n", "100000000"]
        if keep_alive:
            cmd.append("-k")
        cmd.append("http://%s:%d%s" % (env.HOST, port, path.decode()))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # ab's own CPU time (taskset execs it: the child reaped is ab).
        res["load_cpu"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        try:
            ab = parse(out.stdout)
        except ValueError as e:
            res.update(bad=1, problem="ab: %s %s" % (e, out.stderr[-300:]))
            return res
        bad = ab["failed"] + ab["non2xx"]
        problem = None
        if ab["failed"] or ab["non2xx"]:
            problem = "ab: %d failed, %d non-2xx of %d" % (
                ab["failed"],
                ab["non2xx"],
                ab["complete"],
            )
        elif ab["length"] != length:
            bad, problem = ab["complete"], "ab: %s bytes of body, not %d" % (ab["length"], length)
        # Every connection ends with one answer that did not keep it (the server's last one,
        # or an answer delimited by closing): connections = answers - kept answers.
        connections = ab["complete"] - ab["keepalive"] if keep_alive else ab["complete"]
        res.update(
            valid=ab["complete"] - min(bad, ab["complete"]),
            bad=bad,
            problem=problem,
            connections=connections,
            seconds=ab["seconds"],
            rps=(ab["complete"] - min(bad, ab["complete"])) / ab["seconds"],
        )
        return res

    def close(self):
        pass
