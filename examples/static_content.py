"""Static content: a small single-page app served from examples/static/ by a folder mount.

Run: python examples/static_content.py --port 8081, then open http://127.0.0.1:8081/

`app.static("/", folder)` answers GET and HEAD for every file in the folder: index.html for
"/", an ETag and Last-Modified with every file (a reload costs 304s, not bodies), byte
ranges (`curl -C -` resumes), and app.js.gz instead of app.js to browsers that take gzip.
Make the .gz beside its file with `gzip -9 -k -n app.js` (docs/static.md).
"""

import tinyweb

app = tinyweb.webserver()

# Where the files are, relative to the folder the server is started from. On a board,
# copy the folder next to main.py and use "static".
try:
    STATIC = __file__.rsplit("/", 1)[0] + "/static" if "/" in __file__ else "static"
except NameError:  # frozen or pasted into a REPL
    STATIC = "static"


@app.resource("/api/uptime")
def uptime(data, headers):
    import time

    return {"uptime_ms": int(time.time() * 1000) % 100000000}


# A mount at "/" answers every URL that no exact route (like /api/uptime) answers, and
# hides parameterized URLs (/user/<id>) registered after it: register those first.
app.static("/", STATIC)


if __name__ == "__main__":
    from cli import host_port

    host, port = host_port()
    print("tinyweb: serving on http://%s:%d/" % (host, port))
    app.run(host, port)
