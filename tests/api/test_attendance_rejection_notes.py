"""A rejection always says why (issue 15, item 4): the API refuses to reject a check-in, an
attendance issue or a movement slip without a note (422, in the user's language), alone or in a
bulk decision, and changes nothing; approving without a note stays allowed."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from api.attendance import fences
from api.attendance.tables import AttendanceIssue, CheckIn, MovementSlip
from api.org.tables import OfficeAssignment, User
from tests.fixtures import Org

FAR_AWAY = {"lat": 2.9400, "lon": 101.7100}

DECISIONS = {
    "check_in": "/api/attendance/approvals/decisions",
    "issue": "/api/attendance/approvals/issues/decisions",
    "slip": "/api/attendance/approvals/movement-slips/decisions",
}


@pytest.fixture
async def team(org: Org, client_factory: Any) -> dict[str, Any]:
    fences.forget()
    await OfficeAssignment.insert(
        OfficeAssignment(user=org.users["officer_a"], office=org.office_a)
    )
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    officer, supervisor = await client_factory(), await client_factory()
    await officer.sign_in(org.login["officer_a"])
    await supervisor.sign_in(org.login["exec_a"])
    return {"officer": officer, "supervisor": supervisor}


async def _pending(kind: str, officer: Any, org: Org) -> int:
    if kind == "check_in":
        tap = {
            "clientId": str(uuid.uuid4()),
            "kind": "in",
            "fix": {**FAR_AWAY, "accuracy": 10.0},
            "clientAt": datetime.now(UTC).isoformat(),
        }
        answer = await officer.post("/api/attendance/check-ins", json=tap)
        assert answer.json()["approval"] == "pending"
        return int(answer.json()["id"])
    if kind == "issue":
        day = date(2026, 11, 2) + timedelta(days=await AttendanceIssue.count())
        rows = await AttendanceIssue.insert(
            AttendanceIssue(user=org.users["officer_a"], day=day, kind="absent")
        ).returning(AttendanceIssue.id)
        return int(rows[0]["id"])
    start = datetime.now(UTC) + timedelta(days=1)
    rows = await MovementSlip.insert(
        MovementSlip(
            user=org.users["officer_a"],
            destination=org.office_a,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            purpose="Mesyuarat",
        )
    ).returning(MovementSlip.id)
    return int(rows[0]["id"])


async def _state(kind: str, item_id: int) -> str:
    if kind == "check_in":
        row = await CheckIn.select(CheckIn.approval).where(CheckIn.id == item_id).first()
        return str(row["approval"]) if row else ""
    table: Any = AttendanceIssue if kind == "issue" else MovementSlip
    row = await table.select(table.status).where(table.id == item_id).first()
    return str(row["status"]) if row else ""


@pytest.mark.parametrize("kind", list(DECISIONS))
@pytest.mark.parametrize("note", [None, "", "   \n\t "])
async def test_rejecting_without_a_note_is_refused(
    kind: str, note: str | None, team: dict[str, Any], org: Org
) -> None:
    item = await _pending(kind, team["officer"], org)
    before = await _state(kind, item)
    body: dict[str, Any] = {"ids": [item], "decision": "rejected"}
    if note is not None:
        body["note"] = note
    answer = await team["supervisor"].post(DECISIONS[kind], json=body)
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["code"] == "rejection_note_required"
    assert problem["detail"].startswith("Sila nyatakan sebab penolakan")  # Malay by default
    assert [e["field"] for e in problem.get("errors", [])] == ["note"]
    assert await _state(kind, item) == before


@pytest.mark.parametrize("kind", list(DECISIONS))
async def test_the_refusal_speaks_english_to_an_english_user(
    kind: str, team: dict[str, Any], org: Org
) -> None:
    item = await _pending(kind, team["officer"], org)
    await team["supervisor"].patch("/api/auth/me", json={"language": "en"})
    answer = await team["supervisor"].post(
        DECISIONS[kind], json={"ids": [item], "decision": "rejected", "note": " "}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("Please give the reason for the rejection")


@pytest.mark.parametrize("kind", list(DECISIONS))
async def test_a_bulk_rejection_without_a_note_decides_none(
    kind: str, team: dict[str, Any], org: Org
) -> None:
    items = [await _pending(kind, team["officer"], org) for _ in range(3)]
    before = [await _state(kind, i) for i in items]
    answer = await team["supervisor"].post(
        DECISIONS[kind], json={"ids": items, "decision": "rejected", "note": ""}
    )
    assert answer.status_code == 422
    assert [await _state(kind, i) for i in items] == before
    # With a note, the same bulk rejection goes through; approving needs no note.
    rejected = await team["supervisor"].post(
        DECISIONS[kind], json={"ids": items[:2], "decision": "rejected", "note": "Tiada bukti"}
    )
    assert rejected.status_code == 200, rejected.text
    approved = await team["supervisor"].post(
        DECISIONS[kind], json={"ids": items[2:], "decision": "approved"}
    )
    assert approved.status_code == 200, approved.text
    assert [await _state(kind, i) for i in items] == ["rejected", "rejected", "approved"]
