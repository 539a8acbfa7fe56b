"""heap-breakdown: where a hello-world app's heap goes, at rest and with 4 connections open.

On MicroPython's unix port, every figure a gc.mem_alloc() difference after gc.collect():

- code per module, as loaded from .mpy: the modules a running hello-world app has loaded
  (bench/apps/modules.py list: the app imported, one request served, for tinyweb its
  listener started, as app.run() does), imported one at a time, dependencies first, each
  figure the heap that one import added (bytecode, constants, the module's globals and
  classes). A package's __init__ is staged empty so that its submodules can be imported
  one by one; its real content is imported last, as <package>._bench_init.
- the rest, in one process from one starting point (bench/apps/inmemory.py breakdown):
  importing the framework; the app module (routes, handlers) and what its server sets up;
  what the first request leaves behind (modules and caches loaded on first use, buffers
  kept); the peak of the live heap while 4 connections are served at once (in memory, 6
  requests each, every read and drain waiting 1 ms so they interleave; sampled whenever the
  scheduler gets round to it) and what stays after them; bytes allocated per request with
  the collector off; and, measured alike for every framework, what one asyncio task and
  one in-memory stream object take.

What fragmentation costs comes from heap-floor: the smallest heap that serves against the
peak of the live heap in the same run over sockets.
"""

import ast
import os

from . import env, frameworks

DETAIL = ("tinyweb", "microdot")


def module_file(root, name):
    """(source path, is a package) of dotted module `name` under `root`, or (None, False)."""
    base = os.path.join(root, *name.split("."))
    if os.path.exists(os.path.join(base, "__init__.py")):
        return os.path.join(base, "__init__.py"), True
    if os.path.exists(base + ".py"):
        return base + ".py", False
    return None, False


def imports_at_import_time(path, name, is_package):
    """Dotted names a module imports when it is imported (not inside functions)."""
    with open(path) as f:
        text = f.read()
    package = name if is_package else name.rpartition(".")[0]
    found = []
    try:
        tree = ast.parse(text)
    except SyntaxError:  # MicroPython syntax CPython refuses (phew's nested f-string quotes)
        tree = ast.parse("\n".join(_top_level_imports(text)))

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(child, ast.Import):
                found.extend(a.name for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - child.level + 1])
                    mod = base + ("." + child.module if child.module else "")
                else:
                    mod = child.module
                found.append(mod)
                found.extend(mod + "." + a.name for a in child.names)
            visit(child)

    visit(tree)
    return found


def _top_level_imports(text):
    """The unindented import statements of a source, one per line."""
    lines = []
    for line in text.splitlines():
        if line.startswith(("import ", "from ")) and not line.rstrip().endswith(("(", "\\")):
            lines.append(line.split("#")[0])
    return lines


def import_order(root, names):
    """`names` (the framework's modules) with every module after those it imports; a
    package P as "P" (its empty stand-in) first and "P@INIT" (its real __init__) after its
    submodules."""
    names = set(names)
    packages = sorted(n for n in names if module_file(root, n)[1])
    deps = {}
    for n in names:
        path, is_package = module_file(root, n)
        mods = imports_at_import_time(path, n, is_package) if path else []
        key = n + "@INIT" if is_package else n
        deps[key] = [m + "@INIT" if m in packages else m for m in mods if m in names and m != n]
    order = list(packages)
    seen = set(order)

    def place(key):
        if key in seen:
            return
        seen.add(key)
        for d in deps.get(key, ()):
            place(d)
        order.append(key)

    for key in sorted(deps):
        place(key)
    return order


def stage_split(name):
    """The framework's files compiled with every package __init__ empty and its content as
    <package>/_bench_init.mpy; the folder's kind for frameworks.mp_path()."""
    src = frameworks.lib(name, "py")
    files = {}
    empty = os.path.join(env.OUT, "empty.py")
    with open(empty, "w") as f:
        f.write("")
    for folder, _, entries in os.walk(src):
        for entry in entries:
            if not entry.endswith(".py"):
                continue
            path = os.path.relpath(os.path.join(folder, entry), src).replace(os.sep, "/")
            if entry == "__init__.py":
                files[path] = empty
                files[path[: -len("__init__.py")] + "_bench_init.py"] = os.path.join(folder, entry)
            else:
                files[path] = os.path.join(folder, entry)
    error = frameworks.compile_tree(files, frameworks.lib(name, "split"))
    if error:
        raise SystemExit(error)
    return "split"


def mpy_size(name, module):
    """Bytes of the module's .mpy file (a package: its __init__.mpy)."""
    base = os.path.join(frameworks.lib(name, "mpy"), *module.split("."))
    for path in (base + ".mpy", os.path.join(base, "__init__.mpy")):
        if os.path.exists(path):
            return os.path.getsize(path)
    return None


def code(mp, name):
    """[(module, heap bytes, .mpy bytes or None)] in import order; runtime modules first."""
    status, out = frameworks.run_mp(mp, name, "modules", ["list", name])
    if status != 0:
        raise RuntimeError(out[-500:])
    listed = [line.split()[1] for line in out.splitlines() if line.startswith("MODULE ")]
    root = frameworks.lib(name, "py")
    own = [m for m in listed if module_file(root, m)[0]]
    runtime = [m for m in listed if m not in own]
    order = runtime + import_order(root, own)
    kind = stage_split(name)
    status, out = frameworks.run_mp(mp, name, "modules", ["import", name] + order, kind=kind)
    if status != 0:
        raise RuntimeError(out[-500:])
    rows = []
    for line in out.splitlines():
        if line.startswith("CODE "):
            _, module, delta = line.split()
            rows.append((module, int(delta), mpy_size(name, module.replace("@INIT", ""))))
    return rows, runtime


def baseline(mp):
    """The interpreter's own heap at start (gc.mem_alloc() after a collection)."""
    import subprocess

    code = "import gc; gc.collect(); print(gc.mem_alloc())"
    out = subprocess.run([mp.path, "-c", code], capture_output=True, text=True)
    return int(out.stdout.split()[-1])


def measure(ctx):
    if ctx.mp is None:
        return None
    data = {"runtime": ctx.mp.describe(), "bits": ctx.mp.bits, "baseline": baseline(ctx.mp)}
    data["frameworks"] = {}
    for name in ctx.frameworks:
        if name not in frameworks.MICROPYTHON or name not in ctx.staged:
            continue
        row = {}
        try:
            row["modules"], row["runtime_modules"] = code(ctx.mp, name)
        except RuntimeError as e:
            row["error"] = str(e)
            data["frameworks"][name] = row
            env.log("%s: %s" % (name, e))
            continue
        status, out = frameworks.run_mp(
            ctx.mp, name, "inmemory", ["breakdown", name, 100], heapsize=8 << 20
        )
        res = env.result_line(out)
        if status != 0 or res is None:
            row["error"] = out[-500:]
        else:
            row.update(res)
            env.log(
                "%s: code %d, app %d, first request %d, 4 connections %d at the peak, %d per "
                "request"
                % (
                    name,
                    res["code"],
                    res["app"],
                    res["first_request"],
                    res["peak_4"],
                    res["per_request"],
                )
            )
        data["frameworks"][name] = row
    return data
