"""Reports for executives and administrators: the three reports on a tablet and a phone, with
their XLSX downloads."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import open_app
from tests.browser.test_dashboard import import_punches, last_working_day
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
    chart = page.locator(".db-chart--daily").first
    expect(chart).to_be_visible()
    # One column per day; the numbers stay in the daily table beside it.
    expect(chart.locator("rect")).to_have_count(len(days))
    expect(page.get_by_role("table", name="Daftar masuk mengikut hari")).to_be_visible()
    page.screenshot(path=str(artifacts / "tablet-dashboard-daily-chart.png"), full_page=True)
    no_horizontal_overflow(page)


def _month_so_far() -> tuple[str, str]:
    today = datetime.now(ZoneInfo("Asia/Kuala_Lumpur")).date()
    return today.replace(day=1).strftime("%d/%m/%Y"), today.strftime("%d/%m/%Y")


def test_the_dashboard_month_as_charts_with_the_numbers_beside(
    new_page: Any, admin_state: dict[str, Any], artifacts: Path, hadir_server: HadirServer
) -> None:
    """In office vs outside per day, arrival buckets per day and per unit, each chart with a
    legend in words and the same numbers in a table; on a tablet and a phone at 130 % text."""
    first, last = _month_so_far()
    for viewport, name in ((TABLET, "tablet"), (PHONE, "phone")):
        page = new_page(viewport, storage_state=admin_state)
        open_app(page, "/dashboard")
        if viewport is TABLET:
            import_punches(page, hadir_server, last_working_day())
        if viewport is PHONE:
            page.evaluate("document.documentElement.style.fontSize = '130%'")
        page.get_by_label("Dari").fill(first)
        page.get_by_label("Hingga").fill(last)
        with page.expect_response("**/api/attendance/dashboard?*") as answer:
            page.get_by_role("button", name="Papar").click()
        data = answer.value.json()
        if len(data["days"]) > 1:
            expect(
                page.get_by_role("heading", name="Di pejabat atau di luar, setiap hari")
            ).to_be_visible()
            expect(
                page.get_by_role("heading", name="Masa daftar masuk pertama setiap hari")
            ).to_be_visible()
            legends = page.locator(".db-legend")
            expect(legends.first).to_contain_text("Di pejabat")
            expect(legends.first).to_contain_text("Di luar pejabat")
            expect(legends.nth(1)).to_contain_text("≤07:29")
        daily = page.get_by_role("table", name="Daftar masuk mengikut hari")
        expect(daily.get_by_role("columnheader", name="Di luar pejabat")).to_be_visible()
        last_day = data["days"][-1]
        row = daily.get_by_role("row").last
        expect(row.get_by_role("cell").nth(3)).to_have_text(str(last_day["inOffice"]))
        expect(row.get_by_role("cell").nth(4)).to_have_text(str(last_day["outside"]))
        assert sum(d["inOffice"] for d in data["days"]) > 0
        assert data["perUnit"], "the demo agency has units"
        expect(
            page.get_by_role("heading", name="Daftar masuk mengikut unit (hari bekerja)")
        ).to_be_visible()
        units = page.get_by_role("table", name="Mengikut unit")
        expect(units.get_by_role("row")).to_have_count(len(data["perUnit"]) + 1)
        expect(units.get_by_role("rowheader", name=data["perUnit"][0]["name"])).to_be_visible()
        page.screenshot(path=str(artifacts / f"{name}-dashboard-charts.png"), full_page=True)
        no_horizontal_overflow(page)
        assert_no_axe_violations(page, f"dashboard ({name})")


def test_the_monthly_grid_of_a_unit_for_an_administrator(
    new_page: Any, admin_state: dict[str, Any], artifacts: Path
) -> None:
    """Any unit in scope, one row per officer, a code and its words per day, the legend; the
    dates typed as dd/mm/yyyy (a wrong one is said, not sent)."""
    for viewport, name in ((TABLET, "tablet"), (PHONE, "phone")):
        page = new_page(viewport, storage_state=admin_state)
        open_app(page, "/reports")
        expect(page.get_by_role("table", name="Transaksi Kehadiran")).to_be_visible()
        page.get_by_label("Dari tarikh").fill("31/02/2026")
        page.get_by_role("button", name="Papar").click()
        expect(page.get_by_role("alert")).to_contain_text("Tarikh tidak sah")
        page.get_by_label("Laporan", exact=True).select_option(label="Grid kehadiran bulanan")
        expect(page.get_by_label("Dari tarikh")).to_be_hidden()
        unit = page.get_by_label("Unit", exact=True)
        unit.select_option(index=1)
        with page.expect_response("**/api/attendance/reports/month-grid?*") as answer:
            page.get_by_role("button", name="Papar").click()
        assert answer.value.status == 200, answer.value.text()
        data = answer.value.json()
        grid = page.get_by_role("table", name="Status harian setiap pegawai")
        expect(grid.locator("tbody tr")).to_have_count(len(data["officers"]))
        if data["officers"]:
            first = data["officers"][0]
            expect(grid.get_by_role("rowheader", name=first["name"])).to_be_visible()
            if first["days"]:
                cell = grid.locator(f'td[data-day="{first["days"][0]["day"]}"]').first
                expect(cell.locator(".visually-hidden")).to_contain_text(first["name"])
        expect(page.get_by_text("Petunjuk kod")).to_be_visible()
        page.screenshot(path=str(artifacts / f"{name}-reports-month-grid.png"), full_page=True)
        no_horizontal_overflow(page)
        assert_no_axe_violations(page, f"monthly grid ({name})")


def test_the_whole_transactions_file_is_prepared_then_downloaded(
    new_page: Any, admin_state: dict[str, Any], artifacts: Path, hadir_server: HadirServer
) -> None:
    page = new_page(PHONE, storage_state=admin_state)
    open_app(page, "/home")
    # A day of its own (the other tests import theirs): from that day to today.
    day = last_working_day(skip=2)
    import_punches(page, hadir_server, day)
    open_app(page, "/reports")
    table = page.get_by_role("table", name="Transaksi Kehadiran")
    expect(table).to_be_visible()
    page.get_by_label("Dari tarikh").fill("/".join(reversed(day.split("-"))))
    page.get_by_role("button", name="Papar").click()
    # One officer's transactions: their name is the way in, "All officers" the way back.
    first_name = table.locator("tbody th button").first
    name = first_name.inner_text()
    with page.expect_response("**/api/attendance/reports/transactions?*officer=*") as one:
        first_name.click()
    assert {r["name"] for r in one.value.json()["rows"]} == {name}
    expect(page.get_by_text(f"Transaksi {name} sahaja.")).to_be_visible()
    with page.expect_response("**/api/attendance/reports/transactions?*") as everyone:
        page.get_by_role("button", name="Semua pegawai").click()
    assert "officer=" not in everyone.value.url
    with page.expect_response("**/api/attendance/reports/transactions/exports?*") as asked:
        page.get_by_role("button", name="Sediakan XLSX (semua baris)").click()
    assert asked.value.status == 202
    link = page.get_by_role("link", name="Muat turun transaksi-kehadiran-")
    expect(link).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Fail sudah siap")).to_be_visible()
    href = link.get_attribute("href")
    assert href and href.startswith("/api/attendance/reports/exports/")
    got = page.request.get(href)
    assert got.status == 200 and got.body()[:2] == b"PK"
    page.screenshot(path=str(artifacts / "phone-reports-prepared-xlsx.png"), full_page=True)
    no_horizontal_overflow(page)
    assert_no_axe_violations(page, "reports, file prepared (phone)")
