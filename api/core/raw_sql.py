"""Raw SQL for the few statements on the hot path of the morning rush: the session, the
principal and its security stamp, the assigned offices, the recent fixes, the check-in insert
and the session renewal.

Through Piccolo each statement is first built in Python (tens of µs), and on SQLite it is then
sent to the connection's own thread and back (aiosqlite): two thread switches, a wake-up of the
event loop and a wait for the GIL per statement — more than the statement itself costs
(docs/performance.md). Here:

- **reads on SQLite** run on the calling thread (the event loop's) on a connection of its own:
  an indexed read from the page cache takes microseconds, and in WAL mode readers never wait
  for the writer (should one ever be told the database is busy, it is run the ordinary way);
- **writes on SQLite** go to the group committer (`api.core.group_commit`), which runs every
  waiting statement in one transaction on its writer thread: one thread switch per batch;
- **on PostgreSQL** both take a connection from Piccolo's asyncpg pool and run the statement
  as it is (a write is one statement, hence its own transaction);
- **inside a transaction** (a service's `write_transaction()`, `durably()`), both run in that
  transaction through Piccolo, so they see, and are part of, what it did.

Statements use Piccolo's `{}` placeholders and take the values Piccolo takes: the adapters
Piccolo registers with `sqlite3` store times the same way, so rows written here read back the
same through Piccolo and the other way round.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.querystring import QueryString

from api.core.group_commit import committer
from api.db import engine, sqlite_connection

Row = dict[str, Any]

# Tests count statements (tests/api/test_checkin_query_budget.py): called with each one sent
# directly (those run through Piccolo inside a transaction are seen there).
observer: Callable[[str], None] | None = None


@lru_cache(maxsize=256)
def sqlite_text(sql: str) -> str:
    return sql.replace("{}", "?")


@lru_cache(maxsize=256)
def postgres_text(sql: str) -> str:
    parts = sql.split("{}")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], start=1)) + parts[-1]


class _ReadConnections(threading.local):
    """One read connection per thread and process (a forked worker opens its own)."""

    def __init__(self) -> None:
        self.pid = 0
        self.path = ""
        self.connection: sqlite3.Connection | None = None


_readers = _ReadConnections()


def _reader(db: SQLiteEngine) -> sqlite3.Connection:
    path = str(db.connection_kwargs.get("database"))
    if _readers.connection is None or _readers.pid != os.getpid() or _readers.path != path:
        connection = sqlite_connection(db)
        # Never wait on the loop's thread: a busy database is read the ordinary way instead.
        connection.execute("PRAGMA busy_timeout = 0")
        connection.execute("PRAGMA query_only = ON")
        _readers.connection, _readers.pid, _readers.path = connection, os.getpid(), path
    return _readers.connection


async def fetch(sql: str, *args: Any) -> list[Row]:
    """Rows of one read statement, as dicts."""
    db = engine()
    if db.current_transaction.get() is None:
        if observer is not None:
            observer(sql)
        if isinstance(db, SQLiteEngine):
            try:
                return _reader(db).execute(sqlite_text(sql), args).fetchall()
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
        elif isinstance(db, PostgresEngine) and db.pool is not None:
            async with db.pool.acquire() as connection:
                return [dict(r) for r in await connection.fetch(postgres_text(sql), *args)]
    return list(await db.run_querystring(QueryString(sql, *args)))


async def write(sql: str, *args: Any) -> list[Row]:
    """Runs one write statement durably (committed when this returns) and gives its rows
    (RETURNING). On SQLite it is committed together with the other waiting writes."""
    db = engine()
    if db.current_transaction.get() is None:
        if observer is not None:
            observer(sql)
        if isinstance(db, SQLiteEngine):
            return await committer.run_statement(sqlite_text(sql), args)
        if isinstance(db, PostgresEngine) and db.pool is not None:
            async with db.pool.acquire() as connection:
                return [dict(r) for r in await connection.fetch(postgres_text(sql), *args)]
    return list(await db.run_querystring(QueryString(sql, *args)))
