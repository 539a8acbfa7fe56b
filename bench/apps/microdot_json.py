"""microdot, JSON for a path parameter: a returned dict is sent as JSON."""

from microdot import Microdot

app = Microdot()


@app.get("/user/<id>")
async def user(request, id):
    return {"id": id, "name": "user " + id, "active": True}
