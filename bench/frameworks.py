"""The frameworks measured, where their code comes from, and how each is laid out to run.

tinyweb is this checkout: .mpy files from tools/build.py (as `make build` ships them) or its
sources laid out the same way. Every peer comes from PyPI through pip, into build/bench/
(never committed), and is compiled with the same mpy-cross as tinyweb.

    stage(names)          # fetch, unpack and compile what `names` need; {name: problem}
    mp_path("microdot")   # MICROPYPATH entries for a MicroPython run
    py_path("biplane")    # PYTHONPATH entries for a CPython run
"""

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile

from . import env

WORKLOADS = ("hello", "json", "form", "static")


class Framework:
    """One framework: `pips` are pip requirement specs (the framework first, then what it
    imports that is not in the firmware); `files(path)` says which unpacked files go on the
    device; `runtime` is "micropython" (also run on CPython when `cpython`) or
    "circuitpython" (CPython with its `socket` module as the socket pool)."""

    def __init__(self, name, title, pips, files, runtime, missing=None, cpython=False, note=""):
        self.name = name
        self.title = title
        self.pips = pips
        self.files = files
        self.runtime = runtime
        self.missing = missing or {}  # workload -> why the framework cannot serve it
        self.cpython = cpython
        self.note = note

    @property
    def version(self):
        return self.pips[0].split("==")[1] if self.pips else "(this checkout)"

    def offers(self, workload):
        return workload not in self.missing


def _in(*prefixes):
    return lambda path: path.endswith(".py") and path.startswith(prefixes)


FRAMEWORKS = {
    "tinyweb": Framework("tinyweb", "tinyweb", [], None, "micropython", cpython=True),
    "microdot": Framework(
        "microdot",
        "microdot",
        ["microdot==2.7.0"],
        # Its core, as on a board, and the extensions for live pages (bench/live_heap.py,
        # loaded only there); the other modules are optional extensions.
        lambda p: (
            p
            in (
                "microdot/__init__.py",
                "microdot/microdot.py",
                "microdot/helpers.py",
                "microdot/websocket.py",
                "microdot/sse.py",
            )
        ),
        "micropython",
        cpython=True,
    ),
    "phew": Framework(
        "phew",
        "phew",
        ["micropython-phew==0.0.3"],
        _in("phew/"),
        "micropython",
        note="made for the Pico W: it imports `network` and stamps its log with "
        "`machine.RTC()`, which the unix port lacks, so its runs get two small stand-ins "
        "(bench/stubs/phew/); it appends a line to log.txt for every request, as on a board",
    ),
    "uaioweb": Framework(
        "uaioweb",
        "uaioweb",
        ["micropython-uaioweb==0.0.3"],
        _in("uaioweb/"),
        "micropython",
        missing={"json": "no path parameters", "static": "no file sending"},
        note="handlers write the status line and headers themselves; it imports "
        "`hashlib.sha1` (for WebSockets), which a unix port built without TLS lacks: there "
        "its runs get a stand-in (bench/stubs/uaioweb/)",
    ),
    "picoweb": Framework(
        "picoweb",
        "picoweb",
        ["picoweb==1.8.2", "micropython-pkg_resources==0.2.1", "micropython-ulogging==0.3"],
        lambda p: p.startswith("picoweb/") or p in ("pkg_resources.py", "ulogging.py"),
        "micropython",
        note="written for Pycopy: it needs `pkg_resources` and, with its default "
        "`debug=False`, `ulogging` (micropython-lib's, from PyPI); it logs every request. "
        "These three are sdists made for upip (no setup.py): pip downloads and unpacks them, "
        "then refuses, so bench/frameworks.py takes the files pip unpacked (`--no-clean`)",
    ),
    "httpserver": Framework(
        "httpserver",
        "adafruit-circuitpython-httpserver",
        ["adafruit-circuitpython-httpserver==4.8.2"],
        _in("adafruit_httpserver/"),
        "circuitpython",
        note="served by `server.start()` and `server.poll()` in a loop, as its examples do;"
        " 4.8.2 leaves urlencoded form values undecoded (`Ada+Lovelace`, `ada%40example.org`),"
        " so its form answers fail the check",
    ),
    "biplane": Framework(
        "biplane",
        "biplane",
        ["biplane==1.0.4"],
        lambda p: p == "biplane.py",
        "circuitpython",
        missing={
            "json": "no path parameters",
            "form": "no form parsing",
            "static": "no file sending",
        },
        note="a generator-based server without asyncio, polled in a loop",
    ),
}
MICROPYTHON = [f for f in FRAMEWORKS if FRAMEWORKS[f].runtime == "micropython"]
CIRCUITPYTHON = ["tinyweb"] + [f for f in FRAMEWORKS if FRAMEWORKS[f].runtime == "circuitpython"]


