"""tinyweb, a live page's server side (bench/live_heap.py): a WebSocket echo at /ws, an
event stream at /events (a comment a second), the hello page at / (to tell it is up), and
GET /mem: gc.mem_alloc() after gc.collect(). The esp32 preset's limits; serve.py's
`serve=N` changes the slots (for event streams, which hold one each)."""

import asyncio
import gc

import tinyweb

app = tinyweb.webserver(board="esp32")
PAGE = "<html><body><h1>Hello, world!</h1></html>\n"


@app.route("/", methods=["GET"])
async def index(req, resp):
    await resp.start_html()
    await resp.send(PAGE)


@app.route("/mem", methods=["GET"])
async def mem(req, resp):
    gc.collect()
    await resp.send_body(str(gc.mem_alloc()))


@app.websocket("/ws")
async def echo(req, ws):
    while True:
        msg = await ws.receive()
        if msg is None:
            break
        await ws.send(msg)


@app.route("/events", methods=["GET"])
async def events(req, resp):
    sse = await resp.event_stream()
    await sse.send("hello", event="hello")
    while True:
        await asyncio.sleep(1)
        await sse.comment()
