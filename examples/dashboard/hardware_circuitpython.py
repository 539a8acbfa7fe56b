"""The dashboard's hardware on a CircuitPython board: the LED through digitalio and the
chip's temperature (microcontroller.cpu.temperature).

    led, sensor = hardware_circuitpython.setup()          # board.LED
    led, sensor = hardware_circuitpython.setup("GP15")    # another pin, by its board name
"""

import board
import digitalio
import microcontroller


class Led:
    """A digitalio output with machine.Pin's value() / value(v)."""

    def __init__(self, pin):
        self.io = digitalio.DigitalInOut(pin)
        self.io.switch_to_output()

    def value(self, v=None):
        if v is None:
            return 1 if self.io.value else 0
        self.io.value = bool(v)


class Sensor:
    name = "chip temperature"
    unit = "°C"

    def read(self):
        # None on a chip without a sensor; some ports raise instead.
        try:
            return microcontroller.cpu.temperature
        except (AttributeError, NotImplementedError, RuntimeError):
            return None


def setup(led_pin=None):
    return Led(getattr(board, led_pin) if led_pin else board.LED), Sensor()
