"""The same contract for every file store (local directory, database table)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from api.files.store import (
    DatabaseBlobStore,
    FileMissing,
    FileStore,
    LocalDirectoryStore,
    StoreError,
    new_key,
)


@pytest.fixture(params=["local", "database"])
async def store(request: pytest.FixtureRequest, db: None, tmp_path: Path) -> FileStore:
    if request.param == "local":
        return LocalDirectoryStore(tmp_path / "files")
    return DatabaseBlobStore()


async def test_put_get_exists_delete(store: FileStore) -> None:
    key = new_key()
    assert not await store.exists(key)
    await store.put(key, b"kandungan \x00\xff")
    assert await store.exists(key)
    assert await store.get(key) == b"kandungan \x00\xff"
    await store.put(key, b"ganti")  # put again replaces
    assert await store.get(key) == b"ganti"
    await store.delete(key)
    assert not await store.exists(key)
    await store.delete(key)  # deleting what is gone is fine (idempotent)


async def test_missing_file(store: FileStore) -> None:
    with pytest.raises(FileMissing):
        await store.get(new_key())


async def test_empty_and_large_files(store: FileStore) -> None:
    small, large = new_key(), new_key()
    await store.put(small, b"")
    await store.put(large, bytes(range(256)) * 8192)  # 2 MiB
    assert await store.get(small) == b""
    assert await store.get(large) == bytes(range(256)) * 8192


@pytest.mark.parametrize("bad", ["../../etc/passwd", "kertas.pdf", "a/b", "", "x" * 200, "短い"])
async def test_only_server_made_keys(store: FileStore, bad: str) -> None:
    with pytest.raises(StoreError):
        await store.put(bad, b"x")
    with pytest.raises(StoreError):
        await store.get(bad)


def test_keys_are_random_and_safe() -> None:
    keys = {new_key() for _ in range(1000)}
    assert len(keys) == 1000
    assert all(k.replace("-", "").replace("_", "").isalnum() for k in keys)


async def test_local_permissions_and_no_leftovers(tmp_path: Path) -> None:
    store = LocalDirectoryStore(tmp_path / "files")
    key = new_key()
    await store.put(key, b"x" * 10)
    path = tmp_path / "files" / key[:2] / key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "files").stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == [key]  # no temporary file left


def test_configured_store(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.config import load_settings
    from api.files.store import make_store

    monkeypatch.setenv("FILE_STORE", "database")
    assert isinstance(make_store(load_settings()), DatabaseBlobStore)
    monkeypatch.setenv("FILE_STORE", "local")
    monkeypatch.setenv("FILE_STORE_DIR", "/tmp/hadir-files-x")
    made = make_store(load_settings())
    assert isinstance(made, LocalDirectoryStore) and made.root == Path("/tmp/hadir-files-x")
    monkeypatch.setenv("FILE_STORE", "s3")
    from api.config import ConfigError

    with pytest.raises(ConfigError, match="FILE_STORE"):
        load_settings()
