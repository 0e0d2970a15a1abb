"""Push notifications in Chromium: the "Hidupkan pemberitahuan" card on the home screen (the
permission is asked only from a tap), the service worker's push and click handlers, and
My account > Notifications (per kind push / e-mail, essential kinds locked, quiet hours).

Chromium here cannot reach a real push service, so the page's PushManager.prototype.subscribe
(and ONLY that) is replaced by an init script: it returns an object whose toJSON() gives an
endpoint on a loopback URL (http://127.0.0.1, which conftest lets the server accept) and keys
this test made. Everything else (permission, service worker, the API, the database) is real.
Uses the administrator's stored session (admin_state), so no test waits for a TOTP step.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import sqlite3
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, HadirServer
from tests.browser.helpers import open_app
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def fake_subscription() -> dict[str, Any]:
    """What a browser's PushSubscription.toJSON() gives, with keys made here."""
    key = ec.generate_private_key(ec.SECP256R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {
        "endpoint": f"http://127.0.0.1:9/push/{secrets.token_urlsafe(12)}",
        "expirationTime": None,
        "keys": {"p256dh": b64url(point), "auth": b64url(os.urandom(16))},
    }


# Counts Notification.requestPermission calls (the real one still runs) and replaces ONLY
# PushManager.prototype.subscribe, because no push service is reachable from this Chromium.
INIT_SCRIPT = """
(() => {
  if (typeof Notification === "undefined") return;
  window.__permissionRequests = 0;
  const request = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = (...args) => {
    window.__permissionRequests += 1;
    return request(...args);
  };
  const json = %s;
  PushManager.prototype.subscribe = async function (options) {
    window.__subscribeOptions = {
      userVisibleOnly: options.userVisibleOnly,
      keyBytes: new Uint8Array(options.applicationServerKey).length,
    };
    return { endpoint: json.endpoint, options, toJSON: () => json, unsubscribe: async () => true };
  };
})();
"""


def push_rows(server: HadirServer, endpoint: str) -> list[tuple[str, str, str]]:
    with sqlite3.connect(server.var_dir / "b.sqlite3") as db:
        return db.execute(
            "select endpoint, p256dh, auth from push_subscription where endpoint = ?",
            (endpoint,),
        ).fetchall()


def test_card_asks_permission_only_on_tap_and_sends_the_subscription(
    new_page: Any, hadir_server: HadirServer, admin_state: dict[str, Any], artifacts: Path
) -> None:
    subscription = fake_subscription()
    page = new_page(PHONE, storage_state=admin_state)
    page.add_init_script(INIT_SCRIPT % json.dumps(subscription))
    open_app(page, "/home")
    card = page.get_by_role("region", name="Hidupkan pemberitahuan")
    expect(card).to_be_visible()
    # Nothing asked on load.
    assert page.evaluate("Notification.permission") == "default"
    assert page.evaluate("window.__permissionRequests") == 0
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "phone-push-card.png"), full_page=True)
    no_horizontal_overflow(page)

    # The person says yes to the browser's prompt (granted here: headless has no prompt UI).
    page.context.grant_permissions(["notifications"])
    with page.expect_response("**/api/push/subscriptions") as posted:
        card.get_by_role("button", name="Hidupkan pemberitahuan").click()
    assert posted.value.status == 201, posted.value.text()
    assert page.evaluate("window.__permissionRequests") == 1
    assert page.evaluate("window.__subscribeOptions") == {"userVisibleOnly": True, "keyBytes": 65}
    expect(card.get_by_text("Pemberitahuan dihidupkan pada peranti ini.")).to_be_visible()
    expect(card.get_by_role("link", name="Tetapan pemberitahuan")).to_be_visible()
    expect(card.get_by_role("button")).to_have_count(0)

    rows = push_rows(hadir_server, subscription["endpoint"])
    assert rows == [
        (subscription["endpoint"], subscription["keys"]["p256dh"], subscription["keys"]["auth"])
    ]

    # Once answered, the card does not come back.
    page.reload()
    page.locator("html[data-ready]").wait_for(state="attached")
    # Masuk, or Keluar when an earlier test checked the administrator in today.
    expect(page.get_by_role("heading", name=re.compile(r"^Daftar (Masuk|Keluar)$"))).to_be_visible()
    expect(page.get_by_role("region", name="Hidupkan pemberitahuan")).to_have_count(0)


