"""Online backups with a manifest, and a restore that proves itself.

A backup is a folder `hadir-<UTC time>/` holding the data file and `manifest.json` (time,
engine, schema version, row count per table, SHA-256 of the data file).

- SQLite: the sqlite3 online backup API copies a consistent snapshot while Hadir keeps writing;
  row counts are read from the copy itself.
- PostgreSQL: a REPEATABLE READ transaction exports its snapshot, row counts are taken in it,
  and `pg_dump --snapshot` dumps exactly that snapshot (custom format).

`restore` refuses a database that already has tables, checks the checksum first, then checks
integrity, schema version and every row count against the manifest.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec

from api.core.file_modes import DIR_MODE, private_dir, restrict_file, restrict_tree

MANIFEST = "manifest.json"
SQLITE_FILE = "hadir.sqlite3"
PG_FILE = "hadir.pgdump"


class BackupError(RuntimeError):
    pass


class Manifest(msgspec.Struct, rename="camel"):
    created_at: str
    engine: str
    schema_version: str
    file: str
    sha256: str
    size_bytes: int
    row_counts: dict[str, int]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _sqlite_file(url: str) -> Path:
    from api.config import PROJECT_ROOT

    path = Path(url.removeprefix("sqlite:///"))
    return path if path.is_absolute() else PROJECT_ROOT / path


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    tables = [
        r[0]
        for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]  # noqa: S608
        for t in sorted(tables)
    }


def _latest_migration(counts: dict[str, int], names: list[str]) -> str:
    return max(names, default="") if counts.get("migration") else ""


def _pg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _pg_counts(connection: Any) -> dict[str, int]:
    tables = await connection.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    )
    counts: dict[str, int] = {}
    for record in tables:
        name = record["tablename"]
        counts[name] = await connection.fetchval(f'SELECT count(*) FROM "{name}"')  # noqa: S608
    return counts


async def _run(*command: str) -> None:
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await process.communicate()
    if process.returncode != 0:
        raise BackupError(f"{command[0]} failed: {stderr.decode(errors='replace').strip()}")


async def create_backup(database_url: str, backup_dir: Path) -> Path:
    """Makes a consistent online backup and returns its folder."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = private_dir(backup_dir) / f"hadir-{stamp}"
    target.mkdir(mode=DIR_MODE, exist_ok=False)
    try:
        if _is_sqlite(database_url):
            manifest = await asyncio.to_thread(_backup_sqlite, database_url, target)
        else:
            manifest = await _backup_postgres(database_url, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    (target / MANIFEST).write_bytes(msgspec.json.format(msgspec.json.encode(manifest)))
    restrict_tree(target)
    return target


def _backup_sqlite(database_url: str, target: Path) -> Manifest:
    source_path = _sqlite_file(database_url)
    if not source_path.exists():
        raise BackupError(f"no database file at {source_path}")
    data_file = target / SQLITE_FILE
    source = sqlite3.connect(source_path, timeout=30)
    destination = sqlite3.connect(data_file)
    try:
        # Copies everything in one step: a snapshot taken under one read lock, so writers in
        # WAL mode carry on and the copy is consistent.
        source.backup(destination, pages=-1)
        counts = _sqlite_counts(destination)
        names = (
            [r[0] for r in destination.execute("SELECT name FROM migration")]
            if counts.get("migration") is not None
            else []
        )
        destination.execute("PRAGMA journal_mode = DELETE")
    finally:
        destination.close()
        source.close()
    return Manifest(
        created_at=datetime.now(UTC).isoformat(),
        engine="sqlite",
        schema_version=_latest_migration(counts, names),
        file=SQLITE_FILE,
        sha256=_sha256(data_file),
        size_bytes=data_file.stat().st_size,
        row_counts=counts,
    )


async def _backup_postgres(database_url: str, target: Path) -> Manifest:
    import asyncpg

    data_file = target / PG_FILE
    connection = await asyncpg.connect(_pg_dsn(database_url))
    try:
        transaction = connection.transaction(isolation="repeatable_read", readonly=True)
        await transaction.start()
        try:
            snapshot = await connection.fetchval("SELECT pg_export_snapshot()")
            counts = await _pg_counts(connection)
            names = (
                [r["name"] for r in await connection.fetch("SELECT name FROM migration")]
                if "migration" in counts
                else []
            )
            await _run(
                "pg_dump",
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-owner",
                f"--file={data_file}",
                f"--dbname={_pg_dsn(database_url)}",
            )
        finally:
            await transaction.rollback()
    finally:
        await connection.close()
    return Manifest(
        created_at=datetime.now(UTC).isoformat(),
        engine="postgresql",
        schema_version=_latest_migration(counts, names),
        file=PG_FILE,
        sha256=_sha256(data_file),
        size_bytes=data_file.stat().st_size,
        row_counts=counts,
    )


def read_manifest(backup: Path) -> Manifest:
    try:
        return msgspec.json.decode((backup / MANIFEST).read_bytes(), type=Manifest)
    except (OSError, msgspec.DecodeError) as error:
        raise BackupError(f"cannot read {backup / MANIFEST}: {error}") from None


async def restore_backup(backup: Path, database_url: str) -> Manifest:
    """Restores into an empty database and verifies it; raises BackupError on any mismatch."""
    manifest = read_manifest(backup)
    data_file = backup / manifest.file
    if not data_file.exists() or _sha256(data_file) != manifest.sha256:
        raise BackupError("checksum mismatch: the backup file is damaged or was changed")
    if _is_sqlite(database_url) != (manifest.engine == "sqlite"):
        raise BackupError(
            f"this backup is for {manifest.engine}; DATABASE_URL points at another engine"
        )
    if manifest.engine == "sqlite":
        counts, names = await asyncio.to_thread(_restore_sqlite, data_file, database_url)
    else:
        counts, names = await _restore_postgres(data_file, database_url)
    version = _latest_migration(counts, names)
    if version != manifest.schema_version:
        raise BackupError(
            f"schema version {version!r} after restore, manifest says {manifest.schema_version!r}"
        )
    if counts != manifest.row_counts:
        differing = sorted(
            t
            for t in set(counts) | set(manifest.row_counts)
            if counts.get(t) != manifest.row_counts.get(t)
        )
        raise BackupError(f"row counts differ after restore in: {', '.join(differing)}")
    return manifest


def _restore_sqlite(data_file: Path, database_url: str) -> tuple[dict[str, int], list[str]]:
    target = _sqlite_file(database_url)
    if target.exists():
        with sqlite3.connect(target) as existing:
            if _sqlite_counts(existing):
                raise BackupError(f"{target} is not empty: restore only into an empty database")
        existing.close()
        target.unlink()
    target.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    shutil.copyfile(data_file, target)
    restrict_file(target)
    with sqlite3.connect(target) as connection:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"integrity check failed: {result}")
        connection.execute("PRAGMA journal_mode = WAL")
        counts = _sqlite_counts(connection)
        names = (
            [r[0] for r in connection.execute("SELECT name FROM migration")]
            if ("migration" in counts)
            else []
        )
    connection.close()
    return counts, names


