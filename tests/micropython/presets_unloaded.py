"""After webserver() the preset modules are gone from memory; presets still work after."""

import gc
import sys

import tinyweb

gc.collect()
app = tinyweb.webserver()
print("loaded", sorted(m for m in sys.modules if m.startswith("tinyweb.")))
print("attributes", hasattr(tinyweb, "presets"), hasattr(tinyweb, "boards"))
again = tinyweb.webserver(board="esp8266", max_concurrency=2)
print("again", again.max_concurrency, again.buffer_size, again.max_body_size)
