"""A folder mounted at /static on MicroPython's unix port, over real sockets.

    MICROPYPATH=build/device/lib:.frozen micropython serve_static.py PORT FOLDER

Runs until killed.
"""

import sys

import tinyweb

app = tinyweb.webserver()
app.static("/static", sys.argv[2])


@app.route("/dl/<path:name>")
async def download(req, resp, name):
    await resp.send_file(name, root=sys.argv[2])


app.run("127.0.0.1", int(sys.argv[1]))
