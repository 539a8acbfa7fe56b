"""keepalive: hello-world requests per second with 8 concurrent clients, each keeping its
connection (HTTP/1.1 keep-alive), against the same clients opening a connection for every
request. On the MicroPython unix port (the apps' code from .mpy) and on CPython, tinyweb
beside microdot, one server at a time, the same load generator (bench/client.py in its
keep-alive mode: an answer is read by its Content-Length, and the client opens a new
connection whenever the server closed the last one).

tinyweb runs twice: the README's hello world (`start_html()` then `send()`: no length, so
the answer ends by closing, keep-alive or not) and the same page answered with
`send_body()` (a Content-Length: the connection is kept, up to the preset's `keep_alive`
requests, 10 on the unix port, 100 on CPython). Both serve 8 connections at once
(`max_concurrency=8`; the unix port's preset serves 3 with 3 waiting, and 8 clients that
keep their connections are more than that: the 7th and 8th are refused with 503, as on a
board); the rest of the preset stays. microdot 2.7.0 has no keep-alive: it answers
HTTP/1.0 and closes every connection, so its keep-alive run opens a connection per request
too. The server's CPU time per answered request (user and system, from /proc on Linux) is
recorded beside each figure: it tells a run bound by the server from one bound by the load
generator, which shares the machine's CPUs. The goal (issue 12): with keep-alive, at least
2x the close-per-request figure on the unix port, and ahead of microdot with keep-alive on
both runtimes.
"""

import os
import statistics

from . import client, env
from .servers import Server

RUNS = 3
SECONDS = 1.0
CLIENTS = 8
WORKLOAD = "hello"
# (row, framework, serve.py options): what runs, in this order.
APPS = (
    ("tinyweb", "tinyweb", ("app=hello_length", "serve=%d" % CLIENTS)),
    ("tinyweb-readme", "tinyweb", ("serve=%d" % CLIENTS,)),
    ("microdot", "microdot", ()),
)


def cpu_seconds(pid):
    """CPU time (user and system) the process has used so far, or None (no /proc)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / float(os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def measure(ctx):
    runs, seconds = (1, 0.5) if ctx.quick else (RUNS, SECONDS)
    data = {"runs": runs, "seconds": seconds, "clients": CLIENTS, "groups": {}}
    if ctx.mp is not None:
        data["micropython"] = ctx.mp.describe()
        data["bits"] = ctx.mp.bits
    gen = client.LoadGenerator(CLIENTS)
    try:
        for group in ("micropython", "cpython"):
            if group == "micropython" and ctx.mp is None:
                continue
            table = data["groups"].setdefault(group, {})
            for _ in range(runs):
                for row, name, options in APPS:
                    if name not in ctx.staged:
                        continue
                    cell = table.setdefault(
                        row,
                        {
                            "close": [],
                            "keep": [],
                            "connections": [],
                            "cpu_close": [],
                            "cpu_keep": [],
                        },
                    )
                    if "error" in cell:
                        continue
                    if group == "micropython":
                        server = Server.micropython(ctx.mp, name, WORKLOAD, options=options)
                    else:
                        server = Server.cpython(name, WORKLOAD, options)
                    try:
                        if not server.ready:
                            cell["error"] = "%s: %s" % (server.problem, server.output()[-300:])
                            continue
                        for mode in ("close", "keep"):
                            cpu = cpu_seconds(server.proc.pid)
                            res = gen.run(server.port, WORKLOAD, CLIENTS, seconds, mode == "keep")
                            if cpu is not None and res["valid"]:
                                used = cpu_seconds(server.proc.pid) - cpu
                                cell["cpu_" + mode].append(1e6 * used / res["valid"])
                            if res["bad"]:
                                cell["error"] = "%s: %d wrong answers: %s" % (
                                    mode,
                                    res["bad"],
                                    res["problem"],
                                )
                                break
                            cell[mode].append(res["rps"])
                            if mode == "keep":
                                cell["connections"].append(res["connections"] / seconds)
                    finally:
                        server.stop()
            for cell in table.values():
                if "error" not in cell:
                    for key in ("close", "keep", "connections", "cpu_close", "cpu_keep"):
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
