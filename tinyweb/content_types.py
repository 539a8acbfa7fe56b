"""Content types by file extension, for `response.send_file()` (tinyweb.static) when the
app names none: the types a device's web UI is made of, anything else as bytes.

Loaded by the first file sent without a type; apart from tinyweb.static so that a board
compiling from .py needs heap for the smaller of two modules at a time.

    content_type_for("static/app.js.gz")      # -> "application/javascript"
"""

# Holds nothing between calls: dropped when the heap runs out, and loaded again (compat.load).
_RELOADABLE = True

# The types a device's web UI is made of, one "ext type" a line; anything else is served as
# bytes. Short strings searched on demand, not a dict (see tinyweb.reasons._REASONS).
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


def content_type_for(filename):
    # The MIME type for a file name; "x.js.gz" is JavaScript (pair it with Content-Encoding).
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
