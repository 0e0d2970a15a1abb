"""Unanswered movement slips escalate like the other approval items: yellow / red by working
days since they were requested, counted in the supervisor's daily notice, red ones up to the
next supervisor who may decide them; decided, cancelled or past-window slips stop escalating."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from api.attendance.calendar import WorkingCalendar
from api.attendance.escalation import send_escalation_notices
from api.attendance.movements import slip_escalation
from api.attendance.rules import Escalation, EscalationThresholds
from api.attendance.tables import MovementSlip
from api.org.tables import User
from tests.fixtures import Org
from tests.notifications.notif_helpers import FakePushService
from tests.support.outbox import add_subscription, outbox_settings, push_service, rows

__all__ = ["outbox_settings", "push_service"]  # fixtures, used by name

KL = ZoneInfo("Asia/Kuala_Lumpur")
TUESDAY = date(2026, 10, 13)
JOB_TIME = datetime.combine(TUESDAY, time(10, 0), KL)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), KL)


@pytest.mark.parametrize(
    ("requested", "ends", "status", "working_saturday", "expected"),
    [
        # Monday 5 Oct: Tue … Mon 12 and Tue 13 are six working days by Tuesday 13 Oct.
        pytest.param(date(2026, 10, 5), _at(date(2026, 10, 20)), "pending", False, "red", id="red"),
        # Thursday 8 Oct: Fri 9, Mon 12, Tue 13.
        pytest.param(
            date(2026, 10, 8), _at(date(2026, 10, 20)), "pending", False, "yellow", id="yellow"
        ),
        pytest.param(
            date(2026, 10, 12), _at(date(2026, 10, 20)), "pending", False, "none", id="fresh"
        ),
        # Friday 9 Oct: Mon 12, Tue 13 only, unless the agency works Saturday 10 Oct.
        pytest.param(
            date(2026, 10, 9), _at(date(2026, 10, 20)), "pending", False, "none", id="weekend"
        ),
        pytest.param(
            date(2026, 10, 9),
            _at(date(2026, 10, 20)),
            "pending",
            True,
            "yellow",
            id="replacement-working-saturday-counts",
        ),
        # Red by age, but the window ended before the job ran: it no longer escalates.
        pytest.param(
            date(2026, 10, 1), _at(date(2026, 10, 12), 17), "pending", False, "none", id="passed"
        ),
        # Ends later today: still open, still red.
        pytest.param(
            date(2026, 10, 1), _at(TUESDAY, 17), "pending", False, "red", id="ends-later-today"
        ),
        pytest.param(
            date(2026, 10, 1), _at(date(2026, 10, 20)), "approved", False, "none", id="approved"
        ),
        pytest.param(
            date(2026, 10, 1), _at(date(2026, 10, 20)), "rejected", False, "none", id="rejected"
        ),
        pytest.param(
            date(2026, 10, 1), _at(date(2026, 10, 20)), "cancelled", False, "none", id="cancelled"
        ),
    ],
)
def test_slip_colour(
    requested: date, ends: datetime, status: str, working_saturday: bool, expected: str
) -> None:
    calendar = WorkingCalendar(
        "PJY", working_days=frozenset({date(2026, 10, 10)} if working_saturday else set())
    )
    row = {"status": status, "created_at": _at(requested, 16), "ends_at": ends}
    level = slip_escalation(
        row,
        calendar=calendar,
        now=JOB_TIME,
        today=TUESDAY,
        thresholds=EscalationThresholds(3, 5),
    )
    assert level == Escalation(expected)


def _params(row: dict[str, Any]) -> dict[str, Any]:
    params = row["params"]
    return json.loads(params) if isinstance(params, str) else params


async def _chain(org: Org) -> None:
    """officer_a → exec_a → admin_a."""
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    await User.update({User.supervisor: org.users["admin_a"]}).where(User.id == org.users["exec_a"])


async def _slip(
    org: Org, created: datetime, ends: datetime, status: str = "pending", who: str = "officer_a"
) -> int:
    inserted = await MovementSlip.insert(
        MovementSlip(
            user=org.users[who],
            destination=org.office_a,
            starts_at=ends - timedelta(hours=4),
            ends_at=ends,
            purpose="Lawatan tapak",
            status=status,
            created_at=created,
        )
    ).returning(MovementSlip.id)
    return int(inserted[0]["id"])


async def test_slips_are_counted_in_the_daily_notices(
    org: Org, push_service: FakePushService
) -> None:
    await add_subscription(push_service, org.users["exec_a"], "exec-phone")
    await add_subscription(push_service, org.users["admin_a"], "admin-phone")
    await _chain(org)
    next_week = _at(date(2026, 10, 20))
    await _slip(org, _at(date(2026, 10, 5)), next_week)  # red
    await _slip(org, _at(date(2026, 10, 8)), next_week)  # yellow
    await _slip(org, _at(date(2026, 10, 12)), next_week)  # too fresh
    await _slip(org, _at(date(2026, 10, 1)), _at(date(2026, 10, 12), 17))  # window passed
    await _slip(org, _at(date(2026, 10, 1)), next_week, status="approved")  # decided
    await _slip(org, _at(date(2026, 10, 1)), next_week, status="cancelled")

    run = await send_escalation_notices(TUESDAY, now=JOB_TIME)

    notices = {
        r["recipient"]: _params(r) for r in await rows(kind="pending_approvals", channel="push")
    }
    middle, top = org.users["exec_a"], org.users["admin_a"]
    assert notices[middle]["count"] == 2
    assert notices[middle]["slip_count"] == 2
    assert notices[middle]["checkin_count"] == 0 and notices[middle]["issue_count"] == 0
    # One level up: only the red one.
    assert notices[top]["count"] == 1 and notices[top]["slip_count"] == 1
    assert org.users["officer_a"] not in notices
    assert run.escalated_up == 1 and run.notified_supervisors == 2
    assert run.by_supervisor[middle].slips == 2

    # A slip is not an attendance issue: the officer gets no reminder for it.
    assert await rows(kind="attendance_issue_reminder") == []


async def test_a_decided_slip_stops_escalating(org: Org, push_service: FakePushService) -> None:
    await add_subscription(push_service, org.users["exec_a"], "exec-phone")
    await _chain(org)
    slip = await _slip(org, _at(date(2026, 10, 5)), _at(date(2026, 10, 20)))
    first = await send_escalation_notices(TUESDAY, now=JOB_TIME)
    assert first.by_supervisor[org.users["exec_a"]].slips == 1
    await MovementSlip.update({MovementSlip.status: "rejected"}).where(MovementSlip.id == slip)
    wednesday = date(2026, 10, 14)
    later = await send_escalation_notices(wednesday, now=_at(wednesday, 10))
    assert later.by_supervisor == {} and later.notified_supervisors == 0


async def test_red_slips_reach_the_next_supervisor_up_who_may_decide_them(
    org: Org, client_factory: Any
) -> None:
    await _chain(org)
    now = datetime.now(UTC)
    weeks_ago = now - timedelta(days=30)
    red = await _slip(org, weeks_ago, now + timedelta(days=2))
    fresh = await _slip(org, now, now + timedelta(days=2))
    passed = await _slip(org, weeks_ago, now - timedelta(hours=1))
    also_red = await _slip(org, weeks_ago, now + timedelta(days=3))

    top = await client_factory()
    await top.sign_in(org.login["admin_a"])
    seen = (await top.get("/api/attendance/approvals/movement-slips")).json()
    assert [(i["slip"]["id"], i["escalated"], i["escalation"]) for i in seen] == [
        (red, True, "red"),
        (also_red, True, "red"),
    ]
    assert seen[0]["officerId"] == org.users["officer_a"]
    assert seen[0]["officerName"] and seen[0]["windowPassed"] is False

    # The fresh one and the one whose window has passed stay with the direct supervisor.
    for slip_id in (fresh, passed):
        refused = await top.post(
            "/api/attendance/approvals/movement-slips/decisions",
            json={"ids": [slip_id], "decision": "approved"},
        )
        assert refused.status_code == 404, refused.text
    # All or none: one red and one fresh together are refused, nothing is decided.
    mixed = await top.post(
        "/api/attendance/approvals/movement-slips/decisions",
        json={"ids": [red, fresh], "decision": "approved"},
    )
    assert mixed.status_code == 404
    assert (await MovementSlip.select(MovementSlip.status).where(MovementSlip.id == red).first())[
        "status"
    ] == "pending"

    decided = await top.post(
        "/api/attendance/approvals/movement-slips/decisions",
        json={"ids": [red], "decision": "approved", "note": "Diluluskan oleh ketua bahagian"},
    )
    assert decided.status_code == 200, decided.text
    stored = await MovementSlip.select().where(MovementSlip.id == red).first()
    assert stored is not None
    assert stored["status"] == "approved" and stored["decided_by"] == org.users["admin_a"]

    from api.accounts.tables import AuditEvent

    events = await AuditEvent.select(AuditEvent.action, AuditEvent.detail).where(
        AuditEvent.action == "movement_slip_approved"
    )
    assert len(events) == 1
    detail = events[0]["detail"]
    detail = json.loads(detail) if isinstance(detail, str) else detail
    assert detail["escalated"] is True

    middle = await client_factory()
    await middle.sign_in(org.login["exec_a"])
    theirs = (await middle.get("/api/attendance/approvals/movement-slips")).json()
    by_id = {i["slip"]["id"]: i for i in theirs}
    # The decided one has gone; the direct supervisor sees the rest, none marked escalated.
    assert set(by_id) == {fresh, passed, also_red}
    assert not any(i["escalated"] for i in theirs)
    assert by_id[fresh]["escalation"] == "none" and by_id[fresh]["windowPassed"] is False
    assert by_id[passed]["escalation"] == "none" and by_id[passed]["windowPassed"] is True
    assert by_id[also_red]["escalation"] == "red"

    # Already decided by the level above: the direct supervisor gets a conflict.
    again = await middle.post(
        "/api/attendance/approvals/movement-slips/decisions",
        json={"ids": [red], "decision": "rejected", "note": "Tidak"},
    )
    assert again.status_code == 409
    assert again.json()["code"] == "slip_already_closed"
    # …and so does the level above for a slip the direct supervisor decided first.
    assert (
        await middle.post(
            "/api/attendance/approvals/movement-slips/decisions",
            json={"ids": [also_red], "decision": "rejected", "note": "Tidak"},
        )
    ).status_code == 200
    late = await top.post(
        "/api/attendance/approvals/movement-slips/decisions",
        json={"ids": [also_red], "decision": "approved"},
    )
    assert late.status_code == 409
    # The direct supervisor may still close the slip whose window has passed.
    closed = await middle.post(
        "/api/attendance/approvals/movement-slips/decisions",
        json={"ids": [passed], "decision": "rejected", "note": "Tamat tempoh"},
    )
    assert closed.status_code == 200


async def test_nobody_decides_their_own_slip_even_when_escalated(
    org: Org, client_factory: Any
) -> None:
    """exec_a → admin_a → exec_a (a loop in the reporting lines): exec_a's own red slip is
    one level below exec_a's own report, yet never exec_a's to decide."""
    await User.update({User.supervisor: org.users["admin_a"]}).where(User.id == org.users["exec_a"])
    await User.update({User.supervisor: org.users["exec_a"]}).where(User.id == org.users["admin_a"])
    now = datetime.now(UTC)
    own = await _slip(org, now - timedelta(days=30), now + timedelta(days=2), who="exec_a")
    me = await client_factory()
    await me.sign_in(org.login["exec_a"])
    seen = (await me.get("/api/attendance/approvals/movement-slips")).json()
    assert own not in [i["slip"]["id"] for i in seen]
    refused = await me.post(
        "/api/attendance/approvals/movement-slips/decisions",
        json={"ids": [own], "decision": "approved"},
    )
    assert refused.status_code == 404


async def test_another_agency_never_sees_or_decides_a_slip(org: Org, client_factory: Any) -> None:
    await _chain(org)
    now = datetime.now(UTC)
    red = await _slip(org, now - timedelta(days=30), now + timedelta(days=2))
    other = await client_factory()
    await other.sign_in(org.login["admin_b"])
    assert (await other.get("/api/attendance/approvals/movement-slips")).json() == []
    refused = await other.post(
        "/api/attendance/approvals/movement-slips/decisions",
        json={"ids": [red], "decision": "approved"},
    )
    assert refused.status_code == 404
    assert "detail" in refused.json()
