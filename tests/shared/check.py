"""Runtime-neutral checking of the shared cases: parse a raw response, compare to a case.

Used by pytest on CPython (over sockets and in memory) and by `run_cases.py` on MicroPython
and CircuitPython, so every runtime judges a response the same way.
"""

import json


def load_cases(path):
    with open(path) as f:
        return json.load(f)


def parse_response(raw):
    """(version, status, reason, {lower-case name: value}, body bytes) of a raw response."""
    end = raw.find(b"\r\n\r\n")
    if end < 0:
        raise ValueError("no end of head in %r" % raw[:200])
    lines = raw[:end].decode("utf-8").split("\r\n")
    parts = lines[0].split(" ", 2)
    version = parts[0]
    status = int(parts[1])
    reason = parts[2] if len(parts) > 2 else ""
    headers = {}
    for line in lines[1:]:
        name, value = line.split(":", 1)
        headers[name.strip().lower()] = value.strip()
    return version, status, reason, headers, raw[end + 4 :]


def check(case, raw):
    """A list of what differs between the response `raw` and the case (empty: it passed)."""
    problems = []
    try:
        version, status, reason, headers, body = parse_response(raw)
    except Exception as e:  # noqa: BLE001 - any garbage is a failed case, not a crash
        return ["unparsable response (%s): %r" % (e, raw[:300])]
    if status != case["status"]:
        problems.append("status %d, expected %d" % (status, case["status"]))
    if "reason" in case and reason != case["reason"]:
        problems.append("reason %r, expected %r" % (reason, case["reason"]))
    if "version" in case and version != case["version"]:
        problems.append("version %r, expected %r" % (version, case["version"]))
    for name, value in case.get("headers", {}).items():
        if headers.get(name) != value:
            problems.append("header %s: %r, expected %r" % (name, headers.get(name), value))
    if "body" in case and body != case["body"].encode("utf-8"):
        problems.append("body %r, expected %r" % (body[:300], case["body"]))
    if "json" in case:
        # Compared as data: MicroPython's dicts do not keep insertion order, so json.dumps
        # may list the keys in any order.
        try:
            data = json.loads(body)
        except ValueError:
            data = "unparsable JSON"
        if data != case["json"]:
            problems.append("JSON %r, expected %r" % (body[:300], case["json"]))
    if "body_contains" in case and case["body_contains"].encode("utf-8") not in body:
        problems.append("body %r lacks %r" % (body[:300], case["body_contains"]))
    if "content-length" in headers and status not in (204, 304) and not case.get("head"):
        if not case["request"].startswith("HEAD") and int(headers["content-length"]) != len(body):
            problems.append(
                "Content-Length %s but %d body bytes" % (headers["content-length"], len(body))
            )
    if b"HTTP/1." in body:
        problems.append("a second status line in the body")
    return problems
