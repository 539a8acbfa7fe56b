"""tinyweb, JSON for a path parameter: a REST resource (TinyWeb's API)."""

import tinyweb

app = tinyweb.webserver()


@app.resource("/user/<id>")
def user(data, headers, id):
    return {"id": id, "name": "user " + id, "active": True}
