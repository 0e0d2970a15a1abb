"""The audit chain is keyed and anchored outside the database: editing an event and
recomputing plain hashes, cutting events off before an anchor, and changing a check-in's
decision are all found by the verification (issue 18, item 9)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from api.accounts import audit
from api.accounts.tables import AuditEvent
from api.attendance import sealing
from api.attendance.tables import CheckIn
from api.config import get_settings
from api.core.integrity import canonical_json
from api.ops.backup import create_backup
from tests.api.test_checkin_sealing import FAR_AWAY, _check_in, officer  # noqa: F401
from tests.fixtures import Org

PROJECT = Path(__file__).resolve().parents[2]


async def _events(n: int) -> None:
    for i in range(n):
        await audit.record("test.event", detail={"n": i})


async def _rechain_plainly(from_seq: int) -> None:
    """What someone who can write the database could always do: recompute SHA-256 links."""
    previous = await AuditEvent.select().where(AuditEvent.seq == from_seq - 1).first()
    prev_hash = previous["hash"] if previous else audit.GENESIS_HASH
    for row in await AuditEvent.select().where(AuditEvent.seq >= from_seq).order_by(AuditEvent.seq):
        canonical = canonical_json(audit.chained_fields_of(row))
        new_hash = hashlib.sha256(prev_hash.encode() + canonical).hexdigest()
        await AuditEvent.update({AuditEvent.prev_hash: prev_hash, AuditEvent.hash: new_hash}).where(
            AuditEvent.seq == row["seq"]
        )
        prev_hash = new_hash


async def test_an_edited_event_with_recomputed_hashes_is_detected(db: None) -> None:
    await _events(5)
    assert (await audit.verify()).ok
    await AuditEvent.update({AuditEvent.detail: {"n": 99}}).where(AuditEvent.seq == 3)
    await _rechain_plainly(3)
    result = await audit.verify()
    assert not result.ok and result.first_broken_seq == 3, result


async def test_events_cut_off_before_the_anchor_are_detected(db: None, tmp_path: Path) -> None:
    await _events(6)
    anchor_file = tmp_path / "audit-anchor.json"
    head = await audit.chain_head()
    assert head is not None and audit.write_anchor(head, "test", path=anchor_file)
    anchor = audit.read_anchor(anchor_file)
    assert anchor == audit.Anchor(6, head.hash, head.at, anchor.written_at, "test")
    await _events(2)
    assert (await audit.verify(anchor)).ok
    # The last events are deleted, the anchored one among them: the chain alone looks whole.
    await AuditEvent.delete().where(AuditEvent.seq >= 5)
    assert (await audit.verify()).ok
    result = await audit.verify(anchor)
    assert not result.ok and "anchored at 6" in result.problem, result
    # Nor can the cut be hidden by appending new events up to the anchored number.
    await _events(3)
    result = await audit.verify(anchor)
    assert not result.ok and result.problem == "the anchored event differs from its anchor"


async def test_an_anchor_never_moves_back(db: None, tmp_path: Path) -> None:
    path = tmp_path / "anchor.json"
    assert audit.write_anchor(audit.Anchor(5, "a" * 64), "test", path=path)
    assert not audit.write_anchor(audit.Anchor(3, "b" * 64), "test", path=path)
    assert audit.read_anchor(path) == audit.Anchor(5, "a" * 64, "", *_written(path))
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def _written(path: Path) -> tuple[str, str]:
    raw = json.loads(path.read_bytes())
    return raw["written_at"], raw["source"]


async def test_a_backup_anchors_the_chain_and_audit_verify_uses_it(
    org: Org, tmp_path: Path
) -> None:
    await _events(4)
    folder = await create_backup(get_settings().database_url, tmp_path / "backups")
    manifest = folder / "manifest.json"
    head = json.loads(manifest.read_bytes())["auditHead"]
    assert head["seq"] == await AuditEvent.count()
    assert audit.read_anchor(get_settings().var_dir / audit.ANCHOR_FILE).seq >= head["seq"]
    ok = _audit_verify("--anchor", str(manifest))
    assert ok.returncode == 0, ok.stderr
    assert f"anchored event {head['seq']} found intact" in ok.stdout
    await AuditEvent.delete().where(AuditEvent.seq >= head["seq"] - 1)
    broken = _audit_verify("--anchor", str(manifest))
    assert broken.returncode == 1 and "events missing" in broken.stderr, broken.stderr


def _audit_verify(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api", "audit-verify", *args],
        cwd=PROJECT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )


async def _decided_check_in(officer: Any, org: Org, client_factory: Any) -> int:  # noqa: F811
    pending_id = await _check_in(officer, fix=FAR_AWAY)
    supervisor = await client_factory()
    await supervisor.sign_in(org.login["exec_a"])
    decided = await supervisor.post(
        "/api/attendance/approvals/decisions",
        json={"ids": [pending_id], "decision": "rejected", "note": "Tiada kenyataan"},
    )
    assert decided.status_code == 200, decided.text
    await sealing.seal_check_ins()
    result = await sealing.verify_seals()
    assert result.ok and result.decisions_checked == 1, result.problems
    return pending_id


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"approval": "approved"}, "but the audit trail records check_in_rejected"),
        ({"decision_note": "Diluluskan"}, "the decision was changed after it was made"),
        ({"decided_by": None}, "the decision was changed after it was made"),
    ],
)
async def test_a_changed_decision_is_detected(
    officer: Any,  # noqa: F811
    org: Org,
    client_factory: Any,
    change: dict[str, Any],
    problem: str,
) -> None:
    check_in_id = await _decided_check_in(officer, org, client_factory)
    await CheckIn.update({getattr(CheckIn, k): v for k, v in change.items()}).where(
        CheckIn.id == check_in_id
    )
    result = await sealing.verify_seals()
    assert not result.ok
    assert any(problem in p for p in result.problems), result.problems


async def test_a_decision_made_in_the_database_alone_is_detected(
    officer: Any,  # noqa: F811
    org: Org,
) -> None:
    from datetime import UTC, datetime

    pending_id = await _check_in(officer, fix=FAR_AWAY)
    inside_id = await _check_in(officer)
    await sealing.seal_check_ins()
    # Approved without a decision (pending -> approved), and a decision forged on a sealed row.
    await CheckIn.update({CheckIn.approval: "approved"}).where(CheckIn.id == pending_id)
    await CheckIn.update(
        {
            CheckIn.approval: "rejected",
            CheckIn.decided_by: org.users["exec_a"],
            CheckIn.decided_at: datetime.now(UTC),
        }
    ).where(CheckIn.id == inside_id)
    result = await sealing.verify_seals()
    assert any(f"check-in {pending_id}: approved without a decision" in p for p in result.problems)
    assert any(f"check-in {inside_id}: decided without a decision" in p for p in result.problems)
    assert any("a sealed check-in was changed" in p for p in result.problems), result.problems


async def test_the_upgrade_rekeys_an_existing_plain_chain_once(db: None) -> None:
    import importlib

    await _events(4)
    await _rechain_plainly(1)  # as chains were before keyed hashes
    assert not (await audit.verify()).ok
    migration = importlib.import_module(
        "api.accounts.piccolo_migrations.accounts_2026_12_07t18_40_00_000002_keyed_audit_chain"
    )
    await (await migration.forwards()).run()
    assert (await audit.verify()).ok
    last = await AuditEvent.select().order_by(AuditEvent.seq, ascending=False).first()
    assert last is not None and last["action"] == "audit.rekeyed"
    detail = last["detail"] if isinstance(last["detail"], dict) else json.loads(last["detail"])
    assert detail == {"events": 4, "old_chain_intact": True, "first_broken_seq": None}


async def test_a_check_in_changed_before_its_seal_is_detected(
    officer: Any,  # noqa: F811
) -> None:
    check_in_id = await _check_in(officer)
    other_id = await _check_in(officer, fix=FAR_AWAY, kind="out")
    assert (await sealing.verify_seals()).ok  # not sealed yet, and each row's MAC holds
    await CheckIn.update({CheckIn.status: "outside"}).where(CheckIn.id == check_in_id)
    await CheckIn.update({CheckIn.row_mac: ""}).where(CheckIn.id == other_id)
    result = await sealing.verify_seals()
    assert f"check-in(s) changed since they were recorded: {check_in_id}" in result.problems
    assert f"check-in(s) recorded without their MAC: {other_id}" in result.problems
    # The seal made afterwards does not launder the change.
    await sealing.seal_check_ins()
    assert not (await sealing.verify_seals()).ok


async def test_every_way_in_gives_a_row_mac_that_holds(
    officer: Any,  # noqa: F811
    org: Org,
) -> None:
    from datetime import UTC, datetime, timedelta

    from api.attendance import imports
    from tests.attendance.test_imports import punch_csv

    offline = await officer.post(
        "/api/attendance/check-ins",
        json={
            "clientId": "9b0c7a52-4d7e-4a0e-9d55-2f3d1c5b7a11",
            "kind": "in",
            "fix": {**FAR_AWAY, "fixAt": (datetime.now(UTC) - timedelta(hours=3)).isoformat()},
            "offline": True,
            "clientAt": (datetime.now(UTC) - timedelta(hours=3)).isoformat(),
            "mode": "official_duty",
            "note": "Lawatan tapak",
        },
    )
    assert offline.status_code == 200, offline.text
    await _check_in(officer)
    report = await imports.import_punches(punch_csv(org), agency_id=org.agency_a)
    assert report.imported > 0
    rows = await CheckIn.select(CheckIn.row_mac, CheckIn.source)
    assert {r["source"] for r in rows} == {"phone", "device"}
    assert all(len(r["row_mac"]) == 64 for r in rows)
    result = await sealing.verify_seals()
    assert result.ok, result.problems


async def test_rows_from_before_the_upgrade_need_no_mac(
    officer: Any,  # noqa: F811
) -> None:
    old_id = await _check_in(officer)
    await CheckIn.update({CheckIn.row_mac: ""}).where(CheckIn.id == old_id)
    await audit.record(
        sealing.ROW_MACS_FROM_ACTION, target_type="check_in", detail={"first_id": old_id + 1}
    )
    new_id = await _check_in(officer, kind="out")
    assert (await sealing.verify_seals()).ok
    await CheckIn.update({CheckIn.row_mac: ""}).where(CheckIn.id == new_id)
    assert not (await sealing.verify_seals()).ok


async def test_the_scheduled_job_anchors_the_head(db: None, tmp_path: Path) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    import msgspec

    from api.jobs import default_jobs
    from api.ops.scheduler import run_due_jobs

    await _events(3)
    settings = msgspec.structs.replace(get_settings(), var_dir=tmp_path)
    jobs = [job for job in default_jobs(settings) if job.name == "audit-anchor"]
    now = datetime(2026, 12, 7, 2, 7, tzinfo=UTC)
    assert await run_due_jobs(jobs, now, ZoneInfo("Asia/Kuala_Lumpur")) == [
        "audit-anchor:2026-12-07T10:00"
    ]
    anchor = audit.read_anchor(tmp_path / audit.ANCHOR_FILE)
    assert anchor is not None and anchor.seq == 3 and anchor.source == "scheduled"
    assert (await audit.verify(anchor)).ok
