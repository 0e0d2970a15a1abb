"""Supervisors without push still hear about what waits for them (issue 15, item 6): the
pending-approval and warning notices of a supervisor with no push subscription, or whose push
failed, are held for one daily digest e-mail; officers get one message a day listing their
unanswered issues, not one per issue."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from api.attendance import fences
from api.attendance.escalation import send_escalation_notices
from api.attendance.tables import AttendanceIssue, CheckIn
from api.org.tables import OfficeAssignment, User
from api.outbox.digest import build_digests
from api.outbox.services import Status
from tests.fixtures import Org
from tests.notifications.notif_helpers import FakePushService
from tests.support.outbox import (
    Clock,
    add_subscription,
    make_dispatcher,
    outbox_settings,
    push_service,
    rows,
)

__all__ = ["make_dispatcher", "outbox_settings", "push_service"]  # fixtures, used by name

TUESDAY = date(2026, 10, 13)


async def _officer_with_red_issues(org: Org, how_many: int) -> None:
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    await AttendanceIssue.insert(
        *[
            AttendanceIssue(
                user=org.users["officer_a"], day=date(2026, 9, 1) + timedelta(days=n), kind="absent"
            )
            for n in range(how_many)
        ]
    )


async def test_a_supervisor_without_push_gets_the_daily_digest(
    org: Org, outbox_settings: Any
) -> None:
    await _officer_with_red_issues(org, 3)
    run = await send_escalation_notices(TUESDAY)
    assert run.notified_supervisors == 1
    [held] = await rows(kind="pending_approvals")
    assert (held["recipient"], held["channel"], held["status"]) == (
        org.users["exec_a"],
        "digest",
        Status.HELD,
    )
    assert await build_digests() == 1
    [digest] = await rows(kind="daily_digest")
    assert (digest["recipient"], digest["channel"]) == (org.users["exec_a"], "email")
    # Once a day: the same job again adds nothing.
    await send_escalation_notices(TUESDAY)
    assert len(await rows(kind="pending_approvals")) == 1


async def test_a_supervisor_whose_push_failed_gets_it_in_the_digest(
    org: Org, push_service: FakePushService, make_dispatcher: Any
) -> None:
    await _officer_with_red_issues(org, 1)
    await add_subscription(push_service, org.users["exec_a"], "old-phone")
    push_service.script["old-phone"] = [410]  # the phone's subscription is gone
    await send_escalation_notices(TUESDAY)
    [pushed] = await rows(kind="pending_approvals", channel="push")
    dispatcher = await make_dispatcher(clock=Clock())
    await dispatcher.run_until_idle()
    [failed] = await rows(kind="pending_approvals", channel="push")
    assert failed["status"] == Status.FAILED
    [held] = await rows(kind="pending_approvals", channel="digest")
    assert (held["recipient"], held["status"], held["event_key"]) == (
        org.users["exec_a"],
        Status.HELD,
        pushed["event_key"],
    )
    assert await build_digests() == 1


async def test_a_delivered_push_is_not_repeated_in_the_digest(
    org: Org, push_service: FakePushService, make_dispatcher: Any
) -> None:
    await _officer_with_red_issues(org, 1)
    await add_subscription(push_service, org.users["exec_a"], "phone")
    await send_escalation_notices(TUESDAY)
    dispatcher = await make_dispatcher(clock=Clock())
    await dispatcher.run_until_idle()
    assert [r["status"] for r in await rows(kind="pending_approvals")] == [Status.SENT]
    assert await build_digests() == 0


async def test_an_officer_gets_one_message_a_day_for_many_issues(
    org: Org, outbox_settings: Any
) -> None:
    await _officer_with_red_issues(org, 20)
    run = await send_escalation_notices(TUESDAY)
    assert run.reminded_officers == 1
    reminders = await rows(kind="attendance_issue_reminder")
    # One per channel the officer uses (e-mail; no push subscription), not one per issue.
    assert [(r["recipient"], r["channel"]) for r in reminders] == [
        (org.users["officer_a"], "email")
    ]
    # The next working day nothing has changed colour: no new message.
    await send_escalation_notices(TUESDAY + timedelta(days=1))
    assert len(await rows(kind="attendance_issue_reminder")) == 1


async def test_the_supervisor_hears_of_yesterdays_warnings(
    org: Org, client_factory: Any, outbox_settings: Any
) -> None:
    fences.forget()
    await OfficeAssignment.insert(
        OfficeAssignment(user=org.users["officer_a"], office=org.office_a)
    )
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    officer = await client_factory()
    await officer.sign_in(org.login["officer_a"])
    for accuracy in (0, 0.001):
        tap = {
            "clientId": str(uuid.uuid4()),
            "kind": "in",
            "fix": {"lat": 2.9266, "lon": 101.69675, "accuracy": accuracy},
        }
        assert (await officer.post("/api/attendance/check-ins", json=tap)).status_code == 200
    # Move them to Monday 12 October; the job runs on Tuesday.
    await CheckIn.update({CheckIn.occurred_at: datetime(2026, 10, 12, 1, 0, tzinfo=UTC)}).where(
        CheckIn.user == org.users["officer_a"]
    )
    run = await send_escalation_notices(TUESDAY)
    assert run.warned_supervisors == 1
    [notice] = await rows(kind="attendance_warnings")
    assert (notice["recipient"], notice["channel"]) == (org.users["exec_a"], "digest")
    params = notice["params"]
    params = params if isinstance(params, dict) else json.loads(params)
    assert params["count"] == 2
    assert params["date"] == {"$date": "2026-10-12"}
