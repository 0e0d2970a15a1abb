"""A `working` override declared by the agency administrator makes a weekend day a working day
for that agency, the same everywhere the calendar is used: the monthly report, the team view,
the today card, the daily issue job, the dashboard and escalation's working-day count."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from api.attendance import rules
from api.attendance.escalation import red_on
from api.attendance.issues import calendar_for, open_issues_for_day
from api.attendance.tables import AttendanceIssue
from api.org.tables import User
from tests.attendance.test_calendar_admin import month_statuses
from tests.attendance.test_dashboard import KL, RANGE, signed_in
from tests.fixtures import Org, employed_since

SATURDAY = "2026-10-03"  # inside the dashboard's RANGE (1–5 October 2026)


async def test_a_replacement_working_saturday_counts_everywhere(
    client_factory: Any, org: Org
) -> None:
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    await employed_since([org.users["officer_a"]], date(2026, 9, 1), org.office_a)
    admin = await signed_in(client_factory, org.login["admin_a"])
    officer = await signed_in(client_factory, org.login["officer_a"])
    supervisor = await signed_in(client_factory, org.login["exec_a"])
    closed = datetime(2026, 10, 4, 9, 0, tzinfo=KL)

    assert (await month_statuses(officer, "2026-10"))[SATURDAY]["status"] == "weekend"
    assert await open_issues_for_day(date(2026, 10, 3), closed) == 0
    assert (await admin.get("/api/attendance/dashboard", params=RANGE)).json()["workingDays"] == 3
    assert red_on(date(2026, 10, 2), await calendar_for(org.agency_a)) == date(2026, 10, 9)

    response = await admin.put(
        f"/api/attendance/calendar/overrides/{SATURDAY}",
        json={"kind": "working", "name": "Hari bekerja ganti"},
    )
    assert response.status_code == 200, response.text

    # Monthly report (the officer's own) and the team view (the supervisor's grid).
    assert (await month_statuses(officer, "2026-10"))[SATURDAY]["status"] == "absent"
    team = (await supervisor.get("/api/attendance/team/months/2026-10")).json()
    officer_month = next(m for m in team if m["userId"] == org.users["officer_a"])
    day = next(d for d in officer_month["days"] if d["day"] == SATURDAY)
    assert day["status"] == "absent" and day["holidayName"] is None

    # The override recomputed the closed day's issues at once: the absence is open, and the
    # daily issue job finds nothing more to open.
    kinds = await AttendanceIssue.select(AttendanceIssue.kind, AttendanceIssue.status).where(
        (AttendanceIssue.user == org.users["officer_a"])
        & (AttendanceIssue.day == date(2026, 10, 3))
    )
    assert [(k["kind"], k["status"]) for k in kinds] == [("absent", "open")]
    await open_issues_for_day(date(2026, 10, 3), closed)
    assert (
        await AttendanceIssue.count().where(
            (AttendanceIssue.user == org.users["officer_a"])
            & (AttendanceIssue.day == date(2026, 10, 3))
        )
        == 1
    )

    # The dashboard counts one more working day; escalation ages items on that Saturday.
    assert (await admin.get("/api/attendance/dashboard", params=RANGE)).json()["workingDays"] == 4
    # Opened Friday 2 Oct: Sat 3, Mon 5 … Thu 8 are the five working days.
    assert red_on(date(2026, 10, 2), await calendar_for(org.agency_a)) == date(2026, 10, 8)

    # The calendar screen's data: listed as a working weekend day, not as a holiday.
    calendar = (await admin.get("/api/attendance/calendar", params={"year": 2026})).json()
    assert calendar["workingWeekendDays"] == [SATURDAY]
    assert calendar["overrides"] == [
        {"day": SATURDAY, "kind": "working", "name": "Hari bekerja ganti"}
    ]
    assert SATURDAY not in calendar["holidays"]

    # Another agency's calendar is untouched (Kedah: Saturday is its weekend too).
    officer_b = await signed_in(client_factory, org.login["officer_b"])
    assert (await month_statuses(officer_b, "2026-10"))[SATURDAY]["status"] == "weekend"

    # Removing the override gives the weekend back.
    assert (await admin.delete(f"/api/attendance/calendar/overrides/{SATURDAY}")).status_code == 204
    assert (await month_statuses(officer, "2026-10"))[SATURDAY]["status"] == "weekend"
    # ... and closes the absence it had opened, with the reason.
    [issue] = await AttendanceIssue.select().where(
        (AttendanceIssue.user == org.users["officer_a"])
        & (AttendanceIssue.day == date(2026, 10, 3))
    )
    assert (issue["status"], issue["closed_reason"]) == ("closed", "calendar_changed")


async def test_a_worked_public_holiday_on_a_weekend_day_is_a_working_day(
    client_factory: Any, org: Org
) -> None:
    """Nuzul Al-Quran fell on Saturday 7 March 2026 in Putrajaya: worked, it is a working day
    (not a holiday, not a weekend), consistently with a worked holiday on a weekday."""
    await employed_since([org.users["officer_a"]], date(2026, 9, 1), org.office_a)
    admin = await signed_in(client_factory, org.login["admin_a"])
    officer = await signed_in(client_factory, org.login["officer_a"])
    before = (await month_statuses(officer, "2026-03"))["2026-03-07"]
    assert before["status"] == "public_holiday"
    for day in ("2026-03-07", "2026-08-31"):  # a Saturday holiday and a Monday one
        response = await admin.put(
            f"/api/attendance/calendar/overrides/{day}", json={"kind": "working"}
        )
        assert response.status_code == 200, response.text
    after = (await month_statuses(officer, "2026-03"))["2026-03-07"]
    assert after["status"] == "absent" and after["holidayName"] is None
    assert (await month_statuses(officer, "2026-08"))["2026-08-31"]["status"] == "absent"
    calendar = (await admin.get("/api/attendance/calendar", params={"year": 2026})).json()
    # Only the weekend one is a "working weekend day"; neither is a holiday any more.
    assert calendar["workingWeekendDays"] == ["2026-03-07"]
    assert "2026-03-07" not in calendar["holidays"] and "2026-08-31" not in calendar["holidays"]


async def test_the_today_card_follows_the_overrides(client_factory: Any, org: Org) -> None:
    """Whatever day the test runs: declared working, today is a working day not yet begun;
    declared a holiday, it is a public holiday — on the officer's card and the team's today."""
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    await employed_since([org.users["officer_a"]], date(2026, 9, 1), org.office_a)
    admin = await signed_in(client_factory, org.login["admin_a"])
    officer = await signed_in(client_factory, org.login["officer_a"])
    supervisor = await signed_in(client_factory, org.login["exec_a"])
    today = rules.local_day(datetime.now(UTC), KL)
    url = f"/api/attendance/calendar/overrides/{today.isoformat()}"

    assert (await admin.put(url, json={"kind": "working"})).status_code == 200
    card = (await officer.get("/api/attendance/today")).json()
    # ("absent" only in the last minute of the day, after it closes at 23:59)
    assert card["status"] in ("not_checked_in", "absent") and card["holidayName"] is None
    assert card["expectedStart"] is not None
    team = (await supervisor.get("/api/attendance/team/today")).json()
    assert {m["userId"]: m["status"] for m in team}[org.users["officer_a"]] == card["status"]

    assert (
        await admin.put(url, json={"kind": "holiday", "name": "Cuti Peristiwa"})
    ).status_code == 200
    card = (await officer.get("/api/attendance/today")).json()
    assert card["status"] == "public_holiday" and card["holidayName"] == "Cuti Peristiwa"
    team = (await supervisor.get("/api/attendance/team/today")).json()
    assert {m["userId"]: m["status"] for m in team}[org.users["officer_a"]] == "public_holiday"
