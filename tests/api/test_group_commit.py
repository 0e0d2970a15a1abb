"""Group commit (api/core/group_commit.py): writes waiting together commit together, each caller
gets its own result only once it is durable, and one failing write spoils nobody else's.

On PostgreSQL `durably` is an ordinary transaction per caller; the same tests check that the
results and the isolation are the same there.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import pytest

from api.core import group_commit
from api.core.group_commit import durably
from api.db import is_sqlite, write_transaction
from api.org.tables import Agency


def _agency(code: str) -> Any:
    async def write() -> int:
        rows = await Agency.insert(Agency(code=code, name=code, state="PJY")).returning(Agency.id)
        return int(rows[0]["id"])

    return write


async def test_concurrent_writes_are_committed_together(db: None) -> None:
    before = (group_commit.committer.batches, group_commit.committer.items)
    ids = await asyncio.gather(*(durably(_agency(f"G{n:03d}")) for n in range(60)))
    assert len(set(ids)) == 60
    assert await Agency.count() == 60
    if is_sqlite():
        batches = group_commit.committer.batches - before[0]
        assert group_commit.committer.items - before[1] == 60
        assert batches < 10, f"{batches} transactions for 60 waiting writes"


async def test_a_failing_write_spoils_only_its_own_caller(db: None) -> None:
    async def half_then_fail() -> None:
        await Agency.insert(Agency(code="HALF", name="half", state="PJY"))
        raise RuntimeError("the second half failed")

    retried = group_commit.committer.retried
    results = await asyncio.gather(
        durably(_agency("OK1")),
        durably(half_then_fail),
        durably(_agency("OK1")),  # unique code: this one fails in the database
        durably(_agency("OK2")),
        return_exceptions=True,
    )
    assert isinstance(results[3], int)
    assert isinstance(results[1], RuntimeError)
    # The two "OK1" writes: exactly one is stored and the other fails in the database. On
    # SQLite the batch keeps their order; on PostgreSQL they race, so either may win.
    first, second = results[0], results[2]
    winners = [r for r in (first, second) if isinstance(r, int)]
    losers = [r for r in (first, second) if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1
    assert not isinstance(losers[0], RuntimeError)
    if is_sqlite():
        assert isinstance(first, int)
    codes = sorted(r["code"] for r in await Agency.select(Agency.code))
    assert codes == ["OK1", "OK2"]  # nothing of the failed ones, everything of the others
    if is_sqlite():  # the batch went together first, then item by item
        assert group_commit.committer.retried > retried


async def test_the_answer_comes_after_the_commit(db: None) -> None:
    """Another connection (another process) sees the row as soon as the caller has its answer."""
    agency_id = await durably(_agency("SEEN"))
    if is_sqlite():
        from api.config import get_settings

        other = sqlite3.connect(get_settings().sqlite_path)
        try:
            row = other.execute("SELECT code FROM agency WHERE id = ?", (agency_id,)).fetchone()
        finally:
            other.close()
    else:
        import asyncpg

        from api.config import get_settings

        other = await asyncpg.connect(get_settings().database_url)
        try:
            row = await other.fetchrow("SELECT code FROM agency WHERE id = $1", agency_id)
        finally:
            await other.close()
    assert row is not None and row[0] == "SEEN"


async def test_inside_a_transaction_the_work_joins_it(db: None) -> None:
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await durably(_agency("INNER"))
            raise RuntimeError("roll it all back")
    assert await Agency.count() == 0


async def test_a_caller_that_gives_up_does_not_cancel_the_batch(db: None) -> None:
    slow = asyncio.ensure_future(durably(_agency("GONE")))
    other = asyncio.ensure_future(durably(_agency("STAYS")))
    await asyncio.sleep(0)
    slow.cancel()
    assert isinstance(await other, int)
    for _ in range(100):  # the given-up write still finishes, and gives its connection back
        if await Agency.exists().where(Agency.code == "GONE"):
            break
        await asyncio.sleep(0.01)
    assert await Agency.exists().where(Agency.code == "GONE")
    assert await Agency.exists().where(Agency.code == "STAYS")
