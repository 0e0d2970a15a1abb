"""minutes_read: who opened distributed minutes and when (the committee's usage figures)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Serial, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Meeting(Table, tablename="meeting", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name=None,
        secret=False,
    )


class User(Table, tablename="app_user", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name=None,
        secret=False,
    )


ID = "2026-12-07T22:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "minutes_read: who opened distributed minutes and when"


def _params(**extra: object) -> dict[str, object]:
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **extra,
    }


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="minutes", description=DESCRIPTION)
    manager.add_table(class_name="MinutesRead", tablename="minutes_read", schema=None, columns=None)
    manager.add_column(
        table_class_name="MinutesRead",
        tablename="minutes_read",
        column_name="id",
        db_column_name="id",
        column_class_name="Serial",
        column_class=Serial,
        params=_params(primary_key=True),
        schema=None,
    )
    for column, references, index in (("meeting", Meeting, True), ("user", User, False)):
        manager.add_column(
            table_class_name="MinutesRead",
            tablename="minutes_read",
            column_name=column,
            db_column_name=column,
            column_class_name="ForeignKey",
            column_class=ForeignKey,
            params=_params(
                references=references,
                on_delete=OnDelete.cascade,
                on_update=OnUpdate.cascade,
                target_column=None,
                index=index,
            ),
            schema=None,
        )
    manager.add_column(
        table_class_name="MinutesRead",
        tablename="minutes_read",
        column_name="at",
        db_column_name="at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params=_params(default=TimestamptzNow()),
        schema=None,
    )
    return manager
