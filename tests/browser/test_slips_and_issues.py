"""Movement slips for the officer (phone) and attendance issues for the supervisor (tablet).

The officer asks for a slip to another office from the "Slip pergerakan" screen (reached from
the home screen and from "Lagi"), with errors shown at the fields, sees it pending; the
supervisor approves it in the approvals page on a tablet; the officer sees it approved with the
note, and cancels another one after a confirmation (and is told plainly when a third was
decided meanwhile). Late-in issues opened by the daily service and justified by the officer
(through the API) are approved, rejected with a note and decided several at once by the
supervisor; the red one also reaches the supervisor's own supervisor, marked as escalated."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, ROOT, TABLET, HadirServer, _server_env
from tests.browser.helpers import open_app
from tests.browser.test_attendance_flow import _signed_in_state
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser

KL = ZoneInfo("Asia/Kuala_Lumpur")
ISSUES_DECIDE = "**/api/attendance/approvals/issues/decisions"
SLIPS_DECIDE = "**/api/attendance/approvals/movement-slips/decisions"

# Late-in days for the officer (in 09:40, out 18:45), on two past working days of the agency's
# calendar: one whose issue has turned yellow and one red; then the daily service opens the
# issues of those days (api.attendance.issues.open_issues_for_day, as the scheduler does), for
# everybody: the other officers, who did not come, get "absent" ones.
_OPEN_ISSUES = """
import asyncio, json, sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from api import db, piccolo_conf
from api.attendance import rules
from api.attendance.calendar_admin import working_calendar
from api.attendance.issues import open_issues_for_day
from api.attendance.services import POLICY
from api.attendance.tables import AttendanceIssue, CheckIn
from api.org.tables import OfficeAssignment, User

KL = ZoneInfo("Asia/Kuala_Lumpur")

async def main():
    await db.start(piccolo_conf.DB)
    officer = await User.select(User.id, User.agency).where(User.login_id == sys.argv[1]).first()
    # The demo accounts were made when the server started: they have worked at their offices
    # for long (days before an account or its first assignment are never "absent").
    long_ago = datetime(2020, 1, 1, tzinfo=KL)
    agency_users = User.select(User.id).where(User.agency == officer["agency"])
    await User.update({User.created_at: long_ago}).where(User.agency == officer["agency"])
    await OfficeAssignment.update({OfficeAssignment.created_at: long_ago}).where(
        OfficeAssignment.user.is_in(agency_users)
    )
    calendar = await working_calendar(officer["agency"])
    today = datetime.now(KL).date()
    wanted = {}
    day = today - timedelta(days=1)
    while len(wanted) < 2:
        level = str(rules.escalation_level(day, today, calendar, POLICY.escalation))
        taken = await AttendanceIssue.exists().where(  # another test's day
            (AttendanceIssue.user == officer["id"]) & (AttendanceIssue.day == day)
        )
        if calendar.is_working_day(day) and level in ("yellow", "red") and level not in wanted:
            if not taken:
                wanted[level] = day
        day -= timedelta(days=1)
    for day in wanted.values():
        for kind, hour, minute in (("in", 9, 40), ("out", 18, 45)):
            at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=KL)
            await CheckIn.insert(CheckIn(
                user=officer["id"], client_id=f"seed-{kind}-{day}", kind=kind, occurred_at=at,
                received_at=at, status="inside", approval="not_needed",
                lat=2.92650, lon=101.69660, accuracy_m=10,
            ))
        await open_issues_for_day(day)
    found = {}
    for level, day in wanted.items():
        row = await AttendanceIssue.select(AttendanceIssue.id).where(
            (AttendanceIssue.user == officer["id"]) & (AttendanceIssue.day == day)
            & (AttendanceIssue.kind == "late_in")
        ).first()
        found[level] = {"id": row["id"], "day": day.isoformat()}
    await db.stop(piccolo_conf.DB)
    print(json.dumps(found))

