"""The embedded default (SQLite, one process) runs without the scale-out clients: `make run`
installs requirements/run.txt, which has neither redis nor asyncpg."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BLOCKED_IMPORT = """
import sys
sys.modules["redis"] = None  # an import of either now fails as if it were not installed
sys.modules["asyncpg"] = None
from api.app import create_app
from api.cli import main
create_app()
print("ok")
"""


def test_the_app_starts_without_redis_and_asyncpg(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCKED_IMPORT],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "HADIR_ENV": "development",
            "HADIR_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
            "PICCOLO_CONF": "api.piccolo_conf",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("ok")
