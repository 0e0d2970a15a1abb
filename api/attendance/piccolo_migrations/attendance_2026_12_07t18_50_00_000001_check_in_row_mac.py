"""Each check-in carries an HMAC of its sealed fields from its insert (`row_mac`), so a row is
covered before the scheduled seal reaches it (api/attendance/sealing.py).

Rows inserted before have none. When there are such rows, an `check_in.row_macs_from` audit
event records the first id that must carry one; `audit-verify` accepts a missing MAC only
below it (the audit chain is keyed, so the marker cannot be moved). A check-in inserted by the
previous version while a rolling deployment is under way would be reported as without MAC.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-07T18:50:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "check-ins carry an HMAC from their insert"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="attendance", description=DESCRIPTION)

    manager.add_column(
        table_class_name="CheckIn",
        tablename="check_in",
        column_name="row_mac",
        db_column_name="row_mac",
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

    async def mark_first_id() -> None:
        from api.accounts import audit
        from api.attendance.sealing import ROW_MACS_FROM_ACTION

        rows = await Table.raw("SELECT max(id) AS last FROM check_in")
        last = rows[0]["last"] if rows else None
        if last is not None:
            await audit.record(
                ROW_MACS_FROM_ACTION, target_type="check_in", detail={"first_id": int(last) + 1}
            )

    manager.add_raw(mark_first_id)
    return manager
