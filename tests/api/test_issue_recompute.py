"""Issues follow their inputs (issue 15, item 5): leave or device punches imported after the
daily job, or a holiday override added later, recompute the affected days' issues: what no
longer holds closes with its reason, what holds opens (or reopens), and doing it again changes
nothing. Days before an account existed or before its first assignment are never "absent"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from api.attendance.issues import open_issues_for_day, recompute_issues
from api.attendance.tables import AttendanceIssue
from api.org.tables import OfficeAssignment, User
from tests.fixtures import Org, employed_since

MONDAY = date(2026, 10, 5)
TUESDAY = date(2026, 10, 6)
CLOSED = datetime(2026, 10, 7, 3, tzinfo=UTC)


@pytest.fixture
async def absent(org: Org, client_factory: Any) -> dict[str, Any]:
    """officer_a, employed since September, did not come on Monday; the daily job ran."""
    await employed_since([org.users["officer_a"]], date(2026, 9, 1), org.office_a)
    await open_issues_for_day(MONDAY, now=CLOSED)
    admin = await client_factory()
    await admin.sign_in(org.login["admin_a"])
    officer = await client_factory()
    await officer.sign_in(org.login["officer_a"])
    return {"admin": admin, "officer": officer}


async def _issues(org: Org, day: date = MONDAY) -> list[tuple[str, str, str]]:
    rows = (
        await AttendanceIssue.select()
        .where((AttendanceIssue.user == org.users["officer_a"]) & (AttendanceIssue.day == day))
        .order_by(AttendanceIssue.kind)
    )
    return [(r["kind"], r["status"], r["closed_reason"]) for r in rows]


def _csv(*lines: str) -> dict[str, Any]:
    return {"content": "\n".join(lines).encode(), "headers": {"content-type": "text/csv"}}


async def test_leave_imported_later_closes_the_absence(absent: dict[str, Any], org: Org) -> None:
    assert await _issues(org) == [("absent", "open", "")]
    leave = _csv(
        "login_id,start_date,end_date,type", f"{org.login['officer_a']},2026-10-05,2026-10-06,CR"
    )
    answer = await absent["admin"].post("/api/attendance/leave-imports", **leave)
    assert answer.status_code == 200, answer.text
    assert await _issues(org) == [("absent", "closed", "leave_imported")]
    # The officer sees why it closed, and it no longer escalates or waits in any inbox.
    own = (await absent["officer"].get("/api/attendance/issues")).json()
    assert [(i["status"], i["closedReason"], i["escalation"]) for i in own] == [
        ("closed", "leave_imported", "none")
    ]
    # The same file again, and a recompute again: nothing changes.
    await absent["admin"].post("/api/attendance/leave-imports", **leave)
    again = await recompute_issues(
        [org.users["officer_a"]], MONDAY, TUESDAY, "leave_imported", now=CLOSED
    )
    assert (again.opened, again.closed, again.reopened) == (0, 0, 0)
    assert await _issues(org) == [("absent", "closed", "leave_imported")]
    assert await _issues(org, TUESDAY) == []


async def test_device_punches_imported_later_replace_absent_by_what_they_show(
    absent: dict[str, Any], org: Org
) -> None:
    punches = _csv(
        "device_id,login_id,timestamp",
        f"D1,{org.login['officer_a']},2026-10-05 09:40",
        f"D1,{org.login['officer_a']},2026-10-05 18:45",
    )
    answer = await absent["admin"].post("/api/attendance/punch-imports", **punches)
    assert answer.status_code == 200 and answer.json()["imported"] == 2, answer.text
    assert await _issues(org) == [
        ("absent", "closed", "punches_imported"),
        ("late_in", "open", ""),
    ]
    await absent["admin"].post("/api/attendance/punch-imports", **punches)
    assert len(await _issues(org)) == 2


async def test_a_holiday_added_later_closes_and_removing_it_reopens(
    absent: dict[str, Any], org: Org
) -> None:
    issue_id = (await AttendanceIssue.select(AttendanceIssue.id).first())["id"]  # type: ignore[index]
    justified = await absent["officer"].patch(
        f"/api/attendance/issues/{issue_id}", json={"justification": "Banjir di kawasan rumah"}
    )
    assert justified.status_code == 200
    added = await absent["admin"].put(
        f"/api/attendance/calendar/overrides/{MONDAY}",
        json={"kind": "holiday", "name": "Cuti peristiwa"},
    )
    assert added.status_code == 200, added.text
    assert await _issues(org) == [("absent", "closed", "calendar_changed")]
    removed = await absent["admin"].delete(f"/api/attendance/calendar/overrides/{MONDAY}")
    assert removed.status_code == 204
    # Reopened as it was: justified, with the officer's words kept.
    [row] = await AttendanceIssue.select().where(AttendanceIssue.id == issue_id)
    assert (row["status"], row["closed_reason"], row["justification"]) == (
        "justified",
        "",
        "Banjir di kawasan rumah",
    )


async def test_a_decided_issue_stays_as_decided(absent: dict[str, Any], org: Org) -> None:
    await AttendanceIssue.update({AttendanceIssue.status: "rejected"}).where(
        AttendanceIssue.user == org.users["officer_a"]
    )
    await absent["admin"].put(
        f"/api/attendance/calendar/overrides/{MONDAY}",
        json={"kind": "holiday", "name": "Cuti peristiwa"},
    )
    assert await _issues(org) == [("absent", "rejected", "")]


async def test_today_and_future_days_are_not_recomputed(org: Org) -> None:
    await employed_since([org.users["officer_a"]], date(2026, 9, 1), org.office_a)
    result = await recompute_issues(
        [org.users["officer_a"]], date(2026, 10, 7), date(2026, 10, 9), "leave_imported", CLOSED
    )
    assert (result.opened, result.closed) == (0, 0)
    assert await AttendanceIssue.count() == 0


async def test_no_absence_before_the_account_or_its_first_assignment(org: Org) -> None:
    officer = org.users["officer_a"]
    # The account was created on Tuesday: Monday is not an absence.
    await employed_since([officer], date(2026, 9, 1), org.office_a)
    await User.update({User.created_at: datetime(2026, 10, 6, 1, tzinfo=UTC)}).where(
        User.id == officer
    )
    await open_issues_for_day(MONDAY, now=CLOSED)
    await open_issues_for_day(TUESDAY, now=CLOSED)
    assert await _issues(org) == []
    assert await _issues(org, TUESDAY) == [("absent", "open", "")]

    # An account from long ago, assigned to its office only on Tuesday: the same.
    await AttendanceIssue.delete().where(AttendanceIssue.user == officer)
    await User.update({User.created_at: datetime(2026, 1, 1, tzinfo=UTC)}).where(User.id == officer)
    await OfficeAssignment.update(
        {OfficeAssignment.created_at: datetime(2026, 10, 6, 1, tzinfo=UTC)}
    ).where(OfficeAssignment.user == officer)
    await open_issues_for_day(MONDAY, now=CLOSED)
    await open_issues_for_day(TUESDAY, now=CLOSED)
    assert await _issues(org) == []
    assert await _issues(org, TUESDAY) == [("absent", "open", "")]

    # No assignment at all: never absent.
    await AttendanceIssue.delete().where(AttendanceIssue.user == officer)
    await OfficeAssignment.delete().where(OfficeAssignment.user == officer)
    await open_issues_for_day(TUESDAY, now=CLOSED)
    assert await _issues(org, TUESDAY) == []
