"""Sign-in, first password change, lockout and unlock, driven in Chromium like a person would.

Tests (a) and (b) run in this order: (b) signs in with the temporary password (a) issued.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import (
    WRONG_CREDENTIALS_MS,
    expect_home,
    nav_link,
    open_app,
    search_user,
    sign_in,
    sign_in_fully,
    user_action,
    verify_code,
)

pytestmark = pytest.mark.browser


def test_a_admin_issues_temporary_password_on_a_phone(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    admin = hadir_server.account("agency_admin")
    officer = hadir_server.account("officer")
    page = new_page(PHONE, permissions=["clipboard-read", "clipboard-write"])

    open_app(page)
    expect(page).to_have_url(f"{hadir_server.base_url}/#/sign-in")
    assert sign_in(page, admin.login_id, admin.password).json()["stage"] == "mfa"
    expect(page).to_have_url(f"{hadir_server.base_url}/#/verify")
    # A wrong code is refused under the field; the right one opens the app.
    page.get_by_label("Kod pengesahan").fill("000000")
    with page.expect_response("**/api/auth/mfa/totp") as wrong:
        page.get_by_role("button", name="Sahkan").click()
    assert wrong.value.status == 401
    expect(page.get_by_label("Kod pengesahan")).to_have_attribute("aria-invalid", "true")
    # The server's message is linked to the field (after its hint).
    expect(page.get_by_label("Kod pengesahan")).to_have_accessible_description(
        "6 digit, berubah setiap 30 saat. Kod tidak betul atau sudah digunakan."
    )
    page.screenshot(path=str(artifacts / "phone-verify-error.png"))
    assert verify_code(page, hadir_server.totp_code(admin.totp_secret)).json()["stage"] == "done"
    expect_home(page, admin.name)
    expect(page.get_by_role("heading", name="Daftar Masuk")).to_be_visible()
    # Check-in is a real button now (its flows: test_attendance_flow.py).
    expect(page.get_by_role("button", name="Daftar Masuk")).to_be_enabled()

    # On a phone the administrator's screens may sit under "Lagi" (More).
    users = nav_link(page, "Pengguna")
    users.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Urus Pengguna")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    expect(nav_link(page, "Pengguna")).to_have_attribute("aria-current", "page")
    more = page.get_by_role("navigation", name="Navigasi utama").get_by_role("button", name="Lagi")
    if more.get_attribute("aria-expanded") == "true":
        more.click()  # close the sheet again
    # Phones get cards, not a table.
    expect(page.locator(".user-card").first).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)

    search_user(page, officer.login_id)
    cards = page.locator(".user-card")
    expect(cards).to_have_count(1)
    expect(cards.first.get_by_role("heading")).to_have_text(officer.name)

    user_action(page, cards.first, officer.name, f"Kata laluan sementara untuk {officer.name}")
    confirm = page.get_by_role("dialog", name="Keluarkan kata laluan sementara?")
    expect(confirm).to_be_visible()
    with page.expect_response("**/temporary-password") as issued_response:
        confirm.get_by_role("button", name="Keluarkan").click()
    assert issued_response.value.status == 200

    shown = page.get_by_role("dialog", name="Kata laluan sementara dikeluarkan")
    expect(shown).to_be_visible()
    expect(shown).to_contain_text("dipaparkan sekali sahaja")
    expect(shown).to_contain_text(officer.login_id)
    page.screenshot(path=str(artifacts / "phone-temporary-password.png"))
    password_box = shown.get_by_label("Kata laluan sementara")
    temporary = password_box.input_value()
    assert len(temporary) >= 8
    assert temporary == issued_response.value.json()["temporaryPassword"]

    shown.get_by_role("button", name="Salin").click()
    expect(shown.get_by_role("status")).to_have_text("Disalin ke papan keratan.")
    assert page.evaluate("navigator.clipboard.readText()") == temporary

    shown.get_by_role("button", name="Selesai").click()
    expect(shown).to_have_count(0)
    # Focus goes back to the person's action button.
    expect(page.get_by_role("button", name=f"Tindakan untuk {officer.name}")).to_be_focused()
    hadir_server.shared["officer_temporary_password"] = temporary


def test_b_officer_must_change_the_temporary_password(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    officer = hadir_server.account("officer")
    temporary = hadir_server.shared.get("officer_temporary_password")
    if temporary is None:
        pytest.skip("needs the temporary password issued by test_a")
    page = new_page(PHONE)

    open_app(page)
    # The temporary password still needs the officer's second factor first.
    response = sign_in_fully(page, hadir_server, officer, password=temporary)
    assert response.json()["stage"] == "change_password"
    expect(page).to_have_url(f"{hadir_server.base_url}/#/change-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tukar Kata Laluan")
    # Only the password change: no navigation, and other routes lead back here.
    expect(page.get_by_role("navigation")).to_have_count(0)
    page.goto("/#/home")
    expect(page).to_have_url(f"{hadir_server.base_url}/#/change-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tukar Kata Laluan")

    current = page.get_by_label("Kata laluan sementara", exact=True)
    new = page.get_by_label("Kata laluan baharu", exact=True)
    confirm = page.get_by_label("Sahkan kata laluan baharu", exact=True)

    # Client-side: confirmation must match; the message is linked to the field.
    current.fill(temporary)
    new.fill("teh-tarik-kurang-manis")
    confirm.fill("teh-tarik-kurang-gula")
    page.get_by_role("button", name="Tukar kata laluan").click()
    expect(confirm).to_have_attribute("aria-invalid", "true")
    error_id = confirm.get_attribute("aria-describedby")
    assert error_id
    expect(page.locator(f"#{error_id}")).to_have_text("Tidak sepadan dengan kata laluan baharu.")
    expect(confirm).to_be_focused()

    # Server-side: a password containing the officer's name is refused, under that field.
    first_name = officer.name.split()[0].lower()
    personal = f"{first_name}-suka-kopi-o"
    new.fill(personal)
    confirm.fill(personal)
    with page.expect_response("**/api/auth/password") as refused:
        page.get_by_role("button", name="Tukar kata laluan").click()
    assert refused.value.status == 422
    message = next(e["message"] for e in refused.value.json()["errors"])
    expect(new).to_have_attribute("aria-invalid", "true")
    described = new.get_attribute("aria-describedby") or ""
    assert any(page.locator(f"#{part}").text_content() == message for part in described.split()), (
        f"server message {message!r} not linked to the new-password field"
    )
    expect(page.get_by_role("alert")).to_be_visible()
    page.screenshot(path=str(artifacts / "phone-change-password-errors.png"), full_page=True)

    good = "nasi-lemak-sambal-petai-2026"
    new.fill(good)
    confirm.fill(good)
    with page.expect_response("**/api/auth/password") as changed:
        page.get_by_role("button", name="Tukar kata laluan").click()
    assert changed.value.status == 204
    expect_home(page, officer.name)
    expect(
        page.get_by_role("status").filter(has_text="Kata laluan anda telah ditukar.")
    ).to_be_visible()
    # An officer is not an administrator: no "Pengguna" in the navigation.
    nav = page.get_by_role("navigation", name="Navigasi utama")
    # An officer's tabs: no Pengguna (not an administrator), no Kelulusan (supervises nobody).
    expect(nav.get_by_role("link", name="Pengguna")).to_have_count(0)
    expect(nav.get_by_role("link", name="Kelulusan")).to_have_count(0)
    # (A tab may carry the count of what waits there, e.g. "Mesyuarat" with 2 invitations.)
    expect(nav.locator(".nav__list").get_by_role("link").locator(".nav__label")).to_have_text(
        ["Utama", "Mesyuarat", "Carian", "Kehadiran"]
    )

    # The new password is the one that works from now on ("Akaun" is under "Lagi").
    nav_link(page, "Akaun").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Akaun Saya")
    expect(page.get_by_text(officer.login_id)).to_be_visible()
    page.get_by_role("button", name="Log Keluar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log Masuk")
    assert sign_in_fully(page, hadir_server, officer, password=good).json()["stage"] == "done"
    officer.password = good  # later tests sign in as the officer with the password it has now
    expect_home(page, officer.name)


def test_c_lockout_after_three_failures_and_unlock_by_admin(
    new_page: Any, hadir_server: HadirServer, admin_state: dict[str, Any]
) -> None:
    member = hadir_server.account("member")
    page = new_page(PHONE)
    open_app(page)
    alert = page.get_by_role("alert")
    for attempt in range(3):
        response = sign_in(page, member.login_id, f"salah-{attempt}")
        assert response.status == 401
        expect(alert).to_have_text(WRONG_CREDENTIALS_MS)
        # The password is cleared and focused for the next try.
        expect(page.get_by_label("Kata laluan", exact=True)).to_have_value("")
        expect(page.get_by_label("Kata laluan", exact=True)).to_be_focused()

    # Locked: the right password answers exactly like a wrong one.
    response = sign_in(page, member.login_id, member.password)
    assert response.status == 401
    assert response.json()["code"] == "invalid_credentials"
    expect(alert).to_have_text(WRONG_CREDENTIALS_MS)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log Masuk")

    # The administrator unlocks the account from the users screen (tablet: a table).
    admin_page = new_page(TABLET, storage_state=admin_state)
    open_app(admin_page, "/admin/users")
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Urus Pengguna")
    search_user(admin_page, member.login_id)
    row = admin_page.get_by_role("row").filter(has_text=member.login_id)
    expect(row).to_have_count(1)
    with admin_page.expect_response("**/unlock") as unlocked:
        user_action(admin_page, row, member.name, f"Buka kunci akaun {member.name}")
    assert unlocked.value.status == 204
    expect(admin_page.get_by_role("status").filter(has_text="dibuka kunci")).to_have_text(
        f"Akaun {member.name} telah dibuka kunci."
    )

    assert sign_in_fully(page, hadir_server, member).json()["stage"] == "done"
    expect_home(page, member.name)


def test_a_session_that_ends_leads_back_to_sign_in(
    new_page: Any, hadir_server: HadirServer, admin_state: dict[str, Any]
) -> None:
    page = new_page(TABLET, storage_state=admin_state)
    open_app(page, "/home")
    expect(page.get_by_role("heading", name="Daftar Masuk")).to_be_visible()
    # The server forgets this browser (idle timeout, sign-out elsewhere): the next API call
    # answers 401 and the app says so on the sign-in screen. (Wait for the service worker's
    # first pre-caching: its requests carry the cookie and the server would set it again.)
    page.evaluate(
        """navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller
             || new Promise((resolve) =>
                  navigator.serviceWorker.addEventListener("controllerchange", resolve)))"""
    )
    page.context.clear_cookies(name="__Host-hadir_session")
    page.get_by_role("navigation").get_by_role("link", name="Pengguna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log Masuk")
    expect(page.get_by_role("alert")).to_have_text("Sesi anda telah tamat. Sila log masuk semula.")
    expect(page.get_by_role("navigation")).to_have_count(0)


def test_reloading_during_the_second_factor_step_stays_on_it(
    new_page: Any, hadir_server: HadirServer
) -> None:
    executive = hadir_server.account("executive")
    page = new_page(PHONE)
    open_app(page)
    assert sign_in(page, executive.login_id, executive.password).json()["stage"] == "mfa"
    expect(page.get_by_role("heading", level=1)).to_have_text("Pengesahan Dua Langkah")
    page.reload()
    # The password was right: the app asks for the code again instead of starting over.
    response = verify_code(page, hadir_server.totp_code(executive.totp_secret))
    assert response.status == 200, response.text()
    expect_home(page, executive.name)
