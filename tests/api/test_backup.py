"""Backups are consistent while writers are busy; restores verify themselves."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from api.accounts import audit
from api.config import get_settings
from api.db import is_sqlite
from api.ops.backup import BackupError, create_backup, prune_backups, read_manifest, restore_backup
from api.org.tables import Agency
from tests.fixtures import Org

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def empty_target(db: None, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of the same engine to restore into."""
    if is_sqlite():
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"hadir_restore_{uuid.uuid4().hex[:8]}"
    url = get_settings().database_url
    admin = await asyncpg.connect(url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _rows(url: str, query: str) -> list[tuple]:
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return [tuple(r) for r in connection.execute(query)]
        finally:
            connection.close()
    connection = await asyncpg.connect(url)
    try:
        return [tuple(r) for r in await connection.fetch(query)]
    finally:
        await connection.close()


async def test_backup_while_writing_then_restore_and_compare(
    org: Org, empty_target: str, tmp_path: Path
) -> None:
    stop = asyncio.Event()
    written = 0

    async def busy_writer(n: int) -> None:
        nonlocal written
        while not stop.is_set():
            await audit.record("load_test", detail={"writer": n})
            await Agency.insert(Agency(code=f"W{n}-{uuid.uuid4().hex[:6]}", name="x", state="PJY"))
            written += 1

    writers = [asyncio.create_task(busy_writer(n)) for n in range(3)]
    await asyncio.sleep(0.3)
    folder = await create_backup(get_settings().database_url, tmp_path / "backups")
    await asyncio.sleep(0.2)
    stop.set()
    await asyncio.gather(*writers)

    manifest = read_manifest(folder)
    assert written > manifest.row_counts["agency"] - 2 > 0, "writers were running during backup"
    assert manifest.schema_version and manifest.sha256 and manifest.size_bytes > 0

    restored = await restore_backup(folder, empty_target, files_dir=tmp_path / "files")
    assert restored.row_counts == manifest.row_counts
    # Content, not just counts: the restored audit chain is intact and agencies are the same.
    events = await _rows(empty_target, "SELECT seq, hash, prev_hash FROM audit_event ORDER BY seq")
    assert len(events) == manifest.row_counts["audit_event"]
    assert all(events[i][2] == events[i - 1][1] for i in range(1, len(events)))
    agencies = await _rows(empty_target, "SELECT id, code FROM agency ORDER BY id")
    live = await Agency.select(Agency.id, Agency.code).order_by(Agency.id)
    assert agencies == [(r["id"], r["code"]) for r in live][: len(agencies)]


async def test_restore_refuses_a_database_with_data(org: Org, tmp_path: Path) -> None:
    folder = await create_backup(get_settings().database_url, tmp_path / "backups")
    with pytest.raises(BackupError, match="not empty"):
        await restore_backup(folder, get_settings().database_url, files_dir=tmp_path / "f")


async def test_restore_detects_a_damaged_backup(
    org: Org, empty_target: str, tmp_path: Path
) -> None:
    folder = await create_backup(get_settings().database_url, tmp_path / "backups")
    data = folder / read_manifest(folder).file
    content = bytearray(data.read_bytes())
    content[len(content) // 2] ^= 0xFF
    data.write_bytes(bytes(content))
    with pytest.raises(BackupError, match="checksum"):
        await restore_backup(folder, empty_target, files_dir=tmp_path / "files")


async def test_old_backups_are_pruned(org: Org, tmp_path: Path) -> None:
    for _ in range(4):
        await create_backup(get_settings().database_url, tmp_path / "backups")
    removed = prune_backups(tmp_path / "backups", keep=2)
    assert len(removed) == 2
    assert len(list((tmp_path / "backups").glob("hadir-*"))) == 2


async def test_scheduled_backup_runs_once_per_day(org: Org, tmp_path: Path) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    import msgspec

    from api.jobs import default_jobs
    from api.ops.scheduler import run_due_jobs
    from api.ops.tables import ScheduledRun

    settings = msgspec.structs.replace(get_settings(), backup_dir=tmp_path / "daily")
    jobs = [job for job in default_jobs(settings) if job.name == "backup"]
    tz = ZoneInfo("Asia/Kuala_Lumpur")
    early = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)  # 01:00 local, before BACKUP_HOUR=2
    assert await run_due_jobs(jobs, early, tz) == []
    later = datetime(2026, 11, 22, 19, 0, tzinfo=UTC)  # 03:00 local on 23 Nov
    assert await run_due_jobs(jobs, later, tz) == ["backup:2026-11-23"]
    assert await run_due_jobs(jobs, later, tz) == []
    run = await ScheduledRun.select().first()
    assert run is not None and run["status"] == "done"
    assert len(list((tmp_path / "daily").glob("hadir-*"))) == 1


async def test_backups_are_owner_only_whatever_the_umask(org: Org, tmp_path: Path) -> None:
    import os
    import stat

    previous = os.umask(0o022)
    try:
        folder = await create_backup(get_settings().database_url, tmp_path / "backups")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def _serving(database_url: str, files_dir: Path) -> AsyncIterator[str]:
    """A Hadir process on the restored copy (a fresh place: its own database and files)."""
    import os
    import sys

    import httpx

    port = _free_port()
    environment = dict(
        os.environ,
        DATABASE_URL=database_url,
        FILE_STORE="local",
        FILE_STORE_DIR=str(files_dir),
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        HADIR_SCHEDULER="false",
        BACKUP_DIR=str(files_dir.parent / "restored-backups"),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api",
        "serve",
        cwd=PROJECT,
        env=environment,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as probe:
            for _ in range(150):
                try:
                    if (await probe.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
            else:
                raise AssertionError("the restored copy did not start")
        yield base
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), timeout=30)


async def test_papers_are_backed_up_and_served_by_the_restored_copy(
    client_factory: Any, org: Org, empty_target: str, tmp_path: Path
) -> None:
    import httpx

    from tests.papers.conftest import PDF_BYTES, make_committee, upload

    setup = await make_committee(org)
    secretariat = await client_factory()
    await secretariat.sign_in(org.login["officer_a"])
    terhad_bytes = PDF_BYTES + b"% terhad " + uuid.uuid4().hex.encode() + b"\n"
    sulit_bytes = PDF_BYTES + b"% sulit " + uuid.uuid4().hex.encode() + b"\n"
    terhad = (await upload(secretariat, setup.meetings["TERHAD"], data=terhad_bytes)).json()
    sulit = (await upload(secretariat, setup.meetings["SULIT"], data=sulit_bytes)).json()

    folder = await create_backup(get_settings().database_url, tmp_path / "backups")
    manifest = read_manifest(folder)
    assert manifest.files is not None and len(manifest.files) == 2
    assert manifest.mac

    restored_files = tmp_path / "restored-files"
    await restore_backup(folder, empty_target, files_dir=restored_files)
    cookie = {"__Host-hadir_session": secretariat.cookies.get("__Host-hadir_session") or ""}
    async with (
        _serving(empty_target, restored_files) as base,
        httpx.AsyncClient(base_url=base, cookies=cookie) as restored,
    ):
        for paper, content in ((terhad, terhad_bytes), (sulit, sulit_bytes)):
            got = await restored.get(paper["url"])
            assert got.status_code == 200, got.text
            assert got.content == content


async def test_restore_refuses_a_changed_database_with_a_recomputed_manifest(
    org: Org, empty_target: str, tmp_path: Path
) -> None:
    import hashlib

    import msgspec

    from api.ops.backup import MANIFEST

    folder = await create_backup(get_settings().database_url, tmp_path / "backups")
    manifest = read_manifest(folder)
    data = folder / manifest.file
    if manifest.engine == "sqlite":
        connection = sqlite3.connect(data)
        with connection:
            connection.execute("UPDATE agency SET name = 'Agensi Palsu'")
        connection.close()
    else:
        data.write_bytes(data.read_bytes() + b"\0forged")
    # What someone without the key can do: recompute every plain checksum in the manifest.
    forged = msgspec.structs.replace(
        manifest,
        sha256=hashlib.sha256(data.read_bytes()).hexdigest(),
        size_bytes=data.stat().st_size,
    )
    (folder / MANIFEST).write_bytes(msgspec.json.encode(forged))
    with pytest.raises(BackupError, match="signature"):
        await restore_backup(folder, empty_target, files_dir=tmp_path / "files")
    # Nor does dropping the signature help: an unsigned manifest is refused unless asked for.
    (folder / MANIFEST).write_bytes(msgspec.json.encode(msgspec.structs.replace(forged, mac="")))
    with pytest.raises(BackupError, match="not signed"):
        await restore_backup(folder, empty_target, files_dir=tmp_path / "files")


async def test_restore_detects_a_changed_stored_file(
    client_factory: Any, org: Org, empty_target: str, tmp_path: Path
) -> None:
    from tests.papers.conftest import make_committee, upload

    setup = await make_committee(org)
    secretariat = await client_factory()
    await secretariat.sign_in(org.login["officer_a"])
    assert (await upload(secretariat, setup.meetings["TERHAD"])).status_code == 201
    folder = await create_backup(get_settings().database_url, tmp_path / "backups")
    stored = next((folder / "files").rglob("*"))
    while stored.is_dir():
        stored = next(stored.iterdir())
    stored.write_bytes(b"%PDF-1.4 replaced")
    with pytest.raises(BackupError, match="stored file"):
        await restore_backup(folder, empty_target, files_dir=tmp_path / "files")


async def test_an_encrypted_backup_holds_no_content_in_clear_and_restores(
    client_factory: Any, org: Org, empty_target: str, tmp_path: Path
) -> None:
    import httpx

    from api.org.tables import Agency
    from tests.papers.conftest import PDF_BYTES, make_committee, upload

    marker = uuid.uuid4().hex
    await Agency.update({Agency.name: f"Agensi {marker}"}).where(Agency.id == org.agency_a)
    setup = await make_committee(org)
    secretariat = await client_factory()
    await secretariat.sign_in(org.login["officer_a"])
    content = PDF_BYTES + f"% {marker}\n".encode()
    paper = (await upload(secretariat, setup.meetings["TERHAD"], data=content)).json()

    folder = await create_backup(get_settings().database_url, tmp_path / "backups", encrypt=True)
    manifest = read_manifest(folder)
    assert manifest.encryption is not None and manifest.file.endswith(".enc")
    for path in folder.rglob("*"):
        if path.is_file() and path.name != "manifest.json":
            assert marker.encode() not in path.read_bytes(), path

    restored_files = tmp_path / "restored-files"
    await restore_backup(folder, empty_target, files_dir=restored_files)
    names = await _rows(empty_target, f"SELECT name FROM agency WHERE id = {org.agency_a}")
    assert names == [(f"Agensi {marker}",)]
    cookie = {"__Host-hadir_session": secretariat.cookies.get("__Host-hadir_session") or ""}
    async with (
        _serving(empty_target, restored_files) as base,
        httpx.AsyncClient(base_url=base, cookies=cookie) as restored,
    ):
        got = await restored.get(paper["url"])
        assert got.status_code == 200 and got.content == content


async def test_the_same_backup_is_not_restored_twice_into_one_file_store(
    client_factory: Any, org: Org, empty_target: str, tmp_path: Path
) -> None:
    from tests.papers.conftest import make_committee, upload

    setup = await make_committee(org)
    secretariat = await client_factory()
    await secretariat.sign_in(org.login["officer_a"])
    assert (await upload(secretariat, setup.meetings["TERHAD"])).status_code == 201
    folder = await create_backup(get_settings().database_url, tmp_path / "backups")
    files = tmp_path / "files"
    (files / "zz").mkdir(parents=True)
    (files / "zz" / "zz-another-installations-file").write_bytes(b"x")  # left alone
    await restore_backup(folder, empty_target, files_dir=files)
    with pytest.raises(BackupError, match="already holds"):
        await restore_backup(folder, get_settings().database_url, files_dir=files)
