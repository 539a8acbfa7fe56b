"""Static files over real sockets: validators and 304, ranges, gzip negotiation, folder
mounts and their traversal guard (issue 10; issue 9, item 3), with http.client and curl.

The site is made in a temporary folder for each test: `www/` is mounted at /static, and
`secret.txt` beside it holds a marker that must never come out of the server.
"""

import gzip
import os
import shutil
import subprocess

import pytest
from conftest import TIMEOUT, http_request

import tinyweb

SECRET = b"secret-outside-the-folder\n"
# 20 KB that compresses, with every position distinct enough to show a wrong offset.
APP_JS = b"".join(b"console.log(%05d);\n" % i for i in range(1000))
ALLOW = "GET, HEAD, OPTIONS"


def make_site(tmp_path):
    """tmp/www (the mounted folder) and tmp/secret.txt (outside it)."""
    www = tmp_path / "www"
    (www / "sub").mkdir(parents=True)
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (www / "index.html").write_bytes(b"<h1>index</h1>\n")
    (www / "sub" / "index.html").write_bytes(b"<p>sub</p>\n")
    (www / "style.css").write_bytes(b"body { color: #222; }\n")
    (www / "logo.svg").write_bytes(b"<svg/>\n")
    (www / "app.js").write_bytes(APP_JS)
    (www / "app.js.gz").write_bytes(gzip.compress(APP_JS, mtime=0))
    (www / "only.txt.gz").write_bytes(gzip.compress(b"only compressed\n", mtime=0))
    (www / "empty.txt").write_bytes(b"")
    return www


@pytest.fixture
def site(tmp_path, serve):
    """(port, www folder) of an app with www mounted at /static, plus send_file routes."""
    www = make_site(tmp_path)
    app = tinyweb.webserver()
    app.static("/static", str(www))

    @app.route("/dl/<path:name>")
    async def download(req, resp, name):
        await resp.send_file(name, root=str(www))

    @app.route("/abs")
    async def absolute(req, resp):
        await resp.send_file(str(tmp_path / "secret.txt"), root=str(www))

    @app.route("/plain")
    async def plain(req, resp):
        # A route that saves no headers: validators go out, conditions are not read.
        await resp.send_file(str(www / "app.js"))

    @app.route("/short-cache")
    async def short_cache(req, resp):
        await resp.send_file(str(www / "index.html"), max_age=60)

    return serve(app), www


def get(port, path, method="GET", **headers):
    return http_request(
        port, method, path, headers={k.replace("_", "-"): v for k, v in headers.items()}
    )


def curl(*args):
    if not shutil.which("curl"):
        pytest.skip("curl is not installed (apt-get install curl)")
    return subprocess.run(["curl", "-s", "-S"] + list(args), capture_output=True, timeout=TIMEOUT)


def still_serves(port):
    status, _, _, body = get(port, "/static/index.html")
    return status == 200 and body == b"<h1>index</h1>\n"


# ---- validators and caching ---------------------------------------------------------


def test_a_file_carries_an_etag_and_last_modified_and_revalidates_with_304(site):
    port, www = site
    status, _, headers, body = get(port, "/static/style.css")
    assert status == 200 and body == b"body { color: #222; }\n"
    etag, modified = headers["etag"], headers["last-modified"]
    st = os.stat(www / "style.css")
    assert etag == '"%x-%x"' % (int(st.st_mtime), st.st_size)  # strong: no W/
    assert modified.endswith(" GMT") and len(modified) == 29
    # What a browser sends on a reload: 304, no body, the same validators.
    status, _, headers, body = get(port, "/static/style.css", If_None_Match=etag)
    assert (status, body) == (304, b"")
    assert headers["etag"] == etag and "content-length" not in headers
    assert get(port, "/static/style.css", If_None_Match='"other", ' + etag)[0] == 304
    assert get(port, "/static/style.css", If_None_Match="W/" + etag)[0] == 304  # weak compare
    assert get(port, "/static/style.css", If_None_Match="*")[0] == 304
    assert get(port, "/static/style.css", If_None_Match='"stale"')[0] == 200
    # HEAD revalidates alike.
    assert get(port, "/static/style.css", "HEAD", If_None_Match=etag)[0] == 304


