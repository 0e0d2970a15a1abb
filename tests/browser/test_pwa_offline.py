"""(d) The installable, offline-capable part: manifest, icons, service worker, caches."""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from api.core.pwa_assets import content_version, read_sources
from tests.browser.conftest import PHONE, ROOT, HadirServer
from tests.browser.helpers import open_app

pytestmark = pytest.mark.browser

# The service worker's cache is named after the content of the files it serves.
VERSION = content_version(read_sources(ROOT / "pwa"))


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", body[16:24])
    return width, height


def test_d_manifest_and_icons(new_page: Any, hadir_server: HadirServer) -> None:
    page = new_page(PHONE)
    open_app(page)
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    response = page.request.get(href)
    assert response.ok
    manifest = response.json()
    assert manifest["id"] == "/"
    assert manifest["name"] == "Hadir"
    assert manifest["short_name"]
    assert manifest["lang"] == "ms"
    assert "kehadiran" in manifest["description"].lower()  # Malay description
    assert manifest["start_url"] == "/#/home"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])

    found: dict[tuple[str, str], tuple[int, int]] = {}
    for item in manifest["icons"]:
        icon = page.request.get(item["src"])
        assert icon.ok, item["src"]
        body = icon.body()
        assert len(body) < 50_000, f"{item['src']} is {len(body)} bytes"
        if item["type"] == "image/png":
            size = png_size(body)
            assert f"{size[0]}x{size[1]}" == item["sizes"], item["src"]
            found[(item["sizes"], item.get("purpose", "any"))] = size
    assert ("192x192", "any") in found
    assert ("512x512", "any") in found
    assert ("512x512", "maskable") in found


def test_d_service_worker_offline_and_no_api_in_caches(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    page = new_page(PHONE)
    open_app(page)
    # (page.wait_for_function would need eval, which the app's CSP rightly forbids.)
    page.evaluate(
        """navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller
             || new Promise((resolve) =>
                  navigator.serviceWorker.addEventListener("controllerchange", resolve)))"""
    )
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")

    # Under the worker's control, the app and this test call the API (answers 401 here)…
    page.reload()
    page.locator("html[data-ready]").wait_for(state="attached")
    statuses = page.evaluate(
        """Promise.all(["/api/auth/me", "/api/agencies/1/users?q=a"].map(
             (u) => fetch(u, {credentials: "same-origin"}).then((r) => r.status)))"""
    )
    assert statuses == [401, 401]

    # …and nothing of /api/ is in Cache Storage; the shell is, under a versioned name.
    caches = page.evaluate(
        """(async () => {
             const out = {};
             for (const name of await caches.keys()) {
               const cache = await caches.open(name);
               out[name] = (await cache.keys()).map((r) => new URL(r.url).pathname);
             }
             return out;
           })()"""
    )
    assert list(caches) == [f"hadir-shell-{VERSION}"]
    urls = next(iter(caches.values()))
    assert not [u for u in urls if u.startswith("/api")], urls
    assert "/" in urls and "/offline.html" in urls
    for path in ("/app.js", "/css/app.css", "/i18n/ms.json", "/i18n/en.json", "/js/views/home.js"):
        assert f"/static/{VERSION}{path}" in urls

    # Offline: a reload still shows the app shell (it says it cannot reach the server)…
    page.context.set_offline(True)
    try:
        page.reload()
        page.locator("html[data-ready]").wait_for(state="attached")
        expect(page.locator(".brand__name")).to_have_text("Hadir")
        expect(page.get_by_role("heading", level=1)).to_have_text("Tiada sambungan")
        expect(page.locator("#offline-banner")).to_be_visible()
        expect(page.get_by_role("button", name="Cuba lagi")).to_be_visible()
        page.screenshot(path=str(artifacts / "phone-offline-shell.png"))

        # …and a page that was never cached gets the offline page, in Malay and English.
        page.goto("/laporan/bulanan")
        expect(page.get_by_role("heading", level=1)).to_have_text("Anda di luar talian")
        expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
        page.screenshot(path=str(artifacts / "phone-offline-page.png"), full_page=True)
    finally:
        page.context.set_offline(False)

    # Back online, the app works again from the same cached shell.
    open_app(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log Masuk")


def test_d_new_version_waits_for_the_user_then_old_caches_go(
    new_page: Any, hadir_server: HadirServer
) -> None:
    page = new_page(PHONE)
    open_app(page)
    page.evaluate(
        """navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller
             || new Promise((resolve) =>
                  navigator.serviceWorker.addEventListener("controllerchange", resolve)))"""
    )
    banner = page.locator("#update-banner")
    expect(banner).to_be_hidden()  # the first install never asks
    first = page.evaluate("navigator.serviceWorker.controller.scriptURL")

    # A cache left by an older version, and a new worker arriving (a new script URL stands in
    # for a new sw.js: Playwright cannot rewrite the worker's own script request).
    page.evaluate("caches.open('hadir-shell-2020.01.01-1')")
    page.evaluate("navigator.serviceWorker.register('/sw.js?next=1', {scope: '/'}).then(() => 1)")

    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Versi baharu tersedia")
    # Until the user agrees, the running version stays in charge.
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == first
    assert "hadir-shell-2020.01.01-1" in page.evaluate("caches.keys()")

    with page.expect_event("load"):
        banner.get_by_role("button", name="Muat semula").click()
    page.locator("html[data-ready]").wait_for(state="attached")
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js?next=1")
    # The page registers "/sw.js" again, for the browser another worker than the test's
    # "/sw.js?next=1": it may already be offered (its versioned files come from the HTTP
    # cache), but nothing else is waiting.
    waiting = page.evaluate(
        "navigator.serviceWorker.getRegistration().then((r) => r.waiting?.scriptURL ?? null)"
    )
    assert waiting is None or waiting.endswith("/sw.js"), waiting
    assert page.evaluate("caches.keys()") == [f"hadir-shell-{VERSION}"]
