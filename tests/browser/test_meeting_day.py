"""The meeting day in the PWA: the room screen shows the rotating QR code (tablet); the chair
scans it on a phone (the QR's URL opened in the phone's browser) and is checked in; the
secretariat marks the others on a tablet (present, absent with a reason, a member represented
by the representative from his RSVP), the quorum banner follows, and the official attendance
list shows "hadir mewakili". Then the calendar and statistics screens on a phone.

The meeting is written into the demo server's database by a small script run with the
server's own settings (the meetings API belongs to another area): its own committee "JKHARI"
with the demo chair, secretariat, supervisor, officer and member, so no other test's meetings
change. Screenshots go to tests/artifacts/meeting-day-*.png.
"""

from __future__ import annotations

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
from tests.browser.helpers import open_app, sign_in_fully
from tests.browser.test_screenshots import no_horizontal_overflow
from tests.support.live_server import server_env

pytestmark = pytest.mark.browser

SEED = r"""
import asyncio, json, sys
from datetime import UTC, datetime, timedelta

async def main() -> None:
    from api import db, piccolo_conf
    from api.meetings.tables import (
        Committee, CommitteeMember, Invitation, Meeting, MeetingCounter
    )
    from api.org.tables import Office, User

    await db.start(piccolo_conf.DB)
    try:
        logins = json.loads(sys.argv[1])
        users = {}
        for role, login in logins.items():
            row = await User.select(User.id, User.agency).where(User.login_id == login).first()
            users[role] = row["id"]
            agency = row["agency"]
        office = await Office.select(Office.id).where(Office.code == "IBU-PEJABAT").first()
        committee = (await Committee.insert(Committee(
            agency=agency, code="JKHARI", name="Jawatankuasa Hari Mesyuarat"
        )).returning(Committee.id))[0]["id"]
        plan = [("chair", "chair", 1), ("supervisor", "member", 10), ("member", "member", 20),
                ("officer", "member", 30), ("secretariat", "secretariat", 900)]
        for key, role, seniority in plan:
            await CommitteeMember.insert(CommitteeMember(
                committee=committee, user=users[key], role=role, seniority=seniority))
        now = datetime.now(UTC)
        meeting = (await Meeting.insert(Meeting(
            committee=committee, year=now.year, number=1,
            title="Mesyuarat Jawatankuasa Hari Mesyuarat", classification="TERHAD",
            mode="physical", venue_office=office["id"], room="Bilik Mesyuarat Utama",
            starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=2),
            status="scheduled", invited_at=now,
        )).returning(Meeting.id))[0]["id"]
        # Numbers come from the counter: keep it in step, as the service would.
        await MeetingCounter.insert(
            MeetingCounter(committee=committee, year=now.year, last_number=1))
        for key, role, seniority in plan:
            extra = {}
            if key == "member":
                extra = {"response": "delegated", "representative": users["executive"]}
            elif key == "officer":
                extra = {"response": "declined", "decline_reason": "Berkursus"}
            elif key in ("chair", "supervisor"):
                extra = {"response": "accepted"}
            await Invitation.insert(Invitation(
                meeting=meeting, user=users[key], role=role, seniority=seniority, **extra))
        await Invitation.insert(Invitation(
            meeting=meeting, user=users["agency_admin"], role="guest", seniority=500))
        print(json.dumps({"meeting": meeting, "committee": committee}))
    finally:
        await db.stop(piccolo_conf.DB)

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def meeting(hadir_server: HadirServer) -> int:
    logins = {
        role: hadir_server.account(role).login_id
        for role in (
            "chair",
            "supervisor",
            "member",
            "officer",
            "secretariat",
            "executive",
            "agency_admin",
        )
    }
    env = server_env(hadir_server.var_dir, 0, database_file="b.sqlite3")
    done = subprocess.run(
        [sys.executable, "-c", SEED, json.dumps(logins)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    meeting_id: int = json.loads(done.stdout.strip().splitlines()[-1])["meeting"]
    return meeting_id


def _signed_in(
    new_page: Any, server: HadirServer, role: str, viewport: dict[str, int], **options: Any
) -> Any:
    page = new_page(viewport, **options)
    open_app(page)
    account = server.account(role)
    sign_in_fully(page, server, account)
    expect(page.get_by_role("heading", level=1)).to_contain_text(account.name)
    return page


def test_room_screen_qr_then_chair_checks_in_on_a_phone(
    new_page: Any, hadir_server: HadirServer, meeting: int, artifacts: Path
) -> None:
    room = _signed_in(new_page, hadir_server, "secretariat", TABLET)
    room.goto(f"/#/meetings/{meeting}/room")
    expect(room.get_by_role("heading", level=1)).to_have_text("Daftar masuk mesyuarat")
    qr = room.get_by_role("img", name="Kod QR daftar masuk mesyuarat")
    expect(qr).to_be_visible()
    assert (qr.get_attribute("src") or "").startswith("data:image/svg+xml")
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 300, box
    expect(room.get_by_text(re.compile(r"^Kod baharu dalam \d+ saat$"))).to_be_visible()
    code = room.locator(".md-room__code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{10}", code), code
    room.screenshot(path=str(artifacts / "meeting-day-room-tablet.png"))

    # What the QR encodes, opened on the chair's phone (as the camera app would).
    url = room.request.get(f"/api/meetings/{meeting}/room-code").json()["url"]
    assert f"/#/meetings/{meeting}/check-in?code=" in url
    phone = _signed_in(new_page, hadir_server, "chair", PHONE)
    path = url.split("#", 1)[1]
    with phone.expect_response(f"**/api/meetings/{meeting}/check-in") as response:
        phone.goto(f"/#{path}")
    assert response.value.status == 200, response.value.text()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Daftar masuk mesyuarat")
    expect(
        phone.get_by_text(re.compile(r"^Kehadiran anda telah direkodkan pada \d\d:\d\d\.$"))
    ).to_be_visible()
    # The code is dropped from the address once used.
    assert "code=" not in phone.url
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(artifacts / "meeting-day-check-in-phone.png"), full_page=True)


def test_secretariat_marks_attendance_on_a_tablet(
    new_page: Any, hadir_server: HadirServer, meeting: int, artifacts: Path
) -> None:
    page = _signed_in(new_page, hadir_server, "secretariat", TABLET)
    page.goto(f"/#/meetings/{meeting}/attendance")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kehadiran mesyuarat")
    quorum = page.locator(".md-quorum")
    chair = hadir_server.account("chair").name
    supervisor = hadir_server.account("supervisor").name
    member = hadir_server.account("member").name
    officer = hadir_server.account("officer").name
    executive = hadir_server.account("executive").name
    people = page.locator(".md-person")
    expect(people).to_have_count(6)
    expect(people.first).to_contain_text(chair)
    # The chair checked in with the QR code in the test before (if it ran): 1 of 4 present.
    expect(quorum).to_have_text(re.compile(r"^Korum: [01]/4 hadir — tidak mencukupi \(perlu 3\)$"))

    def person(name: str) -> Any:
        return people.filter(has_text=name)

    with page.expect_response(re.compile(r"/api/meetings/\d+/attendance/\d+$")):
        person(chair).get_by_role("button", name="Hadir", exact=True).click()
    with page.expect_response(re.compile(r"/api/meetings/\d+/attendance/\d+$")):
        person(supervisor).get_by_role("button", name="Hadir", exact=True).click()
    expect(quorum).to_have_text("Korum: 2/4 hadir — tidak mencukupi (perlu 3)")

    # Absent needs a reason: refused without one, then saved with it.
    person(officer).get_by_role("button", name="Tidak hadir").click()
    reason = page.get_by_label(f"Sebab {officer} tidak hadir")
    expect(reason).to_be_focused()
    expect(reason).to_have_value("Berkursus")
    reason.fill("")
    person(officer).get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("alert")).to_have_text("Sila nyatakan sebab tidak hadir.")
    reason.fill("Berkursus di INTAN")
    with page.expect_response(re.compile(r"/api/meetings/\d+/attendance/\d+$")):
        person(officer).get_by_role("button", name="Simpan").click()
    expect(person(officer).locator(".badge")).to_have_text("Tidak hadir")

    # The member sent the executive as his representative in the RSVP.
    person(member).get_by_role("button", name="Diwakili").click()
    expect(page.get_by_label(f"Nama wakil bagi {member}")).to_have_value(executive)
    with page.expect_response(re.compile(r"/api/meetings/\d+/attendance/\d+$")):
        person(member).get_by_role("button", name="Simpan").click()
    expect(quorum).to_have_text("Korum: 3/4 hadir — mencukupi")
    expect(person(member).get_by_role("button", name="Diwakili")).to_have_attribute(
        "aria-pressed", "true"
    )
    official = page.locator(".md-official")
    expect(official).to_contain_text(f"{executive} (hadir mewakili {member})")
    expect(official).to_contain_text(f"{officer} — Tidak hadir (Berkursus di INTAN)")
    expect(official.locator("li").last).to_have_text(
        f"1. {hadir_server.account('secretariat').name}"
    )
    expect(official.locator("li").first).to_have_text("HADIR")
    expect(official.locator("li").nth(1)).to_have_text(f"1. {chair} (Pengerusi)")
    no_horizontal_overflow(page)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / "meeting-day-attendance-tablet.png"))
    official.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "meeting-day-attendance-list-tablet.png"))


# The demo headquarters (Ibu Pejabat, Blok C4 Presint 1) and a point ~1.5 km away.
INSIDE = {"latitude": 2.92650, "longitude": 101.69660, "accuracy": 10}
OUTSIDE = {"latitude": 2.9400, "longitude": 101.7100, "accuracy": 20}


def test_guest_checks_in_by_position_at_the_venue(
    new_page: Any, hadir_server: HadirServer, meeting: int, artifacts: Path
) -> None:
    page = _signed_in(
        new_page,
        hadir_server,
        "agency_admin",
        PHONE,
        geolocation=OUTSIDE,
        permissions=["geolocation"],
    )
    page.goto(f"/#/meetings/{meeting}/check-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Daftar masuk mesyuarat")
    with page.expect_response(f"**/api/meetings/{meeting}/check-in") as refused:
        page.get_by_role("button", name="Daftar masuk di sini").click()
    assert refused.value.status == 422
    expect(page.locator(".md-result")).to_contain_text(
        re.compile(r"Anda berada kira-kira \d+ m di luar Ibu Pejabat, Blok C4 Presint 1\.")
    )
    page.screenshot(path=str(artifacts / "meeting-day-check-in-outside-phone.png"))
    page.context.set_geolocation(INSIDE)
    with page.expect_response(f"**/api/meetings/{meeting}/check-in") as accepted:
        page.get_by_role("button", name="Daftar masuk di sini").click()
    assert accepted.value.status == 200, accepted.value.text()
    expect(page.locator(".md-result")).to_have_text(
        re.compile(r"^Kehadiran anda telah direkodkan pada \d\d:\d\d\.$")
    )
    no_horizontal_overflow(page)


def test_calendar_and_statistics_on_a_phone(
    new_page: Any, hadir_server: HadirServer, meeting: int, artifacts: Path
) -> None:
    page = _signed_in(new_page, hadir_server, "member", PHONE)
    page.goto("/#/meetings/calendar")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kalendar mesyuarat")
    # Agenda by default on a phone.
    expect(page.get_by_role("button", name="Agenda")).to_have_attribute("aria-pressed", "true")
    item = page.get_by_role("link", name=re.compile("Mesyuarat Jawatankuasa Hari Mesyuarat"))
    expect(item).to_be_visible()
    assert item.get_attribute("href") == f"#/meetings/{meeting}"
    expect(page.get_by_text("Menghantar wakil")).to_be_visible()
    no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / "meeting-day-calendar-phone.png"), full_page=True)
    page.get_by_role("button", name="Bulan").click()
    expect(page.locator(".mc-month")).to_be_visible()
    today = page.locator(".mc-day--today")
    today.focus()
    page.keyboard.press("ArrowRight")
    expect(today).not_to_be_focused()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / "meeting-day-calendar-month-phone.png"))

    admin = _signed_in(new_page, hadir_server, "agency_admin", PHONE)
    admin.goto("/#/meetings/stats")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Statistik mesyuarat")
    expect(admin.locator(".ms-table")).to_be_visible()
    expect(admin.get_by_role("row", name=re.compile("Jawatankuasa Hari Mesyuarat"))).to_be_visible()
    csv_link = admin.get_by_role("link", name="Muat turun CSV")
    assert (csv_link.get_attribute("href") or "").startswith("/api/meeting-stats.csv?from=")
    no_horizontal_overflow(admin)
    admin.screenshot(path=str(artifacts / "meeting-day-stats-phone.png"), full_page=True)
    assert "null" not in admin.locator(".ms-result").inner_text()
