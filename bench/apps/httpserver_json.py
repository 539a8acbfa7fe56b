"""adafruit-circuitpython-httpserver, JSON for a path parameter (JSONResponse)."""

import socket

from adafruit_httpserver import JSONResponse, Server

server = Server(socket, debug=False)


@server.route("/user/<id>")
def user(request, id):
    return JSONResponse(request, {"id": id, "name": "user " + id, "active": True})
