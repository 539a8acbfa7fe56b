"""A stand-in for a board's `network` module, so examples/main.py runs on the unix port.

The station "joins" after two isconnected() polls and reports 127.0.0.1 as its address.
"""

STA_IF = 0
AP_IF = 1


class WLAN:
    _active = {STA_IF: False, AP_IF: True}  # an ESP8266 boots with its access point up

    def __init__(self, interface):
        self.interface = interface
        self.polls = 0
        self.joined = None

    def active(self, on=None):
        if on is None:
            return WLAN._active[self.interface]
        WLAN._active[self.interface] = on

    def connect(self, ssid, password):
        print("stub network: connect", ssid, password)
        self.joined = ssid

    def isconnected(self):
        self.polls += 1
        return self.joined is not None and self.polls > 2

    def ifconfig(self):
        return ("127.0.0.1", "255.0.0.0", "127.0.0.1", "127.0.0.1")
