"""The four workloads: the requests every app gets, and the answers each must give.

Runs on CPython and MicroPython (the load generator, the in-memory harness): no f-strings.

    raw = request("json")                  # the bytes a browser would send for it
    problem("json", status, body)          # None when the answer is right, else what is wrong
"""

NAMES = ("hello", "json", "form", "static")

# GET / answers this page (text/html): the README's example.
HELLO_BODY = b"<html><body><h1>Hello, world!</h1></html>\n"

# GET /user/42 answers this object as JSON; the path parameter stays a str.
USER_ID = "42"


def user_record(id):
    return {"id": id, "name": "user " + id, "active": True}


# POST /form: a 200-byte application/x-www-form-urlencoded body with escapes and "+".
_FORM_HEAD = (
    b"name=Ada+Lovelace&email=ada%40example.org&city=London&country=UK"
    b"&subject=Analytical+Engine%3A+notes&message="
)
FORM_BODY = _FORM_HEAD + b"x" * (200 - len(_FORM_HEAD))
FORM_ANSWER = b"6 fields; Ada Lovelace <ada@example.org>\n"

# GET /page.html: a 20 KB file, sent from the server's working directory.
STATIC_NAME = "page.html"
STATIC_SIZE = 20 * 1024


def static_content():
    line = b"<p>tinyweb benchmark static page, twenty kilobytes of it.</p>\n"
    return (line * (STATIC_SIZE // len(line) + 1))[:STATIC_SIZE]


TARGETS = {
    "hello": (b"GET", b"/"),
    "json": (b"GET", b"/user/" + USER_ID.encode()),
    "form": (b"POST", b"/form"),
    "static": (b"GET", b"/" + STATIC_NAME.encode()),
}

# What a browser sends, give or take (Firefox on Linux): the same head for every request.
HEAD = (
    b"Host: 192.168.4.1\r\n"
    b"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
    b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    b"Accept-Language: en-US,en;q=0.5\r\n"
    b"Accept-Encoding: gzip, deflate\r\n"
    b"Connection: close\r\n"
)


def request(name):
    """The request bytes of workload `name`."""
    method, path = TARGETS[name]
    raw = method + b" " + path + b" HTTP/1.1\r\n" + HEAD
    if name == "form":
        raw += b"Content-Type: application/x-www-form-urlencoded\r\n"
        raw += b"Content-Length: " + str(len(FORM_BODY)).encode() + b"\r\n\r\n" + FORM_BODY
        return raw
    return raw + b"\r\n"


def split(raw):
    """(status or None, body) of a raw HTTP/1.x answer delimited by close or Content-Length."""
    end = raw.find(b"\r\n\r\n")
    if end < 0 or not raw.startswith(b"HTTP/1."):
        return None, b""
    try:
        status = int(raw[9:12])
    except ValueError:
        status = None
    return status, raw[end + 4 :]


def problem(name, status, body):
    """None when (status, body) is the right answer to workload `name`, else what is wrong."""
    if status != 200:
        return "status %r" % (status,)
    if name == "json":
        import json

        try:
            got = json.loads(body)
        except ValueError:
            return "body is not JSON: %r" % (body[:80],)
        if got != user_record(USER_ID):
            return "JSON %r" % (got,)
        return None
    if name == "hello":
        want = HELLO_BODY
    elif name == "form":
        want = FORM_ANSWER
    else:
        want = static_content()
    if body != want:
        return "body of %d bytes differs (%r...)" % (len(body), body[:60])
    return None


def check(name, raw):
    """problem() of a raw answer."""
    status, body = split(raw)
    return problem(name, status, body)
