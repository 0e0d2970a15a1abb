"""The officer's own attendance screen (#/attendance, pwa/js/views/my-attendance.js) in the real
PWA and Chromium: on a 360 px phone the officer opens last month's calendar from the home
screen's today card (a late day and a present day seeded by this file are checked by their code,
colour class, details and table row), downloads the CSV, justifies the late-in issue and sees it
as justified, writes today's task note and finds it after a reload, and sees a plain "no
connection" message with a retry when offline. Then the same screen in English on a tablet,
with the keyboard.

Last month's check-ins are written into the live server's database by a small script run with
the server's own settings (as tests/api do), and the late day's issues are opened by the daily
job's own function (`open_issues_for_day`), so no other test's days change. Screenshots:
tests/artifacts/*-my-attendance-*.png.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, ROOT, TABLET, HadirServer
from tests.browser.helpers import open_app
from tests.browser.test_attendance_flow import _signed_in_state
from tests.browser.test_screenshots import no_horizontal_overflow
from tests.support.live_server import server_env

pytestmark = pytest.mark.browser

SEED = r"""
import asyncio, json, sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

async def main() -> None:
    from api import db, piccolo_conf
    from api.attendance.calendar_admin import working_calendar
    from api.attendance.issues import open_issues_for_day
    from api.attendance.tables import CheckIn
    from api.org.tables import User

    kl = ZoneInfo("Asia/Kuala_Lumpur")
    await db.start(piccolo_conf.DB)
    try:
        officer = await User.select(User.id, User.agency).where(
            User.login_id == sys.argv[1]).first()
        calendar = await working_calendar(officer["agency"])
        first_of_this_month = datetime.now(kl).date().replace(day=1)
        day = (first_of_this_month - timedelta(days=1)).replace(day=1)
        working = []
        while len(working) < 2:
            if calendar.is_working_day(day):
                working.append(day)
            day += timedelta(days=1)
        present, late = working
        punches = [(present, "in", 8, 0), (present, "out", 17, 10),
                   (late, "in", 9, 25), (late, "out", 18, 30)]
        for when, kind, hour, minute in punches:
            at = datetime(when.year, when.month, when.day, hour, minute, tzinfo=kl)
            await CheckIn.insert(CheckIn(
                user=officer["id"], client_id=f"my-attendance-{when}-{kind}", kind=kind,
                occurred_at=at, received_at=at, status="inside", approval="not_needed",
                lat=2.9266, lon=101.69675, accuracy_m=10))
        await open_issues_for_day(late)
        print(json.dumps({"present": present.isoformat(), "late": late.isoformat()}))
    finally:
        await db.stop(piccolo_conf.DB)

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def seeded(hadir_server: HadirServer) -> dict[str, str]:
    # The seeding process serves nothing; any valid PORT will do (0 is refused by the config).
    env = server_env(hadir_server.var_dir, 8000, database_file="b.sqlite3")
    done = subprocess.run(
        [sys.executable, "-c", SEED, hadir_server.account("officer").login_id],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    days: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return days


@pytest.fixture(scope="module")
def officer_state(browser: Any, hadir_server: HadirServer) -> dict[str, Any]:
    return _signed_in_state(browser, hadir_server, hadir_server.account("officer"))


def _csrf(page: Any) -> str:
    return str(next(c["value"] for c in page.context.cookies() if c["name"] == "__Host-hadir_csrf"))


def test_officer_month_issue_and_note_on_a_phone(
    new_page: Any, officer_state: dict[str, Any], seeded: dict[str, str], artifacts: Path
) -> None:
    late, present = seeded["late"], seeded["present"]
    month = late[:7]
    page = new_page(PHONE, storage_state=officer_state)
    open_app(page, "/home")
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Kehadiran", exact=True)).to_be_visible()
    page.get_by_role("link", name="Kehadiran bulanan, isu dan catatan tugasan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kehadiran saya")
    expect(page.get_by_role("tab", name="Bulanan")).to_have_attribute("aria-selected", "true")

    # Last month: the seeded days, by code (text), colour class and accessible name.
    with page.expect_response(f"**/api/attendance/months/{month}") as answer:
        page.get_by_role("button", name="Bulan sebelumnya").click()
    data = {d["day"]: d for d in answer.value.json()["days"]}
    assert data[late]["status"] == "late_in" and data[late]["minutesLate"] == 25
    assert data[present]["status"] == "present"
    late_button = page.locator(f'button[data-day="{late}"]')
    expect(late_button).to_have_class(re.compile(r"\bma-s-late_in\b"))
    expect(late_button).to_contain_text("LM")
    expect(late_button).to_have_accessible_name(re.compile(r": Lewat masuk$"))
    present_button = page.locator(f'button[data-day="{present}"]')
    expect(present_button).to_have_class(re.compile(r"\bma-s-present\b"))
    expect(present_button).to_have_accessible_name(re.compile(r": Hadir$"))
    legend = page.locator(".ma-legend")
    expect(legend.get_by_text("Lewat masuk", exact=True)).to_be_visible()
    expect(legend.locator(".ma-legend__item", has=page.locator(".ma-s-present"))).to_have_text(
        "HHadir1 hari"
    )

    # Tapping the late day shows its details and its open issue.
    late_button.click()
    expect(late_button).to_have_attribute("aria-pressed", "true")
    detail = page.locator(".ma-detail")
    expect(detail.get_by_role("definition").first).to_be_visible()
    for label, value in (
        ("Masuk pertama", "09:25"),
        ("Keluar terakhir", "18:30"),
        ("Masuk sebelum", "09:00"),
        ("Minit lewat", "25"),
    ):
        expect(detail.locator(".details__row").filter(has_text=label)).to_contain_text(value)
    expect(detail).to_contain_text("Terbuka — perlu justifikasi")

    # The same days as a table (screen readers; stacked rows on a phone).
    page.get_by_text("Papar hari-hari sebagai jadual").click()
    table = page.get_by_role("table", name=re.compile("^Kehadiran harian"))
    row = table.locator(f'tr[data-day="{late}"]')
    expect(row).to_contain_text("Lewat masuk")
    expect(row).to_contain_text("09:25")
    expect(table.locator(f'tr[data-day="{present}"]')).to_contain_text("Hadir")
    page.screenshot(path=str(artifacts / "phone-my-attendance-month.png"), full_page=True)
    no_horizontal_overflow(page)

    # CSV download of the month.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Muat turun CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"kehadiran-{month}.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    by_day = {r[0]: r for r in rows[1:]}
    assert rows[0][:2] == ["date", "status"]
    assert by_day[late] == [late, "late_in", "09:25", "18:30", "25", "0", ""]
    assert by_day[present][:4] == [present, "present", "08:00", "17:10"]

    # The issue, from the day's details: the justification is required at its field.
    detail.get_by_role("button", name="Lihat isu").click()
    expect(page.get_by_role("tab", name=re.compile("^Isu"))).to_have_attribute(
        "aria-selected", "true"
    )
    card = page.locator(".ma-issue").filter(has_text="Lewat masuk").first
    box = card.get_by_label("Justifikasi")
    expect(box).to_be_focused()
    box.fill("  a ")
    card.get_by_role("button", name="Hantar justifikasi").click()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(card.locator(".field__error")).to_have_text(
        "Tulis justifikasi sekurang-kurangnya 3 aksara."
    )
    box.fill("Kereta rosak di Lebuhraya Putrajaya")
    with page.expect_response("**/api/attendance/issues/*") as patched:
        card.get_by_role("button", name="Hantar justifikasi").click()
    assert patched.value.ok, patched.value.text()
    expect(
        page.get_by_role("status").filter(has_text="Justifikasi anda telah dihantar")
    ).to_be_visible()
    justified = page.locator('.ma-issue[data-status="justified"]').filter(has_text="Lewat masuk")
    expect(justified).to_contain_text("Dijustifikasi — menunggu penyelia")
    expect(justified.get_by_label("Justifikasi")).to_have_value(
        "Kereta rosak di Lebuhraya Putrajaya"
    )
    page.screenshot(path=str(artifacts / "phone-my-attendance-issues.png"), full_page=True)
    no_horizontal_overflow(page)

    # Today's task note: required, saved, and still there after a reload.
    page.get_by_role("tab", name="Catatan").click()
    note = page.get_by_label("Apa yang anda lakukan hari ini?")
    note.fill("   ")
    page.get_by_role("button", name="Simpan catatan").click()
    expect(note).to_have_attribute("aria-invalid", "true")
    text = "Semak laporan bulanan unit.\nMesyuarat JPICT pukul 10 pagi."
    note.fill(text)
    with page.expect_response("**/api/attendance/notes/*") as saved:
        page.get_by_role("button", name="Simpan catatan").click()
    assert saved.value.ok, saved.value.text()
    expect(page.get_by_role("status").filter(has_text="Catatan disimpan pada")).to_be_visible()
    page.reload()
    page.locator("html[data-ready]").wait_for(state="attached")
    expect(page.get_by_role("tab", name="Catatan")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_label("Apa yang anda lakukan hari ini?")).to_have_value(text)
    expect(page.get_by_role("heading", name=re.compile(r"^Catatan tugasan, "))).to_be_visible()
    page.screenshot(path=str(artifacts / "phone-my-attendance-notes.png"), full_page=True)
    no_horizontal_overflow(page)

    # Offline: a month never seen on this device says so plainly and offers a retry (one seen
    # before is shown "as of" then: tests/browser/test_pwa_cold_start.py).
    page.get_by_role("tab", name="Bulanan").click()
    page.context.set_offline(True)
    page.get_by_role("button", name="Bulan sebelumnya").click()
    problem = page.locator(".ma-month").get_by_role("alert")
    expect(problem).to_contain_text("Tidak dapat menghubungi pelayan")
    page.screenshot(path=str(artifacts / "phone-my-attendance-offline.png"), full_page=True)
    page.context.set_offline(False)
    problem.get_by_role("button", name="Cuba lagi").click()
    expect(page.locator(".ma-grid")).to_be_visible()
    expect(problem).to_have_count(0)


def test_the_same_screen_in_english_on_a_tablet(
    new_page: Any, officer_state: dict[str, Any], seeded: dict[str, str], artifacts: Path
) -> None:
    late, present = seeded["late"], seeded["present"]
    page = new_page(TABLET, storage_state=officer_state)
    open_app(page, "/account")
    # A note written on a past day of that month, to be read there.
    written = page.request.put(
        f"/api/attendance/notes/{present}",
        data={"text": "Latihan keselamatan siber"},
        headers={"x-csrf-token": _csrf(page)},
    )
    assert written.ok, written.text()
    try:
        page.get_by_text("English", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My account")
        page.get_by_role("navigation").get_by_role("link", name="Attendance", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My attendance")
        with page.expect_response(f"**/api/attendance/months/{late[:7]}"):
            page.get_by_role("button", name="Previous month").click()
        late_button = page.locator(f'button[data-day="{late}"]')
        expect(late_button).to_contain_text("LI")
        expect(late_button).to_have_accessible_name(re.compile(r": Late in$"))
        expect(page.locator(".ma-legend")).to_contain_text("Legend")
        late_button.click()
        expect(page.locator(".ma-detail")).to_contain_text("Minutes late")
        expect(page.locator(".ma-detail")).to_contain_text("Justified — awaiting your supervisor")
        no_horizontal_overflow(page)
        page.screenshot(path=str(artifacts / "tablet-my-attendance-english.png"), full_page=True)

        # Keyboard: the arrow keys move between tabs; in the calendar, between days.
        month_tab = page.get_by_role("tab", name="Month")
        month_tab.focus()
        page.keyboard.press("ArrowRight")
        issues_tab = page.get_by_role("tab", name=re.compile("^Issues"))
        expect(issues_tab).to_be_focused()
        expect(issues_tab).to_have_attribute("aria-selected", "true")
        justified = page.locator('.ma-issue[data-status="justified"]').first
        expect(justified.get_by_label("Justification")).to_have_value(
            "Kereta rosak di Lebuhraya Putrajaya"
        )
        page.screenshot(
            path=str(artifacts / "tablet-my-attendance-issues-english.png"), full_page=True
        )
        page.keyboard.press("ArrowLeft")
        expect(month_tab).to_have_attribute("aria-selected", "true")
        late_button.focus()
        page.keyboard.press("ArrowRight")
        expect(page.locator("button[data-day]:focus")).to_have_attribute(
            "data-day", re.compile(r"^\d{4}-\d{2}-\d{2}$")
        )
        assert page.evaluate("document.activeElement.dataset.day") != late

        # The present day's details and the Notes tab show the past note, to read.
        page.locator(f'button[data-day="{present}"]').click()
        expect(page.locator(".ma-detail")).to_contain_text("Task note: Latihan keselamatan siber")
        page.get_by_role("tab", name="Notes").click()
        notes = page.locator(".ma-notes")
        expect(page.get_by_role("heading", name=re.compile(r"^Task notes, "))).to_be_visible()
        expect(notes.locator(".ma-note")).to_contain_text("Latihan keselamatan siber")
        page.screenshot(
            path=str(artifacts / "tablet-my-attendance-notes-english.png"), full_page=True
        )
    finally:
        # Later tests read the officer's server messages in Malay.
        page.request.patch(
            "/api/auth/me", data={"language": "ms"}, headers={"x-csrf-token": _csrf(page)}
        )
