"""code.py for a CircuitPython board with Wi-Fi (Pico W, ESP32-S2/S3): serve the dashboard.

On the CIRCUITPY drive:
    code.py, dashboard.py, hardware_circuitpython.py    from examples/dashboard/
    www/                 index.html, dashboard.js and their .gz, from examples/dashboard/www/
    lib/tinyweb/         `circup install tinyweb` (brings asyncio and adafruit_ticks along)
    settings.toml        CIRCUITPY_WIFI_SSID = "your network"
                         CIRCUITPY_WIFI_PASSWORD = "your password"
                         TINYWEB_PORT = 80                    (optional)
                         TINYWEB_BOARD = "pico_w_circuitpython"  (optional, else detected)
                         TINYWEB_HOST_NAMES = "sensor.local"  (optional: names besides the IP)
                         DASHBOARD_LED = "GP15"               (optional, else board.LED)

The serial console then prints the address to open. docs/dashboard.md has the details.
"""

import os

import dashboard
import hardware_circuitpython
import socketpool
import wifi
from tinyweb.adapters import circuitpython_socketpool

# CircuitPython joins the network in settings.toml at boot (for the web workflow); join it
# here when it has not.
if wifi.radio.ipv4_address is None:
    wifi.radio.connect(os.getenv("CIRCUITPY_WIFI_SSID"), os.getenv("CIRCUITPY_WIFI_PASSWORD"))
pool = socketpool.SocketPool(wifi.radio)

led, sensor = hardware_circuitpython.setup(os.getenv("DASHBOARD_LED"))
host = str(wifi.radio.ipv4_address)
port = int(os.getenv("TINYWEB_PORT") or 80)
# Locked down (docs/security.md): the page comes from the board itself, so no other site
# needs CORS answers (cors=False), and only requests addressed to the board by its address,
# or a name in TINYWEB_HOST_NAMES, are answered (others get 421: no DNS rebinding).
names = os.getenv("TINYWEB_HOST_NAMES")
app = dashboard.make_app(
    led,
    sensor,
    board=os.getenv("TINYWEB_BOARD"),
    cors=False,
    allowed_hosts=[host] + (names.split(",") if names else []),
)
print("tinyweb: dashboard on http://%s:%d/" % (host, port))
app.run(host=host, port=port, adapter=circuitpython_socketpool, pool=pool)
