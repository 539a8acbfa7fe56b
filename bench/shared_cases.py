"""shared-cases: the full-feature app (tests/shared/case_app.py: routes, path parameters,
REST resources, static files, forms, JSON, CORS, errors) answering every shared case
(tests/shared/cases.json, judged by tests/shared/check.py) over real sockets on MicroPython's
unix port, in a 64 KB heap. The server is tests/micropython/serve_cases.py, as the tests run
it (the case app and the plain app without a catch-all, each listening on its own port); the
client is this CPython, so the heap holds the server only.

Two ways: everything from .mpy (tinyweb as `make build` ships it, the case app compiled by the
same mpy-cross), and everything from .py, compiled on the device as it is imported. For each,
whether all cases pass at -X heapsize=64K, and the smallest heap in which they do (bisected
in steps of 256 bytes; a heap counts when two runs in a row pass). And how many modules
tinyweb.compat.load() imported over the cases, at 64 KB and at 256 KB: a short heap drops
the code of features and loads it again (docs/layout.md), each time compiled from .py.
"""

import json
import os
import subprocess
import sys

from . import env, frameworks

SHARED = os.path.join(env.ROOT, "tests", "shared")
SERVE = os.path.join(env.ROOT, "tests", "micropython", "serve_cases.py")
GOAL = 64 * 1024
STEP = 256


def stage_cases():
    """The case app as .mpy in build/bench/lib/cases-mpy; the cases and their checker."""
    files = {n: os.path.join(SHARED, n) for n in ("case_app.py",)}
    out = os.path.join(env.LIB, "cases-mpy")
    error = frameworks.compile_tree(files, out)
    if error:
        raise SystemExit(error)
    with open(os.path.join(SHARED, "cases.json")) as f:
        cases = json.load(f)
    sys.path.insert(0, SHARED)
    from check import check

    return out, cases, check


def _run(mp, kind, heapsize, staged, count=False):
    """(all passed, a line saying how it went) for one server process; with `count`, the
    line is "IMPORTS US": the modules load() imported over the cases, and their time."""
    cases_mpy, cases, check = staged
    lib = frameworks.lib("tinyweb", kind)
    path = [lib, cases_mpy if kind == "mpy" else SHARED]
    main, plain = env.free_port(), env.free_port()
    static = os.path.join(SHARED, "static")
    cmd = [mp.path, "-X", "heapsize=%d" % heapsize, SERVE, str(main), str(plain), static]
    cmd += ["count"] if count else []
    proc = subprocess.Popen(
        cmd, cwd=env.RUN, env=env.mp_env(path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        if env.wait_ready(proc, plain, b"GET / HTTP/1.0\r\n\r\n") is None:
            return False, "did not start"
        failed = []
        unreachable = 0  # connections in a row that failed: the server died or stopped
        for case in cases:
            if unreachable == 3 or proc.poll() is not None:
                failed.append(case["name"])  # not tried: 10 s each for nothing
                continue
            port = main if case.get("app", "main") == "main" else plain
            try:
                problems = check(case, env.exchange(port, case["request"].encode("utf-8")))
                unreachable = 0
            except OSError as e:
                problems = [repr(e)]
                unreachable += 1
            if problems:
                failed.append(case["name"])
    finally:
        env.stop(proc)
    out = proc.stdout.read().decode("utf-8", "replace")
    if "MemoryError" in out:
        failed.append("MemoryError in the server's output")
    line = "%d passed, %d failed" % (len(cases) - len(failed), len(failed))
    if count:
        counts = [ln.split()[1:] for ln in out.splitlines() if ln.startswith("imports ")]
        line = " ".join(counts[-1]) if counts else "0 0"
    return not failed, line + ("" if not failed else " (%s)" % ", ".join(failed[:3]))


def imports(mp, kind, heapsize, staged):
    """(modules load() imported while the cases were answered, milliseconds they took)."""
    ok, line = _run(mp, kind, heapsize, staged, count=True)
    n, us = line.split()[:2]
    return int(n), int(us) // 1000


def passes(mp, kind, heapsize, staged):
    """(all passed, the last run's line), twice in a row."""
    ok, line = _run(mp, kind, heapsize, staged)
    if ok:
        ok, line = _run(mp, kind, heapsize, staged)
    return ok, line


def smallest(mp, kind, staged, high=512 * 1024):
    if not passes(mp, kind, high, staged)[0]:
        return None
    low, high = 4096 // STEP, high // STEP
    while high - low > 1:
        mid = (low + high) // 2
        if passes(mp, kind, mid * STEP, staged)[0]:
            high = mid
        else:
            low = mid
    return high * STEP


def measure(ctx):
    if ctx.mp is None or "tinyweb" not in ctx.staged:
        return None
    staged = stage_cases()
    data = {"runtime": ctx.mp.describe(), "bits": ctx.mp.bits, "goal": GOAL, "kinds": {}}
    data["cases"] = len(staged[1])
    for kind in ("mpy", "py"):
        ok, last = passes(ctx.mp, kind, GOAL, staged)
        floor = smallest(ctx.mp, kind, staged)
        # How often the code of features is loaded again: at 64 KB, and in a heap with room.
        loads = {"64K": imports(ctx.mp, kind, GOAL, staged)}
        loads["256K"] = imports(ctx.mp, kind, 4 * GOAL, staged)
        data["kinds"][kind] = {"passes": ok, "last_line": last, "smallest": floor}
        data["kinds"][kind]["imports"] = loads
        env.log(
            "shared cases from .%s in 64 KB: %s (%s); smallest heap %s; imports %s"
            % (kind, "pass" if ok else "FAIL", last, floor, loads)
        )
    return data
