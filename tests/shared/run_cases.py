"""Run the shared cases in memory on whatever runtime runs this file (MicroPython too).

    micropython tests/shared/run_cases.py [cases.json] [static dir]

Prints one line per failed case and a closing "N passed, N failed"; exits 1 on a failure.
"""

import sys

import case_app
from check import check, load_cases
from tinyweb.adapters import memory

from tinyweb.compat import asyncio


async def run_all(cases, static_dir, chunk):
    apps = {"main": case_app.make_app(static_dir), "plain": case_app.make_plain_app()}
    passed = failed = 0
    for case in cases:
        app = apps[case.get("app", "main")]
        raw = await memory.request(app, case["request"].encode("utf-8"), chunk)
        problems = check(case, raw)
        if problems:
            failed += 1
            print("FAIL %s: %s" % (case["name"], "; ".join(problems)))
        else:
            passed += 1
    return passed, failed


def main(argv):
    cases_path = argv[1] if len(argv) > 1 else "cases.json"
    static_dir = argv[2] if len(argv) > 2 else "static"
    cases = load_cases(cases_path)
    total_passed = total_failed = 0
    # Whole reads, then 7-byte reads so that lines and bodies straddle reads.
    for chunk in (None, 7):
        passed, failed = asyncio.run(run_all(cases, static_dir, chunk))
        total_passed += passed
        total_failed += failed
    print("%s: %d passed, %d failed" % (sys.implementation.name, total_passed, total_failed))
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
