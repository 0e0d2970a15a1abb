"""The supervisor's team view (/team) on a tablet and on a phone: one direct report checked in
inside the office, one outside, one not yet (the counts and rows say so in words); the month
grid with a seeded late day (its code and its accessible name "Nama, 5 Nov: Lewat masuk"), the
working pattern and the legend; a report's task note of today. On a 360 px phone the grid
scrolls inside its own box with the names column sticky, and the page never scrolls sideways.

The three reports are demo officers without sign-in accounts (no other test touches them);
their records are written into the live server's database by a small script run with the
server's own settings, as tests/browser/test_meeting_day.py does. Whatever day the test runs:
the "not yet" report counts as "on leave or day off" on a weekend or holiday, as the view says.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

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

KL = ZoneInfo("Asia/Kuala_Lumpur")
NOTE = "Menyemak modul laporan kehadiran bersama vendor"
WHERE_WORDS = {
    "not_checked_in": "Belum daftar masuk",
    "outside": "Di luar pejabat",
    "in_office": "Di pejabat",
    "checked_out": "Sudah daftar keluar",
    "off": "Cuti atau hari rehat",
}
NOT_EXPECTED = {"on_leave", "public_holiday", "weekend", "clock_broken"}
MONTHS_MS = ["Jan", "Feb", "Mac", "Apr", "Mei", "Jun", "Jul", "Ogo", "Sep", "Okt", "Nov", "Dis"]

SEED = r"""
import asyncio, json, sys
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

async def main() -> None:
    from api import db, piccolo_conf
    from api.attendance.tables import CheckIn, TaskNote
    from api.org.tables import Office, User

    await db.start(piccolo_conf.DB)
    try:
        plan = json.loads(sys.argv[1])
        kl = ZoneInfo("Asia/Kuala_Lumpur")
        boss = await User.select(User.id).where(User.login_id == plan["supervisor"]).first()
        reports = await (
            User.select(User.id, User.name)
            .where(
                (User.supervisor == boss["id"])
                & (User.state == "active")
                & User.login_id.not_in(plan["skip"])
            )
            .order_by(User.id)
        )
        inside, outside, not_yet = reports[:3]
        office = await Office.select(Office.id).where(Office.code == "IBU-PEJABAT").first()
        now = datetime.now(UTC)
        today = now.astimezone(kl).date()
        at = max(now - timedelta(seconds=60), datetime.combine(today, time(0, 0, 1), kl))

        def record(user, when, kind, status, **extra):
            return CheckIn(
                user=user["id"], client_id=f"team-view-{user['id']}-{when.timestamp()}-{kind}",
                kind=kind, occurred_at=when, received_at=when, status=status,
                approval="not_needed" if status == "inside" else "pending", **extra)

        late = date.fromisoformat(plan["late_day"])
        await CheckIn.insert(
            record(inside, at, "in", "inside", office=office["id"], distance_m=0),
            record(outside, at, "in", "outside", office=office["id"], distance_m=1800,
                   mode="official_duty", note="Mesyuarat di Kementerian Kewangan"),
            # A late day last month for the grid: in 09:40, out 18:45.
            record(outside, datetime.combine(late, time(9, 40), kl), "in", "inside",
                   office=office["id"]),
            record(outside, datetime.combine(late, time(18, 45), kl), "out", "inside",
                   office=office["id"]),
        )
        await TaskNote.insert(TaskNote(user=inside["id"], day=today, text=plan["note"],
                                       updated_at=now))
        print(json.dumps({"inside": inside, "outside": outside, "not_yet": not_yet}))
    finally:
        await db.stop(piccolo_conf.DB)

