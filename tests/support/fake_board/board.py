"""CircuitPython's `board` for tests on CPython: a board with an LED pin."""

LED = "LED"
