"""The dashboard's hardware on a computer (CPython, MicroPython's unix port): an LED that is
a variable and a temperature that drifts around 24 °C.

    led, sensor = hardware_fake.setup()
"""

import math
import time


class Led:
    """A pin as machine.Pin has it: value() reads, value(v) sets."""

    def __init__(self):
        self.on = 0

    def value(self, v=None):
        if v is None:
            return self.on
        self.on = 1 if v else 0


class Sensor:
    name = "temperature (simulated)"
    unit = "°C"

    def __init__(self):
        self.started = time.time()

    def read(self):
        t = time.time() - self.started
        # A slow wave and a faster ripple: the chart has something to show.
        return 24 + 2 * math.sin(t / 10) + 0.3 * math.sin(t * 1.7)


def setup(led_pin=None):
    return Led(), Sensor()
