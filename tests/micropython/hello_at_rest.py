"""What the hello-world app holds at rest: print the heap that `import tinyweb`, webserver()
and one route took (gc.mem_alloc() after gc.collect()), then the modules loaded.

    cd <build>; MICROPYPATH=lib:.frozen micropython hello_at_rest.py
"""

import gc
import sys

gc.collect()
before = gc.mem_alloc()
import tinyweb  # noqa: E402 - measured from here

app = tinyweb.webserver()


@app.route("/")
async def index(req, resp):
    await resp.send_body("hi")


gc.collect()
print("HEAP", gc.mem_alloc() - before)
print("MODULES", " ".join(sorted(name for name in sys.modules if name.startswith("tinyweb"))))
