"""tinyweb: a small asynchronous web server for MicroPython, CircuitPython and CPython.

import tinyweb
app = tinyweb.webserver()

@app.route('/')
async def index(req, resp):
    await resp.start_html()
    await resp.send('<h1>Hello, world!</h1>')

app.run(host='0.0.0.0', port=8081)
"""

from .protocol import HTTPException, parse_query_string, urldecode_plus
from .request import request
from .response import response
from .server import webserver

__version__ = "0.1.0"

__all__ = [
    "webserver",
    "request",
    "response",
    "HTTPException",
    "urldecode_plus",
    "parse_query_string",
]
