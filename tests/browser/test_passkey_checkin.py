"""Passkey-confirmed check-in (issue 6) in the PWA: the agency administrator turns the setting
on with the switch on the agency calendar screen; the officer adds a passkey on a phone
(Chromium's virtual authenticator) and checks in with it, and the result says it was confirmed;
a tap whose passkey is not given is still recorded, pending, and the supervisor's inbox says it
was not confirmed. The setting is turned off and the passkey removed again at the end, so the
later tests see the demo agency as before."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import open_app
from tests.browser.test_attendance_flow import INSIDE, _signed_in_state
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser

SWITCH = "Daftar masuk mesti disahkan dengan kunci laluan"
ACTION = re.compile(r"^Daftar (Masuk|Keluar)$")


def _csrf(page: Any) -> str:
    return str(next(c["value"] for c in page.context.cookies() if c["name"] == "__Host-hadir_csrf"))


def _authenticator(page: Any) -> tuple[Any, str]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, str(added["authenticatorId"])


def _check_ins(page: Any) -> list[dict[str, Any]]:
    response = page.request.get("/api/attendance/today")
    assert response.ok, response.text()
    check_ins: list[dict[str, Any]] = response.json()["checkIns"]
    return check_ins


def test_officer_checks_in_with_a_passkey(
    new_page: Any,
    browser: Any,
    hadir_server: HadirServer,
    admin_state: dict[str, Any],
    artifacts: Path,
) -> None:
    officer_state = _signed_in_state(browser, hadir_server, hadir_server.account("officer"))
    supervisor_state = _signed_in_state(browser, hadir_server, hadir_server.account("supervisor"))

    # The administrator turns the setting on (saved at once, announced).
    admin = new_page(TABLET, storage_state=admin_state)
    open_app(admin, "/admin/calendar")
    switch = admin.get_by_role("switch", name=SWITCH)
    expect(switch).not_to_be_checked()
    expect(switch).to_have_accessible_description(re.compile("tiada sesiapa boleh mendaftar"))
    with admin.expect_response("**/api/attendance/settings") as saved:
        switch.check()
    assert saved.value.ok and saved.value.json()["passkeyRequired"] is True
    expect(admin.get_by_role("status").filter(has_text="diwajibkan")).to_have_text(
        "Pengesahan kunci laluan kini diwajibkan."
    )
    expect(switch).to_be_focused()
    admin.screenshot(path=str(artifacts / "tablet-admin-passkey-switch.png"))
    phone_admin = new_page(PHONE, storage_state=admin_state)
    open_app(phone_admin, "/admin/calendar")
    phone_switch = phone_admin.get_by_role("switch", name=SWITCH)
    expect(phone_switch).to_be_checked()
    phone_switch.locator("xpath=ancestor::section[1]").screenshot(
        path=str(artifacts / "phone-admin-passkey-switch.png")
    )
    no_horizontal_overflow(phone_admin)

    page = new_page(
        PHONE, storage_state=officer_state, geolocation=INSIDE, permissions=["geolocation"]
    )
    cdp, authenticator = _authenticator(page)
    passkey_id = None
    try:
        # The officer adds a passkey on this phone.
        open_app(page, "/account")
        expect(page.get_by_role("heading", level=1)).to_have_text("Akaun Saya")
        expect(page.get_by_role("button", name="Tambah kunci laluan")).to_be_visible()
        with page.expect_response(
            lambda r: r.url.endswith("/api/auth/passkeys") and r.request.method == "POST"
        ) as registered:
            page.get_by_role("button", name="Tambah kunci laluan").click()
        assert registered.value.status == 200, registered.value.text()
        expect(page.get_by_role("status").filter(has_text="ditambah")).to_be_visible()
        passkey_id = page.request.get("/api/auth/passkeys").json()[-1]["id"]

        # Check in: the passkey signs this tap; the result says it was confirmed.
        open_app(page, "/home")
        expect(page.get_by_role("heading", name="Kehadiran hari ini")).to_be_visible()
        with page.expect_response("**/api/attendance/check-ins") as sent:
            page.get_by_role("button", name=ACTION).click()
        body = sent.value.request.post_data_json
        assert body["passkeyAssertion"]["response"]["signature"]
        assert sent.value.json()["passkeyConfirmed"] is True, sent.value.text()
        result = page.locator(".checkin__result")
        expect(result.get_by_text("Disahkan dengan kunci laluan")).to_be_visible()
        expect(result).not_to_contain_text("menunggu kelulusan")
        confirmed_id = sent.value.json()["id"]
        stored = next(c for c in _check_ins(page) if c["id"] == confirmed_id)
        assert stored["passkeyConfirmed"] is True
        page.screenshot(path=str(artifacts / "phone-checkin-passkey.png"), full_page=True)
        result.screenshot(path=str(artifacts / "phone-checkin-passkey-result.png"))
        no_horizontal_overflow(page)

        # Offline: the passkey still signs the tap, which waits in the queue with its
        # assertion and is confirmed when it reaches the server.
        page.context.set_offline(True)
        try:
            page.get_by_role("button", name=ACTION).click()
            expect(result).to_contain_text("disimpan pada peranti ini")
            expect(result).to_contain_text("Disahkan dengan kunci laluan anda.")
            queued = page.locator(".record--queued")
            expect(queued).to_have_count(1)
            client_id = queued.get_attribute("data-client-id")
            result.screenshot(path=str(artifacts / "phone-checkin-passkey-queued.png"))
        finally:
            page.context.set_offline(False)
        expect(page.locator(".record--queued")).to_have_count(0, timeout=15_000)
        synced = next(c for c in _check_ins(page) if c["clientId"] == client_id)
        assert synced["offline"] is True and synced["passkeyConfirmed"] is True, synced
        assert synced["approval"] == "not_needed"

        # Next tap without the officer's verification (the authenticator refuses): recorded
        # all the same, pending, and the screen says why in plain words.
        cdp.send(
            "WebAuthn.setUserVerified",
            {"authenticatorId": authenticator, "isUserVerified": False},
        )
        with page.expect_response("**/api/attendance/check-ins") as sent:
            page.get_by_role("button", name=ACTION).click()
        unconfirmed = sent.value.json()
        assert "passkeyAssertion" not in sent.value.request.post_data_json
        assert unconfirmed["passkeyConfirmed"] is False
        assert unconfirmed["approval"] == "pending"
        expect(result).to_contain_text("Kunci laluan tidak digunakan.")
        expect(result).to_contain_text("Tidak disahkan dengan kunci laluan")
        # At the office: the reason asked for is about the passkey, not about the place.
        expect(result).to_contain_text("mewajibkan pengesahan dengan kunci laluan")
        expect(result.get_by_role("radio", name="Lain-lain")).to_be_checked()
        result.screenshot(path=str(artifacts / "phone-checkin-passkey-missing.png"))
        no_horizontal_overflow(page)

        # The supervisor sees the missing confirmation, and approves it.
        supervisor = new_page(TABLET, storage_state=supervisor_state)
        open_app(supervisor, "/approvals")
        card = supervisor.locator(f'.approval[data-id="{unconfirmed["id"]}"]')
        expect(card).to_contain_text("Kunci laluan")
        expect(card).to_contain_text("Tidak disahkan")
        expect(card).to_contain_text("Tidak disahkan dengan kunci laluan")
        card.scroll_into_view_if_needed()
        supervisor.screenshot(path=str(artifacts / "tablet-approvals-passkey.png"), full_page=True)
        card.get_by_role("button", name=re.compile("^Luluskan")).click()
        expect(card).to_have_count(0)
    finally:
        headers = {"x-csrf-token": _csrf(admin)}
        admin.request.put(
            "/api/attendance/settings", data={"passkeyRequired": False}, headers=headers
        )
        if passkey_id is not None:
            page.request.delete(
                f"/api/auth/passkeys/{passkey_id}", headers={"x-csrf-token": _csrf(page)}
            )
