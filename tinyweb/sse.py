"""Server-Sent Events: a `text/event-stream` answer that a browser's `EventSource` reads.

    @app.route('/events', methods=['GET'])
    async def events(req, resp):
        sse = await resp.event_stream()
        n = 0
        while True:                       # ends when the client goes away
            n += 1
            await sse.send({'count': n}, event='tick', id=n)
            await asyncio.sleep(1)

Loaded the first time a handler calls `resp.event_stream()`: a hello-world app never holds
this code. docs/live.md has the limits.

A stream holds one of the server's `max_concurrency` slots for its life (unlike a
WebSocket, which gives its slot back once upgraded: a stream is an ordinary route's answer,
whose handler may still use the slot's receive buffer; docs/live.md). Each write must
go through within `request_timeout` (the server's watchdog: a client that stops reading is
cut off). A client that went away makes `send()` raise OSError, which ends the handler:
tinyweb closes the connection and logs nothing. A write to a client that just left may
still succeed (the kernel takes it), so the handler notices at the next send or the one
after; send a `comment()` now and then to notice sooner on a quiet stream.
"""


def _field(name, value):
    """One "name: value" line; a value with a line break would end the event early."""
    value = str(value)
    if "\n" in value or "\r" in value or "\0" in value:
        raise ValueError("line break or NUL in an event's " + name)
    return "%s: %s\n" % (name, value)


class EventStream:
    """The event stream of one response: `await sse.send(data, event=, id=, retry=)`,
    `await sse.comment()`."""

    def __init__(self, resp):
        self.resp = resp

    async def send(self, data, event=None, id=None, retry=None):
        """Send one event. `data`: str (each line its own `data:` line, as the format
        wants), bytes (UTF-8), or anything else as JSON. `event`: its name (the
        browser's `addEventListener(name)`; "message" when None). `id`: what the browser
        sends back as Last-Event-ID when it reconnects. `retry`: milliseconds the browser
        waits before reconnecting."""
        if isinstance(data, bytes):
            data = data.decode("utf-8")
        elif not isinstance(data, str):
            import json

            data = json.dumps(data)
        parts = []
        if event is not None:
            parts.append(_field("event", event))
        if id is not None:
            parts.append(_field("id", id))
        if retry is not None:
            parts.append("retry: %d\n" % retry)
        for line in data.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            parts.append("data: " + line + "\n")
        parts.append("\n")
        await self._write("".join(parts))

    async def comment(self, text=""):
        """Send a comment line, which the browser ignores: a keep-alive for proxies, and
        a way to find out that the client has gone."""
        if "\n" in text or "\r" in text:
            raise ValueError("line break in a comment")
        await self._write(": " + text + "\n\n")

    async def _write(self, text):
        if self.resp.is_head:  # HEAD /events: the head went out, and that is all
            raise OSError(32)  # EPIPE: ends the handler quietly, as a client gone does
        await self.resp._write(text.encode("utf-8"))


async def event_stream(resp, retry=None):
    """Send the head of a `text/event-stream` answer; the `EventStream` to send events on.
    `retry`: milliseconds the browser waits before reconnecting (its default is ~3 s)."""
    resp.headers["Content-Type"] = "text/event-stream"
    resp.headers["Cache-Control"] = "no-cache"
    await resp._write(resp._head() + (("retry: %d\n\n" % retry).encode() if retry else b""))
    return EventStream(resp)
