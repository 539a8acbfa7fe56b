"""A stand-in for a board's `machine` module: a Pin that remembers its value."""


class Pin:
    OUT = 1

    def __init__(self, number, mode=None):
        self.number = number
        self._value = 0

    def value(self, value=None):
        if value is None:
            return self._value
        self._value = value
