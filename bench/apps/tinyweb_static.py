"""tinyweb, a static file from the working directory."""

import tinyweb

app = tinyweb.webserver()


@app.route("/page.html")
async def page(request, response):
    await response.send_file("page.html")
