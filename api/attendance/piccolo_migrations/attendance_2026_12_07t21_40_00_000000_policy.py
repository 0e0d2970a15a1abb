"""The agency's policy settings (grace, escalation days, coordinate retention, accuracy limit),
its own staggered patterns, early-leave entitlements and the queue of issue recomputes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import Date, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Agency(Table, tablename="agency", schema=None):
    id = Serial(null=False, primary_key=True)


class User(Table, tablename="app_user", schema=None):
    id = Serial(null=False, primary_key=True)


ID = "2026-12-07T21:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "agency policy settings, agency patterns, early leave, issue recompute queue"


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


def _foreign_key(references: type[Table], on_delete: OnDelete, null: bool) -> dict[str, object]:
    return _params(
        references=references,
        on_delete=on_delete,
        on_update=OnUpdate.cascade,
        target_column=None,
        null=null,
        default=None,
    )


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="attendance", description=DESCRIPTION)

    for column, default in (
        ("late_grace_minutes", 0),
        ("yellow_after_days", 3),
        ("red_after_days", 5),
        ("coordinate_retention_days", 90),
        ("accuracy_limit_m", 100),
    ):
        manager.add_column(
            table_class_name="AttendanceSetting",
            tablename="attendance_setting",
            column_name=column,
            db_column_name=column,
            column_class_name="Integer",
            column_class=Integer,
            params=_params(default=default),
            schema=None,
        )

    tables: dict[str, tuple[str, list[tuple[str, type, dict[str, object]]]]] = {
        "AgencyPattern": (
            "agency_pattern",
            [
                ("agency", ForeignKey, _foreign_key(Agency, OnDelete.cascade, False)),
                ("code", Varchar, _params(length=16, default="")),
                ("name", Varchar, _params(length=255, default="")),
                ("start", Varchar, _params(length=5, default="")),
                ("end", Varchar, _params(length=5, default="")),
                ("ramadan_end", Varchar, _params(length=5, default="")),
                ("updated_by", ForeignKey, _foreign_key(User, OnDelete.set_null, True)),
                ("updated_at", Timestamptz, _params(default=TimestamptzNow())),
            ],
        ),
        "EarlyLeave": (
            "early_leave",
            [
                ("user", ForeignKey, _foreign_key(User, OnDelete.cascade, False) | {"index": True}),
                ("start", Date, _params()),
                ("end", Date, _params(null=True, default=None)),
                ("minutes", Integer, _params(default=60)),
                ("basis", Varchar, _params(length=64, default="PP 11/2017")),
                ("recorded_by", ForeignKey, _foreign_key(User, OnDelete.set_null, True)),
                ("recorded_at", Timestamptz, _params(default=TimestamptzNow())),
            ],
        ),
        "IssueRecompute": (
            "issue_recompute",
            [
                ("user", ForeignKey, _foreign_key(User, OnDelete.cascade, False)),
                ("first", Date, _params()),
                ("last", Date, _params()),
                ("reason", Varchar, _params(length=32, default="")),
                ("created_at", Timestamptz, _params(default=TimestamptzNow())),
            ],
        ),
    }
    for class_name, (tablename, columns) in tables.items():
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        manager.add_column(
            table_class_name=class_name,
            tablename=tablename,
            column_name="id",
            db_column_name="id",
            column_class_name="Serial",
            column_class=Serial,
            params=_params(primary_key=True),
            schema=None,
        )
        for column, column_class, params in columns:
            manager.add_column(
                table_class_name=class_name,
                tablename=tablename,
                column_name=column,
                db_column_name=column,
                column_class_name=column_class.__name__,
                column_class=column_class,
                params=params,
                schema=None,
            )

    return manager
