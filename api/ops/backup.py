"""Online backups with a keyed manifest, and a restore that proves itself.

A backup is one folder `hadir-<UTC time>/`: the data file, the uploaded files of a local file
store under `files/` (same layout as the store), and `manifest.json` (time, engine, schema
version, row count per table, SHA-256 of the data file and of every stored file, the audit
chain's head) with an HMAC over all of it (`mac`, key derived from SECRET_KEY, which is never
inside a backup: api.core.integrity).

- SQLite: the sqlite3 online backup API copies a consistent snapshot while Hadir keeps writing;
  row counts are read from the copy itself.
- PostgreSQL: a REPEATABLE READ transaction exports its snapshot, row counts are taken in it,
  and `pg_dump --snapshot` dumps exactly that snapshot (custom format).
- BACKUP_ENCRYPT=true: the data file and every file are sealed with AES-256-GCM under a key of
  the backup's own, wrapped by the master key (api.ops.backup_crypto); the manifest stays
  readable (it holds no content) and names the master key that opens the backup.
- Files are copied after the snapshot: a file is written before its row is committed and
  removed only after its row's deletion commits, so every file the snapshot names is there
  (but one deleted in the seconds between snapshot and copy). FILE_STORE=database keeps files
  in a table, so they are in the data file already.

`restore` refuses a database that already has tables and a file folder that already holds the
backup's files,
checks the manifest's HMAC first (a changed data file with a recomputed checksum is refused),
then every checksum, then integrity, schema version and every row count, then puts the files
back.
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec
import structlog
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from api.accounts.audit import Anchor, write_anchor
from api.config import PROJECT_ROOT, Settings, get_settings
from api.core.crypto import CryptoError
from api.core.documents import WrappedKey, unwrap_key, wrap_key
from api.core.file_modes import DIR_MODE, private_dir, restrict_file, restrict_tree
from api.core.integrity import canonical_json, mac_hex, mac_matches
from api.ops.backup_crypto import BackupDecryptError, decrypt_file, encrypt_file

log = structlog.get_logger("hadir.backup")

MANIFEST = "manifest.json"
SQLITE_FILE = "hadir.sqlite3"
PG_FILE = "hadir.pgdump"
FILES_DIR = "files"
MANIFEST_MAC_LABEL = "backup-manifest"
_DEFAULT: Any = object()


class BackupError(RuntimeError):
    pass


class StoredFile(msgspec.Struct, rename="camel"):
    key: str
    size: int
    sha256: str


class AuditHead(msgspec.Struct, rename="camel"):
    """The last event of the audit chain when the backup was made (an anchor outside the
    database: api.accounts.audit)."""

    seq: int
    hash: str
    at: str


class BackupEncryption(msgspec.Struct, rename="camel"):
    """How the files of an encrypted backup are sealed (api.ops.backup_crypto): the backup's
    own key, wrapped by the master key with the id `key_id`."""

    wrapped_key: str
    key_id: str
    scheme: str = "aes-256-gcm/1MiB-chunks/v1"


class Manifest(msgspec.Struct, rename="camel"):
    created_at: str
    engine: str
    schema_version: str
    file: str
    sha256: str
    size_bytes: int
    row_counts: dict[str, int]
    # The uploaded files of a local file store, copied under files/ (None: FILE_STORE=database,
    # the files are in the data file).
    files: list[StoredFile] | None = None
    audit_head: AuditHead | None = None
    encryption: BackupEncryption | None = None  # None: files in clear (BACKUP_ENCRYPT=false)
    # HMAC-SHA256 over everything above ("" in a backup made before manifests were keyed).
    mac: str = ""


def manifest_mac(manifest: Manifest) -> str:
    return mac_hex(MANIFEST_MAC_LABEL, _unsigned_bytes(manifest))


def local_files_dir(settings: Settings) -> Path | None:
    """The folder of a local file store (None when files are kept in the database)."""
    if settings.file_store != "local":
        return None
    return settings.file_store_dir or settings.var_dir / "files"


_HEAD_SQL = "SELECT seq, hash, at FROM audit_event ORDER BY seq DESC LIMIT 1"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _sqlite_file(url: str) -> Path:
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


BACKUP_KEY_PURPOSE = "backup"
DATA_PURPOSE = "backup-data"


def _file_purpose(key: str) -> str:
    return f"backup-file:{key}"


def _copy_files(source: Path, target: Path, key: bytes | None = None) -> list[StoredFile]:
    """Copies every stored file (not the stores' temporary files), encrypted when `key` is
    given, and lists it with its checksum (of what is in the backup), in key order."""
    copied = []
    if source.is_dir():
        for path in sorted(source.glob("??/*")):
            if not path.is_file() or path.name.startswith(".") or path.parent.name != path.name[:2]:
                continue
            destination = target / path.parent.name / path.name
            destination.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            try:
                if key is None:
                    shutil.copyfile(path, destination)
                else:
                    encrypt_file(path, destination, key, _file_purpose(path.name))
            except FileNotFoundError:
                continue  # deleted since it was listed
            copied.append(StoredFile(path.name, destination.stat().st_size, _sha256(destination)))
    return copied


def _encrypt_data_file(manifest: Manifest, target: Path, key: bytes) -> Manifest:
    plain = target / manifest.file
    sealed = target / f"{manifest.file}.enc"
    encrypt_file(plain, sealed, key, DATA_PURPOSE)
    plain.unlink()
    return msgspec.structs.replace(
        manifest, file=sealed.name, sha256=_sha256(sealed), size_bytes=sealed.stat().st_size
    )


async def create_backup(
    database_url: str,
    backup_dir: Path,
    *,
    files_dir: Path | None = _DEFAULT,
    encrypt: bool | None = None,
) -> Path:
    """Makes a consistent online backup of the database and the file store; its folder.
    `files_dir`: the local file store to include (default: the configured one, if local);
    `encrypt`: seal the data file and the files (default: BACKUP_ENCRYPT)."""
    settings = get_settings()
    if files_dir is _DEFAULT:
        files_dir = local_files_dir(settings)
    if encrypt is None:
        encrypt = settings.backup_encrypt
    key = AESGCM.generate_key(bit_length=256) if encrypt else None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = private_dir(backup_dir) / f"hadir-{stamp}"
    target.mkdir(mode=DIR_MODE, exist_ok=False)
    try:
        if _is_sqlite(database_url):
            manifest = await asyncio.to_thread(_backup_sqlite, database_url, target)
        else:
            manifest = await _backup_postgres(database_url, target)
        if files_dir is not None:
            files = await asyncio.to_thread(_copy_files, files_dir, target / FILES_DIR, key)
            manifest = msgspec.structs.replace(manifest, files=files)
        if key is not None:
            manifest = await asyncio.to_thread(_encrypt_data_file, manifest, target, key)
            wrapped = wrap_key(key, BACKUP_KEY_PURPOSE)
            encryption = BackupEncryption(wrapped_key=wrapped.wrapped, key_id=wrapped.key_id)
            manifest = msgspec.structs.replace(manifest, encryption=encryption)
        manifest = msgspec.structs.replace(manifest, mac=manifest_mac(manifest))
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    (target / MANIFEST).write_bytes(msgspec.json.format(msgspec.json.encode(manifest)))
    restrict_tree(target)
    if manifest.audit_head is not None:
        head = manifest.audit_head
        try:
            write_anchor(Anchor(head.seq, head.hash, head.at), f"backup {target.name}")
        except (OSError, ValueError):
            # The backup is made and carries the head in its manifest all the same.
            log.exception("audit anchor not written", backup=target.name)
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
        head = None
        if counts.get("audit_event"):
            seq, hash_, at = destination.execute(_HEAD_SQL).fetchone()
            head = AuditHead(int(seq), hash_, str(at))
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
        audit_head=head,
    )


async def _backup_postgres(database_url: str, target: Path) -> Manifest:
    import asyncpg  # only installed for scale-out (the [scale] extra)

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
            head = None
            if counts.get("audit_event"):
                row = await connection.fetchrow(_HEAD_SQL)
                head = AuditHead(int(row["seq"]), row["hash"], row["at"].isoformat())
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
        audit_head=head,
    )


def read_manifest(backup: Path) -> Manifest:
    try:
        return msgspec.json.decode((backup / MANIFEST).read_bytes(), type=Manifest)
    except (OSError, msgspec.DecodeError) as error:
        raise BackupError(f"cannot read {backup / MANIFEST}: {error}") from None


def verify_backup(backup: Path, *, allow_unsigned: bool = False) -> Manifest:
    """The manifest, once its HMAC and every checksum in it hold; BackupError otherwise."""
    manifest = read_manifest(backup)
    if not manifest.mac:
        if not allow_unsigned:
            raise BackupError(
                "the manifest is not signed (a backup made before signed manifests): "
                "restore it only if you trust where it was kept, with --unsigned"
            )
    elif not mac_matches(MANIFEST_MAC_LABEL, _unsigned_bytes(manifest), manifest.mac):
        raise BackupError(
            "manifest signature mismatch: the backup was changed, or was made with another "
            "SECRET_KEY"
        )
    data_file = backup / manifest.file
    if not data_file.exists() or _sha256(data_file) != manifest.sha256:
        raise BackupError("checksum mismatch: the backup file is damaged or was changed")
    for stored in manifest.files or []:
        path = backup / FILES_DIR / stored.key[:2] / stored.key
        if not path.is_file() or _sha256(path) != stored.sha256:
            raise BackupError(f"checksum mismatch: stored file {stored.key} is damaged or missing")
    return manifest


def _unsigned_bytes(manifest: Manifest) -> bytes:
    return canonical_json(msgspec.to_builtins(msgspec.structs.replace(manifest, mac="")))


def _check_files_absent(manifest: Manifest, files_dir: Path) -> None:
    """Keys are random, so a file of the backup already in the store means this backup was
    restored there before: refused, like a database that is not empty. Other files (of another
    installation sharing the folder) are left alone."""
    present = [f.key for f in manifest.files or [] if (files_dir / f.key[:2] / f.key).exists()]
    if present:
        raise BackupError(
            f"{files_dir} already holds {len(present)} file(s) of this backup: "
            "restore only into a file store without them"
        )


def _backup_key(manifest: Manifest) -> bytes | None:
    if manifest.encryption is None:
        return None
    wrapped = WrappedKey(manifest.encryption.wrapped_key, manifest.encryption.key_id)
    try:
        return unwrap_key(wrapped, BACKUP_KEY_PURPOSE)
    except CryptoError as error:
        raise BackupError(
            f"the backup is encrypted under master key {wrapped.key_id}, which is not "
            f"configured (HADIR_MASTER_KEY / HADIR_MASTER_KEY_PREVIOUS): {error}"
        ) from None


def _restore_files(backup: Path, manifest: Manifest, files_dir: Path, key: bytes | None) -> None:
    private_dir(files_dir)
    for stored in manifest.files or []:
        folder = private_dir(files_dir / stored.key[:2])
        source = backup / FILES_DIR / stored.key[:2] / stored.key
        if key is None:
            shutil.copyfile(source, folder / stored.key)
        else:
            try:
                decrypt_file(source, folder / stored.key, key, _file_purpose(stored.key))
            except BackupDecryptError as error:
                raise BackupError(str(error)) from None
        restrict_file(folder / stored.key)


def _decrypt_data_file(data_file: Path, workdir: Path, key: bytes) -> Path:
    plain = workdir / data_file.name.removesuffix(".enc")
    try:
        decrypt_file(data_file, plain, key, DATA_PURPOSE)
    except BackupDecryptError as error:
        raise BackupError(str(error)) from None
    return plain


async def restore_backup(
    backup: Path,
    database_url: str,
    *,
    files_dir: Path | None = _DEFAULT,
    allow_unsigned: bool = False,
) -> Manifest:
    """Restores the database and the files into an empty database and file store and verifies
    them; raises BackupError on any mismatch. `files_dir`: where a local file store's files go
    (default: the configured local file store)."""
    manifest = verify_backup(backup, allow_unsigned=allow_unsigned)
    data_file = backup / manifest.file
    if files_dir is _DEFAULT:
        files_dir = local_files_dir(get_settings())
    if manifest.files is not None:
        if files_dir is None:
            raise BackupError(
                "this backup holds the files of a local file store: restore with "
                "FILE_STORE=local (FILE_STORE_DIR) or --files-dir"
            )
        _check_files_absent(manifest, files_dir)
    if _is_sqlite(database_url) != (manifest.engine == "sqlite"):
        raise BackupError(
            f"this backup is for {manifest.engine}; DATABASE_URL points at another engine"
        )
    key = _backup_key(manifest)
    # An encrypted data file is opened into a private temporary folder, removed afterwards.
    with tempfile.TemporaryDirectory(prefix="hadir-restore-") as workdir:
        if key is not None:
            data_file = await asyncio.to_thread(_decrypt_data_file, data_file, Path(workdir), key)
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
    if manifest.files is not None and files_dir is not None:
        await asyncio.to_thread(_restore_files, backup, manifest, files_dir, key)
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
    import asyncpg  # only installed for scale-out (the [scale] extra)

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
