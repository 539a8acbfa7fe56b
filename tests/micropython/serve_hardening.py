"""An app for the hardening tests, the same on CPython and MicroPython: a form route, a REST
resource, and the lock-down settings given on the command line.

    python serve_hardening.py PORT                  TinyWeb's defaults
    micropython serve_hardening.py PORT cors=off hosts=device.local,127.0.0.1
    micropython serve_hardening.py PORT cors=http://a.example board=esp32

cors=off gives webserver(cors=False), cors=A,B a list of origins; hosts=A,B gives
allowed_hosts; board= names a preset. It prints "ready" once listening.
"""

import sys

import tinyweb
from tinyweb.compat import asyncio

options = {}
for arg in sys.argv[2:]:
    key, value = arg.split("=", 1)
    if key == "cors":
        options["cors"] = False if value == "off" else value.split(",")
    elif key == "hosts":
        options["allowed_hosts"] = value.split(",")
    else:
        options[key] = value
app = tinyweb.webserver(**options)


@app.route("/")
async def index(req, resp):
    await resp.send_body("index")


@app.route("/form", methods=["POST"], max_body_size=1024)
async def form(req, resp):
    data = await req.read_parse_form_data()
    await resp.send_body("fields=%d %s" % (len(data), ",".join(sorted(data))))


class Customers:
    def get(self, data, headers):
        return {"customers": [], "query": data}

    def put(self, data, headers):
        return {"updated": data}


app.add_resource(Customers, "/customers")


async def main(port):
    server = await app.start("127.0.0.1", port)
    print("ready")
    await server.serve_forever()


asyncio.run(main(int(sys.argv[1])))
