"""The audit trail: append-only events linked by a SHA-256 hash chain.

`record()` joins the caller's transaction (or opens one), takes the chain lock (the SQLite
write lock, or a PostgreSQL advisory lock), and appends one event whose hash covers the previous
hash and the event's own canonical JSON. `verify()` recomputes the chain and reports the first
broken link. Never put secrets, codes or passwords in `detail`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import msgspec

from api.accounts.tables import AuditEvent
from api.db import is_sqlite, write_transaction

GENESIS_HASH = "0" * 64
_CHAIN_LOCK_KEY = 0x48414449  # "HADI": the advisory lock that serialises appends on PostgreSQL
_SECRET_WORDS = ("password", "secret", "token", "otp", "recovery")


class AuditVerification(msgspec.Struct, frozen=True):
    ok: bool
    events_checked: int
    first_broken_seq: int | None = None
    problem: str = ""


def _canonical(event: dict[str, Any]) -> bytes:
    return json.dumps(event, sort_keys=True, separators=(",", ":"), default=str).encode()


def _event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + _canonical(fields)).hexdigest()


def _chained_fields(
    seq: int,
    at: datetime,
    agency_id: int | None,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    ip: str,
    detail: dict[str, Any],
) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "agency_id": agency_id,
        "actor_id": actor_id,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "ip": ip,
        "detail": detail,
    }


def _check_no_secrets(detail: dict[str, Any]) -> None:
    for key in detail:
        if any(word in key.lower() for word in _SECRET_WORDS):
            raise ValueError(f"audit detail must not carry secrets (key {key!r})")


async def record(
    action: str,
    *,
    actor_id: int | None = None,
    agency_id: int | None = None,
    target_type: str = "",
    target_id: str | int = "",
    ip: str = "",
    detail: dict[str, Any] | None = None,
) -> int:
    """Appends one event; its sequence number."""
    detail = detail or {}
    _check_no_secrets(detail)
    async with write_transaction():
        if not is_sqlite():
            await AuditEvent.raw("SELECT pg_advisory_xact_lock({})", _CHAIN_LOCK_KEY)
        last = (
            await AuditEvent.select(AuditEvent.seq, AuditEvent.hash)
            .order_by(AuditEvent.seq, ascending=False)
            .first()
        )
        seq = (last["seq"] + 1) if last else 1
        prev_hash = last["hash"] if last else GENESIS_HASH
        # Microsecond precision, so the time read back hashes exactly as it was written.
        at = datetime.now(UTC)
        fields = _chained_fields(
            seq, at, agency_id, actor_id, action, target_type, str(target_id), ip, detail
        )
        await AuditEvent.insert(
            AuditEvent(
                seq=seq,
                at=at,
                agency_id=agency_id,
                actor_id=actor_id,
                action=action,
                target_type=target_type,
                target_id=str(target_id),
                ip=ip,
                detail=detail,
                prev_hash=prev_hash,
                hash=_event_hash(prev_hash, fields),
            )
        )
    return int(seq)


async def _events_in_order(batch: int = 1000) -> AsyncIterator[dict[str, Any]]:
    after = 0
    while True:
        rows = (
            await AuditEvent.select()
            .where(AuditEvent.seq > after)
            .order_by(AuditEvent.seq)
            .limit(batch)
        )
        if not rows:
            return
        for row in rows:
            yield row
        after = rows[-1]["seq"]


async def verify() -> AuditVerification:
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    async for row in _events_in_order():
        detail = row["detail"]
        if isinstance(detail, str):
            detail = json.loads(detail)
        fields = _chained_fields(
            row["seq"],
            row["at"],
            row["agency_id"],
            row["actor_id"],
            row["action"],
            row["target_type"],
            row["target_id"],
            row["ip"],
            detail,
        )
        if row["seq"] != expected_seq:
            return AuditVerification(False, checked, row["seq"], f"expected seq {expected_seq}")
        if row["prev_hash"] != prev_hash:
            return AuditVerification(False, checked, row["seq"], "previous-hash link broken")
        if _event_hash(prev_hash, fields) != row["hash"]:
            return AuditVerification(False, checked, row["seq"], "event content changed")
        prev_hash = row["hash"]
        expected_seq += 1
        checked += 1
    return AuditVerification(True, checked)
