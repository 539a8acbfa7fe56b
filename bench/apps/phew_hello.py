"""phew (Pimoroni), hello world as its README writes routes: a (body, status, type) tuple."""

from phew import server


@server.route("/", methods=["GET"])
def index(request):
    return "<html><body><h1>Hello, world!</h1></html>\n", 200, "text/html"
