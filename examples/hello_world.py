"""Hello world: TinyWeb's README example, unchanged. Run: python examples/hello_world.py

Then open http://127.0.0.1:8081/ (and /table).
"""

import tinyweb

# Create web server application
app = tinyweb.webserver()


# Index page
@app.route("/")
async def index(request, response):
    # Start HTTP response with content-type text/html
    await response.start_html()
    # Send actual HTML page
    await response.send('<html><body><h1>Hello, world! (<a href="/table">table</a>)</h1></html>\n')


# Another one, more complicated page
@app.route("/table")
async def table(request, response):
    # Start HTTP response with content-type text/html
    await response.start_html()
    await response.send(
        "<html><body><h1>Simple table</h1>"
        "<table border=1 width=400>"
        "<tr><td>Name</td><td>Some Value</td></tr>"
    )
    for i in range(10):
        await response.send("<tr><td>Name{}</td><td>Value{}</td></tr>".format(i, i))
    await response.send("</table></html>")


def run(host="0.0.0.0", port=8081):
    app.run(host=host, port=port)


if __name__ == "__main__":
    from cli import host_port

    host, port = host_port()
    print("tinyweb: serving on http://%s:%d/" % (host, port))
    run(host, port)
