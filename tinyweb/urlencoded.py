"""Percent-decoding and urlencoded forms and query strings, as pure functions over bytes.

Loaded on first use: by a form, a query string, a path parameter or `tinyweb.urldecode_plus`.

    parse_query_string("a=1&b=%C3%A9")   # -> {"a": "1", "b": "é"}
    urldecode_plus("a+%C3%A9")           # -> "a é"
"""

from .compat import const
from .request import HTTPException

# Holds nothing between calls: dropped when the heap runs out, and loaded again (compat.load).
_RELOADABLE = True

# Most fields a form body or query string may have (413 past it). On a 32-bit board a field
# keeps about 75 bytes (key and value as str, a slot in the dict) and takes 140 while it is
# parsed: 64 fields about 9 KB. PHP's max_input_vars and Django's
# DATA_UPLOAD_MAX_NUMBER_FIELDS are 1000, for servers with GBs. An app that needs more
# parses the body itself: parse_query_string(await req.read_body(), max_fields=200).
MAX_FIELDS = const(64)


def _hex_value(c):
    if 48 <= c <= 57:  # 0-9
        return c - 48
    c |= 0x20  # lower case
    if 97 <= c <= 102:  # a-f
        return c - 87
    return -1


def unquote_bytes(data, plus_as_space=False):
    """Percent-decode bytes (and "+" to space for forms); a broken escape stays as it is.

    Walks from one "%" to the next: no list of parts, whatever the input holds (1 KB of "%"
    allocates nothing more than 1 KB of letters). The result is built in one copy of the
    input, as it is never longer.
    """
    if plus_as_space and b"+" in data:
        data = data.replace(b"+", b" ")
    i = data.find(b"%")
    out = None
    n = len(data)
    w = r = 0  # out[:w] is decoded; data[r:] is still to copy
    while 0 <= i < n - 2:
        hi = _hex_value(data[i + 1])
        lo = _hex_value(data[i + 2])
        if hi < 0 or lo < 0:
            i = data.find(b"%", i + 1)  # a broken escape is copied as it is, later
            continue
        if out is None:
            out = bytearray(data)  # data[:i] is in place already
            src = memoryview(data)
            w = i
        elif i > r:
            out[w : w + i - r] = src[r:i]
            w += i - r
        out[w] = hi * 16 + lo
        w += 1
        r = i + 3
        i = data.find(b"%", r)
    if out is None:
        return data
    if r < n:
        out[w : w + n - r] = src[r:n]
        w += n - r
    return bytes(memoryview(out)[:w])


def decode_text(data):
    """UTF-8 bytes to str; bytes that are not UTF-8 come through one char per byte."""
    try:
        return data.decode("utf-8")
    except UnicodeError:
        return "".join(chr(b) for b in data)


def urldecode_plus(s):
    """Decode an urlencoded string, "+" included: urldecode_plus("a+%C3%A9") == "a é".

    Accepts str (TinyWeb's signature) or bytes; always returns str.
    """
    if isinstance(s, str):
        s = s.encode("utf-8")
    return decode_text(unquote_bytes(s, True))


def parse_query_string(s, max_fields=MAX_FIELDS):
    """Parse an urlencoded string ("a=1&b=2") into a dict of str; the last repeat wins.

    A key with no "=" maps to ""; empty fields ("a=1&&b=2") are skipped. Accepts str or
    bytes. More than `max_fields` fields is HTTPException(413): a form or query string
    that big is not one a device's page sends, and each field costs heap.
    """
    if isinstance(s, str):
        s = s.encode("utf-8")
    # "+" and "%" are looked for once in the whole string, not in every key and value: on
    # MicroPython each call and each new object costs.
    if b"+" in s:
        s = s.replace(b"+", b" ")
    escaped = b"%" in s
    res = {}
    count = 0
    n = len(s)
    pos = 0
    # From one "&" to the next, without splitting: a list of every part would cost about
    # 40 bytes a field even for empty ones (41 KB for 1 KB of "&" on a 32-bit board), and
    # empty fields here cost nothing.
    while pos < n:
        end = s.find(b"&", pos)
        if end < 0:
            end = n
        if end == pos:
            pos += 1
            continue
        count += 1
        if count > max_fields:
            raise HTTPException(413)
        eq = s.find(b"=", pos, end)
        if eq < 0:
            key = s[pos:end]
            value = b""
        else:
            key = s[pos:eq]
            value = s[eq + 1 : end]
        pos = end + 1
        if escaped:
            key = unquote_bytes(key)
            value = unquote_bytes(value)
        try:  # inline: decode_text() is a call more per key and value
            res[key.decode("utf-8")] = value.decode("utf-8")
        except UnicodeError:
            res[decode_text(key)] = decode_text(value)
    return res
