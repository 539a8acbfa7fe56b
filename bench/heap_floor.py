"""heap-floor: the smallest heap a hello-world app serves in, on MicroPython's unix port.

The app (bench/apps/<framework>_hello.py) serves 127.0.0.1 with `-X heapsize=N`, its framework
imported from .mpy files (tinyweb also from .py, compiled on the device), while 4 client
threads make 200 requests (each on a new connection) and check every answer byte for byte. N
serves when all 200 answers are right, the server printed no MemoryError and is still
running, twice in a row. N is bisected in steps of 256 bytes; then the next steps above it
must serve too (whether a heap is big enough is not monotonic: fragmentation depends on where
things land), else the search goes on above the one that failed.

Also measured, for what fragmentation costs: the peak of the live heap (gc.mem_alloc() after
a collection, sampled whenever the scheduler gets round to it) during the same 200 requests,
on a big heap, and the size of the GC heap (gc.mem_free() + gc.mem_alloc()) that -X heapsize
gives.
"""

import subprocess

from . import client, env, frameworks
from .servers import Server

REQUESTS = 200
CLIENTS = 4
STEP = 256
LOW, HIGH = 4096, 512 * 1024  # bytes: the bisection's range
CONFIRM = (1, 2, 3, 4, 6, 8)  # steps above the floor that must serve too (2 KiB)


def serves(mp, framework, heapsize, kind="mpy", runs=2):
    """(True, None) when the app serves 200 requests from 4 clients at -X heapsize, `runs`
    times in a row; else (False, what went wrong)."""
    for _ in range(runs):
        with Server.micropython(mp, framework, "hello", kind, heapsize) as server:
            if not server.ready:
                return False, "did not start: %s %s" % (server.problem, server.output()[-300:])
            ok, problem = client.burst(server.port, "hello", REQUESTS, CLIENTS)
            out = server.output()
            if ok and not server.alive():
                ok, problem = False, "server exited: " + out[-300:]
            if ok and "MemoryError" in out:
                ok, problem = False, "MemoryError: " + out[out.index("MemoryError") :][:200]
        if not ok:
            return False, problem
    return True, None


def smallest(mp, framework, kind="mpy", low=LOW, high=HIGH, say=None):
    """The smallest -X heapsize (bytes, a multiple of STEP) that serves; None if `high` does
    not (then the reason is returned as the second value)."""
    ok, problem = serves(mp, framework, high, kind)
    if not ok:
        return None, problem
    low = low // STEP
    high = high // STEP
    while True:
        while high - low > 1:
            mid = (low + high) // 2
            ok, _ = serves(mp, framework, mid * STEP, kind)
            if say:
                say(
                    "%s (%s) at %.2f KiB: %s"
                    % (framework, kind, mid * STEP / 1024, ok and "serves" or "fails")
                )
            if ok:
                high = mid
            else:
                low = mid
        for k in CONFIRM:
            if not serves(mp, framework, (high + k) * STEP, kind)[0]:
                if say:
                    say(
                        "%s: %.2f KiB fails above the floor; searching higher"
                        % (framework, (high + k) * STEP / 1024)
                    )
                low = high + k
                high = low + 16
                while not serves(mp, framework, high * STEP, kind)[0]:
                    high += 16
                break
        else:
            return high * STEP, None


def pool_size(mp, heapsize):
    """Bytes of GC heap (gc.mem_free() + gc.mem_alloc()) that -X heapsize gives."""
    code = "import gc; print(gc.mem_free() + gc.mem_alloc())"
    out = subprocess.run(
        [mp.path, "-X", "heapsize=%d" % heapsize, "-c", code], capture_output=True, text=True
    )
    return int(out.stdout.split()[-1])


def peak(mp, framework, kind="mpy"):
    """The live heap's peak while serving the same 200 requests (bench/apps/serve.py peak)."""
    with Server.micropython(mp, framework, "hello", kind, options=["peak"]) as server:
        if not server.ready:
            return None
        ok, problem = client.burst(server.port, "hello", REQUESTS, CLIENTS)
        out = server.output()
    peaks = [int(line.split()[1]) for line in out.splitlines() if line.startswith("PEAK ")]
    return max(peaks) if ok and peaks else None


def run(mp, names, kinds=("mpy",), say=env.log):
    """{framework: {kind: {"floor", "pool", "peak"} or {"error"}}} for the named frameworks."""
    out = {}
    for name in names:
        for kind in kinds:
            if kind == "py" and name != "tinyweb":
                continue
            floor, problem = smallest(mp, name, kind, say=say)
            row = {}
            if floor is None:
                row["error"] = problem
                say("%s (%s): does not serve: %s" % (name, kind, problem))
            else:
                row["floor"] = floor
                row["pool"] = pool_size(mp, floor)
                row["peak"] = peak(mp, name, kind)
                say(
                    "%s (%s): smallest heap %d bytes (%.2f KiB); live heap's peak %s"
                    % (name, kind, floor, floor / 1024, row["peak"])
                )
            out.setdefault(name, {})[kind] = row
    return out


def measure(ctx):
    names = [n for n in ctx.frameworks if n in frameworks.MICROPYTHON and n in ctx.staged]
    kinds = ("mpy", "py") if "tinyweb" in names else ("mpy",)
    data = run(ctx.mp, names, kinds)
    return {
        "runtime": ctx.mp.describe(),
        "bits": ctx.mp.bits,
        "requests": REQUESTS,
        "clients": CLIENTS,
        "frameworks": data,
    }
