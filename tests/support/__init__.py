"""Test doubles and harnesses for running tinyweb the way CircuitPython runs it, on CPython."""

import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_tool(name):
    """A script of tools/ as a module, without putting tools/ on sys.path (it is no package)."""
    path = os.path.join(ROOT, "tools", name + ".py")
    spec = importlib.util.spec_from_file_location("tinyweb_tools_" + name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
