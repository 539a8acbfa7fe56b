"""Oversized and malformed framing (RFC 9110/9112): each refused when the head is read, with
the status the RFCs name, and the server goes on serving.
"""

import pytest

from .conftest import status

H11 = b"Host: device\r\n"
FORM = b"Content-Type: application/x-www-form-urlencoded\r\n"
CHUNKED_FORM = (
    b"POST /form HTTP/1.1\r\n" + H11 + FORM + b"Transfer-Encoding: chunked\r\n\r\n"
    b"7\r\na=1&b=2\r\n0\r\n\r\n"
)

CASES = [
    # (name, raw request, status line)
    (
        "two Content-Length, 0 then 5",
        b"POST /form HTTP/1.0\r\n" + FORM + b"Content-Length: 0\r\nContent-Length: 5\r\n\r\na=1&b",
        b"HTTP/1.0 400 Bad Request",
    ),
    (
        "two Content-Length, 5 then 0",
        b"POST /form HTTP/1.0\r\n" + FORM + b"Content-Length: 5\r\nContent-Length: 0\r\n\r\na=1&b",
        b"HTTP/1.0 400 Bad Request",
    ),
    (
        "Content-Length with a sign",
        b"POST /form HTTP/1.0\r\n" + FORM + b"Content-Length: +5\r\n\r\na=1&b",
        b"HTTP/1.0 400 Bad Request",
    ),
    (
        "Content-Length and Transfer-Encoding",
        b"POST /customers HTTP/1.1\r\n"
        + H11
        + FORM
        + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"HTTP/1.1 400 Bad Request",  # a REST resource's URL: answered as HTTP/1.1
    ),
    (
        "Transfer-Encoding gzip",
        b"POST /customers HTTP/1.1\r\n" + H11 + FORM + b"Transfer-Encoding: gzip\r\n\r\n",
        b"HTTP/1.1 501 Not Implemented",
    ),
    (
        "Transfer-Encoding gzip, chunked",
        CHUNKED_FORM.replace(b": chunked", b": gzip, chunked"),
        b"HTTP/1.0 501 Not Implemented",
    ),
    (
        "Transfer-Encoding chunked, chunked",
        CHUNKED_FORM.replace(b": chunked", b": chunked, chunked"),
        b"HTTP/1.0 501 Not Implemented",
    ),
    (
        "two Transfer-Encoding: chunked",
        CHUNKED_FORM.replace(b"chunked\r\n", b"chunked\r\nTransfer-Encoding: chunked\r\n"),
        b"HTTP/1.0 501 Not Implemented",
    ),
    (
        "chunked body in HTTP/1.0",
        CHUNKED_FORM.replace(b"HTTP/1.1", b"HTTP/1.0"),
        b"HTTP/1.0 400 Bad Request",
    ),
    (
        "chunked body over the route's limit",
        CHUNKED_FORM.replace(b"7\r\na=1&b=2", b"7d0\r\n" + b"a" * 2000),
        b"HTTP/1.0 413 Content Too Large",
    ),
    (
        "chunk size not hex",
        CHUNKED_FORM.replace(b"7\r\n", b"zz\r\n"),
        b"HTTP/1.0 400 Bad Request",
    ),
    (
        "chunk size of 20 hex digits",
        CHUNKED_FORM.replace(b"7\r\n", b"f" * 20 + b"\r\n"),
        b"HTTP/1.0 400 Bad Request",
    ),
    (
        "chunk longer than its size",
        CHUNKED_FORM.replace(b"7\r\n", b"3\r\n"),
        b"HTTP/1.0 400 Bad Request",
    ),
    (
        "chunked body without its last chunk",
        CHUNKED_FORM[: -len(b"0\r\n\r\n")],
        b"HTTP/1.0 400 Bad Request",
    ),
    (
        "bare CR in a header value",
        b"GET / HTTP/1.0\r\nX-A: a\rb\r\n\r\n",
        b"HTTP/1.0 400 Bad Request",
    ),
    (
        "NUL in a header value",
        b"GET / HTTP/1.0\r\nX-A: a\x00b\r\n\r\n",
        b"HTTP/1.0 400 Bad Request",
    ),
    (
        "white space before the colon",
        b"GET / HTTP/1.0\r\nX-A : b\r\n\r\n",
        b"HTTP/1.0 400 Bad Request",
    ),
    (
        "obsolete line folding",
        b"GET / HTTP/1.0\r\nX-A: a\r\n b\r\n\r\n",
        b"HTTP/1.0 400 Bad Request",
    ),
    ("control byte in the path", b"GET /a\x01b HTTP/1.0\r\n\r\n", b"HTTP/1.0 400 Bad Request"),
    ("DEL in the path", b"GET /a\x7fb HTTP/1.0\r\n\r\n", b"HTTP/1.0 400 Bad Request"),
    ("tab in the path", b"GET /a\tb HTTP/1.0\r\n\r\n", b"HTTP/1.0 400 Bad Request"),
    ("HTTP/1.1x", b"GET / HTTP/1.1x\r\n" + H11 + b"\r\n", b"HTTP/1.0 400 Bad Request"),
    ("HTTP/1.10", b"GET / HTTP/1.10\r\n" + H11 + b"\r\n", b"HTTP/1.0 400 Bad Request"),
    ("lower-case method", b"get / HTTP/1.0\r\n\r\n", b"HTTP/1.0 400 Bad Request"),
    (
        "absolute-form target",
        b"GET http://device/ HTTP/1.1\r\n" + H11 + b"\r\n",
        b"HTTP/1.0 400 Bad Request",
    ),
    ("two spaces in the request line", b"GET  / HTTP/1.0\r\n\r\n", b"HTTP/1.0 400 Bad Request"),
    ("HTTP/1.1 without Host", b"GET / HTTP/1.1\r\n\r\n", b"HTTP/1.0 400 Bad Request"),
    (
        "HTTP/1.1 with two Host",
        b"GET / HTTP/1.1\r\n" + H11 + H11 + b"\r\n",
        b"HTTP/1.0 400 Bad Request",
    ),
    (
        "HTTP/1.2 without Host (answered as 1.1)",
        b"GET / HTTP/1.2\r\n\r\n",
        b"HTTP/1.0 400 Bad Request",
    ),
    (
        "huge request line",
        b"GET /" + b"a" * 10000 + b" HTTP/1.0\r\n\r\n",
        b"HTTP/1.0 414 URI Too Long",
    ),
    (
        "too many headers",
        b"GET / HTTP/1.0\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(60)) + b"\r\n",
        b"HTTP/1.0 431 Request Header Fields Too Large",
    ),
    (
        "a header line past what streams by",
        b"GET / HTTP/1.0\r\nX-Junk: " + b"j" * 20000 + b"\r\n\r\n",
        b"HTTP/1.0 431 Request Header Fields Too Large",
    ),
    (
        "a saved header line too long",
        b"POST /form HTTP/1.0\r\nContent-Type: " + b"t" * 2000 + b"\r\n\r\n",
        b"HTTP/1.0 431 Request Header Fields Too Large",
    ),
    (
        "body over the route's limit",
        b"POST /form HTTP/1.0\r\n" + FORM + b"Content-Length: 2000\r\n\r\n" + b"a" * 2000,
        b"HTTP/1.0 413 Content Too Large",
    ),
    (
        "Content-Length of 15 digits",
        b"POST /form HTTP/1.0\r\n" + FORM + b"Content-Length: 999999999999999\r\n\r\n",
        b"HTTP/1.0 413 Content Too Large",
    ),
    (
        "Content-Length of 16 digits",
        b"POST /form HTTP/1.0\r\n" + FORM + b"Content-Length: 9999999999999999\r\n\r\n",
        b"HTTP/1.0 400 Bad Request",
    ),
    (
        "body shorter than its Content-Length",
        b"POST /form HTTP/1.0\r\n" + FORM + b"Content-Length: 100\r\n\r\na=1",
        b"HTTP/1.0 400 Bad Request",
    ),
    (
        "no request line, only garbage",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
        b"HTTP/1.0 400 Bad Request",
    ),
]


