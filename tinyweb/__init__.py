"""tinyweb: a small asynchronous web server for MicroPython, CircuitPython and CPython.

import tinyweb
app = tinyweb.webserver()

@app.route('/')
async def index(req, resp):
    await resp.start_html()
    await resp.send('<h1>Hello, world!</h1>')

app.run(host='0.0.0.0', port=8081)
"""

from .request import HTTPException, request
from .response import response
from .server import webserver

__version__ = "0.1.0"


# TinyWeb's helpers for urlencoded text, loaded with their module on first use.
def urldecode_plus(s):
    """Decode an urlencoded string, "+" included: urldecode_plus("a+%C3%A9") == "a é"."""
    from .urlencoded import urldecode_plus

    return urldecode_plus(s)


def parse_query_string(s):
    """Parse "a=1&b=2" into {'a': '1', 'b': '2'} (str or bytes in, str values out)."""
    from .urlencoded import parse_query_string

    return parse_query_string(s)


__all__ = [
    "webserver",
    "request",
    "response",
    "HTTPException",
    "urldecode_plus",
    "parse_query_string",
]
