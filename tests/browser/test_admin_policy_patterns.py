"""The agency policy and working-pattern screens (issue 13) as an administrator sees them on a
360 px phone (also at 130 % text) and a 1024 px tablet: the yearly grid with a cell changed,
a change in bulk for a unit, an agency pattern refused by the server, the policy settings with
a value out of range shown on its field and a valid one saved; no horizontal overflow, no axe
violation; screenshots to look at."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import PHONE, TABLET
from tests.browser.helpers import open_app
from tests.browser.test_screenshots import no_horizontal_overflow

KL = ZoneInfo("Asia/Kuala_Lumpur")


def test_working_patterns_grid_on_a_tablet_and_a_phone(
    new_page: Any, admin_state: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(TABLET, storage_state=admin_state)
    open_app(page, "/admin/patterns")
    expect(page.get_by_role("heading", level=1)).to_have_text("Waktu kerja pegawai")
    year = datetime.now(KL).year
    expect(page.get_by_role("heading", name=f"Tahun {year}")).to_be_visible()
    first_row = page.locator(".pt-table tbody tr").first
    expect(first_row).to_be_visible()
    name = first_row.locator("th span").first.inner_text()
    december = first_row.locator("select").nth(11)
    with page.expect_response("**/api/attendance/working-patterns/assignments"):
        december.select_option("WP2")
    expect(page.get_by_role("status").filter(has_text="Waktu kerja disimpan")).to_be_visible()
    row = page.locator(".pt-table tbody tr", has_text=name).first
    expect(row.locator("select").nth(11)).to_have_value("WP2")
    expect(row.locator("select").nth(10)).not_to_have_value("WP2")

    # An own pattern the server refuses (11 hours) shows the server's reason in the form.
    own = page.locator("form", has=page.get_by_role("heading", name="Corak berperingkat agensi"))
    own.get_by_label("Kod").fill("PANJANG")
    own.get_by_label("Masuk", exact=True).fill("07:00")
    own.get_by_label("Keluar", exact=True).fill("1800")
    with page.expect_request("**/api/attendance/agency-patterns/PANJANG") as sent:
        own.get_by_role("button", name="Simpan corak").click()
    # A 24-hour hh:mm typed ("1800" reads as 18:00), sent as before.
    assert sent.value.post_data_json == {"start": "07:00", "end": "18:00"}
    expect(own.get_by_role("alert")).to_be_visible()
    no_horizontal_overflow(page)
    assert_no_axe_violations(page, "working patterns on a tablet")
    page.screenshot(path=str(artifacts / "tablet-admin-patterns.png"), full_page=True)

    # Set back (the live server is shared by the browser tests).
    with page.expect_response("**/api/attendance/working-patterns/assignments"):
        row.locator("select").nth(11).select_option(row.locator("select").nth(10).input_value())

    phone = new_page(PHONE, storage_state=admin_state)
    open_app(phone, "/admin/patterns")
    phone.evaluate("document.documentElement.style.fontSize = '130%'")
    expect(phone.locator(".pt-table")).to_be_visible()
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(artifacts / "phone-130-admin-patterns.png"), full_page=False)


def test_agency_policy_on_a_phone(
    new_page: Any, admin_state: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(PHONE, storage_state=admin_state)
    open_app(page, "/admin/policy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Polisi agensi")
    grace = page.get_by_label("Tempoh ihsan lewat (minit)")
    expect(grace).to_have_value("0")
    expect(page.get_by_text("Antara 7 dan 365; lalai 90.")).to_be_visible()
    grace.fill("90")
    page.get_by_role("button", name="Simpan peraturan").click()
    expect(page.get_by_text("Nilai di luar julat yang dibenarkan.")).to_be_visible()
    expect(grace).to_have_attribute("aria-invalid", "true")
    grace.fill("5")
    with page.expect_response("**/api/attendance/settings"):
        page.get_by_role("button", name="Simpan peraturan").click()
    expect(page.get_by_role("status").filter(has_text="Peraturan disimpan.")).to_be_visible()
    no_horizontal_overflow(page)
    assert_no_axe_violations(page, "agency policy on a phone")
    page.screenshot(path=str(artifacts / "phone-admin-policy.png"), full_page=True)
    page.evaluate("document.documentElement.style.fontSize = '130%'")
    no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / "phone-130-admin-policy.png"), full_page=False)
    # Back to the default for the other tests.
    grace.fill("0")
    with page.expect_response("**/api/attendance/settings"):
        page.get_by_role("button", name="Simpan peraturan").click()
