"""Static files: `response.send_file`, with a validator (ETag, Last-Modified) and caching
that cannot strand a browser on an old page.

Imported on the first `send_file()`, so an app that serves no files never loads it. Content
types by file extension are in `tinyweb.content_types`, the validators and caching headers
in `tinyweb.validators`; what a request's headers ask of a file (304, ranges, gzip) and
folder mounts in `tinyweb.fileserver`, loaded only when a request carries such headers or
an app mounts a folder.

    await resp.send_file("static/app.js")     # Content-Type: application/javascript
"""

import sys

from .compat import load
from .request import HTTPException

# Holds nothing between calls: dropped when the heap runs out, and loaded again (compat.load).
_RELOADABLE = True

try:
    import os
except ImportError:  # very old MicroPython
    import uos as os

# Errors of os.stat()/open() that mean "no such file here" (404): ENOENT, EACCES, ENOTDIR
# ("app.js/x") and ENAMETOOLONG (36 on Linux, 63 on macOS; a client can make a name that
# long). The MicroPython WebAssembly port's filesystem raises Emscripten's numbers (ENOENT
# 44, EACCES 2, ENOTDIR 54) while its `errno` module has Linux's.
FILE_NOT_FOUND = (
    (2, 13, 20, 36, 63, 44, 54) if sys.platform == "webassembly" else (2, 13, 20, 36, 63)
)


async def send_file(resp, filename, content_type, content_encoding, max_age, buf_size, root):
    # `response.send_file()`: see its docstring (tinyweb.status).
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
    # Answer with the file at `path` (already checked); False, with nothing sent, when it
    # is a folder; 404 when it is missing.
    req = resp._req
    headers = resp.headers
    st = _stat(path)
    if st is not None and st[0] & 0o170000 == 0o040000:  # S_IFDIR
        return False
    if not content_type:
        # "x.js.gz" is JavaScript only with Content-Encoding: gzip; asked for by its own
        # name, it is a gzip file.
        if not encoding and path.endswith(".gz"):
            content_type = "application/gzip"
        else:
            content_type_for = load("content_types").content_type_for

            content_type = content_type_for(path)
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
    load("validators").set_validators(headers, mtime, size, content_type, encoding, max_age)
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


async def _send(resp, path, start, left, buf_size):
    # The head with Content-Length `left`, then `left` bytes of the file from `start`
    # (none for HEAD). One function per part keeps each piece of bytecode small: a board
    # loads a module into whatever free blocks its heap has left.
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
    # os.stat(path), or None when there is no such file.
    try:
        return os.stat(path)
    except OSError as e:
        if e.args and e.args[0] in FILE_NOT_FOUND:
            return None
        raise


def is_safe_path(path):
    # False for a file name that could leave the folder it was built in: a ".." segment,
    # a NUL, or an empty segment past the start ("www/" + "/etc/passwd").
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
