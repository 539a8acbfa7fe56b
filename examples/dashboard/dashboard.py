"""The device dashboard: a live chart of a sensor and an LED switch, served by the board.

    import dashboard, hardware_fake
    led, sensor = hardware_fake.setup()
    dashboard.make_app(led, sensor).run("127.0.0.1", 8081)

This file is the same on every runtime: the hardware comes in as two objects with one
interface, made by the runtime's hardware module (hardware_fake.py on a computer,
hardware_micropython.py, hardware_circuitpython.py):
    led.value()       0 or 1;  led.value(1) switches it on
    sensor.read()     a number (None when the board cannot tell); sensor.name, sensor.unit

What the app answers (docs/dashboard.md):
    GET /               the page (www/index.html, gzip to browsers that take it)
    GET /dashboard.js   its script, the same way
    GET /api/led        {"on": 0 or 1}
    PUT /api/led        {"on": 1} (JSON or a form): switches the LED; the new state
    GET /api/sensor     {"name": ..., "unit": ..., "value": ...}
    GET /events         Server-Sent Events: a `reading` a second, {"n", "value", "led"}
"""

import asyncio

import tinyweb

READING_INTERVAL = 1  # seconds between two readings on /events
ON = (1, True, "1", "on", "true")
OFF = (0, False, "0", "off", "false")

# The page and its script, beside this file (on a board: copy www/ next to main.py).
try:
    WWW = __file__.rsplit("/", 1)[0] + "/www" if "/" in __file__ else "www"
except NameError:  # frozen into the firmware
    WWW = "www"


def reading(sensor):
    """The sensor's value rounded to a tenth, or None."""
    value = sensor.read()
    return None if value is None else round(value, 1)


def make_app(led, sensor, www=WWW, **options):
    """The dashboard's webserver; `options` go to tinyweb.webserver() (board, cors,
    allowed_hosts, limits)."""
    app = tinyweb.webserver(**options)

    @app.resource("/api/led")
    def get_led(data, headers):
        return {"on": led.value()}

    @app.resource("/api/led", method="PUT")
    def put_led(data, headers):
        on = data.get("on")
        if on in ON:
            led.value(1)
        elif on in OFF:
            led.value(0)
        else:
            return {"error": "on: 1 or 0"}, 400
        return {"on": led.value()}

    @app.resource("/api/sensor")
    def get_sensor(data, headers):
        return {"name": sensor.name, "unit": sensor.unit, "value": reading(sensor)}

    # Each open stream holds one of the server's max_concurrency slots: one per browser tab.
    @app.route("/events", methods=["GET"])
    async def events(req, resp):
        sse = await resp.event_stream()
        n = 0
        while True:  # ends when the browser goes away (send raises, tinyweb closes quietly)
            n += 1
            await sse.send({"n": n, "value": reading(sensor), "led": led.value()}, "reading")
            await asyncio.sleep(READING_INTERVAL)

    # Last: a mount at "/" answers every URL the routes above do not.
    app.static("/", www)
    return app
