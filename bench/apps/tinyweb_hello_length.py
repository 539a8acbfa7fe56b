"""tinyweb, hello world answered with its length (`send_body`), so that an HTTP/1.1 client
may keep the connection for the next request (bench/keepalive.py). The README's
`start_html()` and `send()` give no length: such an answer ends by closing."""

import tinyweb

app = tinyweb.webserver()
PAGE = "<html><body><h1>Hello, world!</h1></html>\n"


@app.route("/")
async def index(request, response):
    await response.send_body(PAGE, "text/html; charset=utf-8")
