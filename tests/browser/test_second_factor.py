"""First sign-in of a new person: temporary password, own password, then the second factor is
set up (authenticator app, or a passkey through Chromium's virtual authenticator), recovery codes
shown once; and signing in with a passkey afterwards."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

import pyotp
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import expect_home, nav_link, open_app, sign_in

pytestmark = pytest.mark.browser


def new_person(
    new_page: Any, admin_state: dict[str, Any], login_id: str, name: str
) -> tuple[int, str]:
    """The administrator adds a person and issues a temporary password (through the API, with
    the administrator's session: the screens for this come later)."""
    admin = new_page(TABLET, storage_state=admin_state)
    open_app(admin, "/home")
    csrf = next(c["value"] for c in admin.context.cookies() if c["name"] == "__Host-hadir_csrf")
    me = admin.request.get("/api/auth/me").json()
    created = admin.request.post(
        f"/api/agencies/{me['agencyId']}/users",
        data={"loginId": login_id, "name": name, "email": f"{login_id}@jdp.gov.my"},
        headers={"x-csrf-token": csrf},
    )
    assert created.ok, created.text()
    user_id = created.json()["id"]
    issued = admin.request.post(
        f"/api/users/{user_id}/temporary-password", headers={"x-csrf-token": csrf}
    )
    assert issued.ok, issued.text()
    return user_id, issued.json()["temporaryPassword"]


def first_password_change(page: Any, temporary: str, new_password: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Tukar Kata Laluan")
    page.get_by_label("Kata laluan sementara", exact=True).fill(temporary)
    page.get_by_label("Kata laluan baharu", exact=True).fill(new_password)
    page.get_by_label("Sahkan kata laluan baharu", exact=True).fill(new_password)
    page.get_by_role("button", name="Tukar kata laluan").click()


def keep_recovery_codes(page: Any) -> list[str]:
    expect(page.get_by_role("heading", name="Kod pemulihan anda")).to_be_visible()
    expect(page.get_by_text("dipaparkan sekali sahaja")).to_be_visible()
    codes = page.locator(".codes li").all_text_contents()
    assert len(codes) == 10
    assert all(re.fullmatch(r"[a-z0-9]{5}-[a-z0-9]{5}", c) for c in codes), codes
    # Continuing without confirming is refused, with the reason linked to the checkbox.
    page.get_by_role("button", name="Teruskan").click()
    checkbox = page.get_by_label("Saya telah menyimpan kod pemulihan ini di tempat yang selamat.")
    expect(checkbox).to_be_focused()
    expect(checkbox).to_have_accessible_description(
        "Sila sahkan bahawa anda telah menyimpan kod ini."
    )
    checkbox.check()
    page.get_by_role("button", name="Teruskan").click()
    return codes


def test_new_person_sets_up_an_authenticator_app(
    new_page: Any, hadir_server: HadirServer, admin_state: dict[str, Any], artifacts: Path
) -> None:
    name = "Nurul Izzah binti Kamal"
    _, temporary = new_person(new_page, admin_state, "900101145901", name)

    page = new_page(PHONE)
    open_app(page)
    # No second factor yet: the temporary password leads straight to the password change…
    assert sign_in(page, "900101145901", temporary).json()["stage"] == "change_password"
    first_password_change(page, temporary, "bunga-raya-kembang-pagi")

    # …then only enrolment is open.
    expect(page.get_by_role("heading", level=1)).to_have_text("Sediakan Pengesahan Dua Langkah")
    expect(page.get_by_role("navigation")).to_have_count(0)
    # On a phone (its own camera cannot scan its own screen): the passkey first, then a link
    # that opens the authenticator app and the key with a copy button; the QR code is for
    # another device.
    passkey = page.get_by_role("button", name="Daftar kunci laluan")
    open_in_app = page.get_by_role("link", name="Buka dalam aplikasi pengesah")
    expect(open_in_app).to_have_attribute("href", re.compile(r"^otpauth://totp/"))
    if passkey.count():
        assert passkey.bounding_box()["y"] < open_in_app.bounding_box()["y"]
    expect(page.get_by_role("button", name="Salin kunci")).to_be_visible()
    expect(page.get_by_role("img", name="Kod QR untuk aplikasi pengesah")).to_be_hidden()
    page.get_by_text("Imbas kod QR dari peranti lain").click()
    expect(page.get_by_role("img", name="Kod QR untuk aplikasi pengesah")).to_be_visible()
    page.goto("/#/home")
    expect(page).to_have_url(re.compile(r"#/enrol$"))
    page.screenshot(path=str(artifacts / "phone-enrol.png"), full_page=True)
    secret = page.locator("#totp-secret").text_content().replace(" ", "")
    code = page.get_by_label("Kod daripada aplikasi")
    code.fill("123456" if pyotp.TOTP(secret).now() != "123456" else "654321")
    page.get_by_role("button", name="Sahkan dan aktifkan").click()
    expect(code).to_have_attribute("aria-invalid", "true")
    code.fill(hadir_server.totp_code(secret))
    page.get_by_role("button", name="Sahkan dan aktifkan").click()

    expect(page.get_by_role("heading", name="Kod pemulihan anda")).to_be_visible()
    page.screenshot(path=str(artifacts / "phone-recovery-codes.png"), full_page=True)
    keep_recovery_codes(page)
    expect_home(page, name)


def test_new_person_registers_a_passkey_and_signs_in_with_it(
    new_page: Any, hadir_server: HadirServer, admin_state: dict[str, Any]
) -> None:
    name = "Daniel Lim Wei Jie"
    login_id = "880202145902"
    _, temporary = new_person(new_page, admin_state, login_id, name)

    page = new_page(PHONE)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
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
    open_app(page)
    sign_in(page, login_id, temporary)
    password = "kuih-lapis-sembilan-warna"
    first_password_change(page, temporary, password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sediakan Pengesahan Dua Langkah")
    with page.expect_response("**/api/auth/passkeys") as registered:
        page.get_by_role("button", name="Daftar kunci laluan").click()
    assert registered.value.status == 200, registered.value.text()
    keep_recovery_codes(page)
    expect_home(page, name)

    # Password + passkey.
    nav_link(page, "Akaun").click()
    page.get_by_role("button", name="Log Keluar").click()
    response = sign_in(page, login_id, password)
    assert response.json() == {"stage": "mfa", "methods": ["totp", "passkey", "recovery"]} or (
        "passkey" in response.json()["methods"]
    )
    page.get_by_role("button", name="Guna kunci laluan").click()
    expect_home(page, name)

    # The passkey alone.
    nav_link(page, "Akaun").click()
    page.get_by_role("button", name="Log Keluar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log Masuk")
    with page.expect_response("**/api/auth/passkey/verify") as verified:
        page.get_by_role("button", name="Log masuk dengan kunci laluan").click()
    assert verified.value.status == 200, verified.value.text()
    expect_home(page, name)
