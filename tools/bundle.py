"""Build the CircuitPython bundle zip that circup installs from: `make bundle`.

    python tools/bundle.py                    # -> dist/tinyweb-bundle-py-<version>.zip
    python tools/bundle.py --with-deps        # ... with asyncio and adafruit_ticks inside
    python tools/bundle.py --stage DIR        # lay the library out in DIR (a board's lib/)

The zip is a circup "-py-" bundle (the layout of the Adafruit and Community bundles):

    tinyweb-bundle-py-<version>/lib/tinyweb/...                   what lands in CIRCUITPY/lib
    tinyweb-bundle-py-<version>/requirements/tinyweb/requirements.txt

lib/tinyweb holds only what a CircuitPython board uses: the core, the socketpool adapter and
the presets CircuitPython can pick (the repository's adapters/ and boards/ become
tinyweb/adapters and tinyweb/boards, as on every install path). requirements.txt names the
dependencies, adafruit-circuitpython-asyncio and adafruit-circuitpython-ticks, which circup
installs from the Adafruit bundle. `--with-deps` also puts them in the zip (for installs with
no Adafruit bundle, e.g. `circup --offline`), taken from the installed PyPI distributions or,
when those are missing, from wheels `pip download` fetches.

A user adds the bundle once and installs:
    circup bundle-add <owner>/<repo>    (a GitHub repository whose releases carry this zip)
    circup install tinyweb
circup downloads <repo name, lower case, '_' as '-'>-py-<release tag>.zip from the latest
release: the default name fits a repository called tinyweb-bundle (or tinyweb_bundle);
`--bundle-id tinyweb --tag v0.1.0` fits release v0.1.0 of <owner>/tinyweb itself (what
`make dist` builds, tagged with the version).
"""

import argparse
import email.parser
import os
import re
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUNDLE_ID = "tinyweb-bundle"  # circup's id for the bundle key "<owner>/tinyweb_bundle"
FIXED_DATE = (2020, 1, 1, 0, 0, 0)  # zip entries carry this date: the same input, the same zip

# The adapters a CircuitPython board runs; the others are for MicroPython, CPython and tests.
DEVICE_ADAPTERS = ("circuitpython_socketpool",)

# What tinyweb needs on the board, as PyPI names (circup maps adafruit-circuitpython-asyncio
# to the module asyncio and adafruit-circuitpython-ticks to adafruit_ticks).
REQUIREMENTS = ("adafruit-circuitpython-asyncio", "adafruit-circuitpython-ticks")


def version(root=ROOT):
    """tinyweb.__version__, read from the source (circup reads it the same way)."""
    with open(os.path.join(root, "tinyweb", "__init__.py"), encoding="utf-8") as f:
        match = re.search(r"""^__version__\s*=\s*['"]([^'"]+)['"]""", f.read(), re.M)
    if not match:
        raise SystemExit("bundle: no __version__ in tinyweb/__init__.py")
    return match.group(1)


def is_circuitpython_preset(name):
    """The presets boards.detect() can name on CircuitPython, and the package itself."""
    return name in ("__init__", "host", "generic") or name.endswith("_circuitpython")


def library_files(root=ROOT, adapters=DEVICE_ADAPTERS):
    """[(source path, path under lib/)] of what goes on a CircuitPython board."""
    files = []
    for name in sorted(os.listdir(os.path.join(root, "tinyweb"))):
        if name.endswith(".py"):
            files.append(("tinyweb/" + name, "tinyweb/" + name))
    for name in ("__init__",) + tuple(adapters):
        files.append(("adapters/%s.py" % name, "tinyweb/adapters/%s.py" % name))
    for name in sorted(os.listdir(os.path.join(root, "boards"))):
        if name.endswith(".py") and is_circuitpython_preset(name[:-3]):
            files.append(("boards/" + name, "tinyweb/boards/" + name))
    return [(os.path.join(root, src), dest) for src, dest in files]


def _requirements_text(names):
    return "".join(name + "\n" for name in names)


def _modules_of(paths):
    """Top-level module names of a distribution's .py files: 'asyncio', 'adafruit_ticks'."""
    tops = {path.split("/")[0] for path in paths}
    return sorted(top[:-3] if top.endswith(".py") else top for top in tops)


