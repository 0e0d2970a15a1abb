"""Shared test set-up: one database for the whole run (SQLite by default, PostgreSQL when
DATABASE_URL says so), migrated once, emptied after every test that used it.

Tests that touch the database request the `db` fixture (directly or through another fixture)
and are marked `db` automatically; CI runs those again on PostgreSQL with `-m db`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="hadir-test-"))
os.environ["HADIR_ENV"] = "test"
os.environ["HADIR_VAR_DIR"] = str(_TMP / "var")
os.environ["HADIR_SCHEDULER"] = "false"
os.environ.setdefault("PICCOLO_CONF", "api.piccolo_conf")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_TMP / 'test.sqlite3'}")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import pytest  # noqa: E402

pytest_plugins = ["tests.fixtures"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "db" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)
