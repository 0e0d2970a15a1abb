"""Composite unique constraints, as unique indexes.

Written by hand: SQLite cannot ALTER TABLE … ADD CONSTRAINT, and Piccolo runs raw steps before
it creates tables, so these live in a migration of their own after the tables exist.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-22T13:03:46:999999"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes for org"

STATEMENTS = (
    'CREATE UNIQUE INDEX IF NOT EXISTS org_unit_name_per_parent ON org_unit ("agency", "parent", "name")',
    'CREATE UNIQUE INDEX IF NOT EXISTS office_code_per_agency ON office ("agency", "code")',
    'CREATE UNIQUE INDEX IF NOT EXISTS role_grant_once ON role_grant ("user", "role", "scope_type", "scope_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS office_assignment_once ON office_assignment ("user", "office")',
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="org", description=DESCRIPTION)

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
