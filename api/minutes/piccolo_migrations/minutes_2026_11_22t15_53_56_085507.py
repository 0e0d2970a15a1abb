from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Text, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-22T15:53:56:085507"
VERSION = "1.38.0"
DESCRIPTION = "optional attachment of action feedback"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="minutes", description=DESCRIPTION)

    manager.add_column(
        table_class_name="ActionFeedback",
        tablename="minutes_action_feedback",
        column_name="attachment_key",
        db_column_name="attachment_key",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
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

    manager.add_column(
        table_class_name="ActionFeedback",
        tablename="minutes_action_feedback",
        column_name="attachment_name",
        db_column_name="attachment_name",
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

    manager.add_column(
        table_class_name="ActionFeedback",
        tablename="minutes_action_feedback",
        column_name="attachment_secret",
        db_column_name="attachment_secret",
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

    manager.add_column(
        table_class_name="ActionFeedback",
        tablename="minutes_action_feedback",
        column_name="attachment_size",
        db_column_name="attachment_size",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
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
        table_class_name="ActionFeedback",
        tablename="minutes_action_feedback",
        column_name="attachment_type",
        db_column_name="attachment_type",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 128,
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
