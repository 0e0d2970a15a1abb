"""Check-ins in the audit trail: sealed in bulk by hash-chained events.

A check-in row is itself the record of the tap (who, when, where it was judged, the phone's
times and id). Appending one audit event per check-in would put every check-in of the morning
rush through the chain's single lock. Instead, `seal_check_ins` (a scheduled job, every few
minutes) appends one `check_ins_sealed` event per batch of check-ins not yet sealed: the
event's detail holds how many rows it covers and the SHA-256 of their sealed fields, and each
row remembers the event (`sealed_seq`). The chain makes the events tamper-evident; the
digest makes the rows so:

- `verify_seals` recomputes each event's digest from the rows that name it: a row changed,
  removed, or moved to another seal breaks it;
- rows older than `UNSEALED_GRACE` that are still unsealed are reported too (the job has not
  run, or someone cleared a row's seal).

Sealed fields are those that never change after the insert, and (seal format 2) the approval
the row was inserted with: "pending" once decided, else the approval itself, so turning a
pending or not-needed check-in into an approved one without a decision breaks the seal.
Not sealed in the row digest: the decision itself (approval, decided by / at, note), the
officer's later reason (mode, note) and the raw coordinates, which the retention job erases
after 90 days (PDPA); the verdict, distance and accuracy stay sealed.

Decisions are sealed by their own audit events: each `check_in_approved` / `check_in_rejected`
event carries `decision`, the SHA-256 of the decided fields (`decision_digest`), and
`verify_seals` checks every decided row against the latest decision event naming it, so a
decision changed afterwards, or made without an event, is reported. Decision events recorded
before this carried no digest; for those the decision (approved / rejected) is still compared.

Before its seal, a row is covered by its own `row_mac`: an HMAC of the same fields (all but
the id, which is not known before the insert) made when it is inserted, with a key derived
from SECRET_KEY (api.core.integrity), which is not in the database. `verify_seals` checks every
row's MAC, so a row changed before (or after) its seal is found. A row deleted before its seal
is not: nothing in the database names it yet. Rows committed late (a long import) are simply
sealed by the next run, whatever their id.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from api.accounts import audit
from api.accounts.tables import AuditEvent
from api.attendance.tables import CheckIn
from api.core.integrity import canonical_json, mac_hex, mac_matches
from api.db import write_transaction

SEAL_ACTION = "check_ins_sealed"
SEAL_FORMAT = 2  # 1: sealed columns only; 2: also the approval the row was inserted with
DECISION_ACTIONS = ("check_in_approved", "check_in_rejected")
ROW_MAC_LABEL = "check-in-row"
# Audit event of the upgrade that introduced row MACs: rows below its `first_id` have none.
ROW_MACS_FROM_ACTION = "check_in.row_macs_from"
SEAL_BATCH = 5000
UNSEALED_GRACE = timedelta(days=1)

SEALED_COLUMNS = (
    CheckIn.id,
    CheckIn.user,
    CheckIn.client_id,
    CheckIn.kind,
    CheckIn.occurred_at,
    CheckIn.received_at,
    CheckIn.client_at,
    CheckIn.fix_at,
    CheckIn.accuracy_m,
    CheckIn.status,
    CheckIn.office,
    CheckIn.distance_m,
    CheckIn.status_reason,
    CheckIn.findings,
    CheckIn.passkey_confirmed,
    CheckIn.offline,
    CheckIn.late_sync,
    CheckIn.source,
    CheckIn.movement_slip,
)
# Read with the sealed columns (format 2), not sealed themselves.
DECISION_COLUMNS = (CheckIn.approval, CheckIn.decided_at)
_BOOLEAN_COLUMNS = {"passkey_confirmed", "offline", "late_sync"}


class SealVerification(msgspec.Struct, frozen=True):
    ok: bool
    seals_checked: int
    rows_checked: int
    problems: list[str]
    decisions_checked: int = 0


def _value(value: Any) -> Any:
    """One canonical form on both engines (times in UTC to the microsecond, JSON re-encoded
    with sorted keys: PostgreSQL's jsonb does not keep the text as written)."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def approval_at_insert(row: dict[str, Any]) -> str:
    """A decision is only ever made on a pending check-in: a decided row was inserted pending."""
    return "pending" if row["decided_at"] is not None else str(row["approval"])


_SEALED_NAMES = tuple(column._meta.name for column in SEALED_COLUMNS)
_SEALED_NAMES_WITHOUT_ID = tuple(name for name in _SEALED_NAMES if name != "id")


def _sealed_values(row: dict[str, Any], *, with_id: bool = True) -> list[Any]:
    values = []
    for name in _SEALED_NAMES if with_id else _SEALED_NAMES_WITHOUT_ID:
        value = row[name]
        if name == "findings" and isinstance(value, str):
            value = json.loads(value)
        elif name in _BOOLEAN_COLUMNS:
            value = bool(value)
        values.append(_value(value))
    return values


def _row_text(row: dict[str, Any], seal_format: int) -> bytes:
    values = _sealed_values(row)
    if seal_format >= 2:
        values.append(approval_at_insert(row))
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str).encode()


