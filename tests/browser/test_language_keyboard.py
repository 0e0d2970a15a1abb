"""(e) language switch, (f) keyboard use and accessible names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import LOGIN_ID_LABEL, PASSWORD_LABEL, open_app

pytestmark = pytest.mark.browser


def test_e_english_on_sign_in_and_server_errors_in_english(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    page = new_page(PHONE)
    open_app(page)
    expect(page.locator("html")).to_have_attribute("lang", "ms")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log Masuk")

    page.get_by_text("English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_label("IC number / Officer ID")).to_be_visible()
    expect(page.get_by_role("radio", name="English")).to_be_checked()
    expect(page).to_have_title("Sign in · Hadir")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["hadir_lang"]["value"] == "en"
    assert cookies["hadir_lang"]["sameSite"] == "Lax"
    assert cookies["hadir_lang"]["secure"] is True
    assert page.evaluate("localStorage.getItem('hadir.lang')") == "en"

    # The server's own message comes back in English (an ID that does not exist: no lockout).
    page.get_by_label("IC number / Officer ID").fill("000000000000")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    with page.expect_response("**/api/auth/sign-in") as response:
        page.get_by_role("button", name="Sign in", exact=True).click()
    assert response.value.status == 401
    expect(page.get_by_role("alert")).to_have_text("The user ID or password is not correct.")
    page.screenshot(path=str(artifacts / "phone-sign-in-english-error.png"), full_page=True)

    # Remembered across a reload; switching back gives Malay again.
    page.reload()
    page.locator("html[data-ready]").wait_for(state="attached")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_text("Bahasa Melayu", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log Masuk")
    expect(page.locator("html")).to_have_attribute("lang", "ms")
    assert {c["name"]: c["value"] for c in page.context.cookies()}["hadir_lang"] == "ms"


def test_e_language_switch_on_account_screen(
    new_page: Any, hadir_server: HadirServer, admin_state: dict[str, Any]
) -> None:
    page = new_page(TABLET, storage_state=admin_state)
    open_app(page, "/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Akaun Saya")
    # Wait for the server to store English first: on a busy machine its answer could
    # otherwise arrive after the switch back and be taken for that one.
    with page.expect_response(
        lambda r: r.url.endswith("/api/auth/me") and r.request.method == "PATCH"
    ) as english:
        page.get_by_text("English", exact=True).click()
    assert english.value.ok and english.value.json()["language"] == "en"
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    # Back to Malay, and wait until the server has it: later tests read its messages in Malay.
    with page.expect_response(
        lambda r: r.url.endswith("/api/auth/me") and r.request.method == "PATCH"
    ) as saved:
        page.get_by_text("Bahasa Melayu", exact=True).click()
    assert saved.value.ok and saved.value.json()["language"] == "ms"
    expect(page.get_by_role("heading", level=1)).to_have_text("Akaun Saya")


def _focused(page: Any) -> str:
    return page.evaluate(
        """(() => {
             const e = document.activeElement;
             return e.getAttribute("name") || e.getAttribute("aria-label")
               || e.textContent.trim() || e.tagName;
           })()"""
    )


def test_f_keyboard_order_and_labels_on_sign_in(new_page: Any, hadir_server: HadirServer) -> None:
    page = new_page(PHONE)
    open_app(page)

    login_id = page.get_by_label(LOGIN_ID_LABEL)
    password = page.get_by_label(PASSWORD_LABEL, exact=True)
    toggle = page.get_by_role("button", name="Tunjuk kata laluan")
    submit = page.get_by_role("button", name="Log Masuk", exact=True)
    for control in (login_id, password, toggle, submit):
        expect(control).to_be_visible()
    expect(login_id).to_have_attribute("autocomplete", "username")
    expect(password).to_have_attribute("autocomplete", "current-password")

    # From the top of the page: the skip link, then the form in reading order.
    order = []
    for _ in range(5):
        page.keyboard.press("Tab")
        order.append(_focused(page))
    assert order == [
        "Langkau ke kandungan utama",
        "loginId",
        "password",
        "Tunjuk kata laluan",
        "Log Masuk",
    ], order

    # Show / hide with the keyboard.
    toggle.focus()
    page.keyboard.press("Space")
    expect(password).to_have_attribute("type", "text")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Enter")
    expect(password).to_have_attribute("type", "password")

    # Submitting empty: messages under the fields, linked by aria-describedby, focus on the first.
    submit.focus()
    page.keyboard.press("Enter")
    expect(login_id).to_have_attribute("aria-invalid", "true")
    expect(login_id).to_be_focused()
    expect(login_id).to_have_accessible_description(
        "Sila masukkan No. Kad Pengenalan atau ID Pegawai anda."
    )
    expect(password).to_have_accessible_description("Sila masukkan kata laluan anda.")

    # Keyboard only: type, Enter submits, the server's message is announced as an alert.
    page.keyboard.type("000000000001")
    page.keyboard.press("Tab")
    page.keyboard.type("bukan-kata-laluan")
    with page.expect_response("**/api/auth/sign-in"):
        page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_have_text("ID pengguna atau kata laluan tidak betul.")
    expect(login_id).not_to_have_attribute("aria-invalid", "true")


def test_f_skip_link_and_focus_on_route_change(
    new_page: Any, hadir_server: HadirServer, admin_state: dict[str, Any]
) -> None:
    page = new_page(TABLET, storage_state=admin_state)
    open_app(page, "/home")
    nav = page.get_by_role("navigation", name="Navigasi utama")
    nav.get_by_role("link", name="Akaun").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Akaun Saya")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    expect(page).to_have_title("Akaun Saya · Hadir")

    # After a fresh load the skip link is the first stop; it lands on the main heading without
    # changing the route.
    page.reload()
    page.locator("html[data-ready]").wait_for(state="attached")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langkau ke kandungan utama")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    assert page.url.endswith("#/account")
