"""tinyweb, an urlencoded form POST that the handler parses."""

import tinyweb

app = tinyweb.webserver()


@app.route("/form", methods=["POST"])
async def form(request, response):
    data = await request.read_parse_form_data()
    text = "%d fields; %s <%s>\n" % (len(data), data["name"], data["email"])
    await response.send_body(text, "text/plain")