asyncio.run(main())
"""


def _previous_month(today: date) -> str:
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}-{month:02d}"


def _where(member: dict[str, Any]) -> str:
    if member["where"] == "not_checked_in" and member["status"] in NOT_EXPECTED:
        return "off"
    return str(member["where"])


@pytest.fixture(scope="module")
def supervisor_state(browser: Any, hadir_server: HadirServer) -> dict[str, Any]:
    return _signed_in_state(browser, hadir_server, hadir_server.account("supervisor"))


@pytest.fixture(scope="module")
def seeded(
    browser: Any, hadir_server: HadirServer, supervisor_state: dict[str, Any]
) -> dict[str, Any]:
    """Seeds the three reports; the late day is the first day of last month that the server
    counts as an absence for the report seeded outside (a working day without records)."""
    context = browser.new_context(base_url=hadir_server.base_url, storage_state=supervisor_state)
    try:
        month = _previous_month(datetime.now(KL).date())
        grid = context.request.get(f"/api/attendance/team/months/{month}")
        assert grid.ok, grid.text()
        month_team = grid.json()
        today_team = context.request.get("/api/attendance/team/today").json()
    finally:
        context.close()
    skip = [a.login_id for a in hadir_server.accounts.values()]
    # The same order as the script's (by id), among reports nobody else signs in as.
    reports = sorted((m for m in today_team if m["loginId"] not in skip), key=lambda m: m["userId"])
    outside_id = reports[1]["userId"]
    days = next(m["days"] for m in month_team if m["userId"] == outside_id)
    late_day = next(d["day"] for d in days if d["status"] == "absent")
    plan = {
        "supervisor": hadir_server.account("supervisor").login_id,
        "skip": skip,
        "late_day": late_day,
        "note": NOTE,
    }
    env = server_env(hadir_server.var_dir, 0, database_file="b.sqlite3")
    done = subprocess.run(
        [sys.executable, "-c", SEED, json.dumps(plan)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    people: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert people["outside"]["id"] == outside_id
    people["month"] = month
    people["late_day"] = late_day
    return people


def _expect_today(page: Any, seeded: dict[str, Any]) -> None:
    """Counts and rows agree with what the server says about the whole team."""
    team = page.request.get("/api/attendance/team/today").json()
    by_id = {m["userId"]: m for m in team}
    inside, outside, not_yet = (by_id[seeded[k]["id"]] for k in ("inside", "outside", "not_yet"))
    assert (inside["where"], outside["where"], not_yet["where"]) == (
        "in_office",
        "outside",
        "not_checked_in",
    )
    panel = page.get_by_role("region", name="Keadaan pasukan hari ini")
    rows = panel.locator("tbody tr")
    expect(rows).to_have_count(len(team))
    for where, words in WHERE_WORDS.items():
        count = sum(1 for m in team if _where(m) == where)
        card = page.locator(f'.team-cards [data-where="{where}"]')
        expect(card).to_contain_text(words)
        expect(card.locator(".db-card__value")).to_have_text(str(count))

    row = panel.get_by_role("row").filter(has_text=seeded["inside"]["name"])
    expect(row).to_contain_text("Di pejabat")
    expect(row).to_contain_text("Ibu Pejabat")
    expect(row.locator("td").nth(2)).to_have_text(re.compile(r"^\d{2}[.:]\d{2}$"))
    row = panel.get_by_role("row").filter(has_text=seeded["outside"]["name"])
    expect(row).to_contain_text("Di luar pejabat")
    row = panel.get_by_role("row").filter(has_text=seeded["not_yet"]["name"])
    expect(row).to_contain_text(WHERE_WORDS[_where(not_yet)])
    # Sorted: not yet in first, then outside, then in the office, gone home, off.
    order = [_where(m) for m in team]
    ranks = {w: i for i, w in enumerate(WHERE_WORDS)}
    wanted = sorted(order, key=lambda w: ranks[w])
    shown = [row.get_attribute("data-where") for row in panel.locator("tbody tr").element_handles()]
    assert shown == wanted


def _late_cell_name(seeded: dict[str, Any]) -> str:
    day = date.fromisoformat(seeded["late_day"])
    return f"{seeded['outside']['name']}, {day.day} {MONTHS_MS[day.month - 1]}: Lewat masuk"


def test_supervisor_sees_the_team_on_a_tablet(
    new_page: Any, supervisor_state: dict[str, Any], seeded: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(TABLET, storage_state=supervisor_state)
    open_app(page, "/home")
    page.get_by_role("navigation").get_by_role("link", name="Pasukan saya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pasukan saya")
    expect(page.get_by_role("button", name="Hari ini")).to_have_attribute("aria-pressed", "true")
    _expect_today(page, seeded)
    page.screenshot(path=str(artifacts / "tablet-team-today.png"), full_page=True)
    no_horizontal_overflow(page)

    # Refresh asks the server again.
    with page.expect_response("**/api/attendance/team/today") as again:
        page.get_by_role("button", name="Muat semula").click()
    assert again.value.ok
    expect(page.get_by_text(re.compile(r"^Dikemas kini pada \d{2}[.:]\d{2}\.$"))).to_be_visible()

    # The month grid, reached with the keyboard: last month holds the seeded late day.
    page.get_by_role("button", name="Bulanan").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Bulanan")).to_have_attribute("aria-pressed", "true")
    with page.expect_response(f"**/api/attendance/team/months/{seeded['month']}"):
        page.get_by_role("button", name="Bulan sebelum").click()
    grid = page.get_by_role("region", name="Grid kehadiran bulanan")
    cell = grid.get_by_role("cell", name=_late_cell_name(seeded), exact=True)
    expect(cell.locator("[aria-hidden=true]")).to_have_text("L")
    expect(cell).to_have_class(re.compile(r"team-cell--warn"))
    row = grid.locator(f'tr[data-user-id="{seeded["outside"]["id"]}"]')
    expect(row.locator(".team-grid__pattern")).to_have_text("WBF")
    # The legend says every code in words.
    page.get_by_text("Petunjuk kod").click()
    legend = page.locator(".team-legend")
    expect(legend).to_contain_text("Lewat masuk")
    expect(legend).to_contain_text("Hujung minggu")
    page.screenshot(path=str(artifacts / "tablet-team-month.png"), full_page=True)
    no_horizontal_overflow(page)

    # The task notes of today.
    page.get_by_role("button", name="Catatan tugasan").click()
    # dd/mm/yyyy on every phone, not the browser's own date format.
    expect(page.get_by_label("Tarikh")).to_have_value(datetime.now(KL).strftime("%d/%m/%Y"))
    note = page.locator(f'.team-note[data-user-id="{seeded["inside"]["id"]}"]')
    expect(note.get_by_role("heading", name=seeded["inside"]["name"])).to_be_visible()
    expect(note).to_contain_text(NOTE)
    # (other tests may add notes of the same team today: at least this one)
    expect(page.get_by_role("status").filter(has_text="catatan tugasan pada")).to_have_text(
        re.compile(r"^[1-9]\d* catatan tugasan pada ")
    )
    page.screenshot(path=str(artifacts / "tablet-team-notes.png"), full_page=True)
    # A day without notes says so.
    page.get_by_label("Tarikh").fill("06/01/2020")
    page.get_by_role("button", name="Papar catatan").click()
    expect(page.get_by_role("status").filter(has_text="Tiada catatan tugasan pada")).to_have_text(
        "Tiada catatan tugasan pada 6 Januari 2020."
    )
    expect(page.locator(".team-note")).to_have_count(0)
    # No date: said in words at the field, nothing asked of the server.
    page.get_by_label("Tarikh").fill("")
    page.get_by_role("button", name="Papar catatan").click()
    expect(page.locator(".team-notes-form .field__error")).to_have_text("Sila pilih tarikh.")
    expect(page.get_by_label("Tarikh")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Tarikh")).to_be_focused()
    # Not a real day: said at the field too.
    page.get_by_label("Tarikh").fill("31/02/2020")
    page.get_by_role("button", name="Papar catatan").click()
    expect(page.locator(".team-notes-form .field__error")).to_contain_text("Tarikh tidak sah")


def test_supervisor_sees_the_team_on_a_phone(
    new_page: Any, supervisor_state: dict[str, Any], seeded: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(PHONE, storage_state=supervisor_state)
    open_app(page, "/team")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pasukan saya")
    _expect_today(page, seeded)
    page.screenshot(path=str(artifacts / "phone-team-today.png"), full_page=True)
    no_horizontal_overflow(page)

    open_app(page, f"/team?tab=month&month={seeded['month']}")
    grid = page.get_by_role("region", name="Grid kehadiran bulanan")
    cell = grid.get_by_role("cell", name=_late_cell_name(seeded), exact=True)
    expect(cell.locator("[aria-hidden=true]")).to_have_text("L")
    # The grid scrolls inside its box, the names stay in view, the page does not move sideways.
    sizes = grid.evaluate("(e) => [e.scrollWidth, e.clientWidth]")
    assert sizes[0] > sizes[1]
    name = grid.locator(f'tr[data-user-id="{seeded["outside"]["id"]}"] th')
    grid.evaluate("(e) => { e.scrollLeft = e.scrollWidth; }")
    assert grid.evaluate("(e) => e.scrollLeft") > 0
    box, region = name.bounding_box(), grid.bounding_box()
    assert box is not None and region is not None
    assert abs(box["x"] - region["x"]) < 2, (box, region)
    grid.screenshot(path=str(artifacts / "phone-team-month-scrolled.png"))
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / "phone-team-month.png"), full_page=True)
    no_horizontal_overflow(page)

    page.get_by_role("button", name="Catatan tugasan").click()
    expect(page.locator(".team-note").filter(has_text=NOTE)).to_be_visible()
    page.screenshot(path=str(artifacts / "phone-team-notes.png"), full_page=True)
    no_horizontal_overflow(page)

    # Language switch: English words everywhere, the cell's name too.
    page.evaluate("localStorage.setItem('hadir.lang', 'en')")
    open_app(page, f"/team?tab=month&month={seeded['month']}")
    page.reload()
    page.locator("html[data-ready]").wait_for(state="attached")
    expect(page.get_by_role("heading", level=1)).to_have_text("My team")
    day = date.fromisoformat(seeded["late_day"])
    english = f"{seeded['outside']['name']}, {day.day} {day:%b}: Late in"
    late = page.get_by_role("cell", name=english, exact=True)
    expect(late.locator("[aria-hidden=true]")).to_have_text("L")
