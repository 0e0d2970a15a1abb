"""Unique indexes for task notes (one per officer per day) and attendance issues (one per
officer, day and kind, so the daily job can run twice without opening an issue twice)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-22T14:07:50:999999"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes for task notes and attendance issues"

STATEMENTS = (
    'CREATE UNIQUE INDEX IF NOT EXISTS task_note_once ON task_note ("user", "day")',
    'CREATE UNIQUE INDEX IF NOT EXISTS attendance_issue_once ON attendance_issue ("user", "day", "kind")',
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="attendance", description=DESCRIPTION)

    async def create_indexes() -> None:
        for statement in STATEMENTS:
            await Table.raw(statement)

    async def drop_indexes() -> None:
        for name in ("task_note_once", "attendance_issue_once"):
            await Table.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
