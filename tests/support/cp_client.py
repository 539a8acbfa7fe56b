"""Clients as a CircuitPython app has them: adafruit_requests on a socketpool, and raw sockets.

    pool = SocketPool(None, record=True)
    raw = requests_exchange(pool, port, "GET", "/", {}, b"")     # the bytes that came back
    raw = raw_exchange(pool, port, b"GET / HTTP/1.0\\r\\n\\r\\n")

Both return the response exactly as received on the wire, for tests/shared/check.py.
"""

import adafruit_connection_manager
import adafruit_requests

TIMEOUT = 5  # seconds any socket operation of a client may take


def split_request(raw):
    """(method, target, headers, body) if adafruit_requests can send `raw` as it is, else None.

    adafruit_requests writes "METHOD /path HTTP/1.1", then Host and User-Agent, then the given
    headers (a dict), then the body. A request it cannot reproduce (a malformed request line,
    a folded or malformed header, a repeated header, a Content-Length that does not match the
    body, blank lines first) goes over a raw socket instead.
    """
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ")
    if len(parts) != 3 or parts[2] not in (b"HTTP/1.0", b"HTTP/1.1"):
        return None
    method, target = parts[0], parts[1]
    if not method or not target.startswith(b"/") or not all(0x21 <= c <= 0x7E for c in target):
        return None
    headers = {}
    length = None
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip() or line[:1] in (b" ", b"\t"):
            return None
        key = name.decode("latin-1")
        if key.lower() in (h.lower() for h in headers):
            return None
        headers[key] = value.strip().decode("latin-1")
        if key.lower() == "content-length":
            if not value.strip().isdigit():
                return None
            length = int(value)
    if (length or 0) != len(body):
        return None
    # adafruit_requests always sends HTTP/1.1 with a Host: a request without one, or an
    # HTTP/1.0 one that relies on that, is only what it is over a raw socket.
    if parts[2] == b"HTTP/1.1" and not any(k.lower() == "host" for k in headers):
        return None
    return method.decode(), target.decode("latin-1"), headers, body


def requests_exchange(pool, port, method, target, headers, body):
    """Send one request with adafruit_requests; (response, raw bytes received, content).

    The raw bytes are what the pool double recorded (`record=True`); None with another pool.
    """
    session = adafruit_requests.Session(pool)
    try:
        response = session.request(
            method,
            "http://127.0.0.1:%d%s" % (port, target),
            data=body or None,
            headers=headers,
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        sock = response.socket
        content = response.content
        recorded = getattr(sock, "_test_received", None)
        raw = bytes(recorded) if recorded is not None else None
        response.close()
    finally:
        # One connection per request, as the server answers HTTP/1.0: nothing to reuse.
        adafruit_connection_manager.connection_manager_close_all(pool)
    return response, raw, content


def connect(pool, port):
    sock = pool.socket(pool.AF_INET, pool.SOCK_STREAM)
    sock.settimeout(TIMEOUT)
    sock.connect(("127.0.0.1", port))
    return sock


def read_all(sock, limit=1 << 20):
    """Everything until the server closes (recv_into returns 0 on a blocking socket)."""
    buf = bytearray(2048)
    out = bytearray()
    while len(out) < limit:
        try:
            n = sock.recv_into(buf)
        except OSError as e:
            if e.args[0] in (104, 128):  # ECONNRESET, ENOTCONN: what came so far is the answer
                break
            raise
        if not n:
            break
        out += buf[:n]
    return bytes(out)


def raw_exchange(pool, port, data, half_close=False):
    """Send `data` over a pool socket, read until the server closes; the bytes received.

    `half_close` shuts down the sending side afterwards, which socketpool cannot do: it is
    done on the real socket under the double, only for a request whose body is cut short on
    purpose (the server must see the end of the stream, not wait for the rest).
    """
    import socket

    sock = connect(pool, port)
    try:
        sock.sendall(data)
        if half_close:
            sock._sock.shutdown(socket.SHUT_WR)
        return read_all(sock)
    finally:
        sock.close()


def dechunk(body):
    """The payload of a chunked body (trailers dropped)."""
    out = bytearray()
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2 :]
    return bytes(out)