# ---- fetching from PyPI -----------------------------------------------------------------------


def _pip(args, tmp=None):
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps"] + args
    environ = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    if tmp:
        environ["TMPDIR"] = tmp
    proc = subprocess.run(cmd, capture_output=True, text=True, env=environ, timeout=600)
    errors = [line for line in proc.stderr.splitlines() if line.startswith("ERROR")]
    return proc.returncode, " ".join(errors) or proc.stderr.strip()[-300:]


def fetch(spec):
    """Unpack the PyPI package `spec` (pip requirement) into build/bench/peers/<spec>/:
    that folder, or raise RuntimeError with pip's complaint."""
    dest = os.path.join(env.OUT, "peers", spec.replace("==", "-"))
    done = os.path.join(dest, ".unpacked")
    if os.path.exists(done):
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    download = os.path.join(env.OUT, "cache", spec.replace("==", "-"))
    os.makedirs(download, exist_ok=True)
    if not os.listdir(download):
        code, error = _pip(["-d", download, spec])
        if code != 0:
            # Packages made for upip (MicroPython's old installer) are sdists without
            # setup.py: pip downloads and unpacks them, then refuses. --no-clean keeps what it
            # unpacked, in a temporary folder of our own.
            tmp = os.path.join(env.OUT, "tmp", spec.replace("==", "-"))
            shutil.rmtree(tmp, ignore_errors=True)
            os.makedirs(tmp)
            _pip(["--no-clean", "-d", download, spec], tmp=tmp)
            unpacked = _unpacked_by_pip(tmp)
            if unpacked is None:
                raise RuntimeError("pip download %s: %s" % (spec, error))
            shutil.copytree(unpacked, dest)
            open(done, "w").close()
            return dest
    for name in os.listdir(download):
        archive = os.path.join(download, name)
        if name.endswith(".whl"):
            with zipfile.ZipFile(archive) as z:
                for member in z.namelist():
                    if member.endswith(".py") and ".dist-info/" not in member:
                        z.extract(member, dest)
        elif name.endswith((".tar.gz", ".tgz")):
            with tarfile.open(archive) as t:
                for member in t.getmembers():
                    parts = member.name.split("/", 1)
                    if member.isfile() and len(parts) == 2 and parts[1].endswith(".py"):
                        if parts[1] == "setup.py":
                            continue
                        out = os.path.join(dest, parts[1])
                        os.makedirs(os.path.dirname(out), exist_ok=True)
                        with open(out, "wb") as f:
                            f.write(t.extractfile(member).read())
    open(done, "w").close()
    return dest


def _unpacked_by_pip(tmp):
    """The source folder pip unpacked (and was told to keep) under `tmp`, or None."""
    for folder, _, names in os.walk(tmp):
        if any(n.endswith(".py") and n != "setup.py" for n in names) or any(
            os.path.exists(os.path.join(folder, n, "__init__.py")) for n in os.listdir(folder)
        ):
            if os.path.basename(os.path.dirname(folder)).startswith("pip-download-"):
                return folder
    return None


def sources(fw):
    """{device path: source file} of a peer's files on the device."""
    files = {}
    for spec in fw.pips:
        root = fetch(spec)
        for folder, _, names in os.walk(root):
            for name in names:
                path = os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
                if fw.files(path):
                    files[path] = os.path.join(folder, name)
    return files


