"""Static content: a small single-page app served from examples/static/.

Run: python examples/static_content.py, then open http://127.0.0.1:8081/
"""

import tinyweb

app = tinyweb.webserver()

# Where the files are, relative to the folder the server is started from. On a board,
# copy the folder next to main.py and use "static".
try:
    STATIC = __file__.rsplit("/", 1)[0] + "/static"
except NameError:  # frozen or pasted into a REPL
    STATIC = "static"


@app.route("/")
async def index(req, resp):
    await resp.send_file(STATIC + "/index.html")


@app.route("/static/<path:name>")
async def files(req, resp, name):
    # send_file answers 403 for a name with "..", 404 for a missing file.
    await resp.send_file(STATIC + "/" + name)


@app.resource("/api/uptime")
def uptime(data, headers):
    import time

    return {"uptime_ms": int(time.time() * 1000) % 100000000}


if __name__ == "__main__":
    from cli import host_port

    host, port = host_port()
    print("tinyweb: serving on http://%s:%d/" % (host, port))
    app.run(host, port)
