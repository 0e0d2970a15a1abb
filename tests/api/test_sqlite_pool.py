"""The pooled SQLite engine gives every connection back, even when BEGIN times out."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from piccolo.engine.sqlite import TransactionType

from api.db import PooledSQLiteEngine


class QuickTimeout(sqlite3.Connection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.execute("PRAGMA busy_timeout = 100")


async def test_a_begin_that_times_out_returns_its_connection(tmp_path: Path) -> None:
    path = tmp_path / "pool.sqlite3"
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode = WAL")
    setup.execute("CREATE TABLE t (x INTEGER)")
    setup.commit()
    engine = PooledSQLiteEngine(str(path), pool_size=2, factory=QuickTimeout, timeout=0.1)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # someone else holds the write lock

    async def attempt() -> None:
        async with engine.transaction(transaction_type=TransactionType.immediate):
            pass

    try:
        for _ in range(5):  # more attempts than the pool has connections
            # A leaked connection would make a later attempt wait forever (TimeoutError).
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                await asyncio.wait_for(attempt(), 5)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    async with engine.transaction(transaction_type=TransactionType.immediate) as transaction:
        await transaction.connection.execute("INSERT INTO t VALUES (1)")
    rows = await asyncio.wait_for(engine._run_in_new_connection("SELECT count(*) AS n FROM t"), 5)
    assert rows == [{"n": 1}]
    assert engine._opened <= 2
    await engine.close_pool()
    setup.close()
