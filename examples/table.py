"""A live table: sensor readings rendered row by row, never held in memory whole.

Run: python examples/table.py, then open http://127.0.0.1:8081/ (or /?rows=50).
"""

import tinyweb

app = tinyweb.webserver()


def reading(i):
    """Stand-in for a sensor: on a board, read an ADC or an I2C device here."""
    return 20 + (i * 7) % 10, 40 + (i * 13) % 30


@app.route("/")
async def table(req, resp):
    rows = int(req.query().get("rows", "10"))
    rows = max(1, min(rows, 500))  # bounded: the page is streamed, but time is not free
    await resp.start_html()
    await resp.send(
        "<html><body><h1>Readings</h1><table border=1>"
        "<tr><th>#</th><th>Temperature (C)</th><th>Humidity (%)</th></tr>"
    )
    for i in range(rows):
        t, h = reading(i)
        await resp.send("<tr><td>{}</td><td>{}</td><td>{}</td></tr>".format(i, t, h))
    await resp.send("</table></body></html>")


if __name__ == "__main__":
    from cli import host_port

    host, port = host_port()
    print("tinyweb: serving on http://%s:%d/" % (host, port))
    app.run(host, port)
