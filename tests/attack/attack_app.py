"""The app the attack suite attacks: what a device's web UI and API look like.

    python attack_app.py PORT FOLDER          # CPython
    micropython attack_app.py PORT FOLDER     # MicroPython unix port (MICROPYPATH: the build)

Plain routes, a form route with a small body limit, a JSON route, a REST resource,
`<path:>` routes that serve files from FOLDER with send_file (one joins the name to the
folder, one names the folder as `root`), routes that put client input into a header, a
redirect and the reason phrase, a slow and a big answer, and /state: the server's own view
of what it holds (heap after a collection on MicroPython; open connections, slots and tasks
on every runtime). Limits are explicit (the unix preset's, the ESP32's line length, a short
request timeout), so both runtimes meet the same numbers. Prints "ready" once listening;
runs until killed.
"""

import gc
import sys

import tinyweb
from tinyweb.compat import IS_CPYTHON, asyncio, sleep_ms

REQUEST_TIMEOUT = 1  # seconds: slow and silent clients are cut off quickly
MAX_CONCURRENCY = 3
BACKLOG = 3  # connections that may wait for a slot
LISTEN_BACKLOG = 32
FORM_LIMIT = 1024
MAX_LINE = 1024  # the esp32 preset's: a REST query string of 990 "&" fits
JSON_LIMIT = 16384  # room for JSON nested 10,000 deep

app = tinyweb.webserver(
    board="unix",
    request_timeout=REQUEST_TIMEOUT,
    max_concurrency=MAX_CONCURRENCY,
    backlog=BACKLOG,
    max_body_size=FORM_LIMIT,
    max_line=MAX_LINE,
)
folder = sys.argv[2] if len(sys.argv) > 2 else "."
db = {}


@app.route("/")
async def index(req, resp):
    await resp.send_body("index")


@app.route("/form", methods=["POST"], max_body_size=FORM_LIMIT)
async def form(req, resp):
    data = await req.read_parse_form_data()
    await resp.send_body("fields %d" % len(data))


@app.route("/json", methods=["POST"], max_body_size=JSON_LIMIT)
async def json_body(req, resp):
    data = await req.read_parse_form_data()
    await resp.send_body("keys %d" % len(data))


@app.route("/files/<path:name>")
async def files(req, resp, name):
    await resp.send_file(folder + "/" + name, max_age=0)


@app.route("/slow")
async def slow(req, resp):
    # Holds its slot in the handler (not on its head) for a second.
    await sleep_ms(1000)
    await resp.send_body("slept")


@app.route("/big")
async def big(req, resp):
    # 256 KB in 1 KB sends: a client that resets mid-answer meets the server still sending.
    await resp.start_html()
    chunk = b"x" * 1024
    for _ in range(256):
        await resp.send(chunk)


@app.route("/mount/<path:name>")
async def mount(req, resp, name):
    # send_file confined to a folder the app names (issue 9 item 3: the static mount).
    await resp.send_file(name, max_age=0, root=folder)


@app.route("/hdr")
async def hdr(req, resp):
    resp.headers["X-Echo"] = req.query().get("v", "")
    await resp.send_body("ok")


@app.route("/go")
async def go(req, resp):
    await resp.redirect(req.query().get("to", "/"))


@app.route("/reason")
async def reason(req, resp):
    resp.code = 299
    resp.reason = req.query().get("r", "Fine")
    await resp.send_body("ok")


@app.route("/state")
async def state(req, resp):
    gc.collect()
    heap = -1 if IS_CPYTHON else gc.mem_alloc()
    tasks = len(asyncio.all_tasks()) if IS_CPYTHON else -1
    # This request is one of the open connections and holds one slot.
    await resp.send_body(
        '{"heap": %d, "conns": %d, "active": %d, "tasks": %d}'
        % (heap, len(app.conns), app._active, tasks),
        "application/json",
    )


class Customers:
    def get(self, data, headers):
        return {"count": len(db), "query": len(data)}

    def post(self, data, headers):
        db[str(len(db) + 1)] = data
        return {"created": len(db)}, 201


app.add_resource(Customers, "/customers")


async def main(port):
    # listen() takes a longer queue than the waiting places, so that a burst of connects
    # reaches the server at once instead of the kernel dropping SYNs for a second or three.
    await app.start("127.0.0.1", port, backlog=LISTEN_BACKLOG)
    print("ready")
    while True:
        await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
