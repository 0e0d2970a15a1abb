"""File storage behind one small interface: `put / get / delete / exists`, all async.

* `LocalDirectoryStore` (FILE_STORE=local, the default): files under FILE_STORE_DIR
  (var/files), fanned out by the first two characters of the key. Writes go to a temporary
  file in the same directory and are moved into place with `os.replace`, so a reader never
  sees half a file; directories are 0700 and files 0600.
* `DatabaseBlobStore` (FILE_STORE=database): a `stored_blob` row per file, for several
  instances without a shared disk. A `put` inside a `write_transaction()` joins it.

Keys are made by the server (`new_key()`), never taken from a user's file name; both stores
refuse anything else, so a key can never walk out of the store. What goes in is stored as
given: SULIT content is encrypted by the caller (api.core.documents) before `put`.
See docs/storage.md (an S3-compatible store would implement the same four methods).
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Protocol

from api.config import Settings, get_settings
from api.files.tables import StoredBlob

_KEY = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


class StoreError(Exception):
    pass


class FileMissing(StoreError):
    pass


def new_key() -> str:
    """A fresh server-made storage key (192 random bits, URL- and file-name-safe)."""
    return secrets.token_urlsafe(24)


def check_key(key: str) -> str:
    if not _KEY.match(key):
        raise StoreError("not a storage key made by the server")
    return key


class FileStore(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None: ...

    async def exists(self, key: str) -> bool: ...


class LocalDirectoryStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key

    def _put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.mkdir(mode=0o700, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as error:
            raise FileMissing(key) from error

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._put, key, data)

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._get, key)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._path(key).is_file)


class DatabaseBlobStore:
    async def put(self, key: str, data: bytes) -> None:
        check_key(key)
        existing = await StoredBlob.select(StoredBlob.id).where(StoredBlob.key == key).first()
        if existing:
            await StoredBlob.update({StoredBlob.data: data, StoredBlob.size: len(data)}).where(
                StoredBlob.id == existing["id"]
            )
        else:
            await StoredBlob.insert(StoredBlob(key=key, data=data, size=len(data)))

    async def get(self, key: str) -> bytes:
        check_key(key)
        row = await StoredBlob.select(StoredBlob.data).where(StoredBlob.key == key).first()
        if row is None:
            raise FileMissing(key)
        return bytes(row["data"])

    async def delete(self, key: str) -> None:
        check_key(key)
        await StoredBlob.delete().where(StoredBlob.key == key)

    async def exists(self, key: str) -> bool:
        check_key(key)
        return bool(await StoredBlob.exists().where(StoredBlob.key == key))


def make_store(settings: Settings) -> FileStore:
    if settings.file_store == "database":
        return DatabaseBlobStore()
    return LocalDirectoryStore(settings.file_store_dir or settings.var_dir / "files")


_STORE: list[FileStore] = []


def get_store() -> FileStore:
    """The process-wide store chosen by FILE_STORE."""
    if not _STORE:
        _STORE.append(make_store(get_settings()))
    return _STORE[0]


def set_store(store: FileStore | None) -> None:
    """Replaces the process-wide store (tests); None goes back to the configured one."""
    _STORE.clear()
    if store is not None:
        _STORE.append(store)
