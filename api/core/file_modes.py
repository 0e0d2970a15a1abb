"""Owner-only files at rest: the SQLite database (with its -wal and -shm), backups, `var/` and
the keys generated in it are readable by the account Hadir runs as and nobody else.

- `restrict_process_umask()` makes everything the process creates from then on 0600 / 0700
  (called by the CLI and the ASGI factory before anything is written);
- `harden_paths(settings)` fixes what already exists at start-up (an installation made before
  this rule, or files copied in by hand): folders 0700, files 0600, symbolic links left alone;
- `private_dir` / `restrict_file` are used where a file is made whatever the umask (backups).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import structlog

from api.config import Settings

log = structlog.get_logger("hadir.files")

OWNER_ONLY_UMASK = 0o077
FILE_MODE = 0o600
DIR_MODE = 0o700
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def restrict_process_umask() -> None:
    os.umask(OWNER_ONLY_UMASK)


def private_dir(path: Path) -> Path:
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)
    return path


def _chmod(path: Path, mode: int, tolerant: bool) -> None:
    try:
        os.chmod(path, mode)
    except OSError as error:
        if not tolerant:
            raise
        # Not ours to change (a mount owned by another account): say so, but still start.
        log.warning("cannot make a file owner-only", path=str(path), error=str(error))


def restrict_file(path: Path, *, tolerant: bool = False) -> None:
    if path.exists() and not path.is_symlink():
        _chmod(path, FILE_MODE, tolerant)


def restrict_tree(root: Path, *, tolerant: bool = False) -> None:
    """`root` and everything under it: folders 0700, files 0600 (symbolic links not followed)."""
    if not root.exists() or root.is_symlink():
        return
    _chmod(root, DIR_MODE, tolerant)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            path = Path(folder, name)
            if not path.is_symlink():
                _chmod(path, DIR_MODE, tolerant)
        for name in files:
            path = Path(folder, name)
            mode = path.lstat().st_mode
            if stat.S_ISREG(mode) and stat.S_IMODE(mode) & 0o077:
                _chmod(path, FILE_MODE, tolerant)


def sqlite_files(database_file: Path) -> list[Path]:
    return [database_file.with_name(database_file.name + suffix) for suffix in SQLITE_COMPANIONS]


def harden_paths(settings: Settings) -> None:
    """Start-up: var/, the backup folder, the file store and the SQLite files owner-only.
    Only these paths are touched, never the folders around them (a database file may live in
    a folder other programs share)."""
    trees = [settings.var_dir, settings.backup_dir]
    if settings.file_store_dir is not None:
        trees.append(settings.file_store_dir)
    for tree in trees:
        restrict_tree(tree, tolerant=True)
    if settings.is_sqlite:
        for path in sqlite_files(settings.sqlite_path):
            restrict_file(path, tolerant=True)
