"""Percent-decoding and urlencoded forms and query strings, as pure functions over bytes.

Loaded on first use: by a form, a query string, a path parameter or `tinyweb.urldecode_plus`.

    parse_query_string("a=1&b=%C3%A9")   # -> {"a": "1", "b": "é"}
    urldecode_plus("a+%C3%A9")           # -> "a é"
"""


def _hex_value(c):
    if 48 <= c <= 57:  # 0-9
        return c - 48
    c |= 0x20  # lower case
    if 97 <= c <= 102:  # a-f
        return c - 87
    return -1


def unquote_bytes(data, plus_as_space=False):
    """Percent-decode bytes (and "+" to space for forms); a broken escape stays as it is."""
    if plus_as_space and b"+" in data:
        data = data.replace(b"+", b" ")
    if b"%" not in data:
        return data
    # Work per escape, not per byte: split at "%" and decode the two hex digits after each.
    parts = data.split(b"%")
    out = [parts[0]]
    for i in range(1, len(parts)):
        part = parts[i]
        if len(part) >= 2:
            hi = _hex_value(part[0])
            lo = _hex_value(part[1])
            if hi >= 0 and lo >= 0:
                out.append(bytes((hi * 16 + lo,)))
                out.append(part[2:])
                continue
        out.append(b"%")
        out.append(part)
    return b"".join(out)


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


def parse_query_string(s):
    """Parse an urlencoded string ("a=1&b=2") into a dict of str; the last repeat wins.

    A key with no "=" maps to "". Accepts str or bytes.
    """
    if isinstance(s, str):
        s = s.encode("utf-8")
    # "+" and "%" are looked for once in the whole string, not in every key and value: on
    # MicroPython each call and each new object costs.
    if b"+" in s:
        s = s.replace(b"+", b" ")
    escaped = b"%" in s
    res = {}
    for pair in s.split(b"&"):
        if not pair:
            continue
        eq = pair.find(b"=")
        if eq < 0:
            key = pair
            value = b""
        else:
            key = pair[:eq]
            value = pair[eq + 1 :]
        if escaped:
            key = unquote_bytes(key)
            value = unquote_bytes(value)
        try:  # inline: decode_text() is a call more per key and value
            res[key.decode("utf-8")] = value.decode("utf-8")
        except UnicodeError:
            res[decode_text(key)] = decode_text(value)
    return res
