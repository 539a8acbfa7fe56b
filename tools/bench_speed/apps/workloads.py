"""The benchmark's four workloads: requests, and the answers both apps must give.

Shared by the two benchmark apps (tinyweb_app.py, microdot_app.py), the in-process driver
(inprocess.py) and tools/bench_speed.py. Runs on CPython and MicroPython: no f-strings.

    raw = raw_request("json", "127.0.0.1:8081")   # the bytes wrk sends for that workload
    check_answer("json", status, body)            # None when right, else what is wrong
"""

# The order the report shows them in.
NAMES = ("hello", "json", "form", "static")

# GET / answers this page (text/html): TinyWeb's README example.
HELLO_BODY = "<html><body><h1>Hello, world!</h1></body></html>\n"

# GET /user/<id> answers this object as JSON; the path parameter stays a str.
USER_ID = "42"


def user_record(id):
    return {"id": id, "name": "user " + id, "active": True}


# POST /form: a 200-byte application/x-www-form-urlencoded body with escapes and "+".
FORM_TYPE = "application/x-www-form-urlencoded"
_FORM_HEAD = (
    "name=Ada+Lovelace&email=ada%40example.org&city=London&country=UK"
    "&subject=Analytical+Engine%3A+notes&message="
)
FORM_BODY = (_FORM_HEAD + "x" * (200 - len(_FORM_HEAD))).encode()
FORM_FIELDS = 6


def form_answer(form):
    """What the form handler answers for a parsed form (a dict-like of str)."""
    return "%d fields; %s <%s>\n" % (len(form), form["name"], form["email"])


# GET /page.html: a 20 KB static file, sent from the server's working directory.
STATIC_NAME = "page.html"
STATIC_SIZE = 20 * 1024


def static_content():
    line = b"<p>tinyweb benchmark static page, twenty kilobytes of it.</p>\n"
    data = line * (STATIC_SIZE // len(line) + 1)
    return data[:STATIC_SIZE]


# Method and path of each workload.
TARGETS = {
    "hello": ("GET", "/"),
    "json": ("GET", "/user/" + USER_ID),
    "form": ("POST", "/form"),
    "static": ("GET", "/" + STATIC_NAME),
}


def raw_request(name, host):
    """The request bytes of workload `name`, as wrk sends them with -H 'Connection: close'."""
    method, path = TARGETS[name]
    head = "%s %s HTTP/1.1\r\nHost: %s\r\n" % (method, path, host)
    if name == "form":
        head += "Content-Type: %s\r\nContent-Length: %d\r\n" % (FORM_TYPE, len(FORM_BODY))
    head += "Connection: close\r\n\r\n"
    body = FORM_BODY if name == "form" else b""
    return head.encode() + body


def expected_body(name):
    """The exact body bytes workload `name` must answer (None: JSON, compared as data)."""
    if name == "hello":
        return HELLO_BODY.encode()
    if name == "form":
        return ("%d fields; Ada Lovelace <ada@example.org>\n" % FORM_FIELDS).encode()
    if name == "static":
        return static_content()
    return None


def check_answer(name, status, body):
    """None when (status, body) is the right answer to workload `name`, else the problem."""
    if status != 200:
        return "status %r" % (status,)
    want = expected_body(name)
    if want is None:
        import json

        try:
            got = json.loads(body)
        except ValueError:
            return "body is not JSON: %r" % (body[:80],)
        if got != user_record(USER_ID):
            return "JSON %r" % (got,)
        return None
    if body != want:
        return "body of %d bytes differs (%r...)" % (len(body), body[:60])
    return None


def split_response(raw):
    """(status, headers dict with lower-case str names, body) of a raw HTTP/1.x response.

    A chunked body is not expected here (no workload streams chunks); the body is whatever
    follows the head, which is right for a response delimited by Content-Length or by close.
    """
    end = raw.find(b"\r\n\r\n")
    if end < 0:
        return None, {}, b""
    lines = raw[:end].decode().split("\r\n")
    parts = lines[0].split(" ", 2)
    try:
        status = int(parts[1])
    except (IndexError, ValueError):
        status = None
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, raw[end + 4 :]
