"""alloc: bytes allocated per request, for each framework and workload, on MicroPython.

bench/apps/inmemory.py alloc: the app is imported, 3 requests are served (the first one's
answer checked), then, with the collector off, N more: the heap's growth divided by N. One
request is one in-memory connection (a browser's request head; the hello-world request is
about 280 bytes); the harness's own part (a stream object and a coroutine call, the same
for every framework) is measured alike and subtracted.
"""

from . import env, frameworks

COUNT = 100


def measure(ctx):
    if ctx.mp is None:
        return None
    count = 20 if ctx.quick else COUNT
    data = {"runtime": ctx.mp.describe(), "bits": ctx.mp.bits, "count": count, "frameworks": {}}
    for name in ctx.frameworks:
        if name not in frameworks.MICROPYTHON or name not in ctx.staged:
            continue
        fw = frameworks.FRAMEWORKS[name]
        row = {}
        for workload in frameworks.WORKLOADS:
            if not fw.offers(workload):
                continue
            args = ["alloc", name, workload, count]
            status, out = frameworks.run_mp(ctx.mp, name, "inmemory", args, heapsize=16 << 20)
            res = env.result_line(out)
            if status != 0 or res is None:
                row[workload] = {"error": out.strip()[-300:]}
            else:
                row[workload] = {"bytes": res["per_request"] - res["harness"]}
        data["frameworks"][name] = row
        env.log(
            "%s: %s"
            % (name, ", ".join("%s %s" % (w, r.get("bytes", "error")) for w, r in row.items()))
        )
    return data
