"""Every existing person gets one open placement (their agency, unit and supervisor since
always), and the indexes the dated scope queries use."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T21:36:05:999999"
VERSION = "1.38.0"
DESCRIPTION = "placements for existing people; indexes"

INDEXES = (
    'CREATE INDEX IF NOT EXISTS placement_user ON placement ("user", "starts_on")',
    'CREATE INDEX IF NOT EXISTS placement_supervisor ON placement ("supervisor")',
    'CREATE INDEX IF NOT EXISTS placement_agency ON placement ("agency")',
    'CREATE INDEX IF NOT EXISTS acting_supervisor_acting ON acting_supervisor ("acting")',
    'CREATE INDEX IF NOT EXISTS acting_supervisor_supervisor ON acting_supervisor ("supervisor")',
)
BACKFILL = (
    'INSERT INTO placement ("user", agency, unit, supervisor, starts_on, ends_on, created_at)'
    " SELECT id, agency, unit, supervisor, NULL, NULL, CURRENT_TIMESTAMP FROM app_user"
    ' WHERE id NOT IN (SELECT "user" FROM placement)'
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="org", description=DESCRIPTION)

    async def create() -> None:
        for statement in INDEXES:
            await Table.raw(statement)
        await Table.raw(BACKFILL)

    async def drop() -> None:
        for statement in INDEXES:
            name = statement.split(" IF NOT EXISTS ")[1].split(" ")[0]
            await Table.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
