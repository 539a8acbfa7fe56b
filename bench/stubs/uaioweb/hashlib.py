"""uaioweb imports hashlib.sha1 at the top, for its WebSocket handshake only; the unix port
built without TLS has no sha1 in hashlib, so its import fails before any HTTP is served.

On the path of uaioweb's runs only, and only on an interpreter whose hashlib lacks sha1.
"""


def sha1(data=b""):
    raise NotImplementedError("no hashlib.sha1 in this MicroPython build")
