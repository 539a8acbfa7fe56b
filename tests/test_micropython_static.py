"""The folder mount on MicroPython's unix port over real sockets: validators and 304, a
range (and curl resuming a download), gzip negotiation, the traversal guard (symbolic links
refused: MicroPython's os cannot read them), HEAD and 405. The same site as test_static.py.
"""

import gzip
import os
import shutil
import subprocess

import pytest
from conftest import TIMEOUT, free_port, http_request
from micropython_runtime import MP_TESTS, NO_MICROPYTHON, micropython_binary
from test_micropython_unix import lib, micropython  # noqa: F401 - fixtures
from test_static import APP_JS, SECRET, make_site

pytestmark = pytest.mark.skipif(micropython_binary() is None, reason=NO_MICROPYTHON)


@pytest.fixture
def site(micropython, tmp_path):  # noqa: F811 - the imported fixture
    www = make_site(tmp_path)
    port = free_port()
    mp = micropython(os.path.join(MP_TESTS, "serve_static.py"), str(port), str(www), port=port)
    return mp, www


def get(mp, path, method="GET", **headers):
    try:
        return http_request(
            mp.port, method, path, headers={k.replace("_", "-"): v for k, v in headers.items()}
        )
    except Exception as e:
        raise AssertionError("%s %s failed: %r\n%s" % (method, path, e, mp.output()))


def test_etag_and_304(site):
    mp, www = site
    status, _, headers, body = get(mp, "/static/app.js")
    assert status == 200 and body == APP_JS, mp.output()
    st = os.stat(www / "app.js")
    assert headers["etag"] == '"%x-%x"' % (int(st.st_mtime), st.st_size)
    assert headers["cache-control"] == "max-age=2592000, public"
    status, _, headers2, body = get(mp, "/static/app.js", If_None_Match=headers["etag"])
    assert (status, body, headers2["etag"]) == (304, b"", headers["etag"])
    since = headers["last-modified"]
    assert get(mp, "/static/app.js", If_Modified_Since=since)[0] == 304
    assert get(mp, "/static/", If_None_Match=get(mp, "/static/")[2]["etag"])[0] == 304
    assert get(mp, "/static/")[2]["cache-control"] == "no-cache"


def test_range_416_and_if_range(site):
    mp, _ = site
    status, _, headers, body = get(mp, "/static/app.js", Range="bytes=1000-1999")
    assert (status, body) == (206, APP_JS[1000:2000])
    assert headers["content-range"] == "bytes 1000-1999/20000"
    assert get(mp, "/static/app.js", Range="bytes=-10")[3] == APP_JS[-10:]
    status, _, headers, _ = get(mp, "/static/app.js", Range="bytes=20000-")
    assert (status, headers["content-range"]) == (416, "bytes */20000")
    assert get(mp, "/static/app.js", Range="bytes=0-9", If_Range='"stale"')[3] == APP_JS


def test_curl_resumes_a_download(site, tmp_path):
    if not shutil.which("curl"):
        pytest.skip("curl is not installed (apt-get install curl)")
    mp, _ = site
    part = tmp_path / "part"
    part.write_bytes(APP_JS[:12345])
    url = "http://127.0.0.1:%d/static/app.js" % mp.port
    out = subprocess.run(
        ["curl", "-s", "-C", "-", "-o", str(part), "-w", "%{http_code}", url],
        capture_output=True,
        timeout=TIMEOUT,
    )
    assert out.stdout == b"206" and part.read_bytes() == APP_JS, mp.output()


def test_gzip_only_to_clients_that_take_it(site):
    mp, www = site
    status, _, headers, body = get(mp, "/static/app.js", Accept_Encoding="gzip, deflate")
    assert status == 200 and body == (www / "app.js.gz").read_bytes()
    assert (headers["content-encoding"], headers["vary"]) == ("gzip", "Accept-Encoding")
    assert gzip.decompress(body) == APP_JS
    status, _, headers, body = get(mp, "/static/app.js", Accept_Encoding="gzip;q=0")
    assert body == APP_JS and "content-encoding" not in headers
    assert get(mp, "/static/only.txt")[0] == 406


def test_folders_head_and_405(site):
    mp, _ = site
    status, _, headers, _ = get(mp, "/static/sub")
    assert (status, headers["location"]) == (301, "/static/sub/")
    assert get(mp, "/static/sub/")[3] == b"<p>sub</p>\n"
    status, _, headers, body = get(mp, "/static/app.js", "HEAD")
    assert (status, body, headers["content-length"]) == (200, b"", "20000")
    status, _, headers, _ = get(mp, "/static/app.js", "POST")
    assert (status, headers["allow"]) == (405, "GET, HEAD, OPTIONS")


@pytest.mark.parametrize(
    "path",
    [
        "/static/../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/..%2fsecret.txt",
        "/static/..%5csecret.txt",
        "/static/..%00/secret.txt",
        "/static/%252e%252e/secret.txt",
        "/static/%2fSECRET_ABS",
        "/dl/..%2fsecret.txt",
        "/static/link.txt",
        "/static/out/secret.txt",
        "/dl/out/secret.txt",
    ],
)
def test_traversal_is_refused(site, path):
    mp, www = site
    os.symlink(www.parent / "secret.txt", www / "link.txt")
    os.symlink(www.parent, www / "out")
    path = path.replace("SECRET_ABS", str(www.parent / "secret.txt").lstrip("/"))
    status, _, _, body = get(mp, path)
    assert status in (403, 404) and SECRET not in body, (path, status)
    if "link" in path or "out/" in path:
        assert status == 403  # MicroPython's unix port refuses every symbolic link
    assert get(mp, "/static/index.html")[3] == b"<h1>index</h1>\n"
