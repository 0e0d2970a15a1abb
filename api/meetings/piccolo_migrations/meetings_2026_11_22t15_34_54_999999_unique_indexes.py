"""Composite unique constraints, as unique indexes.

Written by hand: SQLite cannot ALTER TABLE … ADD CONSTRAINT, and Piccolo runs raw steps before
it creates tables, so these live in a migration of their own after the tables exist.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-22T15:34:54:999999"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes for meeting numbers, counters and invitations"

STATEMENTS = (
    'CREATE UNIQUE INDEX IF NOT EXISTS meeting_counter_once ON meeting_counter ("committee", "year")',
    'CREATE UNIQUE INDEX IF NOT EXISTS meeting_number_once ON meeting ("committee", "year", "number")',
    'CREATE UNIQUE INDEX IF NOT EXISTS meeting_invitation_once ON meeting_invitation ("meeting", "user")',
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="meetings", description=DESCRIPTION)

    async def create_unique_indexes() -> None:
        for statement in STATEMENTS:
            await Table.raw(statement)

    async def drop_unique_indexes() -> None:
        for statement in STATEMENTS:
            name = statement.split(" IF NOT EXISTS ")[1].split(" ")[0]
            await Table.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_unique_indexes)
    manager.add_raw_backwards(drop_unique_indexes)
    return manager
