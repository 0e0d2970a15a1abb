"""Unique indexes: one leave record per (officer, start, end, type) so a re-import changes
nothing, one calendar override per agency and day, one clock-broken mark per office and day."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-22T15:39:02:999999"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes for leave records, calendar overrides and clock-broken dates"

STATEMENTS = (
    'CREATE UNIQUE INDEX IF NOT EXISTS leave_record_once ON leave_record ("user", "start", "end", "kind")',
    'CREATE UNIQUE INDEX IF NOT EXISTS calendar_override_once ON calendar_override ("agency", "day")',
    'CREATE UNIQUE INDEX IF NOT EXISTS clock_broken_once ON clock_broken_date ("office", "day")',
    # The dashboard reads one range of check-ins for many officers at once.
    'CREATE INDEX IF NOT EXISTS check_in_kind_occurred ON check_in ("kind", "occurred_at")',
)
NAMES = (
    "leave_record_once",
    "calendar_override_once",
    "clock_broken_once",
    "check_in_kind_occurred",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="attendance", description=DESCRIPTION)

    async def create_indexes() -> None:
        for statement in STATEMENTS:
            await Table.raw(statement)

    async def drop_indexes() -> None:
        for name in NAMES:
            await Table.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
