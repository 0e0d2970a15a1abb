"""The feed's index, written by hand (see the first outbox index migration for why)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T18:24:16:999999"
VERSION = "1.38.0"
DESCRIPTION = "notification feed index: a person's newest items, unread count"

STATEMENTS = (
    'CREATE INDEX IF NOT EXISTS notification_feed_recent ON notification_feed ("recipient", "id")',
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="outbox", description=DESCRIPTION)

    async def create_indexes() -> None:
        for statement in STATEMENTS:
            await Table.raw(statement)

    async def drop_indexes() -> None:
        for statement in STATEMENTS:
            name = statement.split(" IF NOT EXISTS ")[1].split(" ")[0]
            await Table.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
