"""My account (sessions, passkeys, recovery codes) and the self-service password reset, driven in
Chromium. Uses demo accounts no other browser test signs in with (chair, executive,
secretariat; a different one per test, so no test waits for a fresh TOTP step), so ending
sessions or changing a password here cannot disturb the rest of the run."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import expect_home, nav_link, open_app, sign_in_fully, verify_code
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser


def signed_in_page(new_page: Any, server: HadirServer, role: str, viewport: dict[str, int]) -> Any:
    account = server.account(role)
    page = new_page(viewport)
    open_app(page)
    assert sign_in_fully(page, server, account).json()["stage"] == "done"
    expect_home(page, account.name)
    return page


def open_account(page: Any) -> None:
    nav_link(page, "Akaun").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Akaun Saya")


def test_end_other_sessions_and_new_recovery_codes(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    other = signed_in_page(new_page, hadir_server, "chair", PHONE)
    page = signed_in_page(new_page, hadir_server, "chair", TABLET)
    open_account(page)

    sessions = page.get_by_role("list", name="Sesi log masuk").get_by_role("listitem")
    expect(sessions).to_have_count(2)
    expect(sessions.first).to_contain_text("Peranti ini")
    expect(page.get_by_text(re.compile(r"^Kod yang belum digunakan: \d+$"))).to_be_visible()
    page.screenshot(path=str(artifacts / "tablet-account-security.png"), full_page=True)
    no_horizontal_overflow(page)

    opener = page.get_by_role("button", name="Tamatkan semua sesi lain")
    opener.click()
    dialog = page.get_by_role("dialog", name="Tamatkan semua sesi lain?")
    expect(dialog.get_by_role("button", name="Batal")).to_be_focused()
    with page.expect_response("**/api/auth/sessions/end-others") as ended:
        dialog.get_by_role("button", name="Tamatkan").click()
    assert ended.value.json() == {"ended": 1}
    expect(page.get_by_role("status").filter(has_text="Sesi lain yang ditamatkan")).to_have_text(
        "Sesi lain yang ditamatkan: 1."
    )
    expect(sessions).to_have_count(1)
    expect(opener).to_be_hidden()

    # The other browser's next navigation finds its session gone.
    open_app(other, "/account")
    expect(other.get_by_role("heading", level=1)).to_have_text("Log Masuk")

    # A new set of recovery codes, shown once.
    page.get_by_role("button", name="Jana kod baharu").click()
    page.get_by_role("dialog", name="Jana kod pemulihan baharu?").get_by_role(
        "button", name="Jana kod"
    ).click()
    heading = page.get_by_role("heading", name="Kod pemulihan baharu anda")
    expect(heading).to_be_focused()
    codes = page.get_by_role("list", name="Kod pemulihan baharu anda").get_by_role("listitem")
    expect(codes).to_have_count(10)
    assert all(re.fullmatch(r"[a-z0-9]{5}-[a-z0-9]{5}", c) for c in codes.all_text_contents())
    expect(page.get_by_text("dipaparkan sekali sahaja")).to_be_visible()
    page.get_by_role("button", name="Saya telah menyimpannya").click()
    expect(heading).to_have_count(0)
    expect(page.get_by_text("Kod yang belum digunakan: 10")).to_be_visible()

    # Signed in, the language switch is saved on the server too (e-mails, server messages).
    with page.expect_response(
        lambda r: r.url.endswith("/api/auth/me") and r.request.method == "PATCH"
    ) as saved:
        page.get_by_text("English", exact=True).click()
    assert saved.value.json()["language"] == "en"
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    with page.expect_response(
        lambda r: r.url.endswith("/api/auth/me") and r.request.method == "PATCH"
    ) as saved:
        page.get_by_text("Bahasa Melayu", exact=True).click()
    assert saved.value.json()["language"] == "ms"


def test_add_a_passkey_on_a_phone(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    page = signed_in_page(new_page, hadir_server, "executive", PHONE)
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
    open_account(page)
    expect(page.get_by_text("Tiada kunci laluan didaftarkan.")).to_be_visible()
    with page.expect_response("**/api/auth/passkeys") as registered:
        page.get_by_role("button", name="Tambah kunci laluan").click()
    assert registered.value.status == 200, registered.value.text()
    expect(page.get_by_role("status").filter(has_text="ditambah")).to_have_text(
        "Kunci laluan telah ditambah."
    )
    passkeys = page.get_by_role("list", name="Kunci laluan").get_by_role("listitem")
    expect(passkeys).to_have_count(1)
    expect(passkeys.first).to_contain_text("Peranti ini")

    # Rename it (a labelled field in a dialog).
    passkeys.first.get_by_role("button", name="Tukar nama kunci laluan Peranti ini").click()
    dialog = page.get_by_role("dialog", name="Tukar nama kunci laluan")
    dialog.get_by_label("Nama kunci laluan").fill("Telefon pejabat")
    dialog.get_by_role("button", name="Simpan").click()
    expect(passkeys.first).to_contain_text("Telefon pejabat")
    page.screenshot(path=str(artifacts / "phone-account-security.png"), full_page=True)
    no_horizontal_overflow(page)


def reset_link(server: HadirServer) -> str:
    with sqlite3.connect(server.var_dir / "b.sqlite3") as db:
        row = db.execute(
            "select url from notification_outbox where kind = 'password_reset'"
            " order by id desc limit 1"
        ).fetchone()
    assert row, "no password_reset notification in the outbox"
    return str(row[0])


def test_forgotten_password_is_reset_with_the_link_and_the_second_factor(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    account = hadir_server.account("secretariat")
    page = new_page(PHONE)
    open_app(page)
    page.get_by_role("link", name="Terlupa kata laluan?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terlupa Kata Laluan")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    page.get_by_label("No. Kad Pengenalan / ID Pegawai").fill(account.login_id)
    with page.expect_response("**/api/auth/reset/request") as requested:
        page.get_by_role("button", name="Hantar pautan").click()
    assert requested.value.status == 202
    expect(page.get_by_role("heading", name="Semak e-mel anda")).to_be_focused()
    expect(page.get_by_role("status")).to_have_text(requested.value.json()["message"])
    page.screenshot(path=str(artifacts / "phone-reset-requested.png"), full_page=True)
    no_horizontal_overflow(page)

    link = reset_link(hadir_server)
    assert link.startswith("/#/reset/"), link
    page.goto(link)
    # The link leads to the second factor, then to the new password.
    response = verify_code(page, hadir_server.totp_code(account.totp_secret))
    assert response.json()["stage"] == "new_password", response.text()
    expect(page).to_have_url(re.compile(r"#/reset-password$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kata Laluan Baharu")
    expect(page.get_by_role("navigation")).to_have_count(0)
    page.screenshot(path=str(artifacts / "phone-reset-new-password.png"), full_page=True)
    no_horizontal_overflow(page)

    new_password = "pokok-kelapa-di-tepi-pantai"
    page.get_by_label("Kata laluan baharu", exact=True).fill(new_password)
    page.get_by_label("Sahkan kata laluan baharu", exact=True).fill(new_password)
    with page.expect_response("**/api/auth/reset/complete") as completed:
        page.get_by_role("button", name="Simpan kata laluan").click()
    assert completed.value.status == 200, completed.value.text()
    expect_home(page, account.name)
    expect(
        page.get_by_role("status").filter(has_text="Kata laluan baharu anda telah disimpan.")
    ).to_be_visible()

    # The link works once only.
    page.goto(link)
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("link", name="Minta pautan baharu")).to_be_visible()
    # And the new password signs in.
    open_app(page, "/sign-in")
    assert sign_in_fully(page, hadir_server, account, new_password).json()["stage"] == "done"
    expect_home(page, account.name)
    # Later tests (meetings) sign in as the secretariat too: with the password it has now.
    account.password = new_password
