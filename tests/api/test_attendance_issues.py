"""Attendance issues opened when a day closes, justified and decided; escalation; notes;
retention of raw coordinates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from api.attendance.issues import open_issues_for_day
from api.attendance.services import erase_old_coordinates
from api.attendance.tables import AttendanceIssue, CheckIn
from api.org.tables import User
from tests.fixtures import Org, employed_since

KL = ZoneInfo("Asia/Kuala_Lumpur")


async def _late_day(user_id: int, day: date) -> None:
    for kind, hour, minute in (("in", 9, 40), ("out", 18, 45)):
        at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=KL)
        await CheckIn.insert(
            CheckIn(
                user=user_id,
                client_id=f"{kind}-{day}",
                kind=kind,
                occurred_at=at,
                received_at=at,
                status="inside",
                approval="not_needed",
                lat=2.9266,
                lon=101.69675,
                accuracy_m=10,
            )
        )


async def test_a_closed_day_opens_its_issues_once(org: Org) -> None:
    monday = date(2026, 10, 5)
    await employed_since(
        [org.users[k] for k in ("officer_a", "exec_a", "admin_a")], date(2026, 9, 1), org.office_a
    )
    await _late_day(org.users["officer_a"], monday)
    first = await open_issues_for_day(monday, now=datetime(2026, 10, 6, 3, tzinfo=UTC))
    again = await open_issues_for_day(monday, now=datetime(2026, 10, 6, 3, tzinfo=UTC))
    rows = await AttendanceIssue.select().where(AttendanceIssue.user == org.users["officer_a"])
    assert [r["kind"] for r in rows] == ["late_in"]
    assert again == 0 and first >= 1
    # Everyone else in the fixture did not come at all that Monday.
    absent = await AttendanceIssue.select().where(AttendanceIssue.kind == "absent")
    assert org.users["officer_a"] not in {r["user"] for r in absent}
    assert org.users["exec_a"] in {r["user"] for r in absent}


async def test_no_issues_on_a_weekend(org: Org) -> None:
    saturday = date(2026, 10, 3)
    assert await open_issues_for_day(saturday, now=datetime(2026, 10, 4, 3, tzinfo=UTC)) == 0


async def test_justify_then_the_supervisor_decides(client_factory: Any, org: Org) -> None:
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    await _late_day(org.users["officer_a"], date(2026, 10, 5))
    await open_issues_for_day(date(2026, 10, 5), now=datetime(2026, 10, 6, 3, tzinfo=UTC))
    officer, supervisor = await client_factory(), await client_factory()
    await officer.sign_in(org.login["officer_a"])
    await supervisor.sign_in(org.login["exec_a"])
    [issue] = (await officer.get("/api/attendance/issues")).json()
    assert issue["kind"] == "late_in" and issue["escalation"] == "red"  # weeks ago
    justified = await officer.patch(
        f"/api/attendance/issues/{issue['id']}", json={"justification": "Kereta rosak di jalan"}
    )
    assert justified.json()["status"] == "justified"
    inbox = (await supervisor.get("/api/attendance/approvals/issues")).json()
    assert [i["id"] for i in inbox] == [issue["id"]]
    assert inbox[0]["justification"] == "Kereta rosak di jalan"
    own = await officer.post(
        "/api/attendance/approvals/issues/decisions",
        json={"ids": [issue["id"]], "decision": "approved"},
    )
    assert own.status_code == 404, "nobody decides their own issue"
    decided = await supervisor.post(
        "/api/attendance/approvals/issues/decisions",
        json={"ids": [issue["id"]], "decision": "approved", "note": "Diterima"},
    )
    assert decided.json() == {"decided": [issue["id"]]}
    after = (await officer.get("/api/attendance/issues")).json()[0]
    assert after["status"] == "approved" and after["escalation"] == "none"
    late = await officer.patch(
        f"/api/attendance/issues/{issue['id']}", json={"justification": "lagi"}
    )
    assert late.status_code == 409


async def test_red_issues_reach_the_next_supervisor_up(client_factory: Any, org: Org) -> None:
    # officer_a → exec_a → admin_a
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    await User.update({User.supervisor: org.users["admin_a"]}).where(User.id == org.users["exec_a"])
    long_ago = date(2026, 10, 5)
    recent = datetime.now(KL).date()
    await AttendanceIssue.insert(
        AttendanceIssue(user=org.users["officer_a"], day=long_ago, kind="absent"),
        AttendanceIssue(user=org.users["officer_a"], day=recent, kind="late_in"),
    )
    top = await client_factory()
    await top.sign_in(org.login["admin_a"])
    seen = (await top.get("/api/attendance/approvals/issues")).json()
    assert [
        (i["kind"], i["escalation"]) for i in seen if i["userId"] == org.users["officer_a"]
    ] == [("absent", "red")]


async def test_task_notes(client_factory: Any, org: Org) -> None:
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    officer, supervisor = await client_factory(), await client_factory()
    await officer.sign_in(org.login["officer_a"])
    await supervisor.sign_in(org.login["exec_a"])
    today = datetime.now(KL).date()
    await officer.put(f"/api/attendance/notes/{today}", json={"text": "Semak laporan bulanan"})
    saved = await officer.put(f"/api/attendance/notes/{today}", json={"text": "Semak laporan"})
    assert saved.json()["text"] == "Semak laporan"
    mine = (await officer.get(f"/api/attendance/notes/{today:%Y-%m}")).json()
    assert [n["text"] for n in mine] == ["Semak laporan"]
    team = (await supervisor.get(f"/api/attendance/team/notes/{today}")).json()
    assert [(n["officerName"], n["text"]) for n in team] == [("Pegawai officer_a", "Semak laporan")]
    future = await officer.put(
        f"/api/attendance/notes/{today + timedelta(days=5)}", json={"text": "x"}
    )
    assert future.status_code == 422


async def test_raw_coordinates_are_erased_after_90_days(org: Org) -> None:
    old, fresh = date(2026, 6, 1), date(2026, 10, 5)
    await _late_day(org.users["officer_a"], old)
    await _late_day(org.users["officer_a"], fresh)
    erased = await erase_old_coordinates(now=datetime(2026, 10, 6, tzinfo=UTC))
    assert erased == 2
    rows = await CheckIn.select().order_by(CheckIn.occurred_at)
    assert [(r["lat"] is None, r["status"]) for r in rows] == [
        (True, "inside"),
        (True, "inside"),
        (False, "inside"),
        (False, "inside"),
    ]
