"""Static files: `response.send_file`, with content types by file extension.

Imported on the first `send_file()`, so an app that serves no files never loads it.

    await resp.send_file("static/app.js")     # Content-Type: application/javascript
    content_type_for("static/app.js.gz")      # -> "application/javascript"
"""

import sys

from .request import HTTPException

try:
    import os
except ImportError:  # very old MicroPython
    import uos as os

# Errors of os.stat()/open() that mean "no such file here" (404): ENOENT, EACCES and
# ENAMETOOLONG (36 on Linux, 63 on macOS; a client can make a name that long). The
# MicroPython WebAssembly port's filesystem raises Emscripten's numbers (ENOENT is 44,
# EACCES is 2) while its `errno` module has Linux's.
FILE_NOT_FOUND = (2, 13, 36, 63, 44) if sys.platform == "webassembly" else (2, 13, 36, 63)

# The types a device's web UI is made of, one "ext type" a line; anything else is served as
# bytes. One string searched on demand, not a dict (see tinyweb.status._REASONS).
_TYPES = (
    "\nhtml text/html; charset=utf-8\nhtm text/html; charset=utf-8"
    "\ncss text/css\njs application/javascript\nmjs application/javascript"
    "\njson application/json\ntxt text/plain; charset=utf-8\ncsv text/csv"
    "\nxml application/xml\nsvg image/svg+xml\npng image/png"
    "\njpg image/jpeg\njpeg image/jpeg\ngif image/gif\nico image/x-icon"
    "\nwebp image/webp\nwoff font/woff\nwoff2 font/woff2"
    "\nwasm application/wasm\npdf application/pdf\nzip application/zip"
    "\ngz application/gzip\nbin application/octet-stream\n"
)

DEFAULT = "application/octet-stream"


def content_type_for(filename):
    """The MIME type for a file name; "x.js.gz" is JavaScript (pair it with Content-Encoding)."""
    name = filename.lower()
    if name.endswith(".gz"):
        name = name[:-3]
        if "." not in name.rsplit("/", 1)[-1]:
            return _type("gz")
    dot = name.rfind(".")
    if dot < 0 or "/" in name[dot:]:
        return DEFAULT
    return _type(name[dot + 1 :])


def _type(extension):
    i = _TYPES.find("\n%s " % extension)
    if i < 0:
        return DEFAULT
    i += len(extension) + 2
    return _TYPES[i : _TYPES.index("\n", i)]


async def send_file(resp, filename, content_type, content_encoding, max_age, buf_size):
    """`response.send_file()`: see its docstring."""
    if not is_safe_path(filename):
        raise HTTPException(403)
    try:
        size = file_size(filename)
        f = open(filename, "rb")
    except OSError as e:
        if e.args and e.args[0] in FILE_NOT_FOUND:
            raise HTTPException(404)
        raise
    try:
        headers = resp.headers
        headers["Content-Type"] = content_type or content_type_for(filename)
        headers["Content-Length"] = str(size)
        if content_encoding:
            headers["Content-Encoding"] = content_encoding
        if max_age:
            headers["Cache-Control"] = "max-age=%d, public" % max_age
        else:
            headers["Cache-Control"] = "no-cache"
        await resp._send_headers()
        if resp.is_head or not size:
            return
        # The connection's receive buffer when the server lent it (the request had no
        # body), else a small one of our own.
        buf = resp._buf
        if buf is None or buf_size:
            buf = bytearray(min(size, buf_size or 512))
        mv = memoryview(buf)
        while True:
            n = f.readinto(buf)
            if not n:
                break
            await resp._write(mv[:n])
    finally:
        f.close()


def file_size(path):
    """Size in bytes of a regular file; raises OSError when missing or a directory."""
    st = os.stat(path)
    if st[0] & 0o170000 != 0o100000:  # S_IFREG: a folder is "not found" for us
        raise OSError(2, "not a regular file")
    return st[6]


def is_safe_path(path):
    """False for a file name that could leave the folder it was built in: a ".." segment,
    a NUL, or an empty segment past the start ("www/" + "/etc/passwd")."""
    if isinstance(path, bytes):
        path = path.decode()
    if "\x00" in path:
        return False
    parts = path.replace("\\", "/").split("/")
    for i in range(len(parts)):
        part = parts[i]
        if part == ".." or (not part and 0 < i < len(parts) - 1):
            return False
    return True
