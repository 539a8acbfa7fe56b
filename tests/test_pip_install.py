"""`pip install .` gives a working package: tinyweb, tinyweb.adapters, tinyweb.boards, and
builds without a deprecation warning."""

import os
import subprocess
import sys

from conftest import ROOT


def test_pip_install_maps_adapters_and_boards_under_tinyweb(tmp_path):
    target = tmp_path / "site"
    # -v shows what the build backend prints: no deprecation warning may be among it
    # (setuptools printed one four times for the old `license = {text = ...}` form).
    build = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-v", "--no-deps", "--target", str(target), ROOT],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(tmp_path),
    )
    assert build.returncode == 0, build.stdout + build.stderr
    warnings = [
        line
        for line in (build.stdout + build.stderr).splitlines()
        if "deprecat" in line.lower() or "BuildBackendWarning" in line
    ]
    assert warnings == []
    installed = sorted(
        os.path.relpath(os.path.join(d, f), target)
        for d, _, files in os.walk(target / "tinyweb")
        for f in files
        if f.endswith(".py")
    )
    assert "tinyweb/adapters/cpython_asyncio.py" in installed
    assert "tinyweb/boards/host.py" in installed
    # Nothing with a generic name lands at the top level.
    assert not (target / "adapters").exists() and not (target / "boards").exists()
    probe = (
        "import tinyweb, tinyweb.adapters.cpython_asyncio as a, tinyweb.boards.host as h;"
        "print(tinyweb.__file__.startswith(%r), a.__name__, h.max_concurrency > 0)" % str(target)
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        env={"PYTHONPATH": str(target), "PATH": os.environ.get("PATH", "")},
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.split() == ["True", "tinyweb.adapters.cpython_asyncio", "True"], out.stderr
