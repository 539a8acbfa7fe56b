"""picoweb, an urlencoded form POST (read_form_data() parses it into req.form)."""

import picoweb

app = picoweb.WebApp(None)


@app.route("/form")
def form(req, resp):
    yield from req.read_form_data()
    data = req.form
    yield from picoweb.start_response(resp, "text/plain")
    yield from resp.awrite("%d fields; %s <%s>\n" % (len(data), data["name"], data["email"]))
