"""The database engine (SQLite or PostgreSQL, chosen by DATABASE_URL) and write transactions.

SQLite is tuned for a server here rather than in Piccolo, which opens a connection per query:
every connection it opens is a `TunedConnection` (busy timeout, foreign keys,
synchronous=NORMAL), the file is switched to WAL once, and writes that read first run in
IMMEDIATE transactions (`write_transaction`), so concurrent writers queue on the lock instead
of failing with "database is locked". On PostgreSQL the same code takes row locks where a read
decides a write (`for_update`), so both engines give the same guarantee.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from typing import Any, TypeVar

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import (
    SQLiteEngine,
    SQLiteTransaction,
    TransactionType,
    dict_factory,
)
from piccolo.query.methods.select import Select

from api.config import Settings, get_settings

SQLITE_BUSY_TIMEOUT_S = 30.0
SQLITE_MMAP_BYTES = 256 * 1024 * 1024
SQLITE_CACHE_KIB = 32 * 1024  # per connection

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
        # Pages read through a memory map and a larger page cache: far fewer read system
        # calls per query (measured in docs/performance.md).
        self.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
        self.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")


class _PooledTransaction(SQLiteTransaction):
    """Piccolo's SQLite transaction on a pooled connection, given back instead of closed."""

    engine: PooledSQLiteEngine

    async def get_connection(self) -> Any:
        return await self.engine.acquire()

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        self.connection = await self.get_connection()
        try:
            await self.begin()  # type: ignore[no-untyped-call]
        except BaseException:
            # BEGIN IMMEDIATE can time out on a busy database: the connection goes back to
            # the pool, or the pool would shrink for good.
            self.engine.release(self.connection)
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()  # type: ignore[no-untyped-call]
            elif not self._committed and not self._rolled_back:
                await self.commit()  # type: ignore[no-untyped-call]
        finally:
            self.engine.release(self.connection)
            self.engine.current_transaction.reset(self.context)
        return exception is None


class PooledSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLiteEngine on a small pool of long-lived connections.

    Piccolo opens a new connection (and aiosqlite a new thread) for every query, which costs
    more than the query itself. Here each connection is opened once, tuned once
    (`TunedConnection`), and reused: queries outside a transaction borrow one for a single
    statement (autocommit), transactions hold one until they end. WAL lets the readers run
    while one writer writes; writers queue on SQLite's lock (busy timeout) in their own
    connection thread, never blocking the event loop.
    """

    def __init__(self, path: str, pool_size: int = 8, **connection_kwargs: Any) -> None:
        super().__init__(path=path, **connection_kwargs)
        self.pool_size = pool_size
        self._idle: asyncio.Queue[Any] | None = None
        self._opened = 0
        self._lock: asyncio.Lock | None = None

    async def acquire(self) -> Any:
        if self._idle is None:
            self._idle, self._lock = asyncio.Queue(), asyncio.Lock()
        assert self._lock is not None
        if self._idle.empty():
            async with self._lock:
                if self._idle.empty() and self._opened < self.pool_size:
                    self._opened += 1
                    connection = await aiosqlite.connect(**self.connection_kwargs)
                    connection.row_factory = dict_factory  # type: ignore[assignment]
                    return connection
        return await self._idle.get()

    def release(self, connection: Any) -> None:
        assert self._idle is not None
        self._idle.put_nowait(connection)

    async def close_pool(self) -> None:
        while self._idle is not None and not self._idle.empty():
            await self._idle.get_nowait().close()
        self._idle, self._opened = None, 0

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        return _PooledTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )

    async def _execute(self, connection: Any, query: str, args: list[Any] | None) -> Any:
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        connection = await self.acquire()
        try:
            return await self._execute(connection, query, args)
        finally:
            self.release(connection)

    async def _run_in_existing_connection(
        self,
        connection: Any,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        # Piccolo re-sends "PRAGMA foreign_keys" before every statement; TunedConnection has
        # already set it for the connection's lifetime.
        return await self._execute(connection, query, args)


def make_engine(settings: Settings) -> Engine[Any]:
    if settings.is_sqlite:
        path = settings.sqlite_path
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Created owner-only before SQLite opens it: its -wal and -shm take the same mode.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        enable_wal(str(path))
        return PooledSQLiteEngine(
            path=str(path), factory=TunedConnection, timeout=SQLITE_BUSY_TIMEOUT_S
        )
    return PostgresEngine(config={"dsn": settings.database_url})


def enable_wal(path: str) -> None:
    """WAL is a property of the file: set it once, before the first query."""
    with sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
    connection.close()


_engine: Engine[Any] | None = None


def engine() -> Engine[Any]:
    """The process's engine, made from the settings on first use (`api.piccolo_conf.DB`, which
    Piccolo's tables use, is this same object)."""
    global _engine
    if _engine is None:
        _engine = make_engine(get_settings())
    return _engine


def sqlite_connection(db: SQLiteEngine) -> sqlite3.Connection:
    """A new sqlite3 connection tuned like the engine's (busy timeout, WAL, adapters and
    converters), usable from any thread: for the raw reads and the group committer's writer."""
    kwargs = dict(db.connection_kwargs)
    kwargs["check_same_thread"] = False
    connection: sqlite3.Connection = sqlite3.connect(**kwargs)
    connection.row_factory = dict_factory
    return connection


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


async def _no_session_reset(connection: Any) -> None:
    """Hadir leaves no session state on a pooled connection (no SET, LISTEN, cursors or
    session-level advisory locks; the audit chain's lock is per transaction), so asyncpg's
    default reset on every release (`RESET ALL`, `UNLISTEN *` …) is a round trip for nothing:
    one per statement on the hot path. asyncpg still rolls back an open transaction first."""


async def start(db: Engine[Any]) -> None:
    if isinstance(db, PostgresEngine):
        # Each connection is a PostgreSQL backend process competing for the same cores: a
        # handful per web worker keeps them busy without queueing on PostgreSQL's locks
        # (docs/performance.md, step 13).
        size = get_settings().database_pool_size
        await db.start_connection_pool(min_size=1, max_size=size, reset=_no_session_reset)


async def stop(db: Engine[Any]) -> None:
    if isinstance(db, PostgresEngine):
        await db.close_connection_pool()
    elif isinstance(db, PooledSQLiteEngine):
        await db.close_pool()
