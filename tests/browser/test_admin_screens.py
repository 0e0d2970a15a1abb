"""Administrators: freeze and unfreeze a person from the users screen (their open session ends),
the termination report, and the audit trail with its CSV export."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, DemoAccount, HadirServer
from tests.browser.helpers import (
    expect_home,
    open_app,
    search_user,
    sign_in,
    user_action,
    verify_code,
)
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser

# test_accounts_flow gives the officer a temporary password and then this one.
OFFICER_CHANGED_PASSWORD = "nasi-lemak-sambal-petai-2026"


def sign_in_officer(page: Any, server: HadirServer, officer: DemoAccount) -> None:
    """Whichever password the earlier tests left the officer with."""
    open_app(page)
    for password in (OFFICER_CHANGED_PASSWORD, officer.password):
        if sign_in(page, officer.login_id, password).status == 200:
            break
    else:
        pytest.fail("cannot sign in as the officer")
    assert verify_code(page, server.totp_code(officer.totp_secret)).json()["stage"] == "done"
    expect_home(page, officer.name)


def test_freeze_and_unfreeze_the_officer_then_find_it_in_the_audit_trail(
    new_page: Any, hadir_server: HadirServer, admin_state: dict[str, Any], artifacts: Path
) -> None:
    officer = hadir_server.account("officer")
    officer_page = new_page(PHONE)
    sign_in_officer(officer_page, hadir_server, officer)

    page = new_page(TABLET, storage_state=admin_state)
    open_app(page, "/admin/users")
    expect(page.get_by_role("heading", level=1)).to_have_text("Urus Pengguna")
    search_user(page, officer.login_id)
    row = page.get_by_role("row").filter(has_text=officer.login_id)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Aktif")

    user_action(page, row, officer.name, f"Bekukan akaun {officer.name}")
    dialog = page.get_by_role("dialog", name=f"Bekukan akaun {officer.name}?")
    reason = dialog.get_by_label("Sebab")
    expect(reason).to_be_focused()
    # A reason is required; the message is linked to the select.
    dialog.get_by_role("button", name="Bekukan akaun").click()
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description("Sila pilih sebab.")
    reason.select_option(label="Kursus")
    dialog.get_by_label("Tarikh peristiwa (pilihan)").fill("2026-11-20")
    page.screenshot(path=str(artifacts / "tablet-admin-freeze-dialog.png"))
    with page.expect_response("**/freeze") as frozen:
        dialog.get_by_role("button", name="Bekukan akaun").click()
    assert frozen.value.status == 200, frozen.value.text()
    assert frozen.value.json()["state"] == "frozen"
    status = page.get_by_role("status").filter(has_text="dibekukan")
    expect(status).to_have_text(f"Akaun {officer.name} telah dibekukan.")
    expect(status).to_be_focused()
    expect(row.locator(".badge")).to_have_text("Dibekukan")
    page.screenshot(path=str(artifacts / "tablet-admin-users-frozen.png"), full_page=True)
    no_horizontal_overflow(page)

    # The officer's open session ended with the freeze.
    open_app(officer_page, "/account")
    expect(officer_page.get_by_role("heading", level=1)).to_have_text("Log Masuk")

    with page.expect_response("**/unfreeze") as unfrozen:
        user_action(page, row, officer.name, f"Aktifkan semula akaun {officer.name}")
    assert unfrozen.value.json()["state"] == "active"
    expect(row.locator(".badge")).to_have_text("Aktif")
    expect(page.get_by_role("heading", name="Laporan penamatan")).to_be_visible()

    # The audit trail (admin-only navigation item) shows the freeze.
    page.get_by_role("navigation").get_by_role("link", name="Audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jejak Audit")
    # Actions and people are pick-lists, in words and by name.
    admin = hadir_server.account("agency_admin")
    page.get_by_label("Tindakan", exact=True).select_option(label="Akaun dibekukan")
    page.get_by_label("Pelaku", exact=True).select_option(label=admin.name)
    with page.expect_response(re.compile(r"/api/audit\?")) as searched:
        page.get_by_role("button", name="Tapis").click()
    assert searched.value.status == 200
    assert "actorId=" in searched.value.url
    events = page.get_by_role("table").get_by_role("row").filter(has_text="account_frozen")
    expect(events.first).to_contain_text("course")
    expect(events.first).to_contain_text("Akaun dibekukan")
    expect(events.first).to_contain_text(admin.name)
    expect(page.get_by_role("status").filter(has_text="daripada")).to_be_visible()
    page.screenshot(path=str(artifacts / "tablet-admin-audit.png"), full_page=True)
    no_horizontal_overflow(page)

    link = page.get_by_role("link", name="Muat turun CSV")
    href = link.get_attribute("href")
    assert href and href.startswith("/api/audit/export.csv?") and "action=account_frozen" in href
    csv = page.request.get(href)
    assert csv.status == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert "account_frozen" in csv.text() and "Akaun dibekukan" in csv.text()
    xlsx_href = page.get_by_role("link", name="Muat turun XLSX").get_attribute("href")
    assert xlsx_href and xlsx_href.startswith("/api/audit/export.xlsx?") and "actorId=" in xlsx_href
    xlsx = page.request.get(xlsx_href)
    assert xlsx.status == 200 and xlsx.body()[:2] == b"PK"


def test_admin_screens_on_a_phone(
    new_page: Any, hadir_server: HadirServer, admin_state: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(PHONE, storage_state=admin_state)
    open_app(page, "/admin/audit")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jejak Audit")
    expect(page.get_by_role("status").filter(has_text="daripada")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    # Every card names its action in words (no raw codes without words) and its person by name.
    actions = page.get_by_label("Tindakan", exact=True)
    expect(actions.locator("option")).not_to_have_count(1)
    expect(page.locator(".audit-item .item__name").first).to_contain_text("(")
    codes_only = page.locator(".audit-item > .item__head > .mono")
    expect(codes_only).to_have_count(0)
    page.screenshot(path=str(artifacts / "phone-admin-audit.png"), full_page=True)
    no_horizontal_overflow(page)

    officer = hadir_server.account("officer")
    open_app(page, "/admin/users")
    search_user(page, officer.login_id)
    card = page.locator(".user-card").filter(has_text=officer.login_id)
    user_action(page, card, officer.name, f"Tamatkan akaun {officer.name}")
    dialog = page.get_by_role("dialog", name=f"Tamatkan akaun {officer.name}?")
    expect(dialog).to_contain_text("tidak boleh dibatalkan")
    page.screenshot(path=str(artifacts / "phone-admin-terminate-dialog.png"))
    dialog.get_by_role("button", name="Batal").click()
    expect(dialog).to_have_count(0)
    page.screenshot(path=str(artifacts / "phone-admin-users-actions.png"), full_page=True)
    no_horizontal_overflow(page)
