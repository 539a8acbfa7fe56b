"""uaioweb, hello world as its README writes a handler: the answer written by hand."""

from uaioweb import App

app = App(host="127.0.0.1", port=8081)  # serve.py sets the port it is given


@app.route("/")
async def index(r, w):
    w.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n")
    w.write(b"<html><body><h1>Hello, world!</h1></html>\n")
    await w.drain()
