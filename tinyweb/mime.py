"""Content types by file extension, for `response.send_file`.

content_type_for("static/app.js")  # -> "application/javascript"
"""

# The types a device's web UI is made of; anything else is served as bytes.
_TYPES = {
    "html": "text/html; charset=utf-8",
    "htm": "text/html; charset=utf-8",
    "css": "text/css",
    "js": "application/javascript",
    "mjs": "application/javascript",
    "json": "application/json",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv",
    "xml": "application/xml",
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "ico": "image/x-icon",
    "webp": "image/webp",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "wasm": "application/wasm",
    "pdf": "application/pdf",
    "zip": "application/zip",
    "gz": "application/gzip",
    "bin": "application/octet-stream",
}

DEFAULT = "application/octet-stream"


def content_type_for(filename):
    """The MIME type for a file name; "x.js.gz" is JavaScript (pair it with Content-Encoding)."""
    name = filename.lower()
    if name.endswith(".gz"):
        name = name[:-3]
        if "." not in name.rsplit("/", 1)[-1]:
            return _TYPES["gz"]
    dot = name.rfind(".")
    if dot < 0 or "/" in name[dot:]:
        return DEFAULT
    return _TYPES.get(name[dot + 1 :], DEFAULT)
