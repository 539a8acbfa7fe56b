"""adafruit-circuitpython-httpserver, an urlencoded form POST (request.form_data)."""

import socket

from adafruit_httpserver import POST, Response, Server

server = Server(socket, debug=False)


@server.route("/form", POST)
def form(request):
    data = request.form_data
    text = "%d fields; %s <%s>\n" % (len(data), data["name"], data["email"])
    return Response(request, text, content_type="text/plain")
