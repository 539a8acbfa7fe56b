"""A laptop or server running CPython: memory is not the constraint, so limits are generous.

Every other preset falls back to these numbers for a field it does not set.
"""

max_concurrency = 32  # connections served at once
buffer_size = 4096  # bytes read from the socket per call
max_line = 4096  # longest request line or header line accepted (414 / 431 past it)
max_headers = 64  # most header lines accepted (431 past it)
max_body_size = 1024  # default per-route body limit, as in TinyWeb (413 past it)
request_timeout = 3  # seconds to send the request head; longest stall of any read/write
backlog = 16  # listen() backlog, and connections that may wait for a free slot