asyncio.run(main())
"""


def _open_issues(server: HadirServer) -> dict[str, dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-c", _OPEN_ISSUES, server.account("officer").login_id],
        cwd=ROOT,
        env=_server_env(server.var_dir, 0),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _csrf(page: Any) -> str:
    return str(next(c["value"] for c in page.context.cookies() if c["name"] == "__Host-hadir_csrf"))


def _fill_when(group: Any, at: datetime, date: str = "Tarikh", time: str = "Masa") -> None:
    """Types a moment into a date-and-time group: dd/mm/yyyy and a 24-hour hh:mm."""
    local = at.astimezone(KL)
    group.get_by_label(date, exact=True).fill(local.strftime("%d/%m/%Y"))
    group.get_by_label(time, exact=True).fill(local.strftime("%H:%M"))


def _read_when(group: Any) -> datetime:
    day = group.get_by_label("Tarikh", exact=True).input_value()
    clock = group.get_by_label("Masa", exact=True).input_value()
    return datetime.strptime(f"{day} {clock}", "%d/%m/%Y %H:%M")


@pytest.fixture(scope="module")
def officer_state(browser: Any, hadir_server: HadirServer) -> dict[str, Any]:
    return _signed_in_state(browser, hadir_server, hadir_server.account("officer"))


@pytest.fixture(scope="module")
def supervisor_state(browser: Any, hadir_server: HadirServer) -> dict[str, Any]:
    return _signed_in_state(browser, hadir_server, hadir_server.account("supervisor"))


def test_officer_asks_for_slips_the_supervisor_approves_one_the_officer_cancels_another(
    new_page: Any,
    hadir_server: HadirServer,
    officer_state: dict[str, Any],
    supervisor_state: dict[str, Any],
    artifacts: Path,
) -> None:
    officer = hadir_server.account("officer")
    page = new_page(PHONE, storage_state=officer_state)
    open_app(page, "/home")
    offices = page.request.get("/api/attendance/offices").json()
    destination = offices[-1]["name"]

    # From the home screen, next to the check-in button.
    checkin = page.locator(".checkin")
    link = checkin.get_by_role("link", name="Akan bertugas di pejabat lain? Mohon slip pergerakan")
    expect(link).to_be_visible()
    checkin.screenshot(path=str(artifacts / "phone-home-slips-link.png"))
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Slip pergerakan")
    expect(page.get_by_text("tidak memerlukan kelulusan lagi")).to_be_visible()

    # And from "Lagi" in the phone's tab bar.
    open_app(page, "/home")
    nav = page.get_by_role("navigation")
    nav.get_by_role("button", name="Lagi").click()
    nav.locator("#nav-more").get_by_role("link", name="Slip pergerakan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Slip pergerakan")

    form = page.get_by_role("form", name="Mohon slip baharu")
    office = form.get_by_label("Pejabat destinasi")
    starts = form.get_by_role("group", name="Dari")
    ends = form.get_by_role("group", name="Hingga")
    purpose = form.get_by_label("Tujuan")
    submit = form.get_by_role("button", name="Hantar permohonan")
    # Sensible defaults: from the next quarter of an hour, for two hours.
    start_value = _read_when(starts)
    assert _read_when(ends) - start_value == timedelta(hours=2)
    assert (
        timedelta(0) <= start_value - datetime.now(KL).replace(tzinfo=None) <= timedelta(minutes=16)
    )

    # Nothing chosen: said at the fields, the first one takes the focus.
    submit.click()
    expect(office).to_be_focused()
    expect(office).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_text("Pilih pejabat destinasi.")).to_be_visible()
    expect(purpose).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_text("Tulis tujuan (sekurang-kurangnya 3 aksara).")).to_be_visible()
    page.screenshot(path=str(artifacts / "phone-slips-form-errors.png"), full_page=True)
    no_horizontal_overflow(page)

    # A window already over: the server says so, in Malay, at the "until" field.
    now = datetime.now(UTC)
    office.select_option(label=destination)
    _fill_when(starts, now - timedelta(days=1))
    _fill_when(ends, now - timedelta(days=1) + timedelta(hours=2))
    purpose.fill("Mesyuarat teknikal di cawangan")
    with page.expect_response("**/api/attendance/movement-slips") as refused:
        submit.click()
    assert refused.value.status == 422, refused.value.text()
    expect(ends.get_by_label("Tarikh")).to_have_attribute("aria-invalid", "true")
    expect(ends.get_by_label("Tarikh")).to_be_focused()
    expect(form.get_by_text("Slip pergerakan mesti untuk masa hadapan.")).to_be_visible()
    expect(office).not_to_have_attribute("aria-invalid", "true")

    # Tomorrow morning.
    tomorrow = (now + timedelta(days=1)).astimezone(KL).replace(hour=9, minute=0)
    _fill_when(starts, tomorrow)
    _fill_when(ends, tomorrow + timedelta(hours=3))
    with page.expect_response("**/api/attendance/movement-slips") as asked:
        submit.click()
    assert asked.value.ok, asked.value.text()
    first = int(asked.value.json()["id"])
    expect(page.get_by_role("status")).to_contain_text(f"Slip ke {destination}, ")
    expect(page.get_by_role("status")).to_contain_text("dihantar kepada penyelia anda.")
    # Ready for the next one: no purpose, the default window again.
    expect(purpose).to_have_value("")
    assert _read_when(ends) - _read_when(starts) == timedelta(hours=2)
    mine = page.locator(f'.slip[data-slip-id="{first}"]')
    expect(mine).to_contain_text("Menunggu kelulusan")
    expect(mine).to_contain_text("Mesyuarat teknikal di cawangan")

    # Two more with the default window (from now, for two hours).
    ids = []
    for text in ("Lawatan tapak rangkaian", "Taklimat vendor"):
        office.select_option(label=destination)
        purpose.fill(text)
        with page.expect_response("**/api/attendance/movement-slips") as asked:
            submit.click()
        assert asked.value.ok, asked.value.text()
        ids.append(int(asked.value.json()["id"]))
    second, third = ids
    expect(page.locator(f'.slip[data-slip-id="{third}"]')).to_contain_text("Menunggu kelulusan")
    page.screenshot(path=str(artifacts / "phone-slips-pending.png"), full_page=True)
    no_horizontal_overflow(page)

    # The supervisor, on a tablet, approves the first with a note.
    boss = new_page(TABLET, storage_state=supervisor_state)
    open_app(boss, "/approvals")
    section = boss.get_by_role("region", name="Slip pergerakan")
    card = section.locator(f'.approval[data-slip-id="{first}"]')
    expect(card).to_contain_text(officer.name)
    expect(card).to_contain_text("Mesyuarat teknikal di cawangan")
    # The note is the slip's own (on the item), opened by "Tambah catatan".
    card.get_by_role("button", name="Tambah catatan").click()
    card.get_by_label("Catatan keputusan slip").fill("Selamat bertugas")
    with boss.expect_response(SLIPS_DECIDE) as decided:
        card.get_by_role("button", name="Luluskan").click()
    assert decided.value.json()["decided"] == [first]
    expect(section.get_by_role("status")).to_have_text("1 permohonan diluluskan.")
    expect(card).to_have_count(0)

    # The officer sees it approved, with the note.
    page.reload()
    page.locator("html[data-ready]").wait_for(state="attached")
    mine = page.locator(f'.slip[data-slip-id="{first}"]')
    expect(mine).to_contain_text("Diluluskan")
    expect(mine).to_contain_text("Catatan penyelia: Selamat bertugas")

    # Cancelling asks first; "Batal" keeps the slip.
    cancel = page.locator(f'.slip[data-slip-id="{second}"]').get_by_role(
        "button", name="Batalkan slip"
    )
    expect(cancel).to_have_attribute(
        "aria-label", re.compile(rf"^Batalkan slip ke {re.escape(destination)}, .+ – .+")
    )
    cancel.click()
    dialog = page.get_by_role("dialog", name="Batalkan slip ini?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Batal", exact=True)).to_be_focused()
    page.screenshot(path=str(artifacts / "phone-slips-cancel-dialog.png"))
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(cancel).to_be_focused()
    cancel.click()
    with page.expect_response(f"**/api/attendance/movement-slips/{second}") as cancelled:
        page.get_by_role("dialog").get_by_role("button", name="Ya, batalkan").click()
    assert cancelled.value.status == 204
    slips_list = page.get_by_role("region", name="Slip saya")
    expect(slips_list.get_by_role("status")).to_contain_text("telah dibatalkan.")
    gone = page.locator(f'.slip[data-slip-id="{second}"]')
    expect(gone).to_contain_text("Dibatalkan")
    expect(gone.get_by_role("button")).to_have_count(0)

    # Rejected by the supervisor meanwhile: the officer is told plainly, the list is refreshed.
    response = boss.request.post(
        "/api/attendance/approvals/movement-slips/decisions",
        data={"ids": [third], "decision": "rejected", "note": "Sila pergi esok"},
        headers={"x-csrf-token": _csrf(boss)},
    )
    assert response.ok, response.text()
    page.locator(f'.slip[data-slip-id="{third}"]').get_by_role(
        "button", name="Batalkan slip"
    ).click()
    page.get_by_role("dialog").get_by_role("button", name="Ya, batalkan").click()
    expect(slips_list.get_by_role("alert")).to_have_text(
        "Slip pergerakan ini sudah diputuskan atau dibatalkan."
    )
    expect(page.locator(f'.slip[data-slip-id="{third}"]')).to_contain_text("Ditolak")
    expect(page.locator(f'.slip[data-slip-id="{third}"]')).to_contain_text("Sila pergi esok")
    page.screenshot(path=str(artifacts / "phone-slips-decided.png"), full_page=True)
    no_horizontal_overflow(page)

    listed = {
        s["id"]: s["status"] for s in page.request.get("/api/attendance/movement-slips").json()
    }
    assert (listed[first], listed[second], listed[third]) == ("approved", "cancelled", "rejected")

    # In English on a tablet, from the side bar; the server's messages in English too.
    tablet = new_page(TABLET, storage_state=officer_state)
    open_app(tablet, "/account")
    try:
        tablet.get_by_text("English", exact=True).click()
        expect(tablet.get_by_role("heading", level=1)).to_have_text("My account")
        tablet.get_by_role("navigation").get_by_role("link", name="Movement slips").click()
        expect(tablet.get_by_role("heading", level=1)).to_have_text("Movement slips")
        expect(tablet.get_by_text("needs no further approval")).to_be_visible()
        approved = tablet.locator(f'.slip[data-slip-id="{first}"]')
        expect(approved).to_contain_text("Approved")
        expect(approved).to_contain_text("Supervisor's note: Selamat bertugas")
        expect(tablet.locator(f'.slip[data-slip-id="{second}"]')).to_contain_text("Cancelled")
        expect(tablet.locator(f'.slip[data-slip-id="{third}"]')).to_contain_text("Rejected")
        form = tablet.get_by_role("form", name="Ask for a new slip")
        form.get_by_label("Destination office").select_option(label=destination)
        two_days_ago = now - timedelta(days=2)
        _fill_when(form.get_by_role("group", name="From"), two_days_ago, "Date", "Time")
        until = two_days_ago + timedelta(hours=1)
        _fill_when(form.get_by_role("group", name="Until"), until, "Date", "Time")
        form.get_by_role("button", name="Send request").click()
        expect(form.get_by_text("Write the purpose (at least 3 characters).")).to_be_visible()
        form.get_by_label("Purpose").fill("Audit stor")
        with tablet.expect_response("**/api/attendance/movement-slips") as refused:
            form.get_by_role("button", name="Send request").click()
        assert refused.value.status == 422
        past = form.get_by_text("A movement slip must be for a time still to come.")
        expect(past).to_be_visible()
        tablet.screenshot(path=str(artifacts / "tablet-slips-english.png"), full_page=True)
        no_horizontal_overflow(tablet)
    finally:
        # Later tests read the officer's server messages in Malay.
        tablet.request.patch(
            "/api/auth/me", data={"language": "ms"}, headers={"x-csrf-token": _csrf(tablet)}
        )


def test_supervisor_decides_attendance_issues_on_a_tablet(
    new_page: Any,
    browser: Any,
    hadir_server: HadirServer,
    officer_state: dict[str, Any],
    supervisor_state: dict[str, Any],
    artifacts: Path,
) -> None:
    officer = hadir_server.account("officer")
    seeded = _open_issues(hadir_server)
    yellow, red = seeded["yellow"]["id"], seeded["red"]["id"]

    # The officer justifies the red one (through the API); the yellow one stays unanswered.
    asker = new_page(PHONE, storage_state=officer_state)
    open_app(asker, "/home")
    justified = asker.request.patch(
        f"/api/attendance/issues/{red}",
        data={"justification": "Kereta rosak di Lebuhraya Maju"},
        headers={"x-csrf-token": _csrf(asker)},
    )
    assert justified.ok, justified.text()

    boss = new_page(TABLET, storage_state=supervisor_state)
    open_app(boss, "/approvals")
    section = boss.get_by_role("region", name="Isu kehadiran")
    expect(section).to_be_visible()
    red_card = section.locator(f'.approval[data-issue-id="{red}"]')
    yellow_card = section.locator(f'.approval[data-issue-id="{yellow}"]')
    expect(red_card).to_contain_text(officer.name)
    expect(red_card).to_contain_text("Lewat masuk")
    expect(red_card).to_contain_text("Kereta rosak di Lebuhraya Maju")
    expect(red_card.get_by_text("Kad merah: turut dihantar kepada penyelia anda")).to_be_visible()
    expect(yellow_card.get_by_text("Kad kuning")).to_be_visible()
    expect(yellow_card.get_by_text("Belum dijustifikasi")).to_be_visible()
    expect(yellow_card).to_contain_text("Belum diberi oleh pegawai")
    boss.screenshot(path=str(artifacts / "tablet-approvals-issues.png"), full_page=True)
    no_horizontal_overflow(boss)

    # The same section on a phone.
    phone = new_page(PHONE, storage_state=supervisor_state)
    open_app(phone, "/approvals")
    expect(phone.locator(f'.approval[data-issue-id="{red}"]')).to_be_visible()
    phone.locator(f'.approval[data-issue-id="{red}"]').screenshot(
        path=str(artifacts / "phone-approvals-issue-card.png")
    )
    no_horizontal_overflow(phone)

    # The red one also reached the supervisor's own supervisor (the director), marked.
    director = new_page(
        TABLET, storage_state=_signed_in_state(browser, hadir_server, hadir_server.account("chair"))
    )
    open_app(director, "/approvals")
    up = director.get_by_role("region", name="Isu kehadiran").locator(
        f'.approval[data-issue-id="{red}"]'
    )
    expect(up.get_by_text("Kad merah: dinaikkan kepada anda")).to_be_visible()
    expect(
        director.get_by_role("region", name="Isu kehadiran").locator(
            f'.approval[data-issue-id="{yellow}"]'
        )
    ).to_have_count(0)

    # Approve the justified one by itself.
    with boss.expect_response(ISSUES_DECIDE) as decided:
        red_card.get_by_role("button", name="Luluskan").click()
    assert decided.value.json()["decided"] == [red]
    expect(section.get_by_role("status")).to_have_text("1 permohonan diluluskan.")
    expect(red_card).to_have_count(0)

    # Rejecting needs a note: the issue's own note field says so and takes the focus.
    note = yellow_card.get_by_label("Catatan keputusan isu")
    yellow_card.get_by_role("button", name="Tolak").click()
    expect(note).to_be_focused()
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(section.get_by_text("Tulis catatan untuk menolak.")).to_be_visible()
    note.fill("Tiada justifikasi diberi")
    with boss.expect_response(ISSUES_DECIDE) as decided:
        yellow_card.get_by_role("button", name="Tolak").click()
    assert decided.value.json()["decided"] == [yellow]
    expect(section.get_by_role("status")).to_have_text("1 permohonan ditolak.")
    expect(yellow_card).to_have_count(0)

    # Several at once, with the keyboard: two check boxes, then "approve the selected".
    boxes = section.locator(".approval__select")
    expect(boxes.first).to_be_visible()
    chosen = [int(boxes.nth(i).get_attribute("value") or 0) for i in range(2)]
    for i in range(2):
        boxes.nth(i).focus()
        boss.keyboard.press("Space")
    expect(section.get_by_text("2 dipilih")).to_be_visible()
    with boss.expect_response(ISSUES_DECIDE) as decided:
        section.get_by_role("button", name="Luluskan yang dipilih").click()
    assert decided.value.json()["decided"] == sorted(chosen)
    expect(section.get_by_role("status")).to_have_text("2 permohonan diluluskan.")
    for issue in chosen:
        expect(section.locator(f'.approval[data-issue-id="{issue}"]')).to_have_count(0)

    # Decided elsewhere meanwhile: the conflict is said plainly and the list refreshed.
    other = int(boxes.first.get_attribute("value") or 0)
    response = boss.request.post(
        "/api/attendance/approvals/issues/decisions",
        data={"ids": [other], "decision": "approved", "note": ""},
        headers={"x-csrf-token": _csrf(boss)},
    )
    assert response.ok, response.text()
    with boss.expect_response(ISSUES_DECIDE) as decided:
        section.locator(f'.approval[data-issue-id="{other}"]').get_by_role(
            "button", name="Luluskan"
        ).click()
    assert decided.value.status == 409
    expect(section.get_by_role("alert")).to_have_text("Isu kehadiran ini sudah diputuskan.")
    expect(section.locator(f'.approval[data-issue-id="{other}"]')).to_have_count(0)
    boss.screenshot(path=str(artifacts / "tablet-approvals-issues-after.png"), full_page=True)

    # The officer's own list has both decisions, the rejection with its note.
    own = {i["id"]: i for i in asker.request.get("/api/attendance/issues").json()}
    assert own[red]["status"] == "approved"
    assert (own[yellow]["status"], own[yellow]["decisionNote"]) == (
        "rejected",
        "Tiada justifikasi diberi",
    )
