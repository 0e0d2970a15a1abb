"""The database engine (SQLite or PostgreSQL, chosen by DATABASE_URL) and write transactions.

SQLite is tuned for a server here rather than in Piccolo, which opens a connection per query:
every connection it opens is a `TunedConnection` (busy timeout, foreign keys,
synchronous=NORMAL), the file is switched to WAL once, and writes that read first run in
IMMEDIATE transactions (`write_transaction`), so concurrent writers queue on the lock instead
of failing with "database is locked". On PostgreSQL the same code takes row locks where a read
decides a write (`for_update`), so both engines give the same guarantee.
"""

from __future__ import annotations

import sqlite3
from typing import Any, TypeVar

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.query.methods.select import Select

from api.config import Settings

SQLITE_BUSY_TIMEOUT_S = 30.0

SelectT = TypeVar("SelectT", bound="Select[Any]")


class TunedConnection(sqlite3.Connection):
    """A sqlite3 connection configured for concurrent server use the moment it opens."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        self.execute("PRAGMA foreign_keys = ON")
        # With WAL, NORMAL is durable against application crashes; only a power loss can
        # lose the last commits, and never corrupts the file.
        self.execute("PRAGMA synchronous = NORMAL")


def make_engine(settings: Settings) -> Engine[Any]:
    if settings.is_sqlite:
        path = settings.sqlite_path
        path.parent.mkdir(parents=True, exist_ok=True)
        enable_wal(str(path))
        return SQLiteEngine(path=str(path), factory=TunedConnection, timeout=SQLITE_BUSY_TIMEOUT_S)
    return PostgresEngine(config={"dsn": settings.database_url})


def enable_wal(path: str) -> None:
    """WAL is a property of the file: set it once, before the first query."""
    with sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
    connection.close()


def engine() -> Engine[Any]:
    from api import piccolo_conf

    return piccolo_conf.DB


def write_transaction() -> Any:
    """A transaction for work that reads and then writes.

    On SQLite it takes the write lock at BEGIN (IMMEDIATE); a DEFERRED transaction that reads
    first would fail with "database is locked" when it later tries to write while another
    writer holds the lock. On PostgreSQL it is an ordinary transaction.
    """
    db = engine()
    if isinstance(db, SQLiteEngine):
        return db.transaction(transaction_type=TransactionType.immediate)
    return db.transaction()


def for_update(query: SelectT) -> SelectT:
    """Locks the selected rows until the write transaction ends, so a decision made on what
    was read still holds when writing (no lost updates). PostgreSQL: SELECT … FOR UPDATE.
    SQLite: the IMMEDIATE write transaction already holds the database's write lock."""
    return query if is_sqlite() else query.lock_rows()


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


async def start(db: Engine[Any]) -> None:
    if isinstance(db, PostgresEngine):
        await db.start_connection_pool(min_size=1, max_size=20)


async def stop(db: Engine[Any]) -> None:
    if isinstance(db, PostgresEngine):
        await db.close_connection_pool()
