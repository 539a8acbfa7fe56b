"""microdot, a live page's server side (bench/live_heap.py), as its documentation writes
WebSocket and SSE routes: the same four routes as tinyweb_live.py."""

import asyncio
import gc

from microdot import Microdot
from microdot.sse import with_sse
from microdot.websocket import with_websocket

app = Microdot()
PAGE = "<html><body><h1>Hello, world!</h1></html>\n"


@app.route("/")
async def index(request):
    return PAGE, 200, {"Content-Type": "text/html; charset=utf-8"}


@app.route("/mem")
async def mem(request):
    gc.collect()
    return str(gc.mem_alloc())


@app.route("/ws")
@with_websocket
async def echo(request, ws):
    while True:
        msg = await ws.receive()
        await ws.send(msg)


@app.route("/events")
@with_sse
async def events(request, sse):
    await sse.send("hello", event="hello")
    while True:
        await asyncio.sleep(1)
        await sse.send("", comment=True)
