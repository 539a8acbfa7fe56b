"""tinyweb, hello world: the README's example (the launcher, serve.py, calls app.run)."""

import tinyweb

app = tinyweb.webserver()


@app.route("/")
async def index(request, response):
    await response.start_html()
    await response.send("<html><body><h1>Hello, world!</h1></html>\n")
