from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T18:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "late-sync grace per agency; reason an attendance issue was closed by a recompute"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="attendance", description=DESCRIPTION)

    manager.add_column(
        table_class_name="AttendanceSetting",
        tablename="attendance_setting",
        column_name="late_sync_grace_minutes",
        db_column_name="late_sync_grace_minutes",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 120,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="AttendanceIssue",
        tablename="attendance_issue",
        column_name="closed_reason",
        db_column_name="closed_reason",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
