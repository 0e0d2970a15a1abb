"""Unique index: one registration per device code and agency."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-22T15:59:59:999999"
VERSION = "1.38.0"
DESCRIPTION = "unique index for biometric devices"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="attendance", description=DESCRIPTION)

    async def create_index() -> None:
        await Table.raw(
            'CREATE UNIQUE INDEX IF NOT EXISTS punch_device_once ON punch_device ("agency", "code")'
        )

    async def drop_index() -> None:
        await Table.raw("DROP INDEX IF EXISTS punch_device_once")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
