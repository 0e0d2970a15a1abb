"""Migrations apply on both engines, are complete, and re-running them changes nothing."""

from __future__ import annotations

from piccolo.conf.apps import Finder

from api.db import engine, is_sqlite
from api.ops.migrations import known_migration_ids, migrate, pending_migrations, schema_version


async def _table_names() -> set[str]:
    if is_sqlite():
        rows = await engine().run_ddl("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {r["name"] for r in rows}
    rows = await engine().run_ddl("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {r["tablename"] for r in rows}


async def _index_names() -> set[str]:
    if is_sqlite():
        rows = await engine().run_ddl("SELECT name FROM sqlite_master WHERE type = 'index'")
        return {r["name"] for r in rows}
    rows = await engine().run_ddl("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
    return {r["indexname"] for r in rows}


async def test_every_table_of_every_app_exists(db: None) -> None:
    tables = await _table_names()
    expected = {t._meta.tablename for t in Finder().get_table_classes()}
    assert expected <= tables
    assert {"agency", "org_unit", "office", "app_user", "audit_event", "committee"} <= tables


async def test_no_migration_is_pending_and_rerunning_is_a_no_op(db: None) -> None:
    assert await pending_migrations() == []
    before = await schema_version()
    await migrate()
    assert await pending_migrations() == []
    assert await schema_version() == before
    assert before == max(i for ids in known_migration_ids().values() for i in ids)


async def test_composite_unique_indexes_exist(db: None) -> None:
    assert {
        "org_unit_name_per_parent",
        "office_code_per_agency",
        "role_grant_once",
        "office_assignment_once",
        "committee_code_per_agency",
        "committee_member_once",
    } <= await _index_names()
