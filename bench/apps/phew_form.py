"""phew, an urlencoded form POST (phew parses it into request.form)."""

from phew import server


@server.route("/form", methods=["POST"])
def form(request):
    data = request.form
    return "%d fields; %s <%s>\n" % (len(data), data["name"], data["email"]), 200, "text/plain"
