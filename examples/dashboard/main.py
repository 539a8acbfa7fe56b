"""main.py for a MicroPython board (ESP32, ESP8266, Pico W): join Wi-Fi, serve the dashboard.

With tinyweb on the board (docs/micropython.md), copy the dashboard and your settings:
    cd examples/dashboard
    mpremote cp main.py dashboard.py hardware_micropython.py :
    mpremote mkdir :www + cp www/index.html www/index.html.gz :www/
    mpremote cp www/dashboard.js www/dashboard.js.gz :www/
    mpremote cp settings.py :settings.py    # WIFI_SSID = "..." and WIFI_PASSWORD = "..."
    mpremote reset; mpremote repl           # prints the address to open
docs/dashboard.md has the details.
"""

import gc
import time

import dashboard
import hardware_micropython
import network

# Settings. Put your own in settings.py on the board: they override these, and main.py can
# be shared without your Wi-Fi password in it.
WIFI_SSID = "my-network"
WIFI_PASSWORD = "my-password"
HOST = "0.0.0.0"  # every interface: the board is reached over Wi-Fi, not on 127.0.0.1
PORT = 80
LED_PIN = None  # None: "LED" on a Pico W, GPIO 2 elsewhere
ADC_PIN = 34  # read when the chip has no temperature sensor of its own
# Names the board is also reached by (besides its IP address), e.g. ["sensor.local"].
HOST_NAMES = []
try:
    from settings import *  # noqa: F403
except ImportError:
    pass


def connect_wifi(ssid, password, timeout_ms=20000):
    """Join the network as a station; the board's IP address."""
    ap = network.WLAN(network.AP_IF)
    if ap.active():
        ap.active(False)  # the ESP8266 starts its own access point: its buffers cost heap
    sta = network.WLAN(network.STA_IF)
    sta.active(True)
    if not sta.isconnected():
        print("Wi-Fi: joining", ssid)
        sta.connect(ssid, password)
        started = time.ticks_ms()
        while not sta.isconnected():
            if time.ticks_diff(time.ticks_ms(), started) > timeout_ms:
                raise OSError("Wi-Fi: could not join %s (check settings.py)" % ssid)
            time.sleep_ms(200)
    return sta.ifconfig()[0]


ip = connect_wifi(WIFI_SSID, WIFI_PASSWORD)
led, sensor = hardware_micropython.setup(LED_PIN, ADC_PIN)
# Locked down (docs/security.md): the page comes from the board itself, so no other site
# needs CORS answers (cors=False); only requests addressed to the board, by its IP address
# or a name in HOST_NAMES, are answered (others get 421: no DNS rebinding). The limits come
# from the board's preset, picked from the chip.
app = dashboard.make_app(led, sensor, cors=False, allowed_hosts=[ip] + HOST_NAMES)
print("tinyweb: dashboard on http://%s/" % (ip if PORT == 80 else "%s:%d" % (ip, PORT)))
gc.collect()
app.run(host=HOST, port=PORT)
