"""keepalive: hello-world requests per second with 8 concurrent clients, each keeping its
connection (keep-alive), against the same clients opening a connection for every
request. On the MicroPython unix port (the apps' code from .mpy) and on CPython, tinyweb
beside microdot, one server at a time, the same load generator for every figure of a run:
ab (ApacheBench, written in C, bench/apachebench.py) when it is installed (Debian's
`apache2-utils`), else the Python clients of bench/client.py (in their keep-alive mode an
answer is read by its Content-Length, and the client opens a new connection whenever the
server closed the last one), which share the machine's CPUs with the server and spend more
CPU per request than it does: they can bound the keep-alive figure. `BENCH_LOADGEN=python`
chooses them anyway. Where `taskset` is there and this process may run on two
CPUs or more, the server runs on one and the load generator on another.

tinyweb runs twice: the README's hello world (`start_html()` then `send()`: no length, so
the answer ends by closing, keep-alive or not) and the same page answered with
`send_body()` (a Content-Length: the connection is kept, up to the preset's `keep_alive`
requests, 10 on the unix port, 100 on CPython). Both serve 8 connections at once
(`max_concurrency=8`; the unix port's preset serves 3 with 3 waiting, and 8 clients that
keep their connections are more than that: the 7th and 8th are refused with 503, as on a
board); the rest of the preset stays. microdot 2.7.0 has no keep-alive: it answers
HTTP/1.0 and closes every connection, so its keep-alive run opens a connection per request
too. The server's CPU time per answered request (user and system, from /proc on Linux) is
recorded beside each figure, and how busy it kept the server (CPU seconds per second of
the run), and how busy the load generator was: a server busy about 100% of the time on its
own CPU bounds the figure; well under that, the load generator does (when it is the busy
one) or other processes on the machine. The goal (issue 12):
with keep-alive, at least 2x the close-per-request figure on the unix port, and ahead of
microdot with keep-alive on both runtimes.
"""

import os
import shutil
import statistics

from . import apachebench, client, env
from .servers import Server

RUNS = 3
SECONDS = 1.0  # with the Python clients
AB_RUNS = 5  # with ab: runs are cheap, and the machine's other work makes them vary
AB_SECONDS = 2  # with ab (whole seconds)
CLIENTS = 8
GENERATOR = "BENCH_LOADGEN"  # environment: "python" to use bench/client.py even with ab
WORKLOAD = "hello"
# (row, framework, serve.py options, groups): what runs, in this order. "tinyweb-100" is
# tinyweb with 100 requests per connection on the unix port too (CPython's preset keeps
# 100 already): what keep-alive gives when reconnecting every 10th request costs nothing.
APPS = (
    ("tinyweb", "tinyweb", ("app=hello_length", "serve=%d" % CLIENTS), ("micropython", "cpython")),
    (
        "tinyweb-100",
        "tinyweb",
        ("app=hello_length", "serve=%d" % CLIENTS, "keep_alive=100"),
        ("micropython",),
    ),
    ("tinyweb-readme", "tinyweb", ("serve=%d" % CLIENTS,), ("micropython", "cpython")),
    ("microdot", "microdot", (), ("micropython", "cpython")),
    # No framework (bench/apps/asyncio_hello.py): what a connection costs the server, and
    # the most keep-alive can give on top of a request that costs nothing.
    ("asyncio", "asyncio", (), ("micropython",)),
)
BARE = "asyncio"  # the row without a framework: always there, nothing to stage