def test_later_is_remembered(new_page: Any, admin_state: dict[str, Any]) -> None:
    page = new_page(PHONE, storage_state=admin_state)
    page.add_init_script(INIT_SCRIPT % json.dumps(fake_subscription()))
    open_app(page, "/home")
    card = page.get_by_role("region", name="Hidupkan pemberitahuan")
    card.get_by_role("button", name="Nanti").click()
    expect(card).to_have_count(0)
    page.reload()
    page.locator("html[data-ready]").wait_for(state="attached")
    # Masuk, or Keluar when an earlier test checked the administrator in today.
    expect(page.get_by_role("heading", name=re.compile(r"^Daftar (Masuk|Keluar)$"))).to_be_visible()
    expect(page.get_by_role("region", name="Hidupkan pemberitahuan")).to_have_count(0)
    assert page.evaluate("window.__permissionRequests") == 0


def test_service_worker_shows_a_push_and_opens_its_url(
    new_page: Any, admin_state: dict[str, Any]
) -> None:
    page = new_page(PHONE, storage_state=admin_state)
    page.context.grant_permissions(["notifications"])
    open_app(page, "/home")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.context.service_workers:
        page.context.wait_for_event("serviceworker")
    worker = page.context.service_workers[0]
    # The worker's own "push" handler, given what PushEvent.data would hold.
    shown = worker.evaluate(
        """async (payload) => {
             let done;
             onPush({ data: { json: () => payload }, waitUntil: (p) => { done = p; } });
             await done;
             const list = await self.registration.getNotifications({ tag: payload.tag });
             return list.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }));
           }""",
        {
            "kind": "checkin_approved",
            "title": "Daftar masuk diluluskan",
            "body": "Daftar masuk anda pada 08:05 telah diluluskan.",
            "url": "/approvals",
            "tag": "checkin_approved",
        },
    )
    assert shown == [
        {
            "title": "Daftar masuk diluluskan",
            "body": "Daftar masuk anda pada 08:05 telah diluluskan.",
            "tag": "checkin_approved",
            "data": {"url": "/#/approvals", "kind": "checkin_approved"},
        }
    ]
    # What a tap on it does: the open Hadir window goes to the notification's url.
    worker.evaluate(
        """async () => {
             const [n] = await self.registration.getNotifications({ tag: "checkin_approved" });
             await openFromNotification(n.data.url);
             n.close();
           }"""
    )
    expect(page).to_have_url(f"{page.url.split('#')[0]}#/approvals")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kelulusan", timeout=10_000)


def test_settings_keep_choices_and_lock_essential_kinds(
    new_page: Any, hadir_server: HadirServer, admin_state: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(PHONE, storage_state=admin_state)
    open_app(page, "/account")
    page.get_by_role("link", name="Pemberitahuan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pemberitahuan")

    prefs = page.request.get("/api/notifications/preferences").json()
    choice = next(
        k for k in prefs["kinds"] if not k["essential"] and k["emailAvailable"] and k["email"]
    )
    essential = next(k for k in prefs["kinds"] if k["essential"] and k["emailAvailable"])

    locked = page.get_by_role("group", name=essential["label"]).get_by_role(
        "checkbox", name="E-mel"
    )
    expect(locked).to_be_checked()
    expect(locked).to_be_disabled()
    expect(page.get_by_role("group", name=essential["label"])).to_contain_text(
        "Makluman penting: tidak boleh dimatikan."
    )
    page.screenshot(path=str(artifacts / "phone-notification-settings.png"), full_page=True)
    no_horizontal_overflow(page)

    # The server's field error: quiet hours that start when they end.
    page.get_by_label("Hidupkan waktu senyap").check()
    page.get_by_label("Mula").fill("08:00")
    page.get_by_label("Tamat").fill("08:00")
    with page.expect_response("**/api/notifications/preferences") as refused:
        page.get_by_role("button", name="Simpan tetapan").click()
    assert refused.value.status == 422, refused.value.text()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.get_by_label("Mula")).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=str(artifacts / "phone-notification-settings-error.png"), full_page=True)
    page.get_by_label("Hidupkan waktu senyap").uncheck()

    email = page.get_by_role("group", name=choice["label"]).get_by_role("checkbox", name="E-mel")
    email.uncheck()
    with page.expect_response("**/api/notifications/preferences") as saved:
        page.get_by_role("button", name="Simpan tetapan").click()
    assert saved.value.status == 200, saved.value.text()
    expect(
        page.get_by_role("status").filter(has_text="Tetapan pemberitahuan disimpan.")
    ).to_be_visible()

    page.reload()
    page.locator("html[data-ready]").wait_for(state="attached")
    email = page.get_by_role("group", name=choice["label"]).get_by_role("checkbox", name="E-mel")
    expect(email).not_to_be_checked()
    expect(
        page.get_by_role("group", name=essential["label"]).get_by_role("checkbox", name="E-mel")
    ).to_be_disabled()
