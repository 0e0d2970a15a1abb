"""Triggers that bump `credential.security_stamp` whenever a principal's inputs change.

Written by hand (Piccolo has no triggers). The signed-in principal (api/accounts/authz.py) is
built from the account's state and names, the password and lock on its credential, its second
factors and its role grants (with the unit paths they are scoped to). Each process caches it and
re-reads only the stamp on every request, so every change to those inputs must bump the stamp:
done here, in the database, so no code path (services, CLI, imports, raw SQL, another process)
can forget it.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.table import Table

ID = "2026-11-22T15:40:06:999999"
VERSION = "1.38.0"
DESCRIPTION = "triggers bumping the security stamp"

BUMP = 'UPDATE credential SET security_stamp = security_stamp + 1 WHERE "user" = {who};'
USER_COLUMNS = ("agency", "login_id", "name", "language", "state")
CREDENTIAL_COLUMNS = ("password_hash", "password_is_temporary", "password_changed_at", "locked_at")
UNIT_HOLDERS = "SELECT \"user\" FROM role_grant WHERE scope_type = 'unit' AND scope_id = NEW.id"


def _changed(columns: tuple[str, ...], different: str) -> str:
    return " OR ".join(f'OLD."{c}" {different} NEW."{c}"' for c in columns)


# (trigger name, table, event, condition or "", the user whose stamp to bump)
TRIGGERS = (
    ("stamp_user", "app_user", "UPDATE", USER_COLUMNS, "NEW.id"),
    ("stamp_credential", "credential", "UPDATE", CREDENTIAL_COLUMNS, 'NEW."user"'),
    ("stamp_totp_insert", "totp_factor", "INSERT", (), 'NEW."user"'),
    ("stamp_totp_confirm", "totp_factor", "UPDATE", ("confirmed_at",), 'NEW."user"'),
    ("stamp_totp_delete", "totp_factor", "DELETE", (), 'OLD."user"'),
    ("stamp_passkey_insert", "passkey", "INSERT", (), 'NEW."user"'),
    ("stamp_passkey_delete", "passkey", "DELETE", (), 'OLD."user"'),
    ("stamp_grant_insert", "role_grant", "INSERT", (), 'NEW."user"'),
    ("stamp_grant_update", "role_grant", "UPDATE", (), 'NEW."user"'),
    ("stamp_grant_delete", "role_grant", "DELETE", (), 'OLD."user"'),
    ("stamp_unit_path", "org_unit", "UPDATE", ("path",), f"({UNIT_HOLDERS})"),
)


def _bump(who: str) -> str:
    if who.startswith("("):  # a sub-select of several users
        return BUMP.replace('"user" = {who}', f'"user" IN {who}')
    return BUMP.format(who=who)


def sqlite_statements() -> list[str]:
    statements = []
    for name, table, event, columns, who in TRIGGERS:
        when = f" WHEN {_changed(columns, 'IS NOT')}" if columns else ""
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} FOR EACH ROW{when}"
            f" BEGIN {_bump(who)} END"
        )
    return statements


def postgres_statements() -> list[str]:
    statements = []
    for name, table, event, columns, who in TRIGGERS:
        statements.append(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN {_bump(who)} RETURN NULL; END $$"
        )
        when = f" WHEN ({_changed(columns, 'IS DISTINCT FROM')})" if columns else ""
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when}"
            f" EXECUTE FUNCTION {name}()"
        )
    return statements


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    async def create_triggers() -> None:
        sqlite = isinstance(Table._meta.db, SQLiteEngine)
        for statement in sqlite_statements() if sqlite else postgres_statements():
            await Table.raw(statement)

    async def drop_triggers() -> None:
        sqlite = isinstance(Table._meta.db, SQLiteEngine)
        for name, table, *_ in TRIGGERS:
            if sqlite:
                await Table.raw(f"DROP TRIGGER IF EXISTS {name}")
            else:
                await Table.raw(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                await Table.raw(f"DROP FUNCTION IF EXISTS {name}()")

    manager.add_raw(create_triggers)
    manager.add_raw_backwards(drop_triggers)
    return manager
