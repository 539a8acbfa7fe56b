"""adafruit-circuitpython-httpserver, hello world; `socket` (CPython's) as the socket pool."""

import socket

from adafruit_httpserver import Response, Server

server = Server(socket, debug=False)


@server.route("/")
def index(request):
    page = "<html><body><h1>Hello, world!</h1></html>\n"
    return Response(request, page, content_type="text/html; charset=utf-8")
