"""microdot's WebSocket handshake calls hashlib.sha1; the unix port built without TLS has
no sha1 in hashlib. This stand-in gives it one, through tinyweb's pure-Python SHA-1 (the
module tinyweb itself loads on such a firmware), so both frameworks hash alike.

On the path of microdot's runs only, and only on an interpreter whose hashlib lacks sha1
(bench/live_heap.py: the WebSocket figures).
"""


class sha1:
    def __init__(self, data=b""):
        self.data = bytes(data)

    def update(self, data):
        self.data += data

    def digest(self):
        from tinyweb.sha1 import digest

        return digest(self.data)
