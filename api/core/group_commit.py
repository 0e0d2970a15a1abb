"""Group commit for SQLite: many callers' small writes committed in one transaction.

SQLite has one writer at a time. When every request opens its own `BEGIN IMMEDIATE`
transaction, the requests queue on the database lock, and SQLite's busy handler makes the
waiting ones *sleep* (1, 2, 5, 10 … 100 ms) rather than wake when the lock is free: under a
rush most of the time goes to sleeping, not writing. Here one writer task per process takes
every write that is waiting, runs them one after the other inside a single IMMEDIATE
transaction, commits once, and only then answers each caller with its own result. A caller
never sees success before its write is committed.

- **Per-item isolation.** A batch first runs as a whole; if any item raises, that
  transaction is rolled back and the batch runs again with each item inside its own SAVEPOINT:
  the failing item is rolled back alone and its caller gets the exception; the others commit.
- **Durability.** The commit is the durability point (WAL with synchronous=NORMAL, see
  api/db.py and docs/performance.md): a process crash after the answer loses nothing.
- **PostgreSQL** keeps ordinary concurrent transactions from its pool, which already
  overlap; `durably()` runs the work in a `write_transaction()` of its own there.
- **Nested use.** Work submitted while the caller already holds a transaction runs in that
  transaction, as Piccolo would nest it.
- **Plain statements** (`run_statement`, used by `api.core.raw_sql.write` for the check-in
  insert and the session renewal) skip Piccolo and aiosqlite: the whole batch of them runs in
  one call on the writer thread, on a connection of its own (one thread switch per batch
  instead of two per statement), in its own transaction, with the same per-item isolation.

The writer task exists only while writes are waiting; it is started by the first caller and
ends when the queue is empty, so there is nothing to start or stop with the application.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from piccolo.engine.sqlite import SQLiteEngine

from api.config import get_settings
from api.db import (
    SQLITE_BUSY_TIMEOUT_S,
    engine,
    is_sqlite,
    sqlite_connection,
    write_transaction,
)

T = TypeVar("T")

MAX_BATCH = 256


class _Item:
    __slots__ = ("error", "future", "result", "work")

    def __init__(self, work: Callable[[], Awaitable[Any]], future: asyncio.Future[Any]) -> None:
        self.work = work
        self.future = future
        self.result: Any = None
        self.error: BaseException | None = None


class _Statement:
    __slots__ = ("args", "future", "sql")

    def __init__(self, sql: str, args: tuple[Any, ...], future: asyncio.Future[Any]) -> None:
        self.sql = sql
        self.args = args
        self.future = future


class _StatementWriter:
    """The writer thread and its connection (one per process; a forked worker makes its
    own). Runs a batch of statements in one transaction; the outcome of each is its rows or
    its exception."""

    def __init__(self) -> None:
        self.pid = 0
        self.executor: ThreadPoolExecutor | None = None
        self.connection: sqlite3.Connection | None = None
        self.path = ""

    def executor_for(self, db: SQLiteEngine) -> ThreadPoolExecutor:
        path = str(db.connection_kwargs.get("database"))
        if self.executor is None or self.pid != os.getpid() or self.path != path:
            if self.executor is not None and self.pid == os.getpid():
                self.executor.submit(self._close)
                self.executor.shutdown(wait=False)
            self.pid, self.path = os.getpid(), path
            self.connection = None
            self.executor = ThreadPoolExecutor(1, thread_name_prefix="hadir-sqlite-writer")
        return self.executor

    def _close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def run(self, db: SQLiteEngine, batch: list[tuple[str, tuple[Any, ...]]]) -> list[Any]:
        """On the writer thread. A list as long as the batch: rows, or the exception."""
        if self.connection is None:
            self.connection = sqlite_connection(db)
            # A checkpoint run by a commit (every 1,000 WAL pages by default) copies pages
            # to the database file and fsyncs it: tens of ms during which every caller of
            # the batch waits. The checkpointer thread does it beside the writer instead.
            self.connection.execute("PRAGMA wal_autocheckpoint = 0")
            # The lock is waited for in `_begin`, not by SQLite's busy handler.
            self.connection.execute("PRAGMA busy_timeout = 0")
            start_checkpointer(str(db.connection_kwargs.get("database")))
        connection = self.connection
        _begin(connection)
        try:
            outcomes: list[Any] = []
            try:
                for sql, args in batch:
                    outcomes.append(connection.execute(sql, args).fetchall())
            except Exception:
                # One failed: roll back and run them again, each in its own savepoint.
                connection.execute("ROLLBACK")
                _begin(connection)
                outcomes = []
                for sql, args in batch:
                    connection.execute("SAVEPOINT group_item")
                    try:
                        outcomes.append(connection.execute(sql, args).fetchall())
                    except Exception as error:
                        outcomes.append(error)
                        connection.execute("ROLLBACK TO SAVEPOINT group_item")
                    connection.execute("RELEASE SAVEPOINT group_item")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        return outcomes


def _begin(connection: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting for the write lock in short steps.

    Another process (a second web worker, the worker process, a CLI command) may hold the
    lock. SQLite's own busy handler would sleep 1, 2, 5 … up to 100 ms between attempts and so
    keep a whole batch waiting long after the lock was free; here the attempts come every
    0.2–2 ms, and give up as SQLite would after `SQLITE_BUSY_TIMEOUT_S`."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    pause = 0.0002
    while True:
        try:
            connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            if time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.002)


CHECKPOINT_EVERY_S = 1.0

_checkpointers: dict[tuple[int, str], threading.Thread] = {}


def start_checkpointer(path: str) -> None:
    """A daemon thread that checkpoints the WAL of `path` every `CHECKPOINT_EVERY_S` (PASSIVE:
    it never blocks a writer or a reader, and copies only the pages written since the last
    one). One per process and file."""
    key = (os.getpid(), path)
    if key in _checkpointers and _checkpointers[key].is_alive():
        return

    def checkpoint() -> None:
        connection = sqlite3.connect(path, timeout=0)
        try:
            while True:
                time.sleep(CHECKPOINT_EVERY_S)
                try:
                    _busy, wal_pages, _done = connection.execute(
                        "PRAGMA wal_checkpoint(PASSIVE)"
                    ).fetchone()
                except sqlite3.Error:
                    continue  # busy or the file went away (tests): try again later
                if wal_pages < 0:
                    return  # no longer in WAL mode
        finally:
            connection.close()

    thread = threading.Thread(target=checkpoint, name="hadir-wal-checkpoint", daemon=True)
    _checkpointers[key] = thread
    thread.start()


class GroupCommitter:
    """One per process (`committer`); `run(work)` resolves once `work` is committed,
    `run_statement(sql, args)` once the statement is."""

    def __init__(self, max_batch: int = MAX_BATCH) -> None:
        self.max_batch = max_batch
        self._waiting: list[_Item] = []
        self._statements: list[_Statement] = []
        self._statement_writer = _StatementWriter()
        self._writer: asyncio.Task[None] | None = None
        self.batches = 0  # how many transactions were committed (for tests and the bench)
        self.items = 0
        self.retried = 0  # batches run again item by item after one item failed

    def _batch_size(self) -> int:
        # HADIR_GROUP_COMMIT=0: one statement per transaction, as without grouping.
        return self.max_batch if get_settings().group_commit else 1

    async def run(self, work: Callable[[], Awaitable[T]]) -> T:
        loop = asyncio.get_running_loop()
        item = _Item(work, loop.create_future())
        self._waiting.append(item)
        self._start_writer(loop)
        # shield: a caller that gives up (client gone) does not cancel the others' batch.
        return await asyncio.shield(item.future)

    async def run_statement(self, sql: str, args: tuple[Any, ...]) -> list[dict[str, Any]]:
        """One SQLite statement (`?` placeholders), committed with the other waiting ones;
        its rows, or the exception it raised (the others commit all the same)."""
        loop = asyncio.get_running_loop()
        statement = _Statement(sql, args, loop.create_future())
        self._statements.append(statement)
        self._start_writer(loop)
        rows: list[dict[str, Any]] = await asyncio.shield(statement.future)
        return rows

    def _start_writer(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._writer is None or self._writer.done() or self._writer.get_loop() is not loop:
            # A fresh context: the writer must not inherit the caller's transaction.
            self._writer = loop.create_task(self._write(), context=contextvars.Context())

    async def _write(self) -> None:
        while self._waiting or self._statements:
            if self._statements:
                await self._write_statements()
            if not self._waiting:
                continue
            size = self._batch_size()
            batch = self._waiting[:size]
            del self._waiting[:size]
            try:
                await self._commit(batch)
            except BaseException as error:
                for item in batch:
                    if not item.future.done():
                        item.future.set_exception(error)
                if isinstance(error, asyncio.CancelledError):
                    for item in self._waiting:
                        item.future.cancel()
                    self._waiting.clear()
                    raise
                continue
            for item in batch:
                if item.future.done():
                    continue
                if item.error is not None:
                    item.future.set_exception(item.error)
                else:
                    item.future.set_result(item.result)

    async def _write_statements(self) -> None:
        size = self._batch_size()
        batch = self._statements[:size]
        del self._statements[:size]
        db = engine()
        assert isinstance(db, SQLiteEngine)
        loop = asyncio.get_running_loop()
        work = [(s.sql, s.args) for s in batch]
        try:
            executor = self._statement_writer.executor_for(db)
            outcomes = await loop.run_in_executor(executor, self._statement_writer.run, db, work)
        except BaseException as error:
            for statement in batch:
                if not statement.future.done():
                    statement.future.set_exception(error)
            if isinstance(error, asyncio.CancelledError):
                raise
            return
        self.batches += 1
        self.items += len(batch)
        if any(isinstance(outcome, BaseException) for outcome in outcomes):
            self.retried += 1
        for statement, outcome in zip(batch, outcomes, strict=True):
            if statement.future.done():
                continue
            if isinstance(outcome, BaseException):
                statement.future.set_exception(outcome)
            else:
                statement.future.set_result(outcome)

    async def _commit(self, batch: list[_Item]) -> None:
        # Optimistically without savepoints (each costs a round trip to the connection's
        # thread): if any item fails, the whole transaction is rolled back and the batch runs
        # again with a savepoint per item. Work items are plain writes computed before they
        # were submitted, so running one again after a rollback is safe.
        if len(batch) > 1 and await self._try_together(batch):
            return
        async with write_transaction() as transaction:
            connection = transaction.connection
            for item in batch:
                item.error = None
                await connection.execute("SAVEPOINT group_item")
                try:
                    item.result = await item.work()
                except Exception as error:
                    item.error = error
                    await connection.execute("ROLLBACK TO SAVEPOINT group_item")
                await connection.execute("RELEASE SAVEPOINT group_item")
        self.batches += 1
        self.items += len(batch)

    async def _try_together(self, batch: list[_Item]) -> bool:
        """All items in one transaction, one after the other, without savepoints. False
        (rolled back) when any item failed."""
        async with write_transaction() as transaction:
            for item in batch:
                try:
                    item.result = await item.work()
                except Exception:
                    await transaction.rollback()
                    self.retried += 1
                    return False
        self.batches += 1
        self.items += len(batch)
        return True


committer = GroupCommitter()


async def durably(work: Callable[[], Awaitable[T]]) -> T:
    """Runs `work` (database writes) in a write transaction and returns its result once it is
    committed: grouped with other waiting writes on SQLite, on its own on PostgreSQL.

    Either way a write that has started is finished even if the caller stops waiting (a
    cancelled request): a transaction cut off half-way would otherwise keep its pooled
    connection, and the caller's retry is answered from the committed row anyway."""
    if engine().current_transaction.get() is not None:
        async with write_transaction():  # joins the caller's transaction
            return await work()
    if is_sqlite() and get_settings().group_commit:
        return await committer.run(work)
    return await asyncio.shield(asyncio.ensure_future(_alone(work)))


async def _alone(work: Callable[[], Awaitable[T]]) -> T:
    async with write_transaction():
        return await work()
