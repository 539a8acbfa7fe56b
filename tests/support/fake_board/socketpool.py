"""CircuitPython's `socketpool` module for tests on CPython: the double in fake_socketpool.

SocketPool(radio) announces every listening port on stdout ("FAKE_SOCKETPOOL_BOUND <port>"), so
a test can find a server that examples/code.py started on port 0.
"""

from support.fake_socketpool import Socket
from support.fake_socketpool import SocketPool as _SocketPool

__all__ = ["Socket", "SocketPool"]


class SocketPool(_SocketPool):
    def __init__(self, radio):
        if radio is None or radio.ipv4_address is None:
            raise RuntimeError("the radio is not connected")
        super().__init__(radio, announce=True)