def dependency_files(names=REQUIREMENTS):
    """[(path under lib/, bytes)] and {module: [requirements]} of the dependencies.

    From the installed distributions when present (the test extra installs both), else from
    wheels fetched with `pip download`.
    """
    from importlib import metadata

    files = []
    requires = {}
    missing = []
    for name in names:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
            continue
        paths = sorted(
            str(p).replace(os.sep, "/")
            for p in dist.files or ()
            if str(p).endswith(".py") and ".dist-info" not in str(p) and "__pycache__" not in str(p)
        )
        for path in paths:
            with open(dist.locate_file(path), "rb") as f:
                files.append((path, f.read()))
        for module in _modules_of(paths):
            requires[module] = [r.split(";")[0].strip() for r in dist.requires or ()]
    if missing:
        wheel_files, wheel_requires = _from_wheels(missing)
        files += wheel_files
        requires.update(wheel_requires)
    return files, requires


def _from_wheels(names):
    files = []
    requires = {}
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp] + list(names)
        subprocess.run(cmd, check=True)
        for wheel in sorted(os.listdir(tmp)):
            with zipfile.ZipFile(os.path.join(tmp, wheel)) as whl:
                listing = whl.namelist()
                meta = next(n for n in listing if n.endswith(".dist-info/METADATA"))
                info = email.parser.Parser().parsestr(whl.read(meta).decode("utf-8"))
                paths = sorted(n for n in listing if n.endswith(".py") and ".dist-info/" not in n)
                for path in paths:
                    files.append((path, whl.read(path)))
                for module in _modules_of(paths):
                    requires[module] = [
                        r.split(";")[0].strip() for r in info.get_all("Requires-Dist") or ()
                    ]
    return files, requires


def bundle_entries(root=ROOT, with_deps=False, adapters=DEVICE_ADAPTERS):
    """[(path inside the bundle folder, bytes)]: lib/... and requirements/..."""
    entries = []
    for src, dest in library_files(root, adapters):
        with open(src, "rb") as f:
            entries.append(("lib/" + dest, f.read()))
    entries.append(
        ("requirements/tinyweb/requirements.txt", _requirements_text(REQUIREMENTS).encode())
    )
    if with_deps:
        files, requires = dependency_files()
        entries += [("lib/" + path, data) for path, data in files]
        for module in sorted(requires):
            text = _requirements_text(requires[module]).encode()
            entries.append(("requirements/%s/requirements.txt" % module, text))
    return entries


def write_zip(path, top, entries):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(top + "/" + name, FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)


def build(out_dir, root=ROOT, tag=None, with_deps=False, bundle_id=BUNDLE_ID):
    """Write <out_dir>/<bundle_id>-py-<tag>.zip; returns its path. The tag is the version."""
    tag = tag or version(root)
    top = "%s-py-%s" % (bundle_id, tag)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, top + ".zip")
    write_zip(path, top, bundle_entries(root, with_deps))
    return path


def stage(lib_dir, root=ROOT, with_deps=False, adapters=DEVICE_ADAPTERS):
    """Lay the library out in `lib_dir` as it lands on a board (lib_dir/tinyweb/...)."""
    for name, data in bundle_entries(root, with_deps, adapters):
        if not name.startswith("lib/"):
            continue
        dest = os.path.join(lib_dir, *name[4:].split("/"))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as f:
            f.write(data)
    return lib_dir


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "dist"), help="folder for the zip")
    parser.add_argument("--tag", help="bundle tag (default: tinyweb.__version__)")
    parser.add_argument(
        "--bundle-id",
        default=BUNDLE_ID,
        help="circup's name for the GitHub repository whose releases carry the zip: its name "
        "in lower case with '-' for '_' (default %(default)s; 'tinyweb' for <owner>/tinyweb)",
    )
    parser.add_argument(
        "--with-deps", action="store_true", help="put asyncio and adafruit_ticks in the zip"
    )
    parser.add_argument("--stage", metavar="DIR", help="lay out the library in DIR instead")
    args = parser.parse_args(argv)
    if args.stage:
        stage(args.stage, with_deps=args.with_deps)
        print(args.stage)
        return 0
    path = build(args.out, tag=args.tag, with_deps=args.with_deps, bundle_id=args.bundle_id)
    with zipfile.ZipFile(path) as zf:
        size = sum(i.file_size for i in zf.infolist())
        count = len(zf.infolist())
    print("%s  (%d files, %d bytes unpacked)" % (os.path.relpath(path, os.getcwd()), count, size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
