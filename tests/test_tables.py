"""The lookup tables the lazy modules search as short strings (reason phrases in
tinyweb.reasons, content types in tinyweb.content_types): every entry is found, whichever string of
the table it is in, and nothing else is."""

import http

import pytest

from tinyweb import content_types, reasons

# RFC 9110 renamed these since Python's http.HTTPStatus took its phrases.
RENAMED = {
    413: "Content Too Large",
    414: "URI Too Long",
    416: "Range Not Satisfiable",
    418: "I'm a teapot",
    422: "Unprocessable Content",
}
# Codes Python names that tinyweb has no phrase for (WebDAV leftovers, early hints, ...):
# they go out with an empty reason unless the handler sets one.
UNNAMED = {102, 103, 208, 226, 305, 506, 508, 510}


@pytest.mark.parametrize("code", [s.value for s in http.HTTPStatus])
def test_reason_phrase_of_every_standard_code(code):
    if code in UNNAMED:
        expected = ""
    else:
        expected = RENAMED.get(code, http.HTTPStatus(code).phrase)
    assert reasons.reason_for(code) == expected


def test_codes_nobody_named_have_no_reason():
    for code in (0, 99, 199, 299, 419, 600, 999):
        assert reasons.reason_for(code) == ""


TYPES = {
    "index.html": "text/html; charset=utf-8",
    "old.htm": "text/html; charset=utf-8",
    "style.css": "text/css",
    "app.js": "application/javascript",
    "mod.mjs": "application/javascript",
    "data.json": "application/json",
    "notes.txt": "text/plain; charset=utf-8",
    "log.csv": "text/csv",
    "feed.xml": "application/xml",
    "logo.svg": "image/svg+xml",
    "a.png": "image/png",
    "a.jpg": "image/jpeg",
    "A.JPEG": "image/jpeg",
    "a.gif": "image/gif",
    "favicon.ico": "image/x-icon",
    "a.webp": "image/webp",
    "f.woff": "font/woff",
    "f.woff2": "font/woff2",
    "m.wasm": "application/wasm",
    "doc.pdf": "application/pdf",
    "all.zip": "application/zip",
    "all.gz": "application/gzip",
    "fw.bin": "application/octet-stream",
    "app.js.gz": "application/javascript",  # paired with Content-Encoding: gzip
    "all.tar.gz": "application/octet-stream",
    "README": "application/octet-stream",
    "a.exe": "application/octet-stream",
    "dir.d/file": "application/octet-stream",
}


@pytest.mark.parametrize("name", sorted(TYPES))
def test_content_type_of_every_known_extension(name):
    assert content_types.content_type_for(name) == TYPES[name]


def test_every_table_string_is_short_and_framed_by_newlines():
    # Short: each string is one block of a board's heap (docs/layout.md). Framed: a lookup
    # finds "\n<key> " and reads to the next "\n", in whichever string the key is.
    for table in (reasons._REASONS, content_types._TYPES):
        for text in table:
            assert len(text) <= 400
            assert text.startswith("\n") and text.endswith("\n")
