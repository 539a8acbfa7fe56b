"""CircuitPython: serve examples/app_shared.py from the board over Wi-Fi.

On the CIRCUITPY drive:
    code.py          this file
    app_shared.py    the app (routes only), copied from examples/
    lib/tinyweb/     `circup install tinyweb` (brings asyncio and adafruit_ticks along)
    settings.toml    CIRCUITPY_WIFI_SSID = "your network"
                     CIRCUITPY_WIFI_PASSWORD = "your password"
                     TINYWEB_PORT = 80                    (optional)
                     TINYWEB_BOARD = "pico_w_circuitpython"  (optional, else detected)
                     TINYWEB_HOST_NAMES = "sensor.local"  (optional: names besides the IP)

The serial console then prints the address to open. See docs/circuitpython.md.
"""

import os

import socketpool
import wifi
from app_shared import make_app
from tinyweb.adapters import circuitpython_socketpool

# CircuitPython joins the network in settings.toml at boot (for the web workflow); join it
# here when it has not.
if wifi.radio.ipv4_address is None:
    wifi.radio.connect(os.getenv("CIRCUITPY_WIFI_SSID"), os.getenv("CIRCUITPY_WIFI_PASSWORD"))
pool = socketpool.SocketPool(wifi.radio)

try:  # the board's LED follows the page's button, where the board has one
    import board
    import digitalio

    led = digitalio.DigitalInOut(board.LED)
    led.switch_to_output()

    def set_led(on):
        led.value = on

except (ImportError, AttributeError, ValueError):  # no LED, or its pin is taken
    set_led = None

# Where to listen: the board's Wi-Fi address, where its clients reach it. The default of
# app.run(), 127.0.0.1, would answer only programs on the board itself, i.e. nobody.
host = str(wifi.radio.ipv4_address)
port = int(os.getenv("TINYWEB_PORT") or 80)
# Limits (max_concurrency, buffer sizes, request_timeout...) from a tinyweb.boards preset:
# detected from the chip when TINYWEB_BOARD is not set.
# Locked down (docs/security.md): the page comes from the board itself, so no other web
# site needs CORS answers (cors=False), and only requests addressed to the board by its
# address, or a name in TINYWEB_HOST_NAMES, are answered (others get 421: no DNS
# rebinding).
names = os.getenv("TINYWEB_HOST_NAMES")
app = make_app(
    set_led,
    board=os.getenv("TINYWEB_BOARD"),
    cors=False,
    allowed_hosts=[host] + (names.split(",") if names else []),
)
print("tinyweb: serving on http://%s:%d/" % (host, port))
app.run(host=host, port=port, adapter=circuitpython_socketpool, pool=pool)