def test_if_modified_since_answers_304_unless_the_file_is_newer(site):
    port, www = site
    modified = get(port, "/static/style.css")[2]["last-modified"]
    status, _, _, body = get(port, "/static/style.css", If_Modified_Since=modified)
    assert (status, body) == (304, b"")
    assert (
        get(port, "/static/style.css", If_Modified_Since="Sat, 01 Jan 2000 00:00:00 GMT")[0] == 200
    )
    assert (
        get(port, "/static/style.css", If_Modified_Since="Fri, 01 Jan 2100 00:00:00 GMT")[0] == 304
    )
    assert get(port, "/static/style.css", If_Modified_Since="yesterday")[0] == 200  # ignored
    # If-None-Match wins over If-Modified-Since (RFC 9110 section 13.2.2).
    assert (
        get(port, "/static/style.css", If_None_Match='"stale"', If_Modified_Since=modified)[0]
        == 200
    )


def test_a_changed_file_gets_a_new_etag_and_a_full_answer(site):
    port, www = site
    etag = get(port, "/static/style.css")[2]["etag"]
    (www / "style.css").write_bytes(b"body { color: #000; margin: 0; }\n")
    status, _, headers, body = get(port, "/static/style.css", If_None_Match=etag)
    assert status == 200 and body == b"body { color: #000; margin: 0; }\n"
    assert headers["etag"] != etag


def test_browser_style_revalidation_with_curl(site, tmp_path):
    """curl keeps the ETag like a browser's cache (--etag-save), then asks again with it."""
    port, _ = site
    url = "http://127.0.0.1:%d/static/app.js" % port
    tags = str(tmp_path / "etag.txt")
    first = curl("-o", "-", "-w", "%{http_code}", "--etag-save", tags, url)
    assert first.stdout == APP_JS + b"200"
    again = curl("-o", "-", "-w", "%{http_code}", "--etag-compare", tags, url)
    assert again.stdout == b"304"


def test_html_revalidates_and_other_files_cache_for_30_days(site):
    port, _ = site
    headers = get(port, "/static/")[2]
    assert headers["cache-control"] == "no-cache" and "etag" in headers
    assert get(port, "/static/app.js")[2]["cache-control"] == "max-age=2592000, public"
    assert get(port, "/static/logo.svg")[2]["cache-control"] == "max-age=2592000, public"
    # A max_age the app gives applies to HTML too.
    assert get(port, "/short-cache")[2]["cache-control"] == "max-age=60, public"


def test_a_route_that_saves_no_headers_sends_validators_and_ignores_conditions(site):
    port, _ = site
    status, _, headers, body = get(port, "/plain", Range="bytes=0-9", If_None_Match="*")
    assert status == 200 and body == APP_JS and "etag" in headers


def test_no_validator_where_the_filesystem_has_no_times(site):
    port, www = site
    os.utime(www / "style.css", (0, 0))
    status, _, headers, body = get(port, "/static/style.css", If_None_Match="*")
    assert status == 200 and body == b"body { color: #222; }\n"
    assert "etag" not in headers and "last-modified" not in headers


# ---- ranges ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec, first, last",
    [
        ("bytes=0-9", 0, 9),
        ("bytes=100-", 100, 19999),
        ("bytes=-20", 19980, 19999),
        ("bytes=19990-50000", 19990, 19999),
        ("bytes=-50000", 0, 19999),
    ],
)
def test_one_range_is_answered_206_with_content_range(site, spec, first, last):
    port, _ = site
    status, _, headers, body = get(port, "/static/app.js", Range=spec)
    assert status == 206 and body == APP_JS[first : last + 1]
    assert headers["content-range"] == "bytes %d-%d/%d" % (first, last, len(APP_JS))
    assert headers["content-length"] == str(last - first + 1)


