"""adafruit-circuitpython-httpserver, a static file from the working directory."""

import socket

from adafruit_httpserver import FileResponse, Server

server = Server(socket, root_path=".", debug=False)


@server.route("/page.html")
def page(request):
    return FileResponse(request, "page.html")
