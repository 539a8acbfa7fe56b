"""Serving a folder: `app.static()` mounts, names confined to a folder, and what a
request's headers ask of a file (If-None-Match, If-Modified-Since, Range, If-Range,
Accept-Encoding).

Loaded by `app.static()`, by `send_file(..., root=...)`, and by `send_file` when the route
saves request headers; the file itself is sent by `tinyweb.static`.

    app.static("/static", "www")        # GET /static/app.js -> www/app.js, 304, 206, gzip
    confine("www", "app.js")            # -> "www/app.js"; HTTPException(403) for "../x"
"""

import sys

from .compat import load
from .request import HTTPException

# tinyweb.static's names are looked up when called, not imported here: a mount holds this
# module for good, and static must stay free to be dropped and loaded again (compat.load).

# The request headers conditional, range and gzip answers read: what a route that calls
# send_file saves to get them (save_headers=tinyweb.fileserver.HEADERS); a mount does.
HEADERS = ("If-None-Match", "If-Modified-Since", "If-Range", "Range", "Accept-Encoding")


def mount(app, url, folder, max_age):
    # `app.static(url, folder)`: see its docstring (tinyweb.control).
    url = url.rstrip("/")

    async def files(req, resp, name=""):
        if not name or name[-1] == "/":
            if req.path[-1] != 47:  # "/static" is the folder "/static/" (47 is "/")
                moved(resp, req.path)
            name += "index.html"
        serve = load("static").serve

        if not await serve(resp, confine(folder, name), None, None, max_age, None):
            moved(resp, req.path)  # a folder: its index.html is one slash away

    options = {"methods": ["GET"], "save_headers": HEADERS}
    if url:
        app.add_route(url, files, **options)
    app.add_route(url + "/", files, **options)
    app.add_route(url + "/<path:name>", files, **options)


def moved(resp, path):
    # 301 to the folder URL `path` (bytes, as the client sent it) with a slash added.
    resp.headers["Location"] = path.decode() + "/"
    raise HTTPException(301)


def confine(root, name):
    # `root`/`name`, or HTTPException(403) when `name` could leave `root`: an absolute
    # name, an empty, "." or ".." segment, a backslash or a NUL, or a symbolic link that
    # leads out of `root` (CPython resolves links; MicroPython's unix port, which cannot
    # read them, refuses every link; a board's filesystems have none).
    if isinstance(name, bytes):
        name = name.decode()
    if "\\" in name or "\0" in name:
        raise HTTPException(403)
    parts = name.split("/")
    for part in parts:
        if not part or part == "." or part == "..":
            raise HTTPException(403)
    root = root.rstrip("/")
    path = root + "/" + name
    os = load("static").os
    osp = getattr(os, "path", None)
    if osp is not None:  # CPython
        top = osp.realpath(root or "/")
        real = osp.realpath(path)
        if real != top and not real.startswith(osp.join(top, "")):
            raise HTTPException(403)
    elif sys.platform == "linux" or sys.platform == "darwin":  # MicroPython's unix port
        folder = root or "/"
        for part in parts:
            try:
                for entry in os.ilistdir(folder):
                    if entry[0] == part:
                        if entry[1] == 0o120000:  # S_IFLNK
                            raise HTTPException(403)
                        break
                else:
                    break  # missing: 404 once it is opened
            except (OSError, AttributeError):  # not a folder (404 once it is opened), or
                break  # an os without ilistdir (CircuitPython's unix port)
            folder += "/" + part
    return path


def header(req, name):
    # A saved request header by its lower-case name (bytes), or None.
    for key, value in req.headers.items():
        if key.lower() == name:
            return value
    return None


def pick_encoding(req, resp, st, path):
    # (stat, path, content coding) of what to send for `path` (stat None when missing):
    # `path`.gz, when there is one and the client takes gzip (Vary: Accept-Encoding either
    # way); 406 when only the .gz is there and the client does not take it.
    gz = load("static")._stat(path + ".gz")
    if gz is None:
        return st, path, None
    resp.headers["Vary"] = "Accept-Encoding"
    if takes_gzip(req):
        return gz, path + ".gz", "gzip"
    if st is None:
        raise HTTPException(406)
    return st, path, None


def takes_gzip(req):
    # Whether the request's Accept-Encoding takes gzip: listed (or "*") with a q above 0.
    # No header counts as no: a client that does not say gzip gets the plain file.
    accept = header(req, b"accept-encoding")
    if accept is None:
        return False
    star = False
    for item in accept.lower().split(b","):
        parts = item.split(b";")
        coding = parts[0].strip()
        if coding == b"gzip" or coding == b"*":
            # q=0, 0.0 or 0.000 refuses; any other digit accepts (RFC 9110 section 12.4.2).
            ok = True
            for p in parts[1:]:
                p = p.strip()
                if p.startswith(b"q="):
                    ok = False
                    for c in p[2:]:
                        if 49 <= c <= 57:  # 1-9
                            ok = True
            if coding == b"gzip":
                return ok
            star = ok
    return star


def conditions(req, resp, mtime, size):
    # What a GET's conditions and range make of the answer (RFC 9110 section 13.2.2):
    # None for 304 Not Modified, else the (first, last) bytes to send, with the status and
    # Content-Range set for a range; HTTPException(416) for a range past the end.
    headers = resp.headers
    etag = headers.get("ETag")
    if etag is not None:
        # If-None-Match first; If-Modified-Since only without it.
        match = header(req, b"if-none-match")
        if match is not None:
            fresh = match.strip() == b"*" or etag.encode() in match
        else:
            since = header(req, b"if-modified-since")
            fresh = since is not None and load("validators").not_after(mtime, since)
        if fresh:
            resp.code = 304
            return None
    wanted = header(req, b"range")
    if wanted is not None:
        # If-Range: the range only if the client's copy is this one (strong comparison).
        cond = header(req, b"if-range")
        if cond is None or (
            etag is not None
            and (cond == etag.encode() or cond == headers["Last-Modified"].encode())
        ):
            r = byte_range(wanted, size)
            if r is False:
                headers["Content-Range"] = "bytes */%d" % size
                raise HTTPException(416)
            if r is not None:
                resp.code = 206
                headers["Content-Range"] = "bytes %d-%d/%d" % (r[0], r[1], size)
                return r
    return 0, size - 1


def byte_range(value, size):
    # The (first, last) byte positions of a `Range: bytes=...` value for a file of `size`
    # bytes; None to ignore it (not one well-formed byte range: a multi-range request gets
    # the whole file, as RFC 9110 section 14.2 allows); False when it is unsatisfiable (416).
    if not value.startswith(b"bytes=") or b"," in value:
        return None
    parts = value[6:].strip().split(b"-")
    if len(parts) != 2:
        return None
    first, last = parts
    if (first and not first.isdigit()) or (last and not last.isdigit()) or not (first or last):
        return None
    if not first:  # "-n": the last n bytes
        n = int(last)
        if not n or not size:
            return False
        return max(0, size - n), size - 1
    first = int(first)
    if first >= size:
        return False
    last = int(last) if last else size - 1
    if last < first:
        return None
    return first, min(last, size - 1)
