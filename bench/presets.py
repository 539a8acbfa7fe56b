"""connection-cost, preset-fit, preset-budget: tinyweb's live heap per open connection, and
whether each board preset's worst cases fit the heap it was sized for.

    python -m bench --only connection-cost        # per open connection, by where it waits
    python -m bench --only preset-fit             # every preset at its worst (--preset NAME)
    python -m bench --only preset-budget          # the budget formula of tests/test_boards.py
    python -m bench.presets --emit-probe > probe.py   # the probe, to run on a board

They run a probe script on the MicroPython unix port (MICROPYTHON; a 32-bit build has the
boards' object sizes) with tinyweb from .mpy files (build/bench/lib/tinyweb-mpy). A binary
with tinyweb frozen in is used frozen: the probe imports whichever copy comes first.

The probe answers one GET and one POST (so whatever tinyweb builds on first use is in
place), then holds k connections open at once, each stopped at the same point of a request,
and reads gc.mem_alloc() after gc.collect() for 0..k of them; the slope is what one more
open connection costs:

    head     the request line and part of a header line arrived, the rest has not
    handler  the head arrived and the handler awaits something (a long poll, an SSE stream)
    body     a POST head arrived and the handler reads a body that is still coming
    queued   the connection waits for a slot (max_concurrency=1, the slot held)

Its client is a stub stream, so the numbers are the server's: the task, coroutine frames,
request and response objects and the bytes received. A real socket adds the runtime's stream
object and the network stack's buffers (lwIP, outside the Python heap on boards).

preset-fit runs every preset of boards/ on a heap capped (`-X heapsize=`) at its
`typical_free_heap`: all `max_concurrency` slots held with a header line of nearly `max_line`
bytes (then, separately, a body of `max_body_size`), the `backlog` full behind them, then all
finished; each must be answered 200. It also finds the smallest free heap all those cases
pass in. preset-budget does the latter for a grid of limits and compares it with the budget
formula of tests/test_boards.py. Presets sized for tinyweb frozen in are skipped unless the
binary has it frozen. These print their tables (for docs/boards.md); they are not part of a
full run.
"""

import json
import os
import subprocess
import sys
import tempfile

from . import env, frameworks

ROOT = env.ROOT
sys.path.insert(0, ROOT)
from tinyweb.presets import FIELDS as LIMITS  # noqa: E402 - the repo's own core, on this path

