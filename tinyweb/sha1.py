"""SHA-1 (FIPS 180-4) in Python, for the WebSocket handshake on a firmware whose hashlib
has none (MicroPython built without a TLS library, e.g. a bare unix port). Slow and fine
for the 60 bytes a handshake hashes; boards with Wi-Fi have `hashlib.sha1` and never load
this module.

    digest(b"abc").hex()   # 'a9993e364706816aba3e25717850c26c9cd0d89d'
"""

_M = 0xFFFFFFFF


def _rol(x, n):
    return ((x << n) | (x >> (32 - n))) & _M


def digest(data):
    """The 20-byte SHA-1 digest of `data`."""
    n = len(data)
    data = bytes(data) + b"\x80" + bytes((55 - n) % 64) + (n * 8).to_bytes(8, "big")
    h = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0]
    for block in range(0, len(data), 64):
        w = [int.from_bytes(data[block + i : block + i + 4], "big") for i in range(0, 64, 4)]
        for i in range(16, 80):
            w.append(_rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1))
        a, b, c, d, e = h
        for i in range(80):
            if i < 20:
                f, k = (b & c) | (~b & d), 0x5A827999
            elif i < 40:
                f, k = b ^ c ^ d, 0x6ED9EBA1
            elif i < 60:
                f, k = (b & c) | (b & d) | (c & d), 0x8F1BBCDC
            else:
                f, k = b ^ c ^ d, 0xCA62C1D6
            a, b, c, d, e = (_rol(a, 5) + (f & _M) + e + k + w[i]) & _M, a, _rol(b, 30), c, d
        h = [(x + y) & _M for x, y in zip(h, (a, b, c, d, e))]
    return b"".join(x.to_bytes(4, "big") for x in h)
