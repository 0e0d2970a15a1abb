"""Unique index: one pattern per code and agency (after the table exists)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T21:40:00:999999"
VERSION = "1.38.0"
DESCRIPTION = "unique index for agency patterns"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="attendance", description=DESCRIPTION)

    async def create_index() -> None:
        await Table.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS agency_pattern_once "
            'ON agency_pattern ("agency", "code")'
        )

    async def drop_index() -> None:
        await Table.raw("DROP INDEX IF EXISTS agency_pattern_once")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
