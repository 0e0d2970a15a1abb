"""Composite unique constraints, as unique indexes (SQLite cannot ALTER TABLE … ADD CONSTRAINT).

`check_in_once`: one record per tap (the phone's client id), so a retried or re-synced tap
never creates a second check-in.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-22T13:45:51:999999"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes for attendance"

STATEMENTS = (
    'CREATE UNIQUE INDEX IF NOT EXISTS check_in_once ON check_in ("user", "client_id")',
    'CREATE INDEX IF NOT EXISTS check_in_user_time ON check_in ("user", "occurred_at")',
    'CREATE INDEX IF NOT EXISTS pattern_assignment_user ON pattern_assignment ("user", "effective_from")',
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="attendance", description=DESCRIPTION)

    async def create_indexes() -> None:
        for statement in STATEMENTS:
            await Table.raw(statement)

    async def drop_indexes() -> None:
        for name in ("check_in_once", "check_in_user_time", "pattern_assignment_user"):
            await Table.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
