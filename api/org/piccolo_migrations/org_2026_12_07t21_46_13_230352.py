from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T21:46:13:230352"
VERSION = "1.38.0"
DESCRIPTION = "profile fields officers may change"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="org", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Agency",
        tablename="agency",
        column_name="profile_fields",
        db_column_name="profile_fields",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 128,
            "default": "phone,email,language",
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
