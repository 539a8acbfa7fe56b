"""Handlers that forgot `await` before a response method (tests/test_forgotten_await.py).

Imported by the CPython test; run by MicroPython's unix port:
    MICROPYPATH=build/device/lib:.frozen micropython forgot_await_app.py PORT
"""

import tinyweb


def make_app():
    app = tinyweb.webserver()

    @app.route("/")
    async def index(req, resp):
        await resp.send_body("fine")

    @app.route("/sync_style")
    async def sync_style(req, resp):
        resp.start_html()  # written as if it were a plain call
        resp.send("<h1>lost</h1>")

    @app.route("/json")
    async def json_dropped(req, resp):
        resp.start_json()  # a lazy method (tinyweb.status)

    @app.route("/late")
    async def late_send(req, resp):
        await resp.start_html()
        resp.send("lost body")  # after the head: only a log line and a closed connection

    @app.route("/nothing")
    async def nothing(req, resp):
        resp.code = 204  # sending nothing on purpose is no bug

    return app


if __name__ == "__main__":
    import sys

    make_app().run("127.0.0.1", int(sys.argv[1]))
