"""WebSocket and Server-Sent Events routes for tests/test_live.py, on every runtime.

    MICROPYPATH=build/device/lib:.frozen micropython serve_live.py PORT [BOARD]
    import serve_live; app = serve_live.make_app()       # CPython, served by the test

GET /stats tells what the handlers saw: how each WebSocket ended (its close code) and how
many event streams ended. Runs until killed.
"""

import json
import sys

import tinyweb

try:
    import asyncio
except ImportError:  # MicroPython 1.20 and older
    import uasyncio as asyncio


def make_app(**options):
    app = tinyweb.webserver(**options)
    stats = {"ws": [], "sse_ended": 0, "flood_sent": 0}

    @app.route("/stats", methods=["GET"])
    async def get_stats(req, resp):
        await resp.send_body(json.dumps(stats), "application/json")

    @app.websocket("/ws", max_message_size=70000)
    @app.websocket("/small", max_message_size=100)  # the same echo, a small message limit
    async def echo(req, ws):
        try:
            while True:
                msg = await ws.receive()
                if msg is None:
                    break
                await ws.send(msg)
        finally:
            stats["ws"].append(ws.close_code)

    @app.websocket("/ping", ping_interval=1)
    async def ping(req, ws):
        msg = await ws.receive()
        stats["ws"].append(ws.close_code if msg is None else msg)

    @app.websocket("/bye/<name>")
    async def bye(req, ws, name):
        msg = await ws.receive()
        await ws.send("bye %s: %s" % (name, msg))
        await ws.close(4000, "done")
        stats["ws"].append(ws.close_code)

    @app.websocket("/boom")
    async def boom(req, ws):
        await ws.receive()
        raise ValueError("the handler failed")

    @app.websocket("/flood")
    async def flood(req, ws):
        block = b"x" * 1024
        try:
            while True:
                await ws.send(block)
                stats["flood_sent"] += 1
        finally:
            stats["ws"].append("flood ended")

    @app.route("/events", methods=["GET"])
    async def events(req, resp):
        sse = await resp.event_stream(retry=500)
        try:
            await sse.comment("hello")
            await sse.send("one\ntwo\r\nthree", event="lines", id=1)
            n = 0
            while True:
                n += 1
                await sse.send({"count": n}, event="tick", id=n + 1)
                await asyncio.sleep(0.1)
        finally:
            stats["sse_ended"] += 1

    return app


if __name__ == "__main__":
    # An optional board preset after the port, e.g. "esp32" (tests/test_live_slots.py).
    board = sys.argv[2] if len(sys.argv) > 2 else None
    make_app(request_timeout=2, board=board).run("127.0.0.1", int(sys.argv[1]))
