"""Composite unique constraints, as unique indexes (hand-written, after the tables exist)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-22T15:39:07:999999"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes for minutes versions, reviewers and action refs"

STATEMENTS = (
    'CREATE UNIQUE INDEX IF NOT EXISTS minutes_version_once ON minutes_version ("minutes", "number")',
    'CREATE UNIQUE INDEX IF NOT EXISTS minutes_reviewer_once ON minutes_reviewer ("minutes", "user")',
    'CREATE UNIQUE INDEX IF NOT EXISTS minutes_action_ref_once ON minutes_action ("minutes", "item_ref")',
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="minutes", description=DESCRIPTION)

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
