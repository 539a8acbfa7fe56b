"""microdot, an urlencoded form POST (request.form parses it)."""

from microdot import Microdot

app = Microdot()


@app.post("/form")
async def form(request):
    data = request.form
    return "%d fields; %s <%s>\n" % (len(data), data["name"], data["email"])
