"""Composite indexes of the outbox, written by hand.

SQLite cannot ALTER TABLE … ADD CONSTRAINT, and Piccolo runs raw steps before it creates
tables, so these live in a migration of their own after the tables exist.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-22T13:29:09:999999"
VERSION = "1.38.0"
DESCRIPTION = "outbox indexes: one preference per user and kind, due rows"

STATEMENTS = (
    'CREATE UNIQUE INDEX IF NOT EXISTS notification_preference_once ON notification_preference ("user", "kind")',
    # The dispatcher's claim: status = … AND next_attempt_at <= now, oldest first.
    'CREATE INDEX IF NOT EXISTS notification_outbox_due ON notification_outbox ("status", "next_attempt_at")',
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
