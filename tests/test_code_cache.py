"""The code of the modules loaded on first use is a cache (tinyweb.compat.load and forget):
the modules that say they hold nothing between calls (`_RELOADABLE`) are dropped when a
board's heap runs short and imported again when next needed. That is only safe if no other
module keeps a hold on them and they keep no state, which is checked here from the source,
and if every answer stays the same when they are dropped before each request.

The MicroPython side (when the cache is dropped, over real sockets) is in
tests/test_micropython_unix.py.
"""

import ast
import asyncio
import os
import sys

import case_app
import pytest
from check import check, load_cases
from conftest import ROOT, SHARED
from tinyweb.adapters import memory

import tinyweb
from tinyweb import compat

CASES = load_cases(os.path.join(SHARED, "cases.json"))
STATIC = os.path.join(SHARED, "static")


def sources():
    """{module name: parsed source} of tinyweb and its adapters."""
    trees = {}
    for folder, package in (("tinyweb", "tinyweb"), ("adapters", "tinyweb.adapters")):
        for name in sorted(os.listdir(os.path.join(ROOT, folder))):
            if name.endswith(".py"):
                with open(os.path.join(ROOT, folder, name), encoding="utf-8") as f:
                    trees["%s.%s" % (package, name[:-3])] = ast.parse(f.read())
    return trees


def reloadable(tree):
    return any(
        isinstance(node, ast.Assign)
        and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["_RELOADABLE"]
        for node in tree.body
    )


TREES = sources()
RELOADABLE = sorted(name for name, tree in TREES.items() if reloadable(tree))


def test_the_modules_most_requests_load_are_reloadable():
    # Those a full-feature app loads while it serves: a board that compiles them from .py
    # must be able to drop them, or they fill its heap.
    for name in ("status", "errors", "reasons", "body", "discard", "static", "validators"):
        assert "tinyweb." + name in RELOADABLE


def top_level_imports(tree):
    """The modules (relative names as tinyweb.X) a module imports when it loads."""
    found = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            base = "tinyweb." + (node.module or "") if node.level else node.module or ""
            found.append(base)
            found += [base + "." + a.name for a in node.names]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names]
    return found


@pytest.mark.parametrize("name", RELOADABLE)
def test_a_reloadable_module_is_reached_only_through_load(name):
    # An import at a module's top level would hold the reloadable module's functions for
    # good: dropped from sys.modules, it would stay in the heap and be imported a second
    # time beside itself.
    holders = [
        other for other, tree in TREES.items() if other != name and name in top_level_imports(tree)
    ]
    assert holders == []


# Module-level containers a reloadable module may keep, and why dropping them is harmless.
CACHES = {
    # The method tuples and header filters handed out so far: routes registered after a
    # reload share with one another, not with the earlier ones (a few bytes more).
    ("tinyweb.routing", "_made"),
}
MUTABLE = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)


@pytest.mark.parametrize("name", RELOADABLE)
def test_a_reloadable_module_keeps_no_state(name):
    # State is lost when the module is dropped: a `global` statement changes some, a list,
    # dict or set made at the top level can hold some (bytearray() and the like too).
    tree = TREES[name]
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.Global)]
    containers = []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            value = node.value
            made = isinstance(value, MUTABLE) or (
                isinstance(value, ast.Call)
                and getattr(value.func, "id", None) in ("list", "dict", "set", "bytearray")
            )
            containers += [(name, t.id) for t in node.targets if made and isinstance(t, ast.Name)]
    assert [c for c in containers if c not in CACHES] == []


@pytest.fixture
def restored_modules():
    """Put back the modules forget() drops, so that other tests see the ones they imported."""
    saved = {k: v for k, v in sys.modules.items() if k.startswith("tinyweb.")}
    attributes = {k: tinyweb.__dict__.get(k[8:]) for k in saved if k.count(".") == 1}
    yield
    sys.modules.update(saved)
    for key, value in attributes.items():
        if value is not None:  # (tinyweb.request is the class, not its module)
            setattr(tinyweb, key[8:], value)


def test_forget_drops_the_reloadable_modules_and_load_brings_them_back(restored_modules):
    status = compat.load("status")
    resource = compat.load("resource")
    compat.forget()
    assert "tinyweb.status" not in sys.modules and not hasattr(tinyweb, "status")
    assert sys.modules["tinyweb.resource"] is resource  # holds a setting: never dropped
    again = compat.load("status")
    assert again is not status and again.ResponseMethods.error.__doc__


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_every_shared_case_is_answered_the_same_with_the_cache_dropped_first(
    restored_modules, case
):
    app = case_app.make_app(STATIC) if case.get("app", "main") == "main" else None
    app = app or case_app.make_plain_app()
    compat.forget()
    raw = asyncio.run(memory.request(app, case["request"].encode("utf-8"), chunk=7))
    assert check(case, raw) == []


def test_an_unset_private_attribute_loads_no_module(restored_modules):
    # tinyweb.cors reads req._guard (set by tinyweb.lockdown only), tinyweb.cookies
    # resp._extra: class defaults, so that an unset one is not looked for through
    # __getattr__, which loads tinyweb.body (or tinyweb.status) just to say it is not there.
    app = tinyweb.webserver()

    @app.route("/cors")
    async def cors(req, resp):
        resp.add_access_control_headers()
        await resp.send_body("cors")

    compat.forget()
    raw = asyncio.run(
        memory.request(app, b"GET /cors HTTP/1.0\r\nOrigin: https://a.example\r\n\r\n")
    )
    assert raw.startswith(b"HTTP/1.0 200") and b"Access-Control-Allow-Origin: *" in raw
    assert "tinyweb.body" not in sys.modules