@pytest.mark.parametrize("spec", ["bytes=20000-", "bytes=30000-30010", "bytes=-0"])
def test_an_unsatisfiable_range_is_416_with_the_size(site, spec):
    port, _ = site
    status, _, headers, body = get(port, "/static/app.js", Range=spec)
    assert status == 416 and headers["content-range"] == "bytes */20000"
    assert APP_JS[:20] not in body
    assert get(port, "/static/empty.txt", Range="bytes=0-")[0] == 416


@pytest.mark.parametrize(
    "spec", ["bytes=0-9,20-29", "bytes=9-0", "items=0-9", "bytes=x-9", "bytes=+1-2"]
)
def test_multi_and_malformed_ranges_get_the_whole_file(site, spec):
    port, _ = site
    status, _, headers, body = get(port, "/static/app.js", Range=spec)
    assert status == 200 and body == APP_JS and "content-range" not in headers
    assert headers["accept-ranges"] == "bytes"


def test_if_range_sends_the_range_only_for_the_same_file(site):
    port, _ = site
    headers = get(port, "/static/app.js")[2]
    etag, modified = headers["etag"], headers["last-modified"]
    status, _, _, body = get(port, "/static/app.js", Range="bytes=10-19", If_Range=etag)
    assert (status, body) == (206, APP_JS[10:20])
    status, _, _, body = get(port, "/static/app.js", Range="bytes=10-19", If_Range=modified)
    assert (status, body) == (206, APP_JS[10:20])
    for stale in ('"0-0"', "W/" + etag, "Sat, 01 Jan 2000 00:00:00 GMT"):
        status, _, _, body = get(port, "/static/app.js", Range="bytes=10-19", If_Range=stale)
        assert (status, body) == (200, APP_JS), stale


def test_head_with_a_range_has_the_range_length(site):
    port, _ = site
    status, _, headers, body = get(port, "/static/app.js", "HEAD", Range="bytes=0-99")
    assert (status, body, headers["content-length"]) == (206, b"", "100")


def test_curl_resumes_a_partial_download_byte_for_byte(site, tmp_path):
    port, _ = site
    url = "http://127.0.0.1:%d/static/app.js" % port
    part = tmp_path / "app.js.part"
    part.write_bytes(APP_JS[:7777])  # what an interrupted download left
    out = curl("-C", "-", "-o", str(part), "-w", "%{http_code}", url)
    assert out.stdout == b"206", out.stderr
    assert part.read_bytes() == APP_JS
    # Resuming a complete file: 416, and curl leaves the file as it is.
    out = curl("-C", "-", "-o", str(part), "-w", "%{http_code}", url)
    assert out.stdout == b"416" and part.read_bytes() == APP_JS


def test_curl_range_option(site):
    port, _ = site
    out = curl("-r", "1000-1999", "http://127.0.0.1:%d/static/app.js" % port)
    assert out.stdout == APP_JS[1000:2000]


# ---- gzip -----------------------------------------------------------------------------


@pytest.mark.parametrize("accept", ["gzip", "gzip, deflate, br", "br;q=1, gzip;q=0.5", "*", "GZIP"])
def test_the_gz_beside_a_file_goes_to_clients_that_take_gzip(site, accept):
    port, www = site
    status, _, headers, body = get(port, "/static/app.js", Accept_Encoding=accept)
    assert status == 200 and body == (www / "app.js.gz").read_bytes()
    assert headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Encoding"
    assert headers["content-type"] == "application/javascript"
    assert gzip.decompress(body) == APP_JS
    assert headers["etag"] != get(port, "/static/app.js")[2]["etag"]  # another representation


