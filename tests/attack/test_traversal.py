"""Traversal out of the folder a `<path:>` route serves with send_file: every encoding of
"..", absolute paths, NUL, overlong names and a symlink. None reaches the secret next to
the folder; each gets the status named here.
"""

import pytest

from .conftest import SECRET, body, status

FORBIDDEN = b"HTTP/1.0 403 Forbidden"
NOT_FOUND = b"HTTP/1.0 404 Not Found"

CASES = [
    ("../", b"/files/../secret.txt", FORBIDDEN),
    ("../ deeper", b"/files/sub/../../secret.txt", FORBIDDEN),
    ("%2e%2e/", b"/files/%2e%2e/secret.txt", FORBIDDEN),
    ("%2E%2E%2F", b"/files/%2E%2E%2Fsecret.txt", FORBIDDEN),
    ("..%2f", b"/files/..%2fsecret.txt", FORBIDDEN),
    ("..%5c", b"/files/..%5csecret.txt", FORBIDDEN),
    ("..\\", b"/files/..\\secret.txt", FORBIDDEN),
    ("%252e (double encoding)", b"/files/%252e%252e/secret.txt", NOT_FOUND),
    ("%00 after a name", b"/files/hello.txt%00.png", NOT_FOUND),
    ("%00 alone", b"/files/%00", NOT_FOUND),
    ("absolute //etc/hostname", b"/files//etc/hostname", NOT_FOUND),
    ("absolute %2fetc%2fhostname", b"/files/%2fetc%2fhostname", NOT_FOUND),
    ("absolute %5cetc", b"/files/%5cetc%5chostname", NOT_FOUND),
    ("empty segment inside", b"/files/sub//inner.txt", NOT_FOUND),
    ("root-relative //etc/hostname", b"//etc/hostname", NOT_FOUND),
    ("a folder", b"/files/sub", NOT_FOUND),
    ("a file name of 300 bytes", b"/files/" + b"n" * 300, NOT_FOUND),
    ("a segment of 256 bytes inside", b"/files/" + b"d" * 256 + b"/x.txt", NOT_FOUND),
]


@pytest.mark.parametrize("path, expect", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_traversal_is_refused(server, path, expect):
    raw = server.raw(b"GET " + path + b" HTTP/1.0\r\n\r\n")
    assert status(raw) == expect, server.report()
    assert SECRET not in raw
    server.answers_normally()


@pytest.mark.parametrize(
    "path, content",
    [
        (b"/files/hello.txt", b"hello"),
        (b"/files/sub/inner.txt", b"inner"),
        (b"/files/./hello.txt", b"hello"),
    ],
)
def test_files_inside_the_folder_are_served(server, path, content):
    raw = server.raw(b"GET " + path + b" HTTP/1.0\r\n\r\n")
    assert status(raw) == b"HTTP/1.0 200 OK" and body(raw) == content, server.report()


def test_a_symlink_out_of_the_named_root_is_refused(server):
    """send_file(name, root=folder) keeps to the folder: a symlink inside it that leads out
    is refused (CPython resolves it; MicroPython's unix port refuses every link)."""
    raw = server.raw(b"GET /mount/link.txt HTTP/1.0\r\n\r\n")
    assert SECRET not in raw
    assert status(raw) == FORBIDDEN, raw[:200]
    server.answers_normally()


def test_the_server_holds_what_it_held_before(server):
    server.holds_what_it_held()
