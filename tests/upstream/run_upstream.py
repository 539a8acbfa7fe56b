"""The documented route (docs/porting.md): an upstream TinyWeb app, unchanged, on tinyweb.

python tests/upstream/run_upstream.py PORT          (CPython)
micropython tests/upstream/run_upstream.py PORT     (MicroPython, tinyweb in its path)
"""

import sys

import tinyweb.resource

tinyweb.resource.headers_argument = False  # REST methods called as upstream TinyWeb calls them

import upstream_rest_app  # noqa: E402 - the app, unchanged, after the switch

print("ready")
upstream_rest_app.app.run(host="127.0.0.1", port=int(sys.argv[1]))
