"""picoweb, a static file from the working directory (sendfile())."""

import picoweb

app = picoweb.WebApp(None)


@app.route("/page.html")
def page(req, resp):
    yield from app.sendfile(resp, "page.html", "text/html")
