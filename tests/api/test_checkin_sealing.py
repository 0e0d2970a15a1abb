"""Check-ins sealed in the audit trail (api/attendance/sealing.py): every check-in is covered by
a hash-chained audit event; changing, removing or unsealing a sealed check-in is found by the
verification; what may legitimately change later (a decision, the officer's reason, the
erasure of coordinates) is not mistaken for tampering."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.accounts import audit
from api.accounts.tables import AuditEvent
from api.attendance import fences, sealing
from api.attendance.services import erase_old_coordinates
from api.attendance.tables import CheckIn
from api.org.tables import OfficeAssignment, User
from tests.fixtures import Org

CENTRE = {"lat": 2.9266, "lon": 101.69675, "accuracy": 10.0}
FAR_AWAY = {"lat": 2.9400, "lon": 101.7100, "accuracy": 10.0}


@pytest.fixture
async def officer(org: Org, client_factory: Any) -> Any:
    fences.forget()
    await OfficeAssignment.insert(
        OfficeAssignment(user=org.users["officer_a"], office=org.office_a)
    )
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    client = await client_factory()
    await client.sign_in(org.login["officer_a"])
    return client


async def _check_in(client: Any, fix: dict[str, float] = CENTRE, kind: str = "in") -> int:
    response = await client.post(
        "/api/attendance/check-ins",
        json={"clientId": str(uuid.uuid4()), "kind": kind, "fix": fix},
    )
    assert response.status_code == 200, response.text
    return int(response.json()["id"])


async def test_every_check_in_is_sealed_by_a_chained_event(officer: Any) -> None:
    ids = [await _check_in(officer) for _ in range(3)]
    assert await sealing.seal_check_ins() == 3
    rows = await CheckIn.select(CheckIn.id, CheckIn.sealed_seq).where(CheckIn.id.is_in(ids))
    seqs = {r["sealed_seq"] for r in rows}
    assert len(seqs) == 1 and None not in seqs
    event = await AuditEvent.select().where(AuditEvent.seq == seqs.pop()).first()
    assert event is not None and event["action"] == "check_ins_sealed"
    # Nothing new: no empty seal.
    assert await sealing.seal_check_ins() == 0
    assert await AuditEvent.count().where(AuditEvent.action == "check_ins_sealed") == 1
    # A later check-in goes into the next seal.
    await _check_in(officer, kind="out")
    assert await sealing.seal_check_ins() == 1
    result = await sealing.verify_seals()
    assert result.ok, result.problems
    assert (result.seals_checked, result.rows_checked) == (2, 4)
    assert (await audit.verify()).ok


async def test_batches_make_one_event_each(officer: Any) -> None:
    for _ in range(5):
        await _check_in(officer)
    assert await sealing.seal_check_ins(batch=2) == 5
    assert await AuditEvent.count().where(AuditEvent.action == "check_ins_sealed") == 3
    assert (await sealing.verify_seals()).ok


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("occurred_at", datetime(2026, 1, 5, 0, 30, tzinfo=UTC)),
        ("status", "outside"),
        ("distance_m", 12.5),
        ("office", None),
    ],
)
async def test_a_changed_check_in_breaks_its_seal(officer: Any, column: str, value: Any) -> None:
    check_in_id = await _check_in(officer)
    await _check_in(officer, kind="out")
    await sealing.seal_check_ins()
    await CheckIn.update({getattr(CheckIn, column): value}).where(CheckIn.id == check_in_id)
    result = await sealing.verify_seals()
    assert not result.ok
    assert any("was changed" in p for p in result.problems), result.problems


async def test_a_removed_check_in_breaks_its_seal(officer: Any) -> None:
    check_in_id = await _check_in(officer)
    await _check_in(officer, kind="out")
    await sealing.seal_check_ins()
    await CheckIn.delete().where(CheckIn.id == check_in_id)
    result = await sealing.verify_seals()
    assert not result.ok
    assert any("2 check-ins sealed, 1 found" in p for p in result.problems), result.problems


async def test_an_old_unsealed_check_in_is_reported(officer: Any) -> None:
    check_in_id = await _check_in(officer)
    await sealing.seal_check_ins()
    # Someone clears the seal of a row (to change it unnoticed): the seal's count breaks, and
    # a day later the row shows as unsealed.
    await CheckIn.update({CheckIn.sealed_seq: None}).where(CheckIn.id == check_in_id)
    result = await sealing.verify_seals(now=datetime.now(UTC) + timedelta(days=2))
    assert not result.ok
    assert any("older than a day are not sealed" in p for p in result.problems)
    assert any("1 check-ins sealed, 0 found" in p for p in result.problems)


async def test_decisions_reasons_and_erasure_do_not_break_seals(
    officer: Any, org: Org, client_factory: Any
) -> None:
    pending_id = await _check_in(officer, fix=FAR_AWAY)
    await sealing.seal_check_ins()
    # The officer gives a reason, the supervisor decides, the coordinates are erased later.
    reason = await officer.patch(
        f"/api/attendance/check-ins/{pending_id}",
        json={"mode": "official_duty", "note": "Mesyuarat di JPM"},
    )
    assert reason.status_code == 200, reason.text
    supervisor = await client_factory()
    await supervisor.sign_in(org.login["exec_a"])
    decided = await supervisor.post(
        "/api/attendance/approvals/decisions",
        json={"ids": [pending_id], "decision": "approved", "note": "OK"},
    )
    assert decided.status_code == 200, decided.text
    assert await erase_old_coordinates(now=datetime.now(UTC) + timedelta(days=91)) == 1
    result = await sealing.verify_seals()
    assert result.ok, result.problems
    assert (await audit.verify()).ok