# ---- laying out -------------------------------------------------------------------------------


def lib(name, kind):
    """The folder of framework `name` laid out as a device's /lib: kind "mpy" or "py"."""
    return os.path.join(env.LIB, "%s-%s" % (name, kind))


def mp_path(name, kind="mpy", mp=None):
    """MICROPYPATH entries: the apps, the framework, and stand-ins for modules of the
    firmware that the interpreter `mp` lacks (bench/stubs/<name>/)."""
    path = [os.path.join(env.LIB, "apps-mpy"), lib(name, kind)]
    if name in ("uaioweb", "microdot") and mp is not None and not mp.has_sha1:
        path.append(lib(name, "stubs"))
        if name == "microdot":  # its hashlib stand-in takes tinyweb's SHA-1
            path.append(lib("tinyweb", "mpy"))
    return path


def py_path(name):
    return [env.APPS, lib(name, "py")]


def compile_tree(files, out):
    """Compile {device path: source} into `out` as .mpy; None, or the first error."""
    build = env.load_tool("build")
    binary = build.mpy_cross_binary()
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for path, source in sorted(files.items()):
        error = build.compile_file(binary, source, path[:-3], os.path.join(out, path[:-3] + ".mpy"))
        if error:
            return "mpy-cross %s: %s" % (path, error.splitlines()[-1])
    return None


def copy_tree(files, out):
    shutil.rmtree(out, ignore_errors=True)
    for path, source in files.items():
        target = os.path.join(out, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy(source, target)


def tinyweb_sources():
    build = env.load_tool("build")
    return {dev + ".py": os.path.join(env.ROOT, src) for src, dev in build.device_files()}


def app_sources():
    return {n: os.path.join(env.APPS, n) for n in os.listdir(env.APPS) if n.endswith(".py")}


def stage(names):
    """Lay out the apps and the frameworks `names` for MicroPython (.mpy, and tinyweb's .py
    too) and CPython (.py); {name: why it cannot run} for those that could not be staged."""
    problems = {}
    error = compile_tree(app_sources(), os.path.join(env.LIB, "apps-mpy"))
    if error:
        raise SystemExit("bench/apps do not compile: " + error)
    os.makedirs(env.RUN, exist_ok=True)
    page = os.path.join(env.RUN, "page.html")
    sys.path.insert(0, env.APPS)
    import workloads

    with open(page, "wb") as f:
        f.write(workloads.static_content())
    for name in names:
        fw = FRAMEWORKS[name]
        if name == "tinyweb":
            files = tinyweb_sources()
        else:
            try:
                files = sources(fw)
            except RuntimeError as e:
                problems[name] = str(e)
                continue
            if not files:
                problems[name] = "no files found in %s" % ", ".join(fw.pips)
                continue
        stubs = os.path.join(env.STUBS, name)
        if name == "phew":  # always: the unix port has neither of them
            for stub in os.listdir(stubs):
                files[stub] = os.path.join(stubs, stub)
        elif os.path.isdir(stubs):  # only where the interpreter lacks them (mp_path)
            stubs = {n: os.path.join(stubs, n) for n in os.listdir(stubs) if n.endswith(".py")}
            compile_tree(stubs, lib(name, "stubs"))
        copy_tree(files, lib(name, "py"))
        if fw.runtime == "micropython":
            error = compile_tree(files, lib(name, "mpy"))
            if error:
                problems[name] = error
    return problems


def run_mp(mp, framework, module, args, kind="mpy", heapsize=None, timeout=600, prefix=()):
    """Run bench/apps/<module> on `mp` with `framework`'s files: (exit status, output)."""
    cmd = list(prefix) + mp.command(module, args, heapsize)
    proc = subprocess.run(
        cmd,
        cwd=env.RUN,
        env=env.mp_env(mp_path(framework, kind, mp)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=timeout,
    )
    return proc.returncode, proc.stdout.decode("utf-8", "replace")
