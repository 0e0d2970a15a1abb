"""The hot-path SQL (api/core/raw_sql.py) and the statement batches of the group committer.

Reads and writes outside a transaction take the direct route (the loop's own SQLite
connection / the writer thread, or asyncpg's pool); inside a transaction they must be part of
it. A statement that fails in a batch fails alone; a write waits for a lock another process
holds instead of failing.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from api.core import group_commit, raw_sql
from api.db import engine, is_sqlite, write_transaction
from api.org.tables import Agency

INSERT = "INSERT INTO agency (code, name, state, timezone, created_at) VALUES ({}, {}, 'PJY',"
INSERT += " 'Asia/Kuala_Lumpur', {}) RETURNING id, code"


async def _insert(code: str) -> list[dict[str, Any]]:
    return await raw_sql.write(INSERT, code, f"Agensi {code}", datetime.now(UTC))


def test_placeholders_are_numbered_for_postgresql() -> None:
    assert raw_sql.postgres_text("a = {} AND b IN ({}, {})") == "a = $1 AND b IN ($2, $3)"
    assert raw_sql.sqlite_text("a = {} AND b = {}") == "a = ? AND b = ?"


async def test_a_write_is_committed_and_read_back(db: None) -> None:
    rows = await _insert("RAW1")
    assert rows == [{"id": rows[0]["id"], "code": "RAW1"}]
    # Read through the direct route and through Piccolo: the same committed row.
    read = await raw_sql.fetch("SELECT code, created_at FROM agency WHERE id = {}", rows[0]["id"])
    assert read[0]["code"] == "RAW1"
    stored = await Agency.select().where(Agency.id == rows[0]["id"]).first()
    assert stored is not None and stored["code"] == "RAW1"
    # Times written here read back as aware datetimes through Piccolo, as Piccolo's own do.
    assert stored["created_at"].tzinfo is not None


async def test_inside_a_transaction_reads_and_writes_belong_to_it(db: None) -> None:
    class Abort(Exception):
        pass

    with pytest.raises(Abort):
        async with write_transaction():
            rows = await _insert("INTX")
            # The transaction's own uncommitted row is visible to a read inside it.
            seen = await raw_sql.fetch("SELECT id FROM agency WHERE code = {}", "INTX")
            assert [r["id"] for r in seen] == [rows[0]["id"]]
            raise Abort
    # Rolled back with the transaction: the write was part of it.
    assert await raw_sql.fetch("SELECT id FROM agency WHERE code = {}", "INTX") == []
    assert await Agency.count() == 0


async def test_a_failing_statement_fails_alone(db: None) -> None:
    batches = group_commit.committer.batches
    results = await asyncio.gather(
        _insert("B1"),
        _insert("B2"),
        _insert("B1"),  # unique code: fails in the database
        _insert("B3"),
        return_exceptions=True,
    )
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 1, results
    assert "unique" in str(failures[0]).lower() or "duplicate" in str(failures[0]).lower()
    codes = sorted(r["code"] for r in await raw_sql.fetch("SELECT code FROM agency"))
    assert codes == ["B1", "B2", "B3"]
    if is_sqlite():
        # Waiting statements were committed together, not one transaction each.
        assert group_commit.committer.batches - batches < 4


@pytest.mark.skipif("not is_sqlite()")
async def test_a_write_waits_for_a_lock_another_process_holds(db: None) -> None:
    """Another connection (as another process would) holds the write lock for 0.4 s: the
    write waits for it and then succeeds; it neither fails nor commits early."""
    path = str(engine().connection_kwargs["database"])  # type: ignore[attr-defined]
    held = threading.Event()
    released_at: list[float] = []

    def hold_lock() -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(0.4)
        released_at.append(time.monotonic())
        connection.execute("ROLLBACK")
        connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    await asyncio.to_thread(held.wait)
    rows = await _insert("WAITED")
    answered_at = time.monotonic()
    await asyncio.to_thread(holder.join)
    assert rows[0]["code"] == "WAITED"
    assert released_at and answered_at >= released_at[0]
    assert (await raw_sql.fetch("SELECT count(*) AS n FROM agency"))[0]["n"] == 1


@pytest.mark.skipif("not is_sqlite()")
async def test_reads_do_not_wait_for_a_writer(db: None) -> None:
    """WAL: a read on the loop's own connection answers at once while another connection
    holds the write lock, and sees only committed rows."""
    await _insert("SEEN")
    path = str(engine().connection_kwargs["database"])  # type: ignore[attr-defined]
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(
            "INSERT INTO agency (code, name, state, timezone, created_at) VALUES"
            " ('UNSEEN', 'x', 'PJY', 'Asia/Kuala_Lumpur', '2026-01-01 00:00:00+00:00')"
        )
        began = time.monotonic()
        rows = await raw_sql.fetch("SELECT code FROM agency ORDER BY code")
        assert time.monotonic() - began < 0.5
        assert [r["code"] for r in rows] == ["SEEN"]
    finally:
        writer.execute("ROLLBACK")
        writer.close()