@pytest.mark.parametrize(
    "accept", [None, "identity", "br, deflate", "gzip;q=0", "gzip;q=0.000, br", "*;q=0"]
)
def test_clients_that_do_not_take_gzip_get_the_plain_file(site, accept):
    port, _ = site
    headers = {"Accept-Encoding": accept} if accept is not None else {}
    status, _, headers, body = http_request(port, "GET", "/static/app.js", headers=headers)
    assert status == 200 and body == APP_JS
    assert "content-encoding" not in headers and headers["vary"] == "Accept-Encoding"


def test_only_a_gz_file_is_406_to_a_client_without_gzip(site):
    port, _ = site
    status, _, headers, body = get(port, "/static/only.txt", Accept_Encoding="br")
    assert status == 406 and headers["vary"] == "Accept-Encoding"
    assert get(port, "/static/only.txt")[0] == 406
    status, _, headers, body = get(port, "/static/only.txt", Accept_Encoding="gzip")
    assert status == 200 and gzip.decompress(body) == b"only compressed\n"
    assert headers["content-type"] == "text/plain; charset=utf-8"


def test_a_gz_file_asked_for_by_its_own_name_is_a_gzip_file(site):
    port, www = site
    status, _, headers, body = get(port, "/static/app.js.gz", Accept_Encoding="gzip")
    assert status == 200 and body == (www / "app.js.gz").read_bytes()
    assert headers["content-type"] == "application/gzip" and "content-encoding" not in headers


def test_gzip_with_curl(site):
    port, _ = site
    url = "http://127.0.0.1:%d/static/app.js" % port
    plain = curl("-D", "-", url)  # curl sends no Accept-Encoding
    assert b"Content-Encoding" not in plain.stdout and plain.stdout.endswith(APP_JS)
    packed = curl("-D", "-", "--compressed", url)
    assert b"Content-Encoding: gzip" in packed.stdout and packed.stdout.endswith(APP_JS)


def test_gzip_revalidates_and_ranges_on_the_compressed_bytes(site):
    port, www = site
    gz = (www / "app.js.gz").read_bytes()
    etag = get(port, "/static/app.js", Accept_Encoding="gzip")[2]["etag"]
    assert get(port, "/static/app.js", Accept_Encoding="gzip", If_None_Match=etag)[0] == 304
    status, _, headers, body = get(
        port, "/static/app.js", Accept_Encoding="gzip", Range="bytes=0-9"
    )
    assert (status, body, headers["content-range"]) == (206, gz[:10], "bytes 0-9/%d" % len(gz))


# ---- the mount ------------------------------------------------------------------------


def test_a_folder_serves_its_index_and_redirects_to_its_slash(site):
    port, _ = site
    status, _, headers, body = get(port, "/static/")
    assert status == 200 and body == b"<h1>index</h1>\n"
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert get(port, "/static/sub/")[3] == b"<p>sub</p>\n"
    for folder in ("/static", "/static/sub"):
        status, _, headers, _ = get(port, folder)
        assert (status, headers["location"]) == (301, folder + "/")


@pytest.mark.parametrize(
    "path, ctype",
    [
        ("/static/style.css", "text/css"),
        ("/static/logo.svg", "image/svg+xml"),
        ("/static/index.html", "text/html; charset=utf-8"),
        ("/static/app.js", "application/javascript"),
    ],
)
def test_types_come_from_the_table(site, path, ctype):
    port, _ = site
    assert get(port, path)[2]["content-type"] == ctype


@pytest.mark.parametrize(
    "path", ["/static/nope.js", "/static/sub/nope/", "/static/app.js/x", "/static/a%2fb"]
)
def test_what_is_missing_is_404(site, path):
    port, _ = site
    assert get(port, path)[0] == 404


