"""rps: requests per second over 127.0.0.1, each request on a new connection.

Three groups, each app as its framework's documentation starts it (bench/apps/serve.py):
- micropython: tinyweb and the MicroPython peers on the unix port, their code from .mpy;
- cpython: tinyweb and microdot on CPython, from source;
- circuitpython: the CircuitPython path on CPython, with CPython's `socket` module as the
  socket pool: tinyweb through its socketpool adapter, adafruit-circuitpython-httpserver
  and biplane.
For each workload and 1 and 4 concurrent clients (worker processes, bench/client.py), every
framework runs in turn (one server at a time: two of them poll without sleeping), RUNS times
over; a run lasts SECONDS. Every answer is checked; the figure is the median of the runs.
"""

import statistics

from . import client, env, frameworks
from .servers import Server

RUNS = 3
SECONDS = 1.0
CLIENTS = (1, 4)


def group_servers(ctx, group):
    """[(framework, start(workload) -> Server)] of a group, for the frameworks asked for."""
    out = []
    for name in ctx.frameworks:
        fw = frameworks.FRAMEWORKS[name]
        if name not in ctx.staged:
            continue
        if group == "micropython" and fw.runtime == "micropython" and ctx.mp is not None:
            out.append((name, lambda w, n=name: Server.micropython(ctx.mp, n, w)))
        elif group == "cpython" and fw.cpython:
            out.append((name, lambda w, n=name: Server.cpython(n, w)))
        elif group == "circuitpython" and name in frameworks.CIRCUITPYTHON:
            opts = ("socketpool",) if name == "tinyweb" else ()
            out.append((name, lambda w, n=name, o=opts: Server.cpython(n, w, o)))
    return out


def measure(ctx):
    runs, seconds = (1, 0.5) if ctx.quick else (RUNS, SECONDS)
    data = {"runs": runs, "seconds": seconds, "clients": list(CLIENTS), "groups": {}}
    if ctx.mp is not None:
        data["micropython"] = ctx.mp.describe()
        data["bits"] = ctx.mp.bits
    gen = client.LoadGenerator(max(CLIENTS))
    try:
        for group in ("micropython", "cpython", "circuitpython"):
            servers = group_servers(ctx, group)
            if not servers:
                continue
            table = data["groups"].setdefault(group, {})
            for workload in frameworks.WORKLOADS:
                cells = {}
                for _ in range(runs):
                    for name, start in servers:
                        if not frameworks.FRAMEWORKS[name].offers(workload):
                            continue
                        cell = cells.setdefault(name, {str(c): [] for c in CLIENTS})
                        if "error" in cell:
                            continue
                        server = start(workload)
                        try:
                            if not server.ready:
                                cell["error"] = "%s: %s" % (server.problem, server.output()[-300:])
                                continue
                            for c in CLIENTS:
                                res = gen.run(server.port, workload, c, seconds)
                                if res["bad"]:
                                    cell["error"] = "%d wrong answers: %s" % (
                                        res["bad"],
                                        res["problem"],
                                    )
                                    break
                                cell[str(c)].append(res["rps"])
                        finally:
                            server.stop()
                for cell in cells.values():
                    if "error" not in cell:
                        for c in CLIENTS:
                            cell[str(c)] = statistics.median(cell[str(c)])
                table[workload] = cells
                env.log(
                    "%s %s: %s"
                    % (
                        group,
                        workload,
                        ", ".join(
                            "%s %s"
                            % (n, c.get("error") or "/".join("%.0f" % c[str(k)] for k in CLIENTS))
                            for n, c in cells.items()
                        ),
                    )
                )
    finally:
        gen.close()
    return data
