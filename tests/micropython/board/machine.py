"""A stand-in for a board's `machine` module: a Pin that remembers its value (and prints
its changes), an ADC that reads a quarter of full scale."""


class Pin:
    OUT = 1

    def __init__(self, number, mode=None):
        self.number = number
        self._value = 0

    def value(self, value=None):
        if value is None:
            return self._value
        self._value = value
        print("stub machine: Pin(%r).value(%r)" % (self.number, value))


class ADC:
    def __init__(self, source):
        self.source = source

    def read_u16(self):
        return 16384