# The probe runs on MicroPython: %-formatting, no f-strings, nothing from CPython's stdlib.
# The driver prepends `CONFIG = {...}`; on a board the defaults below apply.
PROBE = r'''
try:
    CONFIG
except NameError:
    CONFIG = {}
SCENARIO = CONFIG.get("scenario", "head")
COUNT = CONFIG.get("count", 8)
FILL = CONFIG.get("fill", 0)  # bytes of header line (head) or body (body) held per connection
BOARD = CONFIG.get("board")  # a dict of limits, a preset name, or None (detect)

import gc

gc.collect()
START = gc.mem_alloc()
START_FREE = gc.mem_free()
import tinyweb
from tinyweb.compat import asyncio

gc.collect()
IMPORTED = gc.mem_alloc()

release = asyncio.Event()


def make_head():
    if SCENARIO == "head":
        return b"GET /hold HTTP/1.1\r\nHost: tinyweb\r\nX-Fill: " + b"a" * FILL
    if SCENARIO == "handler" or SCENARIO == "queued":
        return b"GET /wait HTTP/1.1\r\nHost: tinyweb\r\n\r\n"
    head = "POST /form HTTP/1.1\r\nHost: tinyweb\r\n"  # HTTP/1.1 without a Host is a 400
    head += "Content-Type: application/x-www-form-urlencoded\r\n"
    head += "Content-Length: %d\r\n\r\n" % (FILL + 2)
    return head.encode() + b"a=" + b"1" * (FILL // 2)


def make_tail():
    if SCENARIO == "head":
        return b"\r\n\r\n"
    if SCENARIO == "body":
        return b"1" * (FILL - FILL // 2)
    return b""


class HeldStream:
    """A client that sends its head, waits for `release`, sends the rest, then closes; with
    the methods of asyncio's streams, tinyweb's seam (tinyweb/stream.py).

    The head is built at the first read, so before that the stream holds nothing big.
    """

    def __init__(self):
        self.state = 0
        self.pending = b""
        self.status = b""
        self.closed = False

    async def read(self, n):
        if self.state == 0:
            self.pending = make_head()
            self.state = 1
        if not self.pending and self.state == 1:
            await release.wait()
            self.pending = make_tail()
            self.state = 2
        data = self.pending[:n]
        self.pending = self.pending[n:]
        return data

    async def readinto(self, buf):
        data = await self.read(len(buf))
        buf[: len(data)] = data
        return len(data)

    def write(self, data):
        if not self.status:
            self.status = bytes(data[:12])

    async def drain(self):
        pass

    def close(self):
        self.closed = True

    async def wait_closed(self):
        pass

    def get_extra_info(self, name):
        return None


if SCENARIO == "queued":  # one connection served, the others wait for its slot
    app = tinyweb.webserver(board=BOARD, max_concurrency=1, backlog=COUNT + 1)
else:
    app = tinyweb.webserver(board=BOARD)
# The first receive buffer, as start() makes it before anything else: the probe serves
# without start(), and a connection served so in a heap that cannot hold one would wait
# for it with no watchdog to end the wait.
app._make_buffers()
gc.collect()
SERVER = gc.mem_alloc()  # what follows is the probe's own app: its routes and client


@app.route("/hold", methods=["GET"])
async def hold(req, resp):
    await resp.start_html()
    await resp.send("ok")


@app.route("/wait", methods=["GET"])
async def wait(req, resp):
    await resp.start_html()
    await release.wait()
    await resp.send("ok")


@app.route("/form", methods=["POST"], max_body_size=FILL + 2)
async def form(req, resp):
    data = await req.read_parse_form_data()
    await resp.start_json()
    await resp.send('{"n": %d}' % len(data.get("a", "")))


async def settle():
    for _ in range(6):
        await asyncio.sleep(0)


class WarmStream(HeldStream):
    """A whole request at once, then end of stream."""

    def __init__(self, data):
        HeldStream.__init__(self)
        self.state = 2
        self.pending = data


async def warm_up():
    """One whole GET and POST first, so what tinyweb imports or builds on first use is in
    place before counting (steady state, as on a server that has answered once)."""
    body = "POST /form HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    for data in (b"GET /hold HTTP/1.0\r\n\r\n", (body + "Content-Length: 3\r\n\r\na=1").encode()):
        await app._serve_connection(WarmStream(data))


gc.collect()
ROUTED = gc.mem_alloc()  # the probe's own app ends here (tinyweb's first-use modules follow)


async def main():
    gc.collect()
    cold = gc.mem_alloc()
    await warm_up()
    streams = [None] * COUNT
    tasks = [None] * COUNT
    gc.collect()
    ready = gc.mem_alloc()
    for i in range(COUNT):
        streams[i] = HeldStream()
    await settle()
    gc.collect()
    points = [gc.mem_alloc()]
    for i in range(COUNT):
        tasks[i] = asyncio.create_task(app._serve_connection(streams[i]))
        await settle()
        gc.collect()
        points.append(gc.mem_alloc())
    gc.collect()
    low_free = gc.mem_free()
    release.set()
    # Until every client saw its connection closed, at most about 5 s: waiting connections
    # may look for a free slot on a timer.
    for _ in range(500):
        await settle()
        if all(s.closed for s in streams):
            break
        await asyncio.sleep_ms(10)
    answered = 0
    for i in range(COUNT):
        s = streams[i]
        if s.status[9:12] == b"200" and s.closed:
            answered += 1
        streams[i] = tasks[i] = s = None
    gc.collect()
    return cold, ready, points, gc.mem_alloc(), low_free, answered


result = {}
try:
    cold, ready, points, after, low_free, answered = asyncio.run(main())
    result = {
        "ok": True,
        "cold": cold,
        "ready": ready,
        "points": points,
        "after": after,
        "low_free": low_free,
        "answered": answered,
    }
except MemoryError as e:
    result = {"ok": False, "error": "MemoryError: %s" % e}
limits = getattr(app, "limits", None) or CONFIG.get("board") or {}
result["scenario"] = SCENARIO
result["count"] = COUNT
result["fill"] = FILL
result["start"] = START
result["start_free"] = START_FREE
result["imported"] = IMPORTED
result["server"] = SERVER
result["routed"] = ROUTED
result["frozen"] = not str(getattr(tinyweb, "__file__", "")).startswith(CONFIG.get("stage", "?"))
result["limits"] = dict(limits) if isinstance(limits, dict) else str(limits)
import json

print("RESULT " + json.dumps(result))
if result["ok"]:  # for a person reading a board's output
    print(
        "tinyweb: import %d B, %d B per open connection (%s), gc.mem_free() %d at the lowest"
        % (IMPORTED - START, (points[-1] - points[0]) // COUNT, SCENARIO, low_free)
    )
'''


