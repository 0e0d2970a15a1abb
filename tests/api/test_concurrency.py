"""Concurrent writers never fail with "database is locked" and never lose an update."""

from __future__ import annotations

import asyncio

from api.accounts import audit
from api.accounts.tables import AuditEvent
from api.db import for_update, write_transaction
from api.org.tables import Agency


async def test_many_read_then_write_transactions_in_parallel(db: None) -> None:
    """Each writer reads the last audit event and appends the next one (a read-then-write
    transaction): with IMMEDIATE transactions on SQLite and an advisory lock on PostgreSQL,
    40 concurrent writers produce 40 events numbered 1..40 and an intact chain."""
    writers, per_writer = 8, 5

    async def writer(n: int) -> None:
        for i in range(per_writer):
            await audit.record("test_event", detail={"writer": n, "i": i})

    await asyncio.gather(*(writer(n) for n in range(writers)))
    seqs = [r["seq"] for r in await AuditEvent.select(AuditEvent.seq).order_by(AuditEvent.seq)]
    assert seqs == list(range(1, writers * per_writer + 1))
    verification = await audit.verify()
    assert verification.ok and verification.events_checked == writers * per_writer


async def test_concurrent_counter_updates_are_not_lost(db: None) -> None:
    agency_id = (
        await Agency.insert(Agency(code="CNT", name="0", state="PJY")).returning(Agency.id)
    )[0]["id"]

    async def increment() -> None:
        async with write_transaction():
            row = await for_update(Agency.select(Agency.name).where(Agency.id == agency_id)).first()
            assert row is not None
            await Agency.update({Agency.name: str(int(row["name"]) + 1)}).where(
                Agency.id == agency_id
            )

    await asyncio.gather(*(increment() for _ in range(30)))
    row = await Agency.select(Agency.name).where(Agency.id == agency_id).first()
    assert row is not None and row["name"] == "30"
