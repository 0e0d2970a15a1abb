"""Escalation notices: officers reminded once per colour, supervisors told daily, red items sent
one level up; counted in working days; nothing on a weekend; idempotent within a day."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from api.attendance.escalation import red_on, send_escalation_notices
from api.attendance.issues import calendar_for
from api.attendance.tables import AttendanceIssue, CheckIn
from api.org.tables import User
from tests.fixtures import Org
from tests.notifications.notif_helpers import FakePushService
from tests.support.outbox import add_subscription, outbox_settings, push_service, rows

__all__ = ["outbox_settings", "push_service"]  # fixtures, used by name

KL = ZoneInfo("Asia/Kuala_Lumpur")
TUESDAY = date(2026, 10, 13)


def _params(row: dict[str, Any]) -> dict[str, Any]:
    params = row["params"]
    return json.loads(params) if isinstance(params, str) else params


async def _setup(org: Org, push: FakePushService) -> None:
    # Pending-approval notices go by push by default: the supervisors have phones.
    await add_subscription(push, org.users["exec_a"], "exec-phone")
    await add_subscription(push, org.users["admin_a"], "admin-phone")
    # officer_a → exec_a → admin_a
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    await User.update({User.supervisor: org.users["admin_a"]}).where(User.id == org.users["exec_a"])
    officer = org.users["officer_a"]
    await AttendanceIssue.insert(
        # Monday 5 Oct: six working days before Tuesday 13 Oct -> red
        AttendanceIssue(user=officer, day=date(2026, 10, 5), kind="absent"),
        # Thursday 8 Oct: three working days (Fri, Mon, Tue) -> yellow
        AttendanceIssue(user=officer, day=date(2026, 10, 8), kind="late_in"),
        # justified but undecided, red: the supervisors hear of it, the officer does not
        AttendanceIssue(user=officer, day=date(2026, 10, 6), kind="early_out", status="justified"),
        # yesterday: not yet escalated
        AttendanceIssue(user=officer, day=date(2026, 10, 12), kind="late_in"),
        # decided: never escalated
        AttendanceIssue(user=officer, day=date(2026, 10, 1), kind="absent", status="approved"),
    )
    at = datetime.combine(date(2026, 10, 6), time(8, 5), KL)
    await CheckIn.insert(
        CheckIn(
            user=officer,
            client_id="old-pending",
            kind="in",
            occurred_at=at,
            received_at=at,
            status="outside",
            approval="pending",
        )
    )


async def test_reminders_and_supervisor_notices(org: Org, push_service: FakePushService) -> None:
    await _setup(org, push_service)
    run = await send_escalation_notices(TUESDAY)
    officer, middle, top = org.users["officer_a"], org.users["exec_a"], org.users["admin_a"]

    # One message for the day listing both unanswered issues past yellow (not one per issue);
    # the justified one is the supervisor's to decide.
    [reminder] = await rows(kind="attendance_issue_reminder", channel="email")
    assert (reminder["recipient"], reminder["event_key"]) == (
        officer,
        f"issue-reminders:{officer}:2026-10-13",
    )
    params = _params(reminder)
    assert params["count"] == 2
    assert (
        params["issues"]
        == "Isnin, 5 Oktober 2026 (tidak hadir), Khamis, 8 Oktober 2026 (lewat masuk)"
    )
    assert params["due_date"] == {"$date": "2026-10-12"}  # Monday 5 Oct + five working days

    notices = {
        r["recipient"]: _params(r) for r in await rows(kind="pending_approvals", channel="push")
    }
    # The supervisor: three issues past yellow (two open, one justified) and the old check-in.
    assert notices[middle]["count"] == 4
    assert notices[middle]["issue_count"] == 3 and notices[middle]["checkin_count"] == 1
    # One level up: only the red ones (the Monday and Tuesday issues, the check-in).
    assert notices[top]["count"] == 3
    assert officer not in notices
    assert run.reminded_officers == 1 and run.notified_supervisors == 2

    # The same day again: nothing new.
    before = len(await rows())
    again = await send_escalation_notices(TUESDAY)
    assert len(await rows()) == before
    assert again.reminded_officers == 0 and again.notified_supervisors == 0


async def test_the_next_day_only_new_colours_remind_and_weekends_are_quiet(
    org: Org, push_service: FakePushService
) -> None:
    await _setup(org, push_service)
    await send_escalation_notices(TUESDAY)
    wednesday = await send_escalation_notices(date(2026, 10, 14))
    # The Thursday issue is still yellow (4 working days): no second reminder yet.
    assert wednesday.reminded_officers == 0
    assert wednesday.notified_supervisors == 2  # a new daily notice
    saturday = await send_escalation_notices(date(2026, 10, 17))
    assert saturday.reminded_officers == 0 and saturday.notified_supervisors == 0
    # Friday 16 Oct: the Thursday issue has 6 working days, red, so a second reminder; the
    # Monday 12 Oct issue has turned yellow (4 days), its first.
    friday = await send_escalation_notices(date(2026, 10, 16))
    assert friday.reminded_officers == 1
    reminders = await rows(kind="attendance_issue_reminder", channel="email")
    # Tuesday: 5 Oct red, 8 Oct yellow; Friday: 8 Oct red, 12 Oct yellow (with 5 Oct again):
    # one message each day, each listing every unanswered issue.
    assert sorted(r["event_key"].rsplit(":", 1)[1] for r in reminders) == [
        "2026-10-13",
        "2026-10-16",
    ]
    assert _params(max(reminders, key=lambda r: r["id"]))["count"] == 3


async def test_answer_before_is_the_day_the_item_turns_red(org: Org) -> None:
    calendar = await calendar_for(org.agency_a)
    # Opened Thursday 8 Oct, red after five working days: Fri 9, Mon 12 … Thu 15.
    assert red_on(date(2026, 10, 8), calendar) == date(2026, 10, 15)


async def test_an_agency_holiday_does_not_age_an_item(org: Org) -> None:
    """A cuti peristiwa declared by the agency is not a working day for escalation either."""
    from api.attendance.tables import CalendarOverride

    await CalendarOverride.insert(
        CalendarOverride(agency=org.agency_a, day=date(2026, 10, 9), kind="holiday", name="Cuti")
    )
    calendar = await calendar_for(org.agency_a)
    # Opened Thursday 8 Oct; Friday 9 is now a holiday: Mon 12 … Fri 16 are the five days.
    assert red_on(date(2026, 10, 8), calendar) == date(2026, 10, 16)


async def test_red_check_ins_reach_the_next_supervisor_up_who_may_decide_them(
    org: Org, client_factory: Any
) -> None:
    """officer_a → exec_a → admin_a: a check-in left pending for weeks comes up to admin_a."""
    from datetime import UTC

    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    await User.update({User.supervisor: org.users["admin_a"]}).where(User.id == org.users["exec_a"])
    old_at = datetime.combine(date(2026, 10, 6), time(8, 5), KL)
    now = datetime.now(UTC)
    inserted = await CheckIn.insert(
        CheckIn(
            user=org.users["officer_a"],
            client_id="weeks-old",
            kind="in",
            occurred_at=old_at,
            received_at=old_at,
            status="outside",
            approval="pending",
        ),
        CheckIn(
            user=org.users["officer_a"],
            client_id="just-now",
            kind="in",
            occurred_at=now,
            received_at=now,
            status="outside",
            approval="pending",
        ),
    ).returning(CheckIn.id)
    old_id, new_id = inserted[0]["id"], inserted[1]["id"]

    top = await client_factory()
    await top.sign_in(org.login["admin_a"])
    seen = (await top.get("/api/attendance/approvals")).json()
    assert [(i["checkIn"]["id"], i["escalated"]) for i in seen] == [(old_id, True)]
    # Only the red one is theirs to decide; the fresh one stays with the direct supervisor.
    refused = await top.post(
        "/api/attendance/approvals/decisions",
        json={"ids": [new_id], "decision": "approved", "note": ""},
    )
    assert refused.status_code == 404
    decided = await top.post(
        "/api/attendance/approvals/decisions",
        json={"ids": [old_id], "decision": "approved", "note": "Disahkan oleh ketua bahagian"},
    )
    assert decided.status_code == 200, decided.text

    middle = await client_factory()
    await middle.sign_in(org.login["exec_a"])
    theirs = (await middle.get("/api/attendance/approvals")).json()
    assert [(i["checkIn"]["id"], i["escalated"]) for i in theirs] == [(new_id, False)]
