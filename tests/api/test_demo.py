"""Demo data: into an empty database only, never in production, and its accounts work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from api.demo.loader import DemoRefused, load_demo
from api.meetings.tables import CommitteeMember
from api.org.tables import Office, OfficeAssignment, RoleGrant, User
from tests.fixtures import TOTP_SECRETS


async def test_demo_loads_a_whole_agency(db: None, tmp_path: Path, client_factory: Any) -> None:
    accounts_file = tmp_path / "demo-accounts.json"
    accounts = await load_demo(accounts_file, env="development")
    assert {a.role for a in accounts} == {
        "super_admin",
        "agency_admin",
        "executive",
        "supervisor",
        "officer",
        "secretariat",
        "chair",
        "member",
    }
    assert 45 <= await User.count() <= 60
    assert await Office.count() == 3
    officers_without_supervisor = await User.count().where(User.supervisor.is_null())
    assert officers_without_supervisor == 1  # only the director general
    assert await OfficeAssignment.count() >= await User.count()
    assert {r["role"] for r in await RoleGrant.select(RoleGrant.role)} == {
        "super_admin",
        "agency_admin",
        "executive",
    }
    assert {r["role"] for r in await CommitteeMember.select(CommitteeMember.role)} == {
        "chair",
        "secretariat",
        "member",
    }
    written = json.loads(accounts_file.read_text())
    assert [a["loginId"] if "loginId" in a else a["login_id"] for a in written] == [
        a.login_id for a in accounts
    ]
    client = await client_factory()
    admin = next(a for a in accounts if a.role == "agency_admin")
    assert all(len(a.totp_secret) == 32 for a in accounts)
    TOTP_SECRETS[admin.login_id] = admin.totp_secret
    await client.sign_in(admin.login_id, admin.password)
    units = await client.get("/api/agencies/1/units")
    assert units.status_code == 200 and len(units.json()) == 7


async def test_demo_refuses_a_database_with_data(db: None, tmp_path: Path) -> None:
    await load_demo(tmp_path / "a.json", env="development")
    with pytest.raises(DemoRefused, match="already has data"):
        await load_demo(tmp_path / "b.json", env="development")


async def test_demo_refuses_production(db: None, tmp_path: Path) -> None:
    with pytest.raises(DemoRefused, match="production"):
        await load_demo(tmp_path / "a.json", env="production")
    assert await User.count() == 0