@pytest.mark.parametrize("data, expect", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_framing_is_refused(server, data, expect):
    assert status(server.raw(data)) == expect, server.report()
    server.answers_normally()


ACCEPTED = [
    ("HTTP/1.2 with Host, answered as 1.1", b"GET / HTTP/1.2\r\n" + H11 + b"\r\n"),
    ("HTTP/1.1 with one Host", b"GET / HTTP/1.1\r\n" + H11 + b"\r\n"),
    ("empty lines before the request line", b"\r\n\r\nGET / HTTP/1.0\r\n\r\n"),
    (
        "a long header nobody keeps streams past",
        b"GET / HTTP/1.0\r\nCookie: " + b"c" * 6000 + b"\r\n\r\n",
    ),
    ("LF line ends", b"GET / HTTP/1.0\n\n"),
]


@pytest.mark.parametrize("data", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_well_formed_edges_are_served(server, data):
    raw = server.raw(data)
    assert status(raw) == b"HTTP/1.0 200 OK" and raw.endswith(b"\r\n\r\nindex"), server.report()


def test_a_chunked_form_is_decoded(server):
    raw = server.raw(CHUNKED_FORM)
    assert status(raw) == b"HTTP/1.0 200 OK" and raw.endswith(b"\r\n\r\nfields 2"), raw


def test_the_server_holds_what_it_held_before(server):
    server.holds_what_it_held()
