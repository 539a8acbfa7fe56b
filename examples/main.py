"""main.py for an ESP32 or ESP8266 on MicroPython: join Wi-Fi, serve a page and a JSON API.

With tinyweb on the board (docs/micropython.md), copy this file and your settings:
    mpremote cp examples/main.py :main.py
    mpremote cp settings.py :settings.py      # WIFI_SSID = "..." and WIFI_PASSWORD = "..."
    mpremote reset; mpremote repl             # prints the address to open
The LED on GPIO 2 (most ESP32 DevKits and the ESP8266's ESP-12 module) is switched by
POST /api/led with on=1 or on=0.
"""

import gc
import time

import machine
import network

import tinyweb

# Settings. Put your own in settings.py on the board: they override these, and main.py can
# be shared without your Wi-Fi password in it.
WIFI_SSID = "my-network"
WIFI_PASSWORD = "my-password"
# Where to listen: every interface. The board's clients are on the Wi-Fi; the default of
# app.run(), 127.0.0.1, would answer only programs on the board itself, i.e. nobody.
HOST = "0.0.0.0"
PORT = 80
LED_PIN = 2
# Names the board is also reached by (besides its IP address), e.g. ["sensor.local"].
HOST_NAMES = []
try:
    from settings import *  # noqa: F403
except ImportError:
    pass

PAGE = """<!DOCTYPE html>
<html><head><meta name="viewport" content="width=device-width">
<title>tinyweb</title></head><body>
<h1>Hello from tinyweb</h1>
<p>Up for <span id="up">?</span> s, <span id="mem">?</span> bytes of heap free.</p>
<button onclick="led(1)">LED on</button> <button onclick="led(0)">LED off</button>
<script>
function show(j) { up.textContent = j.uptime_s; mem.textContent = j.mem_free; }
function led(on) {
  fetch("/api/led", {method: "POST", body: new URLSearchParams({on: on})})
    .then((r) => r.json()).then(show);
}
fetch("/api/status").then((r) => r.json()).then(show);
</script></body></html>
"""

led = machine.Pin(LED_PIN, machine.Pin.OUT)


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

# Locked down (docs/security.md): the page is served by the board itself, so no other web
# site needs CORS answers (cors=False); and only requests addressed to the board, by its
# IP address or a name in HOST_NAMES, are answered (others get 421), so that a page on
# another site cannot reach the API through DNS rebinding.
# The limits come from the board's preset, picked from the chip it runs on (esp8266,
# esp32, esp32s3, ...). Name one to choose, e.g. tinyweb.webserver(board="esp32"), or
# override a single limit: tinyweb.webserver(max_concurrency=2).
app = tinyweb.webserver(cors=False, allowed_hosts=[ip] + HOST_NAMES)


@app.route("/", methods=["GET"])
async def index(req, resp):
    await resp.start_html()
    await resp.send(PAGE)


def status():
    gc.collect()
    return {"uptime_s": time.ticks_ms() // 1000, "mem_free": gc.mem_free(), "led": led.value()}


@app.resource("/api/status")
def get_status(data, headers):
    return status()


@app.resource("/api/led", method="POST")
def set_led(data, headers):
    led.value(1 if data.get("on") in ("1", "on", "true", 1, True) else 0)
    return status()


print("tinyweb: open http://%s/" % (ip if PORT == 80 else "%s:%d" % (ip, PORT)))
gc.collect()
app.run(host=HOST, port=PORT)
