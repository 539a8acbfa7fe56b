"""phew, JSON for a path parameter (phew passes <id> as a keyword; it has no JSON helper)."""

import json

from phew import server


@server.route("/user/<id>", methods=["GET"])
def user(request, id):
    return json.dumps({"id": id, "name": "user " + id, "active": True}), 200, "application/json"
