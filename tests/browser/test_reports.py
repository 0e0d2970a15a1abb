"""Reports for executives and administrators: the three reports on a tablet and a phone, with
their XLSX downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET
from tests.browser.helpers import open_app
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser


def test_reports_on_a_tablet_and_a_phone(
    new_page: Any, admin_state: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(TABLET, storage_state=admin_state)
    open_app(page, "/home")
    page.get_by_role("navigation").get_by_role("link", name="Laporan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Laporan Kehadiran")
    expect(page.get_by_role("table", name="Transaksi Kehadiran")).to_be_visible()

    page.get_by_label("Laporan", exact=True).select_option(label="Statistik Penggunaan")
    with page.expect_response("**/api/attendance/reports/usage?*") as answer:
        page.get_by_role("button", name="Papar").click()
    data = answer.value.json()
    assert data["total"]["people"] > 0
    table = page.get_by_role("table", name="Statistik Penggunaan")
    expect(table.get_by_role("row", name=data["total"]["unit"]).last).to_contain_text(
        str(data["total"]["people"])
    )
    href = page.get_by_role("link", name="Muat turun XLSX").get_attribute("href")
    assert href and href.startswith("/api/attendance/reports/usage/download?")
    xlsx = page.request.get(href)
    assert xlsx.status == 200 and xlsx.body()[:2] == b"PK"
    page.screenshot(path=str(artifacts / "tablet-reports-usage.png"), full_page=True)
    no_horizontal_overflow(page)

    phone = new_page(PHONE, storage_state=admin_state)
    open_app(phone, "/reports")
    phone.get_by_label("Laporan", exact=True).select_option(label="Laporan Pergerakan Harian")
    expect(phone.get_by_label("Tarikh", exact=True)).to_be_visible()
    expect(phone.get_by_label("Dari tarikh")).to_be_hidden()
    with phone.expect_response("**/api/attendance/reports/movements?*") as moved:
        phone.get_by_role("button", name="Papar").click()
    assert moved.value.status == 200
    expect(phone.get_by_role("table", name="Laporan Pergerakan Harian")).to_be_visible()
    phone.screenshot(path=str(artifacts / "phone-reports-movements.png"), full_page=True)
    no_horizontal_overflow(phone)


def test_the_dashboard_draws_the_month_per_day(
    new_page: Any, admin_state: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(TABLET, storage_state=admin_state)
    open_app(page, "/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Papan pemuka kehadiran")
    page.get_by_label("Dari").fill("2026-11-01")
    page.get_by_label("Hingga").fill("2026-11-30")
    with page.expect_response("**/api/attendance/dashboard?*") as answer:
        page.get_by_role("button", name="Papar").click()
    days = answer.value.json()["days"]
    chart = page.locator(".db-chart--daily")
    expect(chart).to_be_visible()
    # One column per day; the numbers stay in the daily table beside it.
    expect(chart.locator("rect")).to_have_count(len(days))
    expect(page.get_by_role("table", name="Daftar masuk mengikut hari")).to_be_visible()
    page.screenshot(path=str(artifacts / "tablet-dashboard-daily-chart.png"), full_page=True)
    no_horizontal_overflow(page)
