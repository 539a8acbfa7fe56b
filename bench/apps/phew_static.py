"""phew, a static file from the working directory."""

from phew import server


@server.route("/page.html", methods=["GET"])
def page(request):
    return server.serve_file("page.html")
