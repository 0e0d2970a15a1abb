"""A check-in made while its movement slip was pending is judged again when the slip is
approved (issue 15, item 7): inside the slip's destination during its window, it counts as
approved by the slip, as if the slip had been approved before the tap."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.accounts.tables import AuditEvent
from api.attendance import fences
from api.attendance.tables import CheckIn
from api.org.tables import User
from tests.fixtures import Org

# officer_a has no office of their own here: the fixture office HQ A is the slip's destination.
AT_DESTINATION = {"lat": 2.9266, "lon": 101.69675}
ELSEWHERE = {"lat": 2.9400, "lon": 101.7100}


@pytest.fixture
async def team(org: Org, client_factory: Any) -> dict[str, Any]:
    fences.forget()
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    officer, supervisor = await client_factory(), await client_factory()
    await officer.sign_in(org.login["officer_a"])
    await supervisor.sign_in(org.login["exec_a"])
    return {"officer": officer, "supervisor": supervisor}


def _tap(where: dict[str, float], **extra: Any) -> dict[str, Any]:
    return {
        "clientId": str(uuid.uuid4()),
        "kind": "in",
        "fix": {**where, "accuracy": 10.0},
        "clientAt": datetime.now(UTC).isoformat(),
        **extra,
    }


async def _slip(officer: Any, org: Org) -> int:
    now = datetime.now(UTC)
    answer = await officer.post(
        "/api/attendance/movement-slips",
        json={
            "destinationId": org.office_a,
            "startsAt": (now - timedelta(hours=1)).isoformat(),
            "endsAt": (now + timedelta(hours=3)).isoformat(),
            "purpose": "Mesyuarat di HQ A",
        },
    )
    assert answer.status_code in (200, 201), answer.text
    return int(answer.json()["id"])


async def _approval(check_in_id: int) -> tuple[str, int | None]:
    row = (
        await CheckIn.select(CheckIn.approval, CheckIn.movement_slip)
        .where(CheckIn.id == check_in_id)
        .first()
    )
    assert row is not None
    return row["approval"], row["movement_slip"]


async def test_approving_the_slip_approves_the_check_in_made_meanwhile(
    team: dict[str, Any], org: Org
) -> None:
    officer, supervisor = team["officer"], team["supervisor"]
    slip = await _slip(officer, org)
    inside = (await officer.post("/api/attendance/check-ins", json=_tap(AT_DESTINATION))).json()
    elsewhere = (await officer.post("/api/attendance/check-ins", json=_tap(ELSEWHERE))).json()
    assert inside["approval"] == elsewhere["approval"] == "pending"

    decided = await supervisor.post(
        "/api/attendance/approvals/movement-slips/decisions",
        json={"ids": [slip], "decision": "approved"},
    )
    assert decided.status_code == 200, decided.text
    assert await _approval(inside["id"]) == ("approved", slip)
    assert await _approval(elsewhere["id"]) == ("pending", None)  # not at the destination
    inbox = (await supervisor.get("/api/attendance/approvals")).json()
    assert [i["checkIn"]["id"] for i in inbox] == [elsewhere["id"]]
    events = await AuditEvent.select(AuditEvent.target_id).where(
        (AuditEvent.action == "check_in_approved") & (AuditEvent.target_type == "check_in")
    )
    assert [str(e["target_id"]) for e in events] == [str(inside["id"])]


async def test_a_rejected_slip_leaves_the_check_in_for_the_supervisor(
    team: dict[str, Any], org: Org
) -> None:
    officer, supervisor = team["officer"], team["supervisor"]
    slip = await _slip(officer, org)
    inside = (await officer.post("/api/attendance/check-ins", json=_tap(AT_DESTINATION))).json()
    await supervisor.post(
        "/api/attendance/approvals/movement-slips/decisions",
        json={"ids": [slip], "decision": "rejected", "note": "Tiada mesyuarat"},
    )
    assert await _approval(inside["id"]) == ("pending", None)


async def test_a_back_dated_tap_inside_the_window_still_needs_a_person(
    team: dict[str, Any], org: Org
) -> None:
    officer, supervisor = team["officer"], team["supervisor"]
    slip = await _slip(officer, org)
    # Dated in the future beyond the allowance: recorded now, inside the window, but pending
    # for its clock, which a slip does not answer.
    ahead = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    tap = _tap(AT_DESTINATION, offline=True)
    tap["fix"]["fixAt"] = ahead
    body = (await officer.post("/api/attendance/check-ins", json=tap)).json()
    assert "clock_ahead" in {f["code"] for f in body["findings"]}
    await supervisor.post(
        "/api/attendance/approvals/movement-slips/decisions",
        json={"ids": [slip], "decision": "approved"},
    )
    assert await _approval(body["id"]) == ("pending", None)


async def test_a_check_in_outside_the_window_is_not_touched(team: dict[str, Any], org: Org) -> None:
    officer, supervisor = team["officer"], team["supervisor"]
    before = (await officer.post("/api/attendance/check-ins", json=_tap(AT_DESTINATION))).json()
    await CheckIn.update({CheckIn.occurred_at: datetime.now(UTC) - timedelta(hours=2)}).where(
        CheckIn.id == before["id"]
    )
    slip = await _slip(officer, org)
    await supervisor.post(
        "/api/attendance/approvals/movement-slips/decisions",
        json={"ids": [slip], "decision": "approved"},
    )
    assert await _approval(before["id"]) == ("pending", None)
