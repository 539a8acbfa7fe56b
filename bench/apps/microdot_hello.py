"""microdot, hello world as its documentation writes it, with an HTML content type."""

from microdot import Microdot

app = Microdot()


@app.route("/")
async def index(request):
    page = "<html><body><h1>Hello, world!</h1></html>\n"
    return page, 200, {"Content-Type": "text/html; charset=utf-8"}
