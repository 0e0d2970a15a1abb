"""How the server sends the PWA: versioned addresses cached for a year, entry points revalidated,
brotli or gzip as the browser accepts, the strict CSP kept (api/core/pwa_assets.py)."""

from __future__ import annotations

import json
import re

from api.config import PROJECT_ROOT
from api.core.pwa_assets import content_version, pwa_build, read_sources
from tests.fixtures import ApiClient

PWA = PROJECT_ROOT / "pwa"
YEAR = "public, max-age=31536000, immutable"


async def test_entry_points_are_revalidated_and_point_at_the_current_version(
    client: ApiClient,
) -> None:
    version = content_version(read_sources(PWA))
    for path in ("/", "/index.html", "/sw.js", "/offline.html", "/manifest.webmanifest"):
        response = await client.get(path, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-cache", path
        assert response.headers["etag"], path
        assert "unsafe-inline" not in response.headers["content-security-policy"]
    index = (await client.get("/")).text
    assert f'<script type="module" src="/static/{version}/app.js"></script>' in index
    assert f'href="/static/{version}/css/app.css"' in index
    worker = (await client.get("/sw.js")).text
    build = json.loads(re.search(r"^const BUILD = (.*);$", worker, re.M).group(1))  # type: ignore[union-attr]
    assert build["version"] == version
    assert "js/views/home.js" in build["files"] and "index.html" not in build["files"]


async def test_versioned_files_are_immutable_and_compressed(client: ApiClient) -> None:
    build = pwa_build(PWA)
    assert build.brotli_ready.wait(60)
    source = (PWA / "js" / "api.js").read_bytes()
    address = f"/static/{build.version}/js/api.js"
    for accept, encoding in (("gzip, deflate, br", "br"), ("gzip", "gzip"), ("identity", None)):
        response = await client.get(address, headers={"accept-encoding": accept})
        assert response.status_code == 200
        assert response.headers["cache-control"] == YEAR
        assert response.headers["vary"] == "Accept-Encoding"
        assert response.headers.get("content-encoding") == encoding, accept
        assert response.headers["content-type"] == "text/javascript; charset=utf-8"
        assert response.content == source  # what is sent is the file (httpx decompresses)
        assert "set-cookie" not in response.headers  # publicly cacheable: no cookie
    # Images are not compressed again; an old or unknown version is not served.
    png = await client.get(f"/static/{build.version}/icons/icon-192.png")
    assert "content-encoding" not in png.headers and png.headers["cache-control"] == YEAR
    assert (await client.get("/static/0000000000000000/js/api.js")).status_code == 404
    assert (await client.get(f"/static/{build.version}/nothing.js")).status_code == 404


async def test_a_known_etag_answers_304(client: ApiClient) -> None:
    first = await client.get("/", headers={"accept-encoding": "br"})
    again = await client.get(
        "/", headers={"accept-encoding": "br", "if-none-match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    # The plain address of a file still works (push icons, the manifest's icons), revalidated.
    icon = await client.get("/icons/icon-192.png")
    assert icon.status_code == 200 and icon.headers["cache-control"] == "no-cache"
