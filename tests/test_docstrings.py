"""Every public name has a docstring: the API reference (`make docs`) is built from them.

Public: what `tinyweb`, `tinyweb.adapters.*` and `tinyweb.boards` export, and the public
methods of `webserver`, `request` and `response`, the ones found on first use through
`__getattr__` included (`tinyweb.control.ServerMethods`, `tinyweb.body.RequestMethods`,
`tinyweb.status.ResponseMethods`). A name added without a docstring fails here, naming it.
"""

import ast
import importlib.util
import inspect
import os
import subprocess
import sys

import pytest
from conftest import ROOT

import tinyweb
import tinyweb.stream
from tinyweb.body import RequestMethods
from tinyweb.control import ServerMethods
from tinyweb.status import ResponseMethods


def module_files(folder, package):
    """(module name, path) of a folder's modules, __init__ first."""
    names = sorted(n for n in os.listdir(os.path.join(ROOT, folder)) if n.endswith(".py"))
    names.remove("__init__.py")
    return [(package, os.path.join(ROOT, folder, "__init__.py"))] + [
        ("%s.%s" % (package, n[:-3]), os.path.join(ROOT, folder, n)) for n in names
    ]


# Read from the source, not imported: micropython_streams (say) imports MicroPython's asyncio.
PUBLIC_MODULES = [("tinyweb", os.path.join(ROOT, "tinyweb", "__init__.py"))]
PUBLIC_MODULES += module_files("adapters", "tinyweb.adapters")
PUBLIC_MODULES += module_files("boards", "tinyweb.boards")
# The modules an app imports by name, rendered in the reference too (tools/docs.py MODULES).
PUBLIC_MODULES += [
    ("tinyweb." + name, os.path.join(ROOT, "tinyweb", name + ".py"))
    for name in ("resource", "stream", "auth", "testing", "websocket", "sse")
]
# An adapter's Stream, Listener and start_server implement the seam: their methods are
# documented once, in tinyweb/stream.py, and need no copy of that text in every adapter.
SEAM = {
    "Stream": tinyweb.stream.Stream,
    "Listener": tinyweb.stream.Listener,
    "start_server": tinyweb.stream.start_server,
}
LAZY = {
    tinyweb.webserver: ServerMethods,
    tinyweb.request: RequestMethods,
    tinyweb.response: ResponseMethods,
}


def documented(obj):
    return bool((inspect.getdoc(obj) or "").strip())


def public_members(cls):
    """(name, function) of the public methods a class defines itself."""
    for name, obj in sorted(vars(cls).items()):
        if not name.startswith("_") and inspect.isfunction(obj):
            yield name, obj


DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def public_definitions(body):
    return [n for n in body if isinstance(n, DEFINITIONS) and not n.name.startswith("_")]


def missing_in_file(module_name, path):
    """The public module, functions, classes and methods a source file leaves undocumented."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    missing = [] if ast.get_docstring(tree) else [module_name]
    seam = module_name.startswith("tinyweb.adapters.")
    for node in public_definitions(tree.body):
        if not ast.get_docstring(node) and not (seam and node.name == "start_server"):
            missing.append("%s.%s" % (module_name, node.name))
        if isinstance(node, ast.ClassDef):
            for sub in public_definitions(node.body):
                told = seam and documented(getattr(SEAM.get(node.name), sub.name, None))
                if not ast.get_docstring(sub) and not told:
                    missing.append("%s.%s.%s" % (module_name, node.name, sub.name))
    return missing


def missing_docstrings():
    missing = []
    for module_name, path in PUBLIC_MODULES:
        missing += missing_in_file(module_name, path)
    for name in tinyweb.__all__:
        if not documented(getattr(tinyweb, name)):
            missing.append("tinyweb." + name)
    for cls, lazy in LAZY.items():
        for name, f in list(public_members(cls)) + list(lazy_members(lazy)):
            if not documented(f):
                missing.append("tinyweb.%s.%s" % (cls.__name__, name))
    return missing


def lazy_members(lazy):
    for name, obj in sorted(vars(lazy).items()):
        if not name.startswith("_") and callable(obj):
            yield name, obj


def test_every_public_name_has_a_docstring():
    assert missing_docstrings() == []


def test_the_lazy_methods_checked_are_the_ones_instances_find():
    """The names checked above are what `resp.error`, `req.query`, `app.start`... give."""
    resp = tinyweb.response(None)
    req = tinyweb.request(None)
    app = tinyweb.webserver()
    for obj, lazy in ((resp, ResponseMethods), (req, RequestMethods), (app, ServerMethods)):
        names = [name for name, _ in lazy_members(lazy)]
        assert names and all(callable(getattr(obj, name)) for name in names)


def test_a_missing_docstring_is_found(monkeypatch):
    def undocumented(resp):
        pass

    monkeypatch.setattr(ResponseMethods, "undocumented", undocumented, raising=False)
    assert missing_docstrings() == ["tinyweb.response.undocumented"]


def test_make_docs_builds_the_reference_with_the_lazy_methods(tmp_path):
    """tools/docs.py (`make docs`): the site builds without a warning, and the response page
    shows the methods found on first use, e.g. error() and start_json()."""
    if importlib.util.find_spec("pdoc") is None:
        pytest.skip("pdoc is missing: pip install -e '.[docs]'")
    out = tmp_path / "docs"
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "tools", "docs.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (out / "index.html").exists()
    page = (out / "tinyweb" / "response.html").read_text()
    for method in ("start_html", "send_body", "error", "start_json", "send_file", "redirect"):
        assert 'id="response.%s"' % method in page, method
    assert "urldecode_plus" in (out / "tinyweb.html").read_text()
