"""microdot, a static file from the working directory."""

from microdot import Microdot, send_file

app = Microdot()


@app.get("/page.html")
async def page(request):
    return send_file("page.html")
