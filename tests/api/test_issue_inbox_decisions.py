"""The supervisor's attendance-issue inbox as the approvals page uses it: red issues from one
level down are marked `escalated`; deciding an issue someone else decided meanwhile answers 409
(already decided, in the user's language: Malay unless they chose English), one that was never
this person's answers 404."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from api.attendance.tables import AttendanceIssue
from api.org.tables import User
from tests.fixtures import Org

KL = ZoneInfo("Asia/Kuala_Lumpur")
LONG_AGO = date(2026, 10, 5)


async def _chain(org: Org) -> None:
    """officer_a → exec_a → admin_a."""
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    await User.update({User.supervisor: org.users["admin_a"]}).where(User.id == org.users["exec_a"])


async def _issue(user_id: int, day: date, kind: str) -> int:
    rows = await AttendanceIssue.insert(
        AttendanceIssue(user=user_id, day=day, kind=kind)
    ).returning(AttendanceIssue.id)
    return int(rows[0]["id"])


async def test_red_issues_from_below_are_marked_escalated(client_factory: Any, org: Org) -> None:
    await _chain(org)
    below = await _issue(org.users["officer_a"], LONG_AGO, "absent")
    direct = await _issue(org.users["exec_a"], LONG_AGO, "late_in")
    top = await client_factory()
    await top.sign_in(org.login["admin_a"])
    seen = {i["id"]: i for i in (await top.get("/api/attendance/approvals/issues")).json()}
    assert (seen[below]["escalation"], seen[below]["escalated"]) == ("red", True)
    assert (seen[direct]["escalation"], seen[direct]["escalated"]) == ("red", False)

    middle = await client_factory()
    await middle.sign_in(org.login["exec_a"])
    [own_report] = (await middle.get("/api/attendance/approvals/issues")).json()
    assert own_report["id"] == below and own_report["escalated"] is False


async def test_deciding_an_issue_decided_meanwhile_is_a_conflict(
    client_factory: Any, org: Org
) -> None:
    await _chain(org)
    issue = await _issue(org.users["officer_a"], LONG_AGO, "absent")
    middle, top = await client_factory(), await client_factory()
    await middle.sign_in(org.login["exec_a"])
    await top.sign_in(org.login["admin_a"])
    # The red issue reached the next supervisor up, who decides it first.
    first = await top.post(
        "/api/attendance/approvals/issues/decisions",
        json={"ids": [issue], "decision": "rejected", "note": "Tiada makluman"},
    )
    assert first.status_code == 200, first.text
    assert first.json() == {"decided": [issue]}
    # The direct supervisor's page still shows it: the answer says it was decided already.
    again = await middle.post(
        "/api/attendance/approvals/issues/decisions",
        json={"ids": [issue], "decision": "approved"},
    )
    assert again.status_code == 409
    assert again.json()["code"] == "issue_already_decided"
    assert again.json()["detail"] == "Isu kehadiran ini sudah diputuskan."
    # And the one who decided it, deciding again.
    twice = await top.post(
        "/api/attendance/approvals/issues/decisions",
        json={"ids": [issue], "decision": "approved"},
    )
    assert twice.status_code == 409
    assert "sudah diputuskan" in twice.json()["detail"]
    [row] = await AttendanceIssue.select().where(AttendanceIssue.id == issue)
    assert (row["status"], row["decided_by"]) == ("rejected", org.users["admin_a"])


async def test_issues_that_were_never_yours_stay_not_found(client_factory: Any, org: Org) -> None:
    await _chain(org)
    recent = datetime.now(KL).date()
    # One level down but not red: not this person's to decide (yet).
    fresh = await _issue(org.users["officer_a"], recent, "late_in")
    own = await _issue(org.users["exec_a"], LONG_AGO, "late_in")
    other_agency = await _issue(org.users["officer_b"], LONG_AGO, "absent")
    top, middle = await client_factory(), await client_factory()
    await top.sign_in(org.login["admin_a"])
    await middle.sign_in(org.login["exec_a"])
    for client, ids in (
        (top, [fresh]),
        (middle, [own]),  # nobody decides their own
        (middle, [other_agency]),
        (middle, [fresh, 999_999]),
    ):
        answer = await client.post(
            "/api/attendance/approvals/issues/decisions",
            json={"ids": ids, "decision": "approved"},
        )
        assert answer.status_code == 404, (ids, answer.text)
    # A decided issue of someone else's team is not found either (no hint it exists).
    await AttendanceIssue.update({AttendanceIssue.status: "approved"}).where(
        AttendanceIssue.id == other_agency
    )
    answer = await middle.post(
        "/api/attendance/approvals/issues/decisions",
        json={"ids": [other_agency], "decision": "approved"},
    )
    assert answer.status_code == 404
    # A decided own issue too.
    await AttendanceIssue.update({AttendanceIssue.status: "approved"}).where(
        AttendanceIssue.id == own
    )
    answer = await middle.post(
        "/api/attendance/approvals/issues/decisions",
        json={"ids": [own], "decision": "approved"},
    )
    assert answer.status_code == 404
    rows = await AttendanceIssue.select(AttendanceIssue.id, AttendanceIssue.status).where(
        AttendanceIssue.id == fresh
    )
    assert rows[0]["status"] == "open"
