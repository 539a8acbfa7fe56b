"""syscalls: system calls per request of each MicroPython server (strace -c).

`strace -f -c` of the server answering N requests of a workload (after its warm-up request),
minus the same for a server answering none, divided by N. Reads include those that found
nothing yet (EAGAIN): microdot and the other asyncio peers read the head with readline(),
which the unix port's sockets (like the boards' lwIP sockets) serve one byte per call.
"""

import os
import re
import shutil

from . import client, env, frameworks
from .servers import Server

COUNT = 50
GROUPS = (
    ("read", ("read", "recvfrom", "recvmsg", "readv")),
    ("write", ("write", "sendto", "sendmsg", "writev")),
    ("poll", ("poll", "ppoll", "epoll_wait", "epoll_pwait", "select")),
)
_LINE = re.compile(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$")


def counts(path):
    found = {}
    with open(path) as f:
        for line in f:
            m = _LINE.match(line)
            if m and m.group(2) != "total":
                found[m.group(2)] = int(m.group(1))
    return found


def traced(ctx, name, workload, n):
    out = os.path.join(env.RUN, "strace.%s.%s.%d.txt" % (name, workload, n))
    prefix = ["strace", "-f", "-c", "-o", out]
    with Server.micropython(ctx.mp, name, workload, prefix=prefix) as server:
        if not server.ready:
            raise RuntimeError(server.output()[-300:])
        raw = client.workloads.request(workload)
        for _ in range(n):
            client.one_request(server.port, raw)
    return counts(out)


def measure(ctx):
    if ctx.mp is None:
        return None
    if not shutil.which("strace"):
        return {"skipped": "strace is not installed"}
    count = 20 if ctx.quick else COUNT
    data = {"count": count, "frameworks": {}}
    for name in ctx.frameworks:
        if name not in frameworks.MICROPYTHON or name not in ctx.staged:
            continue
        for workload in frameworks.WORKLOADS:
            if not frameworks.FRAMEWORKS[name].offers(workload):
                continue
            try:
                base = traced(ctx, name, workload, 0)
                served = traced(ctx, name, workload, count)
            except RuntimeError as e:
                data["frameworks"].setdefault(name, {})[workload] = {"error": str(e)}
                continue
            row = {"other": 0.0, "total": 0.0}
            for call, n in served.items():
                per = (n - base.get(call, 0)) / count
                group = "other"
                for label, calls in GROUPS:
                    if call in calls:
                        group = label
                row[group] = row.get(group, 0.0) + per
                row["total"] += per
            data["frameworks"].setdefault(name, {})[workload] = row
            env.log("%s %s: %.1f system calls per request" % (name, workload, row["total"]))
    return data
