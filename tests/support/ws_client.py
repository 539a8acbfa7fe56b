"""A WebSocket client written from RFC 6455 for the tests, over a plain socket: it sends
what a browser sends (masked frames) and what no browser would (unmasked frames, reserved
bits, oversized or broken messages), and reads frames as they come.

    ws = WSClient(port, "/ws")            # the handshake; ws.response holds the 101 head
    ws.send_frame(OP_TEXT, b"hi")          # masked, FIN set
    fin, op, payload = ws.recv_frame()
    ws.close()
"""

import base64
import hashlib
import os
import socket
import struct

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TIMEOUT = 10


def accept_key(key):
    """What the server must answer in Sec-WebSocket-Accept for `key` (section 4.2.2)."""
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


def frame(op, payload=b"", fin=True, mask=True, rsv=0, length=None):
    """One frame as bytes; `length` lies about the payload's length when given."""
    n = len(payload) if length is None else length
    head = bytes([(0x80 if fin else 0) | rsv | op])
    bit = 0x80 if mask else 0
    if n < 126:
        head += bytes([bit | n])
    elif n < 65536:
        head += bytes([bit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([bit | 127]) + struct.pack("!Q", n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def handshake(port, path, key="dGhlIHNhbXBsZSBub25jZQ==", extra=b"", version=b"13"):
    """Open a connection and send an upgrade request; the socket (nothing read yet)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    sock.sendall(
        b"GET " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        b"Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: " + key.encode() + b"\r\n"
        b"Sec-WebSocket-Version: " + version + b"\r\n" + extra + b"\r\n"
    )
    return sock


class WSClient:
    def __init__(self, port, path, key="dGhlIHNhbXBsZSBub25jZQ=="):
        self.sock = handshake(port, path, key)
        self.buf = b""
        head = self._until(b"\r\n\r\n")
        self.response = head.decode("latin-1")
        lines = self.response.split("\r\n")
        assert lines[0].startswith("HTTP/1.1 101 "), self.response
        headers = dict(line.split(": ", 1) for line in lines[1:] if line)
        assert headers["Sec-WebSocket-Accept"] == accept_key(key), self.response
        assert headers["Upgrade"].lower() == "websocket"
        assert headers["Connection"].lower() == "upgrade"

    def _more(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("the server closed the connection")
        self.buf += data

    def _until(self, marker):
        while marker not in self.buf:
            self._more()
        i = self.buf.index(marker) + len(marker)
        head, self.buf = self.buf[:i], self.buf[i:]
        return head

    def _exactly(self, n):
        while len(self.buf) < n:
            self._more()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def send(self, data):
        self.sock.sendall(data)

    def send_frame(self, op, payload=b"", **options):
        self.sock.sendall(frame(op, payload, **options))

    def recv_frame(self):
        """(fin, opcode, payload) of the next frame; asserts the server did not mask it."""
        b0, b1 = self._exactly(2)
        assert not b1 & 0x80, "a server frame must not be masked"
        assert not b0 & 0x70, "no extension was negotiated"
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._exactly(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._exactly(8))[0]
        return bool(b0 & 0x80), b0 & 0x0F, self._exactly(n)

    def recv_message(self):
        """The next data frame's (opcode, payload), pongs skipped."""
        while True:
            fin, op, payload = self.recv_frame()
            if op != OP_PONG:
                return op, payload

    def recv_close(self):
        """The close frame's (code, reason), skipping data frames before it."""
        while True:
            _, op, payload = self.recv_frame()
            if op == OP_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if payload else None
                return code, payload[2:].decode()

    def at_eof(self):
        """True when the server closed the connection (nothing more arrives)."""
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return True
                self.buf += data
        except ConnectionResetError:
            return True

    def close(self):
        self.sock.close()
