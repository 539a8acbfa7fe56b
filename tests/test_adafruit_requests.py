"""The client CircuitPython apps use: adafruit_requests, given CPython's socket module as pool."""

import socket

import adafruit_requests
import case_app
import pytest
from conftest import SHARED

STATIC = SHARED + "/static"


@pytest.fixture
def session():
    s = adafruit_requests.Session(socket, None)
    yield s


@pytest.fixture
def base(serve):
    return "http://127.0.0.1:%d" % serve(case_app.make_app(STATIC))


def test_hello_world_page(session, base):
    r = session.get(base + "/")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.text == "<html><body><h1>Hello, world!</h1></html>\n"
    r.close()


def test_rest_resource_json_round_trip(session, base):
    r = session.post(base + "/api/customers", json={"name": "Ada"})
    assert r.status_code == 201
    assert r.json() == {"message": "created"}
    r.close()
    r = session.get(base + "/api/customers")
    assert r.json() == {"customers": {"1": {"name": "Ada"}}}
    r.close()
    r = session.put(base + "/api/customers/1", json={"name": "Ada L."})
    assert (r.status_code, r.headers["x-updated"], r.json()) == (200, "1", {"id": "c-1"})
    r.close()
    r = session.delete(base + "/api/customers", headers={"Authorization": "Bearer t"})
    assert r.json() == {"message": "deleted"}
    r.close()


def test_form_post_and_query(session, base):
    r = session.post(base + "/echo?q=1", data={"name": "Bob Smith", "n": "2"})
    assert r.status_code == 200
    got = r.json()
    assert (got["keys"], got["form"], got["query"]) == ("n,name", "2,Bob Smith", "q=1")
    r.close()


def test_chunked_generator_resource(session, base):
    r = session.post(base + "/api/user/9", data={"name": "zed"})
    assert r.status_code == 200
    assert r.json() == {"id": "9", "got": "zed"}
    r.close()


def test_static_file_and_errors(session, base):
    r = session.get(base + "/static/hello.txt")
    assert (r.status_code, r.text) == (200, "Hello from a static file.\n")
    r.close()
    for path, status in (("/missing", 404), ("/forbidden", 403), ("/crash", 500)):
        r = session.get(base + path)
        assert r.status_code == status, path
        r.close()
    r = session.post(base + "/small", data={"a": "123456789"})
    assert r.status_code == 413
    r.close()
