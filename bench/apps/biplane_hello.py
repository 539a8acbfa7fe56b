"""biplane, hello world as its README writes it (a generator server, no asyncio)."""

import biplane

server = biplane.Server()


@server.route("/", "GET")
def index(query_parameters, headers, body):
    page = "<html><body><h1>Hello, world!</h1></html>\n"
    return biplane.Response(page, content_type="text/html; charset=utf-8")