def _row_mac_text(row: dict[str, Any]) -> bytes:
    return canonical_json([*_sealed_values(row, with_id=False), approval_at_insert(row)])


def row_mac(row: dict[str, Any]) -> str:
    """The HMAC a check-in carries from its insert; `row` holds the values being inserted."""
    return mac_hex(ROW_MAC_LABEL, _row_mac_text(row))


def sign_new_row(check_in: CheckIn) -> CheckIn:
    """Sets `row_mac` on a check-in about to be inserted through Piccolo."""
    columns = (*SEALED_COLUMNS, *DECISION_COLUMNS)
    check_in.row_mac = row_mac({c._meta.name: getattr(check_in, c._meta.name) for c in columns})
    return check_in


def digest(rows: list[dict[str, Any]], seal_format: int = SEAL_FORMAT) -> str:
    """SHA-256 over the sealed fields of the rows, in id order."""
    hasher = hashlib.sha256()
    for row in sorted(rows, key=lambda r: r["id"]):
        hasher.update(_row_text(row, seal_format))
        hasher.update(b"\n")
    return hasher.hexdigest()


def decision_digest(
    approval: str, decided_by: int | None, decided_at: datetime | None, note: str
) -> str:
    """SHA-256 of a check-in's decided fields, carried by its decision's audit event."""
    values = [approval, decided_by, _value(decided_at), note]
    return hashlib.sha256(json.dumps(values, separators=(",", ":")).encode()).hexdigest()


async def seal_check_ins(batch: int = SEAL_BATCH) -> int:
    """Seals every check-in not sealed yet, `batch` rows per audit event; how many."""
    sealed = 0
    while True:
        async with write_transaction():
            rows = (
                await CheckIn.select(*SEALED_COLUMNS, *DECISION_COLUMNS)
                .where(CheckIn.sealed_seq.is_null())
                .order_by(CheckIn.id)
                .limit(batch)
            )
            if not rows:
                return sealed
            ids = [r["id"] for r in rows]
            seq = await audit.record(
                SEAL_ACTION,
                target_type="check_in",
                target_id=f"{ids[0]}-{ids[-1]}",
                detail={"count": len(rows), "sha256": digest(rows), "format": SEAL_FORMAT},
            )
            await CheckIn.update({CheckIn.sealed_seq: seq}).where(CheckIn.id.is_in(ids))
        sealed += len(rows)
        if len(rows) < batch:
            return sealed


async def verify_seals(now: datetime | None = None) -> SealVerification:
    """Recomputes every seal from its rows (the chain itself is checked by `audit.verify`)."""
    problems: list[str] = []
    seals = rows_checked = 0
    events = (
        await AuditEvent.select(AuditEvent.seq, AuditEvent.detail)
        .where(AuditEvent.action == SEAL_ACTION)
        .order_by(AuditEvent.seq)
    )
    for event in events:
        detail = event["detail"]
        if isinstance(detail, str):
            detail = json.loads(detail)
        rows = await CheckIn.select(*SEALED_COLUMNS, *DECISION_COLUMNS).where(
            CheckIn.sealed_seq == event["seq"]
        )
        seals += 1
        rows_checked += len(rows)
        if len(rows) != detail.get("count"):
            problems.append(
                f"seal {event['seq']}: {detail.get('count')} check-ins sealed, {len(rows)} found"
            )
        elif digest(rows, int(detail.get("format", 1))) != detail.get("sha256"):
            problems.append(f"seal {event['seq']}: a sealed check-in was changed")
    cutoff = (now or datetime.now(UTC)) - UNSEALED_GRACE
    unsealed = await CheckIn.count().where(
        CheckIn.sealed_seq.is_null() & (CheckIn.received_at < cutoff)
    )
    if unsealed:
        problems.append(f"{unsealed} check-in(s) older than a day are not sealed")
    stray = await CheckIn.count().where(
        CheckIn.sealed_seq.is_not_null()
        & CheckIn.sealed_seq.not_in(
            AuditEvent.select(AuditEvent.seq).where(AuditEvent.action == SEAL_ACTION)
        )
    )
    if stray:
        problems.append(f"{stray} check-in(s) name a seal that is not in the audit trail")
    await _verify_row_macs(problems)
    decisions = await _verify_decisions(problems)
    return SealVerification(not problems, seals, rows_checked, problems, decisions)


