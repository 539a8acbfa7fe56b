"""A REST API in TinyWeb's style: a customer list and single customers, JSON in and out.

Run: python examples/rest_api.py, then try:
    curl http://127.0.0.1:8081/customers
    curl -X POST -d name=Alice http://127.0.0.1:8081/customers
    curl -X DELETE -H "Authorization: ok" http://127.0.0.1:8081/customers/1
"""

import tinyweb

db = {"1": {"name": "Jack"}, "2": {"name": "Bob"}}
next_id = [3]


class CustomersList:
    def get(self, data, headers):
        """Return list of all customers"""
        return db

    def post(self, data, headers):
        """Add customer"""
        key = str(next_id[0])
        next_id[0] += 1
        db[key] = data
        return {"message": "created", "id": key}, 201


class Customer:
    def not_found(self):
        return {"message": "no such customer"}, 404

    def get(self, data, headers, user_id):
        """Get customer details"""
        if user_id not in db:
            return self.not_found()
        return db[user_id]

    def put(self, data, headers, user_id):
        """Update customer"""
        if user_id not in db:
            return self.not_found()
        db[user_id].update(data)
        return {"message": "updated"}

    def delete(self, data, headers, user_id):
        """Delete customer, if authorized"""
        if b"Authorization" not in headers:
            return {"message": "forbidden"}, 403
        if user_id not in db:
            return self.not_found()
        del db[user_id]
        return {"message": "deleted"}


app = tinyweb.webserver()
app.add_resource(CustomersList, "/customers")
app.add_resource(Customer, "/customers/<user_id>")


# Function resources: the README's "regular" and "generator based" forms on one URL.
@app.resource("/user/<id>")
def user(data, headers, id):
    return {"id": id, "name": "foo"}


@app.resource("/user/<id>", method="POST")
def user_stream(data, headers, id):
    yield "{"
    yield '"id": "{}",'.format(id)
    yield '"name": "test"'
    yield "}"


if __name__ == "__main__":
    from cli import host_port

    host, port = host_port()
    print("tinyweb: serving on http://%s:%d/" % (host, port))
    app.run(host, port)
