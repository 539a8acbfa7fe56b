"""tinyweb: a small asynchronous web server for MicroPython, CircuitPython and CPython.

import tinyweb
app = tinyweb.webserver()

@app.route('/')
async def index(req, resp):
    await resp.start_html()
    await resp.send('<h1>Hello, world!</h1>')

app.run(host='0.0.0.0', port=8081)
"""

# The server first: compiled from .py on a board (as mip installs tinyweb), the biggest
# module compiles while the heap is still empty, and request, response and compat (which
# it imports) after it, into what is left.
from .server import webserver  # noqa: I001
from .request import HTTPException, request
from .response import response

__version__ = "0.1.0"


def __getattr__(name):
    # TinyWeb's helpers for urlencoded text, urldecode_plus() and parse_query_string(), are
    # in tinyweb.urlencoded, loaded the first time an app asks for one (a module-level
    # __getattr__, PEP 562: MicroPython has it on every port with networking).
    if name == "urldecode_plus" or name == "parse_query_string":
        from .urlencoded import parse_query_string, urldecode_plus

        return urldecode_plus if name == "urldecode_plus" else parse_query_string
    raise AttributeError(name)


__all__ = [
    "webserver",
    "request",
    "response",
    "HTTPException",
    "urldecode_plus",
    "parse_query_string",
]
