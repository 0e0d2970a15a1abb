"""The audit trail: append-only events linked by a keyed hash chain, anchored outside the
database.

`record()` joins the caller's transaction (or opens one), takes the chain lock (the SQLite
write lock, or a PostgreSQL advisory lock), and appends one event whose `hash` is an
HMAC-SHA256 over the previous hash and the event's own canonical JSON. The key is derived from
SECRET_KEY (api.core.integrity), which is not in the database: someone who can write the
database can delete or change events, but cannot compute the hashes that would make the
changed chain verify again.

What a keyed chain alone cannot show is that its last events were cut off. So its head
(seq, hash, time) is anchored outside the database (`write_anchor`): in `var/audit-anchor.json`
by a scheduled job and at every backup, in the log, and in every backup's signed manifest.
`verify(anchor)` recomputes the chain and also requires the anchored event to be there, unchanged.

Never put secrets, codes or passwords in `detail`.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import structlog

from api.accounts.tables import AuditEvent
from api.config import get_settings
from api.core.integrity import canonical_json, integrity_key, mac_hex
from api.db import is_sqlite, write_transaction

log = structlog.get_logger("hadir.audit")

GENESIS_HASH = "0" * 64
CHAIN_LABEL = "audit-chain"
ANCHOR_FILE = "audit-anchor.json"
_CHAIN_LOCK_KEY = 0x48414449  # "HADI": the advisory lock that serialises appends on PostgreSQL
_SECRET_WORDS = ("password", "secret", "token", "otp", "recovery")


class AuditVerification(msgspec.Struct, frozen=True):
    ok: bool
    events_checked: int
    first_broken_seq: int | None = None
    problem: str = ""
    anchor_seq: int | None = None  # the anchored event that was found intact


class Anchor(msgspec.Struct, frozen=True):
    """The chain's head as seen at some moment, kept outside the database."""

    seq: int
    hash: str
    at: str = ""  # the event's time
    written_at: str = ""
    source: str = ""


def chain_hash(prev_hash: str, fields: dict[str, Any], *, key: bytes | None = None) -> str:
    return mac_hex(CHAIN_LABEL, prev_hash.encode() + canonical_json(fields), key=key)


def chain_key(secret_key: str | None = None) -> bytes:
    return integrity_key(CHAIN_LABEL, secret_key)


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
                hash=chain_hash(prev_hash, fields),
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


def chained_fields_of(row: dict[str, Any]) -> dict[str, Any]:
    detail = row["detail"]
    if isinstance(detail, str):
        detail = json.loads(detail)
    return _chained_fields(
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


async def verify(anchor: Anchor | None = None) -> AuditVerification:
    """Recomputes the keyed chain; with an anchor, the anchored event must be in it unchanged
    (so events cut off after the anchor, or a chain rebuilt from an earlier point, fail)."""
    key = chain_key()
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    anchor_found = False
    async for row in _events_in_order():
        fields = chained_fields_of(row)
        if row["seq"] != expected_seq:
            return AuditVerification(False, checked, row["seq"], f"expected seq {expected_seq}")
        if row["prev_hash"] != prev_hash:
            return AuditVerification(False, checked, row["seq"], "previous-hash link broken")
        if chain_hash(prev_hash, fields, key=key) != row["hash"]:
            return AuditVerification(False, checked, row["seq"], "event content changed")
        if anchor is not None and row["seq"] == anchor.seq:
            if row["hash"] != anchor.hash:
                return AuditVerification(
                    False, checked, row["seq"], "the anchored event differs from its anchor"
                )
            anchor_found = True
        prev_hash = row["hash"]
        expected_seq += 1
        checked += 1
    if anchor is not None and not anchor_found:
        return AuditVerification(
            False,
            checked,
            expected_seq,
            f"events missing: the chain ends at {expected_seq - 1} but was anchored at "
            f"{anchor.seq} ({anchor.source or 'anchor'}, {anchor.written_at or anchor.at})",
        )
    return AuditVerification(True, checked, anchor_seq=anchor.seq if anchor else None)


async def chain_head() -> Anchor | None:
    row = (
        await AuditEvent.select(AuditEvent.seq, AuditEvent.hash, AuditEvent.at)
        .order_by(AuditEvent.seq, ascending=False)
        .first()
    )
    if row is None:
        return None
    return Anchor(int(row["seq"]), row["hash"], _iso(row["at"]))


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return str(value)


def anchor_path() -> Path:
    return get_settings().var_dir / ANCHOR_FILE


def read_anchor(path: Path | None = None) -> Anchor | None:
    """The anchor file, or None if there is none. A backup's manifest.json works too (its
    `auditHead`)."""
    path = path or anchor_path()
    try:
        raw = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot read the audit anchor {path}: {error}") from None
    if isinstance(raw, dict) and "auditHead" in raw:
        raw = raw["auditHead"]
        if raw is None:
            return None
        raw = {"seq": raw["seq"], "hash": raw["hash"], "at": raw.get("at", ""), "source": "backup"}
    return msgspec.convert(raw, Anchor)


def write_anchor(
    head: Anchor, source: str, *, path: Path | None = None, force: bool = False
) -> bool:
    """Records the chain's head outside the database: the anchor file (owner-only, replaced
    atomically) and the log. Never moves an anchor back to an earlier event unless `force`
    (after a restore); False when it did not move."""
    path = path or anchor_path()
    current = read_anchor(path)
    if current is not None and current.seq > head.seq and not force:
        log.warning("audit anchor not moved back", anchored=current.seq, head=head.seq)
        return False
    anchor = msgspec.structs.replace(
        head, written_at=datetime.now(UTC).isoformat(timespec="seconds"), source=source
    )
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".anchor-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(msgspec.json.format(msgspec.json.encode(anchor)))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    log.info("audit anchor", seq=anchor.seq, hash=anchor.hash, at=anchor.at, source=source)
    return True


async def anchor_head(source: str, path: Path | None = None) -> Anchor | None:
    """Anchors the current head (the scheduled job); the head, or None for an empty chain."""
    head = await chain_head()
    if head is not None:
        write_anchor(head, source, path=path)
    return head
