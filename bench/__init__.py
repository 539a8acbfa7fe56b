"""tinyweb's benchmarks: memory and speed against the other small web frameworks.

    python -m bench                                     # everything; writes docs/benchmarks.md
    python -m bench --only heap-floor --framework tinyweb   # the smallest heap, quickly
    python -m bench --list                              # the metrics

See bench/__main__.py for the options and docs/benchmarks.md for what each metric measures.
"""