def stage_dir():
    """tinyweb as .mpy, laid out as on a device (bench.frameworks.stage makes it)."""
    return frameworks.lib("tinyweb", "mpy")


def run_probe(micropython, stage_dir, config, heapsize=None, timeout=120):
    """Run the probe with `config`; the dict it prints (or an error dict).

    The probe sits in a folder of its own, so a binary with tinyweb frozen in imports the
    frozen copy (`.frozen` comes before the staging folder on the path).
    """
    config = dict(config, stage=stage_dir)
    with tempfile.TemporaryDirectory(prefix="tinyweb-probe-") as run_dir:
        probe = os.path.join(run_dir, "probe.py")
        with open(probe, "w") as f:
            f.write("CONFIG = %r\n" % (config,))
            f.write(PROBE)
        cmd = [micropython]
        if heapsize:
            cmd += ["-X", "heapsize=%d" % heapsize]
        cmd.append(probe)
        env = dict(os.environ)
        env["MICROPYPATH"] = ".frozen:" + stage_dir
        done = subprocess.run(
            cmd, env=env, cwd=run_dir, capture_output=True, text=True, timeout=timeout
        )
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    return {"ok": False, "error": (done.stderr or done.stdout).strip()[-600:]}


def slope(values):
    """Least-squares slope of values[i] against i, and the largest step between neighbours."""
    n = len(values)
    mean_x = (n - 1) / 2
    mean_y = sum(values) / n
    num = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    den = sum((i - mean_x) ** 2 for i in range(n))
    steps = [values[i + 1] - values[i] for i in range(n - 1)]
    return num / den, max(steps)


def measure_connections(micropython, stage_dir, count, fills):
    """Per-connection cost for each scenario and fill; rows for the report."""
    rows = []
    for scenario, fill in fills:
        res = run_probe(
            micropython, stage_dir, {"scenario": scenario, "count": count, "fill": fill}
        )
        if not res.get("ok"):
            raise SystemExit("probe failed (%s, fill %d): %s" % (scenario, fill, res.get("error")))
        points = res["points"]
        if scenario == "queued":  # the first connection is served, the rest wait
            points = points[1:]
        per_conn, worst_step = slope(points)
        rows.append(
            {
                "scenario": scenario,
                "fill": fill,
                "per_connection": per_conn,
                "worst_step": worst_step,
                "import": res["imported"] - res["start"],
                "server": res["server"] - res["imported"],
                "first_use": res["ready"] - res["cold"],
                "leak": res["after"] - res["ready"],
                "answered": res["answered"],
                "count": count,
                "frozen": res["frozen"],
            }
        )
    return rows