async def _verify_row_macs(problems: list[str], batch: int = 5000) -> None:
    marker = (
        await AuditEvent.select(AuditEvent.detail)
        .where(AuditEvent.action == ROW_MACS_FROM_ACTION)
        .order_by(AuditEvent.seq)
        .first()
    )
    first_id = 1
    if marker is not None:
        detail = marker["detail"]
        first_id = int((json.loads(detail) if isinstance(detail, str) else detail)["first_id"])
    changed: list[int] = []
    missing: list[int] = []
    after = 0
    while True:
        rows = (
            await CheckIn.select(*SEALED_COLUMNS, *DECISION_COLUMNS, CheckIn.row_mac)
            .where(CheckIn.id > after)
            .order_by(CheckIn.id)
            .limit(batch)
        )
        if not rows:
            break
        for row in rows:
            if not row["row_mac"]:
                if row["id"] >= first_id:
                    missing.append(row["id"])
            elif not mac_matches(ROW_MAC_LABEL, _row_mac_text(row), row["row_mac"]):
                changed.append(row["id"])
        after = rows[-1]["id"]
    if changed:
        problems.append(f"check-in(s) changed since they were recorded: {_ids(changed)}")
    if missing:
        problems.append(f"check-in(s) recorded without their MAC: {_ids(missing)}")


def _ids(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:20])
    return shown + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")


async def _verify_decisions(problems: list[str]) -> int:
    """Every decided check-in against the latest decision event naming it; how many."""
    latest: dict[str, dict[str, Any]] = {}
    events = (
        await AuditEvent.select(AuditEvent.action, AuditEvent.target_id, AuditEvent.detail)
        .where(
            AuditEvent.action.is_in(list(DECISION_ACTIONS)) & (AuditEvent.target_type == "check_in")
        )
        .order_by(AuditEvent.seq)
    )
    for event in events:
        latest[event["target_id"]] = event
    rows = await CheckIn.select(
        CheckIn.id,
        CheckIn.approval,
        CheckIn.decided_by,
        CheckIn.decided_at,
        CheckIn.decision_note,
        CheckIn.movement_slip,
    ).where(CheckIn.decided_at.is_not_null() | CheckIn.approval.is_in(["approved", "rejected"]))
    for row in rows:
        recorded_event = latest.get(str(row["id"]))
        if row["decided_at"] is None:
            # Approved at the tap by a movement slip is the one decision without an event.
            if not (row["approval"] == "approved" and row["movement_slip"] is not None):
                problems.append(f"check-in {row['id']}: {row['approval']} without a decision")
            continue
        if recorded_event is None:
            problems.append(f"check-in {row['id']}: decided without a decision in the audit trail")
            continue
        if recorded_event["action"] != f"check_in_{row['approval']}":
            problems.append(
                f"check-in {row['id']}: {row['approval']}, but the audit trail records "
                f"{recorded_event['action']}"
            )
            continue
        detail = recorded_event["detail"]
        if isinstance(detail, str):
            detail = json.loads(detail)
        recorded = detail.get("decision")
        decided = decision_digest(
            row["approval"], row["decided_by"], row["decided_at"], row["decision_note"]
        )
        if recorded is not None and recorded != decided:
            problems.append(f"check-in {row['id']}: the decision was changed after it was made")
    return len(rows)
