"""The dashboard's hardware on a MicroPython board: a machine.Pin and the chip's own
temperature sensor where it has one, else an analog input.

    led, sensor = hardware_micropython.setup(led_pin=2, adc_pin=34)

The sensor, the first the board has:
    ESP32-S2/S3/C3/C6     esp32.mcu_temperature()              °C
    ESP32                 esp32.raw_temperature() (Fahrenheit)  °C, rough: the die's heat
    RP2040 (Pico W)       ADC 4, the internal sensor            °C
    anything else         the ADC on adc_pin (ESP8266: its one ADC)   % of full scale
"""

import sys

import machine


class Sensor:
    def __init__(self, name, unit, read):
        self.name = name
        self.unit = unit
        self.read = read


def temperature_sensor():
    """The chip's own temperature sensor, or None."""
    try:
        import esp32
    except ImportError:
        esp32 = None
    if esp32 is not None:
        if hasattr(esp32, "mcu_temperature"):
            return Sensor("chip temperature", "°C", esp32.mcu_temperature)
        if hasattr(esp32, "raw_temperature"):
            return Sensor("chip temperature", "°C", lambda: (esp32.raw_temperature() - 32) / 1.8)
    if sys.platform == "rp2":
        adc = machine.ADC(4)
        # The RP2040 datasheet's formula: 0.706 V at 27 °C, -1.721 mV per degree.
        return Sensor(
            "chip temperature", "°C", lambda: 27 - (adc.read_u16() * 3.3 / 65535 - 0.706) / 0.001721
        )
    return None


def setup(led_pin=None, adc_pin=34):
    """(led, sensor). led_pin None: "LED" on a Pico W, else GPIO 2 (ESP32 DevKits, ESP8266)."""
    if led_pin is None:
        led_pin = "LED" if sys.platform == "rp2" else 2
    led = machine.Pin(led_pin, machine.Pin.OUT)
    sensor = temperature_sensor()
    if sensor is None:
        adc = machine.ADC(0 if sys.platform == "esp8266" else machine.Pin(adc_pin))
        sensor = Sensor("analog input", "%", lambda: adc.read_u16() * 100 / 65535)
    return led, sensor
