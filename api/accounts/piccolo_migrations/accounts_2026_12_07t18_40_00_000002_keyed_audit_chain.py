"""The audit chain becomes keyed (HMAC-SHA256 with a key derived from SECRET_KEY): the existing
events are re-chained once, here.

Each event's old plain SHA-256 link is checked first; then every event gets its keyed hash in
order. The events themselves are not changed. If the old chain was already broken, it is
re-keyed anyway (the upgrade must not stop on it) and an `audit.rekeyed` event records where it
was broken, so the break stays visible; otherwise `audit.rekeyed` records that it was intact.
Run the migration with the SECRET_KEY the installation will keep: another key later makes
every event fail `audit-verify`.
"""

import hashlib

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T18:40:00:000002"
VERSION = "1.38.0"
DESCRIPTION = "re-key the audit chain with an HMAC"


def _plain_hash(prev_hash: str, canonical: bytes) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical).hexdigest()


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    async def rekey() -> None:
        from api.accounts import audit
        from api.accounts.tables import AuditEvent
        from api.core.integrity import canonical_json

        key = audit.chain_key()
        old_prev = new_prev = audit.GENESIS_HASH
        first_broken: int | None = None
        count = 0
        async for row in audit._events_in_order():
            canonical = canonical_json(audit.chained_fields_of(row))
            if first_broken is None and (
                row["prev_hash"] != old_prev or _plain_hash(old_prev, canonical) != row["hash"]
            ):
                first_broken = row["seq"]
            old_prev = row["hash"]
            new_hash = audit.chain_hash(new_prev, audit.chained_fields_of(row), key=key)
            await AuditEvent.update(
                {AuditEvent.prev_hash: new_prev, AuditEvent.hash: new_hash}
            ).where(AuditEvent.seq == row["seq"])
            new_prev = new_hash
            count += 1
        if count:
            await audit.record(
                "audit.rekeyed",
                target_type="audit_event",
                detail={
                    "events": count,
                    "old_chain_intact": first_broken is None,
                    "first_broken_seq": first_broken,
                },
            )

    manager.add_raw(rekey)
    return manager
