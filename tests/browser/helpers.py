"""Steps a person takes in the PWA, written once for the browser tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from playwright.sync_api import expect

if TYPE_CHECKING:
    from tests.browser.conftest import DemoAccount, HadirServer

LOGIN_ID_LABEL = "No. Kad Pengenalan / ID Pegawai"
PASSWORD_LABEL = "Kata laluan"
CODE_LABEL = "Kod pengesahan"
WRONG_CREDENTIALS_MS = "ID pengguna atau kata laluan tidak betul."


def open_app(page: Any, route: str = "") -> None:
    page.goto(f"/#{route}" if route else "/")
    page.locator("html[data-ready]").wait_for(state="attached")


def sign_in(page: Any, login_id: str, password: str) -> Any:
    """Fills the sign-in form and submits it; returns the server's response."""
    page.get_by_label(LOGIN_ID_LABEL).fill(login_id)
    page.get_by_label(PASSWORD_LABEL, exact=True).fill(password)
    with page.expect_response("**/api/auth/sign-in") as response:
        page.get_by_role("button", name="Log Masuk", exact=True).click()
    return response.value


def verify_code(page: Any, code: str) -> Any:
    """The second-factor screen: types the authenticator code; returns the server's response."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Pengesahan Dua Langkah")
    page.get_by_label(CODE_LABEL).fill(code)
    with page.expect_response("**/api/auth/mfa/totp") as response:
        page.get_by_role("button", name="Sahkan").click()
    return response.value


def sign_in_fully(
    page: Any, server: HadirServer, account: DemoAccount, password: str | None = None
) -> Any:
    """Password, then the authenticator code; returns the last response (its stage)."""
    first = sign_in(page, account.login_id, password or account.password)
    assert first.status == 200, first.text()
    assert first.json()["stage"] == "mfa"
    second = verify_code(page, server.totp_code(account.totp_secret))
    assert second.status == 200, second.text()
    return second


def expect_home(page: Any, name: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Selamat datang, {name}")


def search_user(page: Any, text: str) -> None:
    page.get_by_label("Cari pengguna").fill(text)
    with page.expect_response("**/api/agencies/*/users?*"):
        page.get_by_role("button", name="Cari").click()


def nav_link(page: Any, name: str) -> Any:
    """The main navigation's link `name`; on a phone with more than five items it may be under
    "Lagi" (More), which is opened first."""
    nav = page.get_by_role("navigation", name="Navigasi utama")
    link = nav.locator(".nav__list").get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        more = nav.get_by_role("button", name="Lagi")
        if more.is_visible() and more.get_attribute("aria-expanded") != "true":
            more.click()
        link = nav.locator("#nav-more").get_by_role("link", name=name, exact=True)
    return link


def user_action(page: Any, row: Any, name: str, action: str) -> None:
    """On the users screen: opens the person's action list (one button per row) and picks
    `action` (its accessible name, e.g. "Bekukan akaun Ali")."""
    row.get_by_role("button", name=f"Tindakan untuk {name}").click()
    menu = page.get_by_role("dialog", name=f"Tindakan: {name}")
    menu.get_by_role("button", name=action).click()
