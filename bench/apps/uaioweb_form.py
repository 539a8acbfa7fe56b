"""uaioweb, an urlencoded form POST: the body read by hand, parsed with its parse_qs()."""

from uaioweb import App, parse_qs

app = App(host="127.0.0.1", port=8081)  # serve.py sets the port it is given


@app.route("/form", methods=["POST"])
async def form(r, w):
    body = await r.readexactly(int(r.headers["content-length"]))
    data = parse_qs(body.decode())
    w.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n")
    w.write(("%d fields; %s <%s>\n" % (len(data), data["name"], data["email"])).encode())
    await w.drain()