def test_head_has_the_length_and_no_body(site):
    port, www = site
    status, _, headers, body = get(port, "/static/app.js", "HEAD")
    assert (status, body, headers["content-length"]) == (200, b"", "20000")
    status, _, headers, body = get(port, "/static/app.js", "HEAD", Accept_Encoding="gzip")
    assert headers["content-length"] == str(len((www / "app.js.gz").read_bytes())) and body == b""


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(site, method):
    port, _ = site
    for path in ("/static/app.js", "/static/", "/static"):
        status, _, headers, body = get(port, path, method)
        assert (status, headers["allow"]) == (405, ALLOW), path
        assert APP_JS[:20] not in body


# ---- the traversal guard: one test per form, none gets a byte from outside the folder --

TRAVERSALS = [
    "/static/../secret.txt",  # sent as is (http.client does not normalize)
    "/static/sub/../../secret.txt",
    "/static/%2e%2e/secret.txt",  # encoded dots
    "/static/%2E%2E/secret.txt",
    "/static/.%2e/secret.txt",
    "/static/..%2fsecret.txt",  # encoded slash
    "/static/sub%2f..%2f..%2fsecret.txt",
    "/static/..%5csecret.txt",  # encoded backslash
    "/static/..\\secret.txt",  # a backslash as is
    "/static/sub\\..\\..\\secret.txt",
    "/static/..%00/secret.txt",  # NUL
    "/static/secret.txt%00.html",
    "/static/%252e%252e/secret.txt",  # double-encoded: stays a literal "%2e%2e"
    "/static/%252e%252e%252fsecret.txt",
    "/static//SECRET_ABS",  # absolute, through an empty segment
    "/static/%2fSECRET_ABS",  # absolute, encoded
    "/static/%5cSECRET_ABS",
    "/static/./../secret.txt",
    "/dl/..%2fsecret.txt",  # send_file(name, root=...)
    "/dl/%2e%2e/secret.txt",
    "/dl/%2fSECRET_ABS",
    "/abs",  # send_file(absolute name, root=...)
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_form_is_refused(site, path):
    port, www = site
    path = path.replace("SECRET_ABS", str(www.parent / "secret.txt").lstrip("/"))
    status, _, _, body = get(port, path)
    assert status in (403, 404), (path, status)
    assert SECRET not in body and b"secret-outside" not in body
    assert still_serves(port)


@pytest.mark.parametrize(
    "link, path",
    [
        ("link.txt", "/static/link.txt"),  # a file link out of the folder
        ("out", "/static/out/secret.txt"),  # a folder link out of it
    ],
)
def test_a_symlink_out_of_the_folder_is_refused(site, link, path):
    port, www = site
    target = www.parent / "secret.txt" if link == "link.txt" else www.parent
    os.symlink(target, www / link)
    status, _, _, body = get(port, path)
    assert status == 403 and SECRET not in body
    assert get(port, "/dl/" + path.split("/", 2)[2])[0] == 403
    assert still_serves(port)


def test_a_symlink_inside_the_folder_is_served(site):
    port, www = site
    os.symlink(www / "style.css", www / "alias.css")
    assert get(port, "/static/alias.css")[3] == b"body { color: #222; }\n"


def test_curl_path_as_is_traversal(site):
    port, _ = site
    out = curl(
        "--path-as-is", "-w", "%{http_code}", "http://127.0.0.1:%d/static/../secret.txt" % port
    )
    assert out.stdout.endswith(b"403") and SECRET not in out.stdout


@pytest.mark.parametrize(
    "name",
    [
        "..",
        "../x",
        "a/../../x",
        ".",
        "./x",
        "a//b",
        "/etc/passwd",
        "a/",
        "",
        "..\\x",
        "a\\b",
        "x\0",
    ],
)
def test_confine_refuses_before_the_filesystem_is_asked(name):
    """The name checks alone, without the symlink resolution behind them (which would also
    catch most of these on CPython, but not on MicroPython)."""
    from tinyweb.fileserver import confine

    with pytest.raises(tinyweb.HTTPException) as e:
        confine("/nonexistent-root", name)
    assert e.value.code == 403
    assert confine("/nonexistent-root/", "a/b.txt") == "/nonexistent-root/a/b.txt"
