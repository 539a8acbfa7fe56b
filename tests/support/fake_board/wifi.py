"""The part of CircuitPython's `wifi` that examples/code.py uses, for tests on CPython.

The radio is "connected" at 127.0.0.1 once connect() is called with the settings' SSID.
"""

import os


class Radio:
    def __init__(self):
        self.ipv4_address = None
        self.connected_to = None

    def connect(self, ssid, password=None):
        if ssid != os.getenv("CIRCUITPY_WIFI_SSID"):
            raise ConnectionError("No network with that ssid")
        self.connected_to = ssid
        self.ipv4_address = "127.0.0.1"  # CircuitPython: an ipaddress.IPv4Address; str() of it
        print("FAKE_WIFI connected to %s" % ssid, flush=True)


radio = Radio()
