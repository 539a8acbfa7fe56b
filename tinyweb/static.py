"""Static files: `response.send_file`, with content types by file extension, a validator
(ETag, Last-Modified) and caching that cannot strand a browser on an old page.

Imported on the first `send_file()`, so an app that serves no files never loads it. What
a request's headers ask of a file (304, ranges, gzip) and folder mounts are in
`tinyweb.fileserver`, loaded only when a request carries such headers or an app mounts a
folder.

    await resp.send_file("static/app.js")     # Content-Type: application/javascript
    content_type_for("static/app.js.gz")      # -> "application/javascript"
"""

import sys

from .compat import load
from .request import HTTPException

try:
    import os
except ImportError:  # very old MicroPython
    import uos as os

try:
    from time import gmtime
except ImportError:  # CircuitPython: its localtime is UTC (a board has no time zone)
    from time import localtime as gmtime

# Errors of os.stat()/open() that mean "no such file here" (404): ENOENT, EACCES, ENOTDIR
# ("app.js/x") and ENAMETOOLONG (36 on Linux, 63 on macOS; a client can make a name that
# long). The MicroPython WebAssembly port's filesystem raises Emscripten's numbers (ENOENT
# 44, EACCES 2, ENOTDIR 54) while its `errno` module has Linux's.
FILE_NOT_FOUND = (
    (2, 13, 20, 36, 63, 44, 54) if sys.platform == "webassembly" else (2, 13, 20, 36, 63)
)

# The types a device's web UI is made of, one "ext type" a line; anything else is served as
# bytes. Short strings searched on demand, not a dict (see tinyweb.status._REASONS).
_TYPES = (
    "\nhtml text/html; charset=utf-8\nhtm text/html; charset=utf-8"
    "\ncss text/css\njs application/javascript\nmjs application/javascript"
    "\njson application/json\ntxt text/plain; charset=utf-8\ncsv text/csv\n",
    "\nxml application/xml\nsvg image/svg+xml\npng image/png"
    "\njpg image/jpeg\njpeg image/jpeg\ngif image/gif\nico image/x-icon"
    "\nwebp image/webp\nwoff font/woff\nwoff2 font/woff2\n",
    "\nwasm application/wasm\npdf application/pdf\nzip application/zip"
    "\ngz application/gzip\nbin application/octet-stream\n",
)

DEFAULT = "application/octet-stream"

# For Last-Modified, an HTTP date: "Sun, 06 Nov 1994 08:49:37 GMT".
_DAYS = "MonTueWedThuFriSatSun"
MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec"


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
    key = "\n%s " % extension
    for types in _TYPES:
        i = types.find(key)
        if i >= 0:
            i += len(key)
            return types[i : types.index("\n", i)]
    return DEFAULT


async def send_file(resp, filename, content_type, content_encoding, max_age, buf_size, root):
    """`response.send_file()`: see its docstring (tinyweb.status)."""
    if root is not None:
        confine = load("fileserver").confine

        path = confine(root, filename)
    elif is_safe_path(filename):
        path = filename
    else:
        raise HTTPException(403)
    if not await serve(resp, path, content_type, content_encoding, max_age, buf_size):
        raise HTTPException(404)  # a folder


async def serve(resp, path, content_type, encoding, max_age, buf_size):
    """Answer with the file at `path` (already checked); False, with nothing sent, when it
    is a folder; 404 when it is missing."""
    req = resp._req
    headers = resp.headers
    st = _stat(path)
    if st is not None and st[0] & 0o170000 == 0o040000:  # S_IFDIR
        return False
    if not content_type:
        # "x.js.gz" is JavaScript only with Content-Encoding: gzip; asked for by its own
        # name, it is a gzip file.
        gz = not encoding and path.endswith(".gz")
        content_type = "application/gzip" if gz else content_type_for(path)
    # The request headers the route saved may ask for gzip, a condition or a range: read
    # by tinyweb.fileserver, loaded only when there are some.
    fs = None
    if req is not None and req.headers:
        fs = load("fileserver")

        if not encoding:
            st, path, encoding = fs.pick_encoding(req, resp, st, path)
    if st is None or st[0] & 0o170000 != 0o100000:  # not a regular file (S_IFREG)
        raise HTTPException(404)
    size = st[6]
    mtime = st[8]
    _validators(headers, mtime, size, content_type, encoding, max_age)
    start = 0
    end = size - 1
    # Conditions and ranges apply to GET (and HEAD, answered as GET) only.
    if fs and (resp.is_head or req.method == b"GET"):
        answer = fs.conditions(req, resp, mtime, size)
        if answer is None:  # 304 Not Modified
            await resp._send_headers()
            return True
        start, end = answer
    headers["Content-Type"] = content_type
    if encoding:
        headers["Content-Encoding"] = encoding
    headers["Accept-Ranges"] = "bytes"
    await _send(resp, path, start, end - start + 1, buf_size)
    return True


def _validators(headers, mtime, size, content_type, encoding, max_age):
    """Cache-Control, and the ETag and Last-Modified a browser revalidates with."""
    if max_age is None:  # HTML revalidates, so a new firmware's page is seen at once
        max_age = 0 if content_type.startswith("text/html") else 2592000
    headers["Cache-Control"] = "max-age=%d, public" % max_age if max_age else "no-cache"
    if mtime > 0:  # a filesystem without times gives 0: no validator then, never a stale one
        # Strong, from size and modification time as nginx and Apache make theirs: a file
        # rewritten with the same size within the same second keeps its tag.
        headers["ETag"] = '"%x-%x%s"' % (mtime, size, "-" + encoding if encoding else "")
        t = gmtime(mtime)  # an HTTP date (RFC 9110 section 5.6.7)
        headers["Last-Modified"] = "%s, %02d %s %d %02d:%02d:%02d GMT" % (
            _DAYS[t[6] * 3 : t[6] * 3 + 3],
            t[2],
            MONTHS[t[1] * 3 - 3 : t[1] * 3],
            t[0],
            t[3],
            t[4],
            t[5],
        )


async def _send(resp, path, start, left, buf_size):
    """The head with Content-Length `left`, then `left` bytes of the file from `start`
    (none for HEAD). One function per part keeps each piece of bytecode small: a board
    loads a module into whatever free blocks its heap has left."""
    try:
        f = open(path, "rb")
    except OSError as e:
        if e.args and e.args[0] in FILE_NOT_FOUND:
            raise HTTPException(404)
        raise
    try:
        resp.headers["Content-Length"] = str(left)
        await resp._send_headers()
        if resp.is_head or not left:
            return
        if start:
            f.seek(start)
        # The connection's receive buffer when the server lent it (the request had no
        # body), else a small one of our own: a range costs no more than a whole file.
        buf = resp._buf
        if buf is None or buf_size:
            buf = bytearray(min(left, buf_size or 512))
        mv = memoryview(buf)
        while left > 0:
            n = f.readinto(mv[: min(left, len(buf))])
            if not n:
                break  # the file got shorter meanwhile: closing tells the client
            left -= n
            await resp._write(mv[:n])
    finally:
        f.close()


def _stat(path):
    """os.stat(path), or None when there is no such file."""
    try:
        return os.stat(path)
    except OSError as e:
        if e.args and e.args[0] in FILE_NOT_FOUND:
            return None
        raise


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
