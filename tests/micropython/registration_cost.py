"""Heap one route or REST resource keeps once registered, printed as "kind bytes" lines.

    MICROPYPATH=build/device/lib:.frozen micropython registration_cost.py

Each kind is registered 20 times (gc.mem_alloc() after a collection, before and after,
averaged), after one of each has loaded the modules it needs: what is counted is the
registration (and the URL string and handler function this script makes for it), not code.
"""

import gc

import tinyweb

N = 20

app = tinyweb.webserver()


class Things:
    def get(self, data, headers):
        return {}

    def post(self, data, headers):
        return {}


def plain(i):
    @app.route("/r%d" % i)
    async def h(req, resp):
        pass


def param(i):
    @app.route("/p%d/<a>" % i)
    async def h(req, resp, a):
        pass


def options(i):
    @app.route("/m%d" % i, methods=["GET", "POST", "PUT"], save_headers=["Content-Type"])
    async def h(req, resp):
        pass


def resource_class(i):
    app.add_resource(Things, "/res%d" % i)


def resource_function(i):
    @app.resource("/rf%d" % i)
    def f(data, headers):
        return {}


KINDS = (
    ("plain", plain),
    ("param", param),
    ("options", options),
    ("resource_class", resource_class),
    ("resource_function", resource_function),
)

for _, register in KINDS:
    register(1000)  # loads the kind's modules (params, routing, control, resource)
for name, register in KINDS:
    gc.collect()
    before = gc.mem_alloc()
    for i in range(N):
        register(i)
    gc.collect()
    print(name, (gc.mem_alloc() - before) // N)
