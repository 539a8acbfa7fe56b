"""CircuitPython's `microcontroller` for tests on CPython: a CPU whose temperature drifts."""

import time


class Processor:
    @property
    def temperature(self):
        return 30 + (time.time() % 10) / 10  # 30.0 to 30.99 °C


cpu = Processor()
