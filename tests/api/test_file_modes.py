"""Secrets at rest are owner-only: the SQLite database with its -wal/-shm, var/ and the keys
generated in it, and backups (0600 files, 0700 folders), for a new installation and for one
made before this rule."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _hadir(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "BACKUP_DIR"}}
    environment.update(HADIR_VAR_DIR=str(var_dir), HADIR_ENV="development")
    result = subprocess.run(
        [sys.executable, "-m", "api", *args],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: os.umask(0o022),  # a usual login umask: world-readable by default
    )
    assert result.returncode == 0, result.stderr
    return result


def _loose(tree: Path) -> list[str]:
    found = []
    for path in [tree, *tree.rglob("*")]:
        expected = 0o700 if path.is_dir() else 0o600
        if _mode(path) != expected:
            found.append(f"{path.relative_to(tree)} {oct(_mode(path))}")
    return found


def test_a_new_installation_and_its_backups_are_owner_only(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    _hadir(var_dir, "migrate")
    database = var_dir / "hadir.sqlite3"
    assert {p.name for p in var_dir.iterdir()} >= {"hadir.sqlite3", "secret_key", "master_key"}
    # A writer keeps the WAL open: SQLite gives -wal and -shm the database file's mode.
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("CREATE TABLE scratch (x)")
        for suffix in ("-wal", "-shm"):
            assert _mode(database.with_name(database.name + suffix)) == 0o600, suffix
    finally:
        connection.close()
    _hadir(var_dir, "backup")
    backups = list((var_dir / "backups").glob("hadir-*"))
    assert len(backups) == 1 and list(backups[0].iterdir())
    assert _loose(var_dir) == []


def test_start_up_makes_an_existing_installation_owner_only(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    (var_dir / "backups" / "hadir-20261201T000000Z").mkdir(parents=True, mode=0o755)
    (var_dir / "files" / "ab").mkdir(parents=True, mode=0o755)
    loose_files = [
        var_dir / "hadir.sqlite3",
        var_dir / "hadir.sqlite3-wal",
        var_dir / "hadir.sqlite3-shm",
        var_dir / "backups" / "hadir-20261201T000000Z" / "hadir.sqlite3",
        var_dir / "files" / "ab" / "abcdef",
    ]
    for path in loose_files:
        path.write_bytes(b"")
        path.chmod(0o644)
    for folder in (var_dir, var_dir / "backups", var_dir / "files"):
        folder.chmod(0o755)
    assert _loose(var_dir)
    _hadir(var_dir, "check-config")
    assert _loose(var_dir) == []