def cpu_seconds(pid):
    """CPU time (user and system) the process has used so far, or None (no /proc)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / float(os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def cpus():
    """(server's CPU, load generator's CPU) to pin them to with taskset, or None."""
    if not shutil.which("taskset") or not hasattr(os, "sched_getaffinity"):
        return None
    mine = sorted(os.sched_getaffinity(0))
    return (mine[0], mine[1]) if len(mine) >= 2 else None


def generator(pin):
    """(the load generator, what to write about it, seconds a run lasts)."""
    path = apachebench.find()
    prefix = ("taskset", "-c", str(pin[1])) if pin else ()
    if os.environ.get(GENERATOR) != "python":
        if path is not None:
            gen = apachebench.ApacheBench(path, prefix)
            return gen, gen.describe(), AB_SECONDS
        env.log(
            "keepalive: ab is not installed (apt-get install -y %s): the Python clients of"
            " bench/client.py measure instead, and they bound the keep-alive figure"
            % apachebench.PACKAGE
        )
    gen = client.LoadGenerator(CLIENTS)
    if pin:
        for proc in gen.procs:
            os.sched_setaffinity(proc.pid, {pin[1]})
    return gen, "bench/client.py (%d Python processes)" % CLIENTS, SECONDS


MODES = ("close", "keep")
KEYS = (
    "close",
    "keep",
    "connections",
    "cpu_close",
    "cpu_keep",
    "busy_close",
    "busy_keep",
    "load_close",
    "load_keep",
)


def load_cpu(gen):
    """CPU seconds the Python clients' processes have used so far (None: ab, or no /proc)."""
    procs = getattr(gen, "procs", None)
    if not procs:
        return None
    used = [cpu_seconds(p.pid) for p in procs]
    return None if None in used else sum(used)


def measure(ctx):
    pin = cpus()
    gen, what, seconds = generator(pin)
    runs = AB_RUNS if seconds == AB_SECONDS else RUNS
    if ctx.quick:
        runs, seconds = 1, (1 if seconds == AB_SECONDS else 0.5)
    data = {"runs": runs, "seconds": seconds, "clients": CLIENTS, "groups": {}}
    data["generator"] = what
    data["pinned"] = list(pin) if pin else None
    env.log("keepalive: %s%s" % (what, ", server on CPU %d, load on CPU %d" % pin if pin else ""))
    if ctx.mp is not None:
        data["micropython"] = ctx.mp.describe()
        data["bits"] = ctx.mp.bits
    prefix = ("taskset", "-c", str(pin[0])) if pin else ()
    try:
        for group in ("micropython", "cpython"):
            if group == "micropython" and ctx.mp is None:
                continue
            table = data["groups"].setdefault(group, {})
            for _ in range(runs):
                for row, name, options, groups in APPS:
                    if (name not in ctx.staged and name != BARE) or group not in groups:
                        continue
                    cell = table.setdefault(row, {k: [] for k in KEYS})
                    if "error" in cell:
                        continue
                    if group == "micropython":
                        server = Server.micropython(
                            ctx.mp, name, WORKLOAD, options=options, prefix=prefix
                        )
                    else:
                        server = Server.cpython(name, WORKLOAD, options, prefix=prefix)
                    try:
                        if not server.ready:
                            cell["error"] = "%s: %s" % (server.problem, server.output()[-300:])
                            continue
                        for mode in MODES:
                            cpu = cpu_seconds(server.proc.pid)
                            load = load_cpu(gen)
                            res = gen.run(server.port, WORKLOAD, CLIENTS, seconds, mode == "keep")
                            took = res.get("seconds", seconds)
                            if load is not None:
                                res["load_cpu"] = load_cpu(gen) - load
                            if res.get("load_cpu") is not None:
                                # How busy the load generator was (1.0: one CPU's worth).
                                cell["load_" + mode].append(res["load_cpu"] / took)
                            if cpu is not None and res["valid"]:
                                used = cpu_seconds(server.proc.pid) - cpu
                                cell["cpu_" + mode].append(1e6 * used / res["valid"])
                                cell["busy_" + mode].append(used / took)
                            if res["bad"]:
                                cell["error"] = "%s: %d wrong answers: %s" % (
                                    mode,
                                    res["bad"],
                                    res["problem"],
                                )
                                break
                            cell[mode].append(res["rps"])
                            if mode == "keep":
                                cell["connections"].append(res["connections"] / took)
                    finally:
                        server.stop()
            for cell in table.values():
                if "error" not in cell:
                    for key in KEYS:
                        cell[key] = statistics.median(cell[key]) if cell[key] else None
            env.log(
                "%s: %s"
                % (
                    group,
                    ", ".join(
                        "%s %s"
                        % (
                            row,
                            c.get("error") or "%.0f close / %.0f keep" % (c["close"], c["keep"]),
                        )
                        for row, c in table.items()
                    ),
                )
            )
    finally:
        gen.close()
    return data