async def _restore_postgres(data_file: Path, database_url: str) -> tuple[dict[str, int], list[str]]:
    import asyncpg

    dsn = _pg_dsn(database_url)
    connection = await asyncpg.connect(dsn)
    try:
        if await _pg_counts(connection):
            name = urlsplit(dsn).path.strip("/")
            raise BackupError(f"database {name!r} is not empty: restore only into an empty one")
    finally:
        await connection.close()
    await _run(
        "pg_restore",
        "--no-owner",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={dsn}",
        str(data_file),
    )
    connection = await asyncpg.connect(dsn)
    try:
        counts = await _pg_counts(connection)
        names = (
            [r["name"] for r in await connection.fetch("SELECT name FROM migration")]
            if "migration" in counts
            else []
        )
    finally:
        await connection.close()
    return counts, names


def prune_backups(backup_dir: Path, keep: int) -> list[Path]:
    """Deletes all but the newest `keep` backups; returns what was deleted."""
    backups = sorted(
        (p for p in backup_dir.glob("hadir-*") if (p / MANIFEST).exists()), key=lambda p: p.name
    )
    doomed = backups[:-keep] if keep > 0 else backups
    for path in doomed:
        shutil.rmtree(path)
    return doomed


def describe(manifest: Manifest) -> dict[str, Any]:
    described: dict[str, Any] = json.loads(msgspec.json.encode(manifest))
    return described