def load_presets():
    """Every preset module of boards/ as (name, module), read with CPython."""
    sys.path.insert(0, ROOT)
    import importlib

    import boards

    names = [n[:-3] for n in sorted(os.listdir(os.path.join(ROOT, "boards")))]
    out = []
    for name in names:
        if name.startswith("_") or name not in boards.PRESETS:
            continue
        out.append((name, importlib.import_module("boards." + name)))
    return out


def preset_limits(mod):
    return dict((key, getattr(mod, key)) for key in LIMITS)


def worst_cases(limits):
    """(scenario, fill) of each worst case: a line of max_line, a body of max_body_size."""
    return (
        ("head", limits["max_line"] - len("X-Fill: ") - 1),
        ("body", limits["max_body_size"] - 2),
        ("handler", 0),
    )


def fit_run(micropython, stage_dir, limits, start, free):
    """Every worst case of `limits` on a heap with `free` bytes free at start; the rows."""
    # The unix port's GC heap also holds its start-up objects and the allocation table
    # (1/33 of it): size the cap so that gc.mem_free() before `import tinyweb` is `free`.
    heapsize = int((start + free) * 33 / 32) + 64
    # Every slot held at the same point, and the waiting line full behind them.
    n = limits["max_concurrency"] + limits["backlog"]
    rows = []
    for scenario, fill in worst_cases(limits):
        config = {"scenario": scenario, "count": n, "fill": fill, "board": limits}
        res = run_probe(micropython, stage_dir, config, heapsize=heapsize)
        row = {"scenario": scenario, "fill": fill, "count": n, "heapsize": heapsize}
        row["served"] = limits["max_concurrency"]
        if res.get("ok"):
            row["start_free"] = res["start_free"]
            row["import"] = res["imported"] - res["start"]
            row["held"] = res["points"][-1] - res["points"][0]
            row["low_free"] = res["low_free"]
            row["answered"] = res["answered"]
            row["ok"] = res["answered"] == n
            row["frozen"] = res["frozen"]
        else:
            row["ok"] = False
            row["error"] = res.get("error", "")[-200:]
        rows.append(row)
    return rows


def smallest_free(micropython, stage_dir, limits, start, high):
    """The smallest free heap (to 256 bytes) from which every worst case of `limits` passes,
    at it and at each of the next 8 steps of 256 bytes; `high` must pass.

    Whether a heap is big enough is not monotonic (fragmentation depends on where things
    land), so a plain bisection can stop in a lucky gap; the 2 KB above it must pass too.
    """

    def passes(free):
        return all(r["ok"] for r in fit_run(micropython, stage_dir, limits, start, free))

    low = 0  # nothing fits in 0 bytes
    while True:
        while high - low > 256:
            mid = (low + high) // 2
            if passes(mid):
                high = mid
            else:
                low = mid
        for step in range(1, 9):
            if not passes(high + 256 * step):
                low = high + 256 * step
                high = low + 4096
                while not passes(high):
                    high += 4096
                break
        else:
            return high


# Where things landed before decides how fragmented the heap is, so the smallest heap a set
# of limits runs in moves by up to about 1 KB when anything allocated earlier changes (even
# the probe's own source). A formula within this of a measurement agrees with it.
NOISE = 1024

# Sets of limits the budget formula of tests/test_boards.py is checked against:
# (max_concurrency, backlog, buffer_size, max_line, max_body_size).
BUDGET_GRID = (
    (1, 0, 512, 512, 512),
    (1, 2, 512, 512, 512),
    (1, 3, 512, 512, 512),
    (1, 8, 512, 512, 512),
    (2, 2, 512, 512, 512),
    (1, 3, 512, 512, 1024),
    (1, 0, 512, 512, 4096),
    (1, 0, 1024, 4096, 512),
    (2, 3, 1024, 1024, 1024),
    (3, 2, 1024, 1024, 1024),
    (3, 3, 1024, 1024, 1024),
    (3, 4, 1024, 1024, 1024),
    (6, 0, 1024, 1024, 1024),
    (2, 3, 1024, 2048, 1024),
    (3, 2, 1024, 2048, 1024),
    (4, 4, 1024, 2048, 1024),
    (3, 2, 2048, 4096, 1024),
)


