"""Build every release artifact into dist/: `make dist`.

    python tools/dist.py               # -> dist/
    python tools/dist.py --out DIR     # somewhere else (tests/test_dist.py does this)

What lands in the folder, and who installs it:

    tinyweb-<v>-py3-none-any.whl      pip install (CPython); checked by `twine check --strict`
    tinyweb-<v>.tar.gz                the sdist, the same check
    mip/package.json, mip/lib/...     mip, compiled: serve mip/ over HTTP, then
                                      mpremote mip install http://HOST:PORT/package.json
    mip-py/package.json, mip-py/...   mip, the .py sources (compiled on the board), same way
    tinyweb-py-<v>.zip                circup: a -py- bundle (tools/bundle.py) named for the
                                      tinyweb repository itself, whose release <v> carries it:
                                      circup bundle-add <owner>/tinyweb

The wheel and sdist need the `build` and `twine` packages (the `dist` extra; the `test`
extra has them too); the .mpy files need mpy-cross (tools/build.py). Exits 1 when a step
fails.
"""

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_tool(name):
    """tools/<name>.py as a module. Not by `import build`: that name is PyPI's `build`."""
    spec = importlib.util.spec_from_file_location(
        "tinyweb_tools_" + name, os.path.join(ROOT, "tools", name + ".py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


device_build = load_tool("build")
bundle = load_tool("bundle")


def run(cmd, cwd):
    print("dist: " + " ".join(cmd))
    proc = subprocess.run(cmd, cwd=cwd)
    if proc.returncode:
        raise SystemExit("dist: failed: " + " ".join(cmd))


def python_packages(out):
    """The wheel and the sdist, checked as PyPI would check them."""
    # From `out`: in the repository, its build/ folder would stand for PyPI's `build`.
    run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", out, ROOT], out)
    version = bundle.version()
    made = [
        os.path.join(out, "tinyweb-%s-py3-none-any.whl" % version),
        os.path.join(out, "tinyweb-%s.tar.gz" % version),
    ]
    for path in made:
        if not os.path.exists(path):
            raise SystemExit("dist: %s was not built" % path)
    run([sys.executable, "-m", "twine", "check", "--strict"] + made, out)
    return made


def mip_compiled(out):
    """mip/: the .mpy files and their package.json, as `make build` writes build/device."""
    folder = os.path.join(out, "mip")
    failures = device_build.build(folder, verbose=False)
    if failures:
        raise SystemExit("dist: %d file(s) failed to compile: %r" % (len(failures), failures))
    return folder


def mip_sources(out):
    """mip-py/: the repository's package.json and the sources it names, in the layout its
    relative URLs expect (the same files `mpremote mip install github:...` fetches)."""
    folder = os.path.join(out, "mip-py")
    with open(os.path.join(ROOT, "package.json")) as f:
        package = json.load(f)
    for _dest, source in package["urls"]:
        target = os.path.join(folder, source)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(os.path.join(ROOT, source), target)
    shutil.copyfile(os.path.join(ROOT, "package.json"), os.path.join(folder, "package.json"))
    return folder


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "dist"))
    args = parser.parse_args(argv)
    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)  # only this run's artifacts, nothing stale
    os.makedirs(out)
    made = python_packages(out)
    made.append(mip_compiled(out))
    made.append(mip_sources(out))
    # circup looks for <repository name>-py-<latest release tag>.zip: the release of
    # <owner>/tinyweb tagged with the version carries this one.
    made.append(bundle.build(out, bundle_id="tinyweb"))
    for path in made:
        print("dist: " + os.path.relpath(path, os.getcwd()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
