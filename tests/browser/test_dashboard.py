"""The executive dashboard on a tablet (after the administrator imported device punches) and
the agency calendar screen on a phone, in the real PWA and Chromium."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from api.attendance.calendar import WorkingCalendar
from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import open_app, sign_in_fully
from tests.browser.test_screenshots import no_horizontal_overflow

KL = ZoneInfo("Asia/Kuala_Lumpur")


def last_working_day(skip: int = 0) -> str:
    """The latest working day up to today for the demo agency (Putrajaya), or the `skip`-th
    one before it: the buckets count working days only."""
    calendar = WorkingCalendar("PJY")
    day = datetime.now(KL).date()
    while True:
        if calendar.is_working_day(day):
            if skip == 0:
                return day.isoformat()
            skip -= 1
        day -= timedelta(days=1)


def import_punches(page: Any, server: HadirServer, day: str) -> dict[str, Any]:
    """The administrator uploads a device file: demo accounts check in at five times."""
    times = ["07:20", "07:45", "08:10", "08:40", "09:15"]
    people = [a for a in server.accounts.values() if a.role != "super_admin"]
    lines = ["ID Peranti,No KP,Tarikh Masa"]
    lines += [
        f"PINTU-1,{person.login_id},{day} {times[n % len(times)]}"
        for n, person in enumerate(people)
    ]
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "__Host-hadir_csrf")
    response = page.request.post(
        "/api/attendance/punch-imports",
        headers={"x-csrf-token": token},
        multipart={
            "file": {
                "name": "punches.csv",
                "mimeType": "text/csv",
                "buffer": "\n".join(lines).encode(),
            }
        },
    )
    assert response.status == 200, response.text()
    report: dict[str, Any] = response.json()
    assert report["imported"] == len(people)
    return report


def test_executive_dashboard_on_a_tablet(
    new_page: Any,
    hadir_server: HadirServer,
    admin_state: dict[str, Any],
    artifacts: Path,
) -> None:
    # Not today: other browser tests check in today on the same server.
    day = last_working_day(skip=1)
    admin = new_page(TABLET, storage_state=admin_state)
    open_app(admin, "/home")
    import_punches(admin, hadir_server, day)

    page = new_page(TABLET)
    open_app(page)
    executive = hadir_server.account("executive")
    sign_in_fully(page, hadir_server, executive)
    page.get_by_role("link", name="Papan pemuka").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Papan pemuka kehadiran")
    page.get_by_label("Dari").fill(day)
    page.get_by_label("Hingga").fill(day)
    with page.expect_response("**/api/attendance/dashboard?*") as answer:
        page.get_by_role("button", name="Papar").click()
    data = answer.value.json()
    assert data["registered"] > 0
    assert [d["checkedIn"] for d in data["days"]] == [7]
    checked_in = sum(b["count"] for b in data["buckets"])
    assert checked_in == 7  # the demo accounts other than the super administrator

    summary = page.get_by_role("table", name="Ringkasan")
    expect(summary).to_be_visible()
    registered_row = summary.get_by_role("row", name="Pegawai berdaftar")
    expect(registered_row).to_contain_text(str(data["registered"]))
    expect(summary.get_by_role("row", name="Daftar masuk pertama 07:30–07:59")).to_contain_text("2")
    expect(page.get_by_role("table", name="Daftar masuk mengikut hari")).to_be_visible()
    no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / "tablet-attendance-dashboard.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Muat turun CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"papan-pemuka-{day}-{day}.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    figures = {r[0]: r[1] for r in csv.reader(io.StringIO(text)) if len(r) == 2}
    assert figures["registered_officers"] == str(data["registered"])
    assert figures["first_check_in 07:30–07:59"] == "2"

    # Keyboard: the unit picker, dates and buttons are reachable and labelled.
    page.get_by_label("Unit", exact=True).focus()
    expect(page.get_by_label("Unit", exact=True)).to_be_focused()


def test_agency_calendar_on_a_phone(
    new_page: Any, admin_state: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(PHONE, storage_state=admin_state)
    open_app(page, "/admin/calendar")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kalendar agensi")
    year = datetime.now(KL).year
    expect(page.get_by_role("heading", name=f"Tahun {year}")).to_be_visible()
    overrides = page.locator(".ac-section").first
    overrides.get_by_label("Tarikh").fill(f"24/12/{year}")
    overrides.get_by_label("Nama cuti").fill("Cuti Banjir Ujian")
    with page.expect_response("**/api/attendance/calendar/overrides/*") as saved:
        overrides.get_by_role("button", name="Simpan pembetulan").click()
    assert saved.value.url.endswith(f"/overrides/{year}-12-24")
    expect(overrides.locator(".ac-item")).to_contain_text("Cuti Banjir Ujian")
    holidays = page.locator(".ac-section").last
    expect(holidays.locator(".ac-item", has_text="Cuti Banjir Ujian")).to_be_visible()

    # A clock-broken day for the agency's first office, without a date: explained.
    clock = page.locator(".ac-section").nth(1)
    clock.get_by_role("button", name="Tandakan rosak").click()
    expect(clock.get_by_text("Pilih tarikh.")).to_be_visible()
    no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / "phone-admin-calendar.png"), full_page=True)

    overrides.get_by_role("button", name="Buang").first.click()
    expect(overrides.get_by_text("Tiada pembetulan tahun ini.")).to_be_visible()
