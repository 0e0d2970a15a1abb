"""Fixtures: the migrated database, app clients that speak CSRF, and a small organisation."""

from __future__ import annotations

import itertools
import os
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from litestar import Litestar

from api import db as database
from api.config import get_settings

TEST_PASSWORD = "kata-laluan-ujian-panjang"


async def _reset_postgres_schema() -> None:
    import asyncpg

    connection = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await connection.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


async def _empty_all_tables() -> None:
    from piccolo.apps.migrations.tables import Migration
    from piccolo.conf.apps import Finder

    tables = [t for t in Finder().get_table_classes() if t is not Migration]
    engine = database.engine()
    if database.is_sqlite():
        # A plain connection has foreign keys off, so the order of deletion does not matter.
        connection = sqlite3.connect(get_settings().sqlite_path, timeout=30)
        with connection:
            for table in tables:
                connection.execute(f'DELETE FROM "{table._meta.tablename}"')
        connection.close()
    else:
        names = ", ".join(f'"{t._meta.tablename}"' for t in tables)
        await engine.run_ddl(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture(scope="session")
async def migrated_database() -> AsyncIterator[None]:
    from api.ops.migrations import migrate

    settings = get_settings()
    if not settings.is_sqlite:
        await _reset_postgres_schema()
    engine = database.engine()
    await database.start(engine)
    await migrate()
    yield
    await database.stop(engine)


@pytest.fixture
async def db(migrated_database: None) -> AsyncIterator[None]:
    """A migrated, empty database; emptied again after the test, with the process's caches of
    what was in it (ids are reused by the next test's rows)."""
    yield
    await _empty_all_tables()
    from api.accounts.authz import forget_principals
    from api.attendance import agency_settings, fences

    fences.forget()
    agency_settings.forget()
    forget_principals()


@pytest.fixture(scope="session")
def app() -> Litestar:
    from api.app import create_app

    return create_app(get_settings(), manage_database=False)


_addresses = (f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}" for n in itertools.count(1))


class ApiClient(httpx.AsyncClient):
    """A browser-like client: keeps cookies and sends the CSRF token on unsafe requests.

    It calls the app in the test's own event loop (httpx's ASGI transport), so the app and the
    test share the database pool. Litestar's AsyncTestClient would run the app in a second
    loop in another thread, where the pool's connections cannot be used."""

    async def csrf_token(self) -> str:
        token = self.cookies.get("__Host-hadir_csrf")
        if not token:
            await self.get("/healthz")
            token = self.cookies.get("__Host-hadir_csrf")
        assert token, "no CSRF cookie was set"
        return str(token)

    async def request(self, method: str, url: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if method.upper() not in {"GET", "HEAD", "OPTIONS"}:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("x-csrf-token", await self.csrf_token())
            kwargs["headers"] = headers
        return await super().request(method, url, **kwargs)

    async def sign_in(self, login_id: str, password: str = TEST_PASSWORD) -> dict[str, Any]:
        """Password, then the TOTP code when the account has one (see `enrol_totp`)."""
        response = await self.post(
            "/api/auth/sign-in", json={"loginId": login_id, "password": password}
        )
        assert response.status_code == 200, response.text
        if response.json()["stage"] == "mfa":
            response = await self.post(
                "/api/auth/mfa/totp", json={"code": await totp_now(login_id)}
            )
            assert response.status_code == 200, response.text
        return dict(response.json())


TOTP_SECRETS: dict[str, str] = {}


async def enrol_totp(user_id: int, login_id: str) -> str:
    """Gives a test account a confirmed authenticator-app factor; returns the secret."""
    import pyotp

    from api.accounts.tables import TotpFactor
    from api.core import crypto

    secret = pyotp.random_base32()
    await TotpFactor.insert(
        TotpFactor(
            user=user_id,
            secret_sealed=crypto.seal(secret.encode(), f"totp:{user_id}"),
            confirmed_at=datetime.now(UTC),
        )
    )
    TOTP_SECRETS[login_id] = secret
    return secret


async def totp_now(login_id: str) -> str:
    """The current code. Tests sign the same person in many times within one 30-second step,
    which the replay guard would rightly refuse, so the helper forgets the last used step
    first; the replay guard itself is tested in test_mfa.py without this helper."""
    import pyotp

    from api.accounts.tables import TotpFactor
    from api.org.tables import User

    user = await User.select(User.id).where(User.login_id == login_id).first()
    assert user is not None
    await TotpFactor.update({TotpFactor.last_used_step: 0}).where(TotpFactor.user == user["id"])
    return pyotp.TOTP(TOTP_SECRETS[login_id]).now()


@pytest.fixture
async def client_factory(app: Litestar, db: None) -> AsyncIterator[Any]:
    clients: list[ApiClient] = []

    async def make() -> ApiClient:
        client = ApiClient(
            # Each client has its own address, as phones do: the per-IP sign-in limit applies
            # per client, not to the whole test run.
            transport=httpx.ASGITransport(app=app, client=(next(_addresses), 50000)),
            base_url="https://testserver.local",
        )
        await client.__aenter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.__aexit__(None, None, None)


@pytest.fixture
async def client(client_factory: Any) -> ApiClient:
    return await client_factory()  # type: ignore[no-any-return]


_HASH: list[str] = []


async def _test_hash() -> str:
    if not _HASH:
        from api.accounts.passwords import hash_password

        _HASH.append(await hash_password(TEST_PASSWORD))
    return _HASH[0]


@dataclass
class Org:
    """Two agencies, each with an administrator, a unit tree, an office and officers."""

    agency_a: int = 0
    agency_b: int = 0
    units_a: dict[str, int] = field(default_factory=dict)
    units_b: dict[str, int] = field(default_factory=dict)
    office_a: int = 0
    office_b: int = 0
    users: dict[str, int] = field(default_factory=dict)
    login: dict[str, str] = field(default_factory=dict)


SQUARE_PUTRAJAYA = {
    "type": "Polygon",
    "coordinates": [
        [
            [101.6960, 2.9260],
            [101.6975, 2.9260],
            [101.6975, 2.9272],
            [101.6960, 2.9272],
            [101.6960, 2.9260],
        ]
    ],
}


@pytest.fixture
async def org(db: None) -> Org:
    from api.accounts.tables import Credential
    from api.org.services import create_unit_row
    from api.org.tables import Agency, Office, RoleGrant, User

    result = Org()
    result.agency_a = (
        await Agency.insert(Agency(code="AGA", name="Agensi A", state="PJY")).returning(Agency.id)
    )[0]["id"]
    result.agency_b = (
        await Agency.insert(Agency(code="AGB", name="Agensi B", state="KDH")).returning(Agency.id)
    )[0]["id"]
    root_a = await create_unit_row(result.agency_a, "Ibu Pejabat A", "", None)
    result.units_a = {
        "root": root_a,
        "it": await create_unit_row(result.agency_a, "Bahagian IT", "", root_a),
    }
    result.units_a["apps"] = await create_unit_row(
        result.agency_a, "Seksyen Aplikasi", "", result.units_a["it"]
    )
    root_b = await create_unit_row(result.agency_b, "Ibu Pejabat B", "", None)
    result.units_b = {"root": root_b}
    result.office_a = (
        await Office.insert(
            Office(
                agency=result.agency_a,
                code="HQ-A",
                name="HQ A",
                state="PJY",
                geometry=SQUARE_PUTRAJAYA,
            )
        ).returning(Office.id)
    )[0]["id"]
    result.office_b = (
        await Office.insert(
            Office(
                agency=result.agency_b,
                code="HQ-B",
                name="HQ B",
                state="KDH",
                geometry=SQUARE_PUTRAJAYA,
            )
        ).returning(Office.id)
    )[0]["id"]

    people = [
        ("admin_a", result.agency_a, "880101145001", result.units_a["root"]),
        ("officer_a", result.agency_a, "880101145002", result.units_a["apps"]),
        ("exec_a", result.agency_a, "880101145003", result.units_a["it"]),
        ("admin_b", result.agency_b, "880101145101", result.units_b["root"]),
        ("officer_b", result.agency_b, "880101145102", result.units_b["root"]),
        ("super", result.agency_a, "880101145999", result.units_a["root"]),
    ]
    for key, agency, login_id, unit in people:
        user_id = (
            await User.insert(
                User(
                    agency=agency,
                    login_id=login_id,
                    name=f"Pegawai {key}",
                    unit=unit,
                    email=f"{key}@example.gov.my",
                )
            ).returning(User.id)
        )[0]["id"]
        result.users[key] = user_id
        result.login[key] = login_id
        # One argon2 hash for every fixture account (hashing is slow on purpose).
        await Credential.insert(Credential(user=user_id, password_hash=await _test_hash()))
        await enrol_totp(user_id, login_id)
    await RoleGrant.insert(
        RoleGrant(
            user=result.users["admin_a"],
            role="agency_admin",
            scope_type="agency",
            scope_id=result.agency_a,
        ),
        RoleGrant(
            user=result.users["admin_b"],
            role="agency_admin",
            scope_type="agency",
            scope_id=result.agency_b,
        ),
        RoleGrant(
            user=result.users["exec_a"],
            role="executive",
            scope_type="unit",
            scope_id=result.units_a["it"],
        ),
        RoleGrant(user=result.users["super"], role="super_admin", scope_type="platform"),
    )
    return result


@pytest.fixture
async def admin_a(client_factory: Any, org: Org) -> ApiClient:
    client = await client_factory()
    await client.sign_in(org.login["admin_a"])
    return client  # type: ignore[no-any-return]


async def employed_since(user_ids: list[int], day: date, office_id: int) -> None:
    """The accounts existed and worked at `office_id` from `day` (the fixture creates them
    today; days before an account or its first assignment are never "absent")."""
    from api.org.tables import OfficeAssignment, User

    since = datetime.combine(day, time(0, 0), ZoneInfo("Asia/Kuala_Lumpur"))
    await User.update({User.created_at: since}).where(User.id.is_in(user_ids))
    for user_id in user_ids:
        await OfficeAssignment.insert(
            OfficeAssignment(user=user_id, office=office_id, created_at=since)
        ).on_conflict(action="DO NOTHING")
        await OfficeAssignment.update({OfficeAssignment.created_at: since}).where(
            (OfficeAssignment.user == user_id) & (OfficeAssignment.office == office_id)
        )
