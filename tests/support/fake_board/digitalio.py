"""CircuitPython's `digitalio` for tests on CPython: an output pin that prints its changes."""


class DigitalInOut:
    def __init__(self, pin):
        self.pin = pin
        self._value = False

    def switch_to_output(self, value=False):
        self._value = value

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, on):
        self._value = bool(on)
        print("FAKE_PIN %s %s" % (self.pin, self._value), flush=True)
