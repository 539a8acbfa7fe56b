"""Hello world: `make run` serves this file on http://127.0.0.1:8081/ (README.md shows it)."""

import tinyweb

app = tinyweb.webserver()


@app.route("/")
async def index(request, response):
    await response.start_html()
    await response.send("<html><body><h1>Hello, world!</h1></html>\n")


if __name__ == "__main__":
    from cli import host_port  # --host and --port from the command line (examples/cli.py)

    host, port = host_port()  # 127.0.0.1 and 8081 unless told otherwise
    print("tinyweb: serving on http://%s:%d/" % (host, port))
    # 127.0.0.1 answers this computer only. On a board, listen on every interface so that
    # the network can reach it: app.run(host="0.0.0.0", port=80) (docs/guide.md).
    app.run(host=host, port=port)
