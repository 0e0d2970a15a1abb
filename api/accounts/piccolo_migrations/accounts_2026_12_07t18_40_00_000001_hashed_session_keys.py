"""Session keys are stored hashed from now on (api/accounts/session_store.py).

The sessions stored before hold the browser's key itself; they cannot be hashed in place
without trusting those keys, so they are deleted: everyone signs in again once after the
upgrade. Rate-limit counters kept in the same table go too (they restart from zero). Sessions
kept in Redis are not touched here: their old entries no longer match any cookie and expire
on their own within the idle timeout.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T18:40:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "delete sessions stored with plaintext keys"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    async def delete_plaintext_sessions() -> None:
        await Table.raw("DELETE FROM http_session")

    manager.add_raw(delete_plaintext_sessions)
    return manager
