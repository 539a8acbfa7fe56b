"""OTA-style upload: a file of any size written to disk in pieces, with its SHA-256.

Run: python examples/upload.py --port 8081 [--out upload.bin], then open
http://127.0.0.1:8081/ and pick a file, or:
    curl -T firmware.bin http://127.0.0.1:8081/upload
    curl --data-binary @firmware.bin http://127.0.0.1:8081/upload
    curl -F file=@firmware.bin http://127.0.0.1:8081/upload
Each answers {"size": <bytes>, "sha256": "<hex>"}. The body passes through the
connection's receive buffer (raw PUT/POST) or one window of the same size (a form), so a
1 MB file fits through a 64 KB MicroPython heap.
"""

import binascii
import hashlib
import json
import sys

import tinyweb

MAX_UPLOAD = 4 * 1024 * 1024  # bytes; a board's flash holds less
OUT = "upload.bin"
args = sys.argv[1:]
for i in range(len(args) - 1):
    if args[i] == "--out":
        OUT = args[i + 1]

FORM = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Upload</title></head><body>
<h1>Upload a file</h1>
<form method="POST" action="/upload" enctype="multipart/form-data">
<input type="file" name="file"> <button>Upload</button>
</form></body></html>
"""

app = tinyweb.webserver()


@app.route("/", methods=["GET"])
async def index(req, resp):
    await resp.start_html()
    await resp.send(FORM)


async def save(chunks, f):
    """Write each chunk to `f` and hash it; (size, sha256 hex)."""
    digest = hashlib.sha256()
    size = 0
    async for chunk in chunks:
        f.write(chunk)
        digest.update(chunk)
        size += len(chunk)
    return size, binascii.hexlify(digest.digest()).decode()


@app.route("/upload", methods=["POST", "PUT"], max_body_size=MAX_UPLOAD)
async def upload(req, resp):
    size = sha = None
    with open(OUT, "wb") as f:
        if req.content_type.startswith(b"multipart/form-data"):
            async for part in req.parts():
                if part.filename is not None and size is None:  # the first file
                    size, sha = await save(part, f)
        else:  # the raw body: curl -T, --data-binary, fetch(url, {method: 'PUT', body})
            size, sha = await save(req.body_chunks(), f)
    if size is None:
        raise tinyweb.HTTPException(400, "No file in the form")
    await resp.send_body(json.dumps({"size": size, "sha256": sha}), "application/json")


if __name__ == "__main__":
    from cli import host_port

    host, port = host_port()
    print("tinyweb: serving on http://%s:%d/" % (host, port))
    app.run(host, port)
