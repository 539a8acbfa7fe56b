"""What a browser's cached copy of a file is checked by: the Cache-Control, ETag and
Last-Modified a file goes out with (tinyweb.static), and whether an If-Modified-Since date
is not before the file's time (tinyweb.fileserver).

Loaded by the first file sent; apart from tinyweb.static so that a board compiling from .py
needs heap for the smaller of two modules at a time.

    set_validators(resp.headers, mtime, size, "text/css", None, None)
    not_after(mtime, b"Sun, 06 Nov 1994 08:49:37 GMT")     # -> True or False
"""

# Holds nothing between calls: dropped when the heap runs out, and loaded again (compat.load).
_RELOADABLE = True

try:
    from time import gmtime
except ImportError:  # CircuitPython: its localtime is UTC (a board has no time zone)
    from time import localtime as gmtime

# For Last-Modified, an HTTP date: "Sun, 06 Nov 1994 08:49:37 GMT".
_DAYS = "MonTueWedThuFriSatSun"
MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec"


def set_validators(headers, mtime, size, content_type, encoding, max_age):
    # Cache-Control, and the ETag and Last-Modified a browser revalidates with.
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


def not_after(mtime, since):
    # Whether a file time is not later than an If-Modified-Since date; False for a date
    # that is not an IMF-fixdate (RFC 9110: such a header is ignored).
    p = since.split()
    try:
        month = MONTHS.index(p[2].decode())
        clock = p[4].split(b":")
        if month % 3 or len(clock) != 3:
            return False
        date = (int(p[3]), month // 3 + 1, int(p[1]), int(clock[0]), int(clock[1]), int(clock[2]))
    except (IndexError, ValueError):
        return False
    t = gmtime(mtime)
    return (t[0], t[1], t[2], t[3], t[4], t[5]) <= date
