"""picoweb, hello world as its README writes it (generator handlers, start_response)."""

import picoweb

# WebApp(__name__) in a script run as __main__: no package, files from the working directory.
app = picoweb.WebApp(None)


@app.route("/")
def index(req, resp):
    yield from picoweb.start_response(resp, "text/html; charset=utf-8")
    yield from resp.awrite("<html><body><h1>Hello, world!</h1></html>\n")
