"""A live page: a WebSocket echo and a tick every second by Server-Sent Events.

    python examples/live.py --port 8081          CPython
    micropython examples/live.py --port 8081     MicroPython's unix port

Then open http://127.0.0.1:8081/: what you type comes back from /ws prefixed "echo: ",
and the counter follows the `tick` events of /events ({"count": n}, one a second).
On a board, copy this file next to main.py (MicroPython) or code.py (CircuitPython) and
call `live.run("0.0.0.0", 80)` (CircuitPython: `live.run(host, port,
adapter=circuitpython_socketpool, pool=pool)`) once Wi-Fi is up. docs/live.md explains it.
"""

import asyncio

import tinyweb

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>tinyweb live</title>
<style>body{font-family:sans-serif;margin:2em}#echoes{min-height:4em}</style>
</head><body>
<h1>tinyweb live</h1>
<h2>WebSocket <small id="state">connecting</small></h2>
<form id="form"><input id="text" value="hello" autocomplete="off">
<button id="send">send</button></form>
<ul id="echoes"></ul>
<h2>Server-Sent Events</h2>
<p>ticks: <b id="count">0</b></p>
<script>
const $ = (id) => document.getElementById(id);
const ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws");
ws.onopen = () => { $("state").textContent = "open"; };
ws.onclose = (e) => { $("state").textContent = "closed (" + e.code + ")"; };
ws.onmessage = (e) => {
  const li = document.createElement("li");
  li.textContent = e.data;
  $("echoes").appendChild(li);
};
$("form").onsubmit = (e) => { e.preventDefault(); ws.send($("text").value); };
const events = new EventSource("/events");
events.addEventListener("tick", (e) => { $("count").textContent = JSON.parse(e.data).count; });
</script></body></html>
"""

app = tinyweb.webserver()


@app.route("/", methods=["GET"])
async def index(req, resp):
    await resp.send_body(PAGE, "text/html; charset=utf-8")


# Each open WebSocket or event stream holds one of the server's max_concurrency slots.
@app.websocket("/ws", max_message_size=256)
async def echo(req, ws):
    while True:
        msg = await ws.receive()  # str or bytes; None once the client closed
        if msg is None:
            break
        if isinstance(msg, str):
            await ws.send("echo: " + msg)
        else:
            await ws.send(b"echo: " + msg)


@app.route("/events", methods=["GET"])
async def events(req, resp):
    sse = await resp.event_stream()
    count = 0
    while True:  # ends when the client goes away (send raises, tinyweb closes quietly)
        count += 1
        await sse.send({"count": count}, event="tick", id=count)
        await asyncio.sleep(1)


def run(host="0.0.0.0", port=8081, **options):
    app.run(host=host, port=port, **options)


if __name__ == "__main__":
    from cli import host_port

    host, port = host_port()
    print("tinyweb: serving on http://%s:%d/" % (host, port))
    run(host, port)
