"""A SULIT meeting's subject and its agenda items' titles are stored sealed ("doc1:…"
envelopes, longer than the text they seal): `meeting.title` and `agenda_item.title` become TEXT.

Written by hand: Piccolo changes a column's type with ALTER COLUMN … TYPE, which SQLite does
not have; SQLite does not enforce a VARCHAR length anyway, so the change is made on PostgreSQL
only (where auto-migrations are generated, so their snapshot sees TEXT).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text, Varchar

from api.db import is_sqlite

ID = "2026-12-07T18:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "meeting subject and agenda titles as TEXT (sealed when SULIT)"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="meetings", description=DESCRIPTION)
    if is_sqlite():
        return manager
    for table_class_name, tablename, length in (
        ("Meeting", "meeting", 255),
        ("AgendaItem", "agenda_item", 500),
    ):
        manager.alter_column(
            table_class_name=table_class_name,
            tablename=tablename,
            column_name="title",
            db_column_name="title",
            # Only what changes: Piccolo acts on every key given (e.g. "unique").
            params={"default": ""},
            old_params={"length": length, "default": ""},
            column_class=Text,
            old_column_class=Varchar,
            schema=None,
        )
    return manager
