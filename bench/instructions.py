"""instructions: instructions the interpreter runs per request (valgrind's callgrind).

One MicroPython process imports the app, serves one checked request (first-use work lands
there), then the same request N times in memory (bench/apps/inmemory.py instructions); the
count per request is (I(N) - I(0)) / N, garbage collection included (default heap). It does
not depend on timing: a rerun gives the same numbers. The binary is MICROPYTHON_CALLGRIND if
set (an unstripped build names the C functions), else the MicroPython the other metrics use.
"""

import os
import re
import shutil
import subprocess

from . import env, frameworks

COUNT = 200
_ANNOTATE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.+?)\s+\[")


def total(path):
    with open(path) as f:
        for line in f:
            if line.startswith(("totals:", "summary:")):
                return int(line.split()[1])
    raise RuntimeError("no totals in " + path)


def functions(path):
    """{C function: self instructions} from callgrind_annotate, or {} without names."""
    proc = subprocess.run(
        ["callgrind_annotate", "--threshold=100", "--auto=no", path],
        capture_output=True,
        text=True,
    )
    funcs = {}
    for line in proc.stdout.splitlines():
        m = _ANNOTATE.match(line)
        if not m or "PROGRAM TOTALS" in line:
            continue
        name = m.group(2).rsplit(":", 1)[-1].split("'")[0]
        if name.startswith("0x"):
            return {}  # a stripped binary
        funcs[name] = funcs.get(name, 0) + int(m.group(1).replace(",", ""))
    return funcs


def measure(ctx):
    if ctx.mp is None:
        return None
    if not shutil.which("valgrind"):
        return {"skipped": "valgrind is not installed"}
    binary = os.environ.get("MICROPYTHON_CALLGRIND") or ctx.mp.path
    count = 50 if ctx.quick else COUNT
    out_dir = os.path.join(env.OUT, "callgrind")
    os.makedirs(out_dir, exist_ok=True)
    jobs = []
    for name in ctx.frameworks:
        if name in frameworks.MICROPYTHON and name in ctx.staged:
            for workload in frameworks.WORKLOADS:
                if frameworks.FRAMEWORKS[name].offers(workload):
                    jobs += [(name, workload, 0), (name, workload, count)]
    runs = {}
    pending = list(jobs)
    running = []
    while pending or running:  # two at a time: callgrind uses one CPU
        while pending and len(running) < 2:
            name, workload, n = pending.pop(0)
            out = os.path.join(out_dir, "%s.%s.%d.out" % (name, workload, n))
            cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, binary]
            cmd += ["-m", "inmemory", "instructions", name, workload, str(n)]
            proc = subprocess.Popen(
                cmd,
                cwd=env.RUN,
                env=env.mp_env(frameworks.mp_path(name, "mpy", ctx.mp)),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            running.append(((name, workload, n), out, proc))
        key, out, proc = running.pop(0)
        stdout, stderr = proc.communicate(timeout=900)
        res = env.result_line(stdout.decode("utf-8", "replace"))
        if proc.returncode != 0 or res is None:
            runs[key] = {"error": (stdout + stderr).decode("utf-8", "replace")[-400:]}
        else:
            runs[key] = {"total": total(out), "file": out, "writes": res["writes"]}
    data = {"binary": binary, "count": count, "frameworks": {}, "bits": ctx.mp.bits}
    if binary != ctx.mp.path:
        data["bits"] = None  # another build: its word size is not known here
    for name, workload, n in jobs:
        if n == 0:
            continue
        r0, rn = runs[(name, workload, 0)], runs[(name, workload, n)]
        row = data["frameworks"].setdefault(name, {})
        if "error" in r0 or "error" in rn:
            row[workload] = {"error": r0.get("error") or rn.get("error")}
            continue
        f0, fn = functions(r0["file"]), functions(rn["file"])
        hot = sorted(((k, (v - f0.get(k, 0)) / n) for k, v in fn.items()), key=lambda kv: -kv[1])
        row[workload] = {
            "per_request": (rn["total"] - r0["total"]) / n,
            "writes": rn["writes"],
            "hot": hot[:6],
        }
        env.log(
            "%s %s: %.0f instructions per request" % (name, workload, row[workload]["per_request"])
        )
    return data