def load_budget():
    """The budget formula of tests/test_boards.py (one place for its constants)."""
    import importlib.util

    tests = os.path.join(ROOT, "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)  # for the helpers test_boards.py imports
    path = os.path.join(tests, "test_boards.py")
    spec = importlib.util.spec_from_file_location("tinyweb_test_boards", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def budget(micropython, stage_dir):
    """Measure the smallest free heap for each set of BUDGET_GRID; rows with the formula's."""
    from_start = run_probe(micropython, stage_dir, {"scenario": "handler", "count": 1})
    if not from_start.get("ok"):
        raise SystemExit("probe failed: %s" % from_start.get("error"))
    formula = load_budget()
    # The formula counts tinyweb; the probe's own routes and client are the app's share.
    app = from_start["routed"] - from_start["server"]

    class Limits:
        request_timeout = 3
        max_headers = 32

    rows = []
    for conc, backlog, buf, line, body in BUDGET_GRID:
        limits = {"max_concurrency": conc, "backlog": backlog, "buffer_size": buf}
        limits.update(max_line=line, max_body_size=body, max_headers=32, request_timeout=3)
        p = Limits()
        for key, value in limits.items():
            setattr(p, key, value)
        p.frozen = from_start["frozen"]
        measured = smallest_free(micropython, stage_dir, limits, from_start["start"], 400000)
        # The probe serves through a stub stream: leave the adapter module out of the formula.
        need = formula.worst_case_heap(p)
        need -= formula.ADAPTER_FROZEN if p.frozen else formula.ADAPTER_MPY
        rows.append({"limits": limits, "measured": measured, "formula": need, "app": app})
    return rows, from_start["frozen"]


def report_budget(rows, frozen, command):
    lines = [
        "Measured with `%s` (tinyweb %s)" % (command, "frozen" if frozen else "not frozen"),
        "",
        "The probe's own app (3 routes, a client stub) took %d bytes; the formula counts only"
        " tinyweb, so the last column compares it with the measured heap less the app. It"
        " may be down to -%d (fragmentation noise)." % (rows[0]["app"] if rows else 0, NOISE),
        "",
        "| served | waiting | buffer_size | max_line | max_body_size | smallest free heap "
        "| budget formula | formula - (measured - app) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lim = r["limits"]
        lines.append(
            "| %d | %d | %d | %d | %d | %d | %d | %d |"
            % (
                lim["max_concurrency"],
                lim["backlog"],
                lim["buffer_size"],
                lim["max_line"],
                lim["max_body_size"],
                r["measured"],
                r["formula"],
                r["formula"] - (r["measured"] - r["app"]),
            )
        )
    return "\n".join(lines)


def fit(micropython, stage_dir, only=None):
    """Each board preset's worst cases on a heap capped at its typical free heap, and the
    smallest free heap (to 512 bytes) they all still pass in."""
    from_start = run_probe(micropython, stage_dir, {"scenario": "handler", "count": 1})
    if not from_start.get("ok"):
        raise SystemExit("probe failed: %s" % from_start.get("error"))
    start = from_start["start"]
    out = []
    for name, mod in load_presets():
        if only and name not in only:
            continue
        free = getattr(mod, "typical_free_heap", None)
        if not free:
            continue
        if getattr(mod, "frozen", False) and not from_start["frozen"]:
            out.append({"preset": name, "ok": True, "skipped": "sized for tinyweb frozen in"})
            continue
        limits = preset_limits(mod)
        rows = fit_run(micropython, stage_dir, limits, start, free)
        ok = all(r["ok"] for r in rows)
        smallest = smallest_free(micropython, stage_dir, limits, start, free) if ok else None
        out.append({"preset": name, "ok": ok, "free": free, "smallest": smallest, "cases": rows})
    return out


def report_measure(rows, command):
    lines = [
        "Measured with `%s`" % command,
        "",
        "| scenario | bytes held per connection | per connection (bytes) | largest step "
        "| import tinyweb | webserver() | first two requests | left after all closed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            "| %s | %d | %.0f | %d | %d | %d | %d | %d |"
            % (
                r["scenario"],
                r["fill"],
                r["per_connection"],
                r["worst_step"],
                r["import"],
                r["server"],
                r["first_use"],
                r["leak"],
            )
        )
    return "\n".join(lines)


def report_fit(presets, command):
    lines = [
        "Checked with `%s`" % command,
        "",
        "| preset | worst case | served + waiting | tinyweb import | held by all | lowest free "
        "| answered 200 |",
        "|---|---|---|---|---|---|---|",
    ]
    summary = [
        "",
        "| preset | typical free heap | smallest free heap all worst cases pass in | share |",
        "|---|---|---|---|",
    ]
    for p in presets:
        if "skipped" in p:
            lines.append("| %s | skipped: %s | | | | | |" % (p["preset"], p["skipped"]))
            continue
        for r in p["cases"]:
            case = r["scenario"]
            if case == "head":
                case = "header line of %d B" % (r["fill"] + len("X-Fill: "))
            elif case == "body":
                case = "body of %d B" % (r["fill"] + 2)
            else:
                case = "in handler"
            if "error" in r:
                lines.append("| %s | %s | FAILED: %s | | | | |" % (p["preset"], case, r["error"]))
                continue
            lines.append(
                "| %s | %s | %d + %d | %d | %d | %d | %d/%d |"
                % (
                    p["preset"],
                    case,
                    r["served"],
                    r["count"] - r["served"],
                    r["import"],
                    r["held"],
                    r["low_free"],
                    r["answered"],
                    r["count"],
                )
            )
        if p["smallest"]:
            summary.append(
                "| %s | %d | %d | %.0f%% |"
                % (p["preset"], p["free"], p["smallest"], 100.0 * p["smallest"] / p["free"])
            )
        else:
            summary.append("| %s | %d | FAILED | |" % (p["preset"], p["free"]))
    return "\n".join(lines + summary)


def measure(ctx, metric):
    """One of the three metrics: rows printed as docs/boards.md shows them, and returned."""
    if ctx.mp is None:
        env.log("%s needs a MicroPython unix port: set MICROPYTHON" % metric)
        return None
    micropython = ctx.mp.path
    command = "MICROPYTHON=%s python -m bench --only %s" % (micropython, metric)
    stage = stage_dir()
    if metric == "preset-budget":
        rows, frozen = budget(micropython, stage)
        print(report_budget(rows, frozen, command))
        ok = all(r["formula"] >= r["measured"] - r["app"] - NOISE for r in rows)
        return {"rows": rows, "frozen": frozen, "ok": ok}
    if metric == "preset-fit":
        rows = fit(micropython, stage, ctx.args.preset)
        print(report_fit(rows, command))
        return {"presets": rows, "ok": all(p["ok"] for p in rows)}
    fills = (("head", 0), ("head", 256), ("head", 1024), ("handler", 0))
    fills += (("body", 64), ("body", 1024), ("queued", 0))
    rows = measure_connections(micropython, stage, 8, fills)
    print(report_measure(rows, command))
    return {"rows": rows}


if __name__ == "__main__":
    if sys.argv[1:] == ["--emit-probe"]:
        sys.stdout.write(PROBE)
    else:
        sys.exit("usage: python -m bench.presets --emit-probe > probe.py")
