"""Applying and checking migrations (python -m api migrate, the release process, /readyz)."""

from __future__ import annotations

from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import Finder


class MigrationError(RuntimeError):
    pass


async def migrate() -> str:
    """Applies every pending migration of every app; raises MigrationError on failure."""
    await Migration.create_table(if_not_exists=True)
    result = await run_forwards(app_name="all")
    if not result.success:
        raise MigrationError(result.message or "migration failed")
    return result.message or "ok"


def known_migration_ids() -> dict[str, list[str]]:
    manager = BaseMigrationManager()
    known: dict[str, list[str]] = {}
    finder = Finder()
    for app_name in finder.get_sorted_app_names():
        app_config = finder.get_app_config(app_name)
        modules = manager.get_migration_modules(app_config.resolved_migrations_folder_path)
        known[app_config.app_name] = sorted(modules.keys())
    return known


async def applied_migration_ids() -> set[tuple[str, str]]:
    if not await Migration.table_exists():
        return set()
    rows = await Migration.select(Migration.app_name, Migration.name)
    return {(r["app_name"], r["name"]) for r in rows}


async def pending_migrations() -> list[str]:
    applied = await applied_migration_ids()
    return [
        f"{app}:{migration_id}"
        for app, ids in known_migration_ids().items()
        for migration_id in ids
        if (app, migration_id) not in applied
    ]


async def schema_version() -> str:
    """The latest applied migration id (the schema version recorded in backups)."""
    applied = await applied_migration_ids()
    return max((name for _, name in applied), default="")
