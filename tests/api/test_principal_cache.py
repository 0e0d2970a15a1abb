"""The principal cache (api/accounts/authz.py): fast while nothing changes, never stale.

Each test warms the cache with a request, changes one input of the principal straight in the
database (as another process, the CLI or an import would: no session is ended), and checks the
very next request already sees the change. The security stamp that makes this work is bumped by
database triggers, so these tests run on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from api.accounts import authz
from api.accounts.tables import Credential, Passkey, TotpFactor
from api.org.tables import OrgUnit, RoleGrant, User
from tests.api.test_checkin_query_budget import counted_statements
from tests.fixtures import ApiClient, Org

ME = "/api/auth/me"
SIGNED_IN = "/api/auth/sessions"


async def _stamp(user_id: int) -> int:
    row = (
        await Credential.select(Credential.security_stamp).where(Credential.user == user_id).first()
    )
    assert row is not None
    return int(row["security_stamp"])


@pytest.fixture
async def officer(client_factory: Any, org: Org) -> ApiClient:
    authz.forget_principals()
    client = await client_factory()
    await client.sign_in(org.login["officer_a"])
    assert (await client.get(SIGNED_IN)).status_code == 200  # warm
    return client  # type: ignore[no-any-return]


async def test_a_warm_principal_costs_no_read_of_its_own(officer: ApiClient) -> None:
    with counted_statements() as seen:
        assert (await officer.get(SIGNED_IN)).status_code == 200
    principal_builds = {k: v for k, v in seen.items() if k.startswith("SELECT c.security_stamp")}
    assert principal_builds == {}, dict(seen)
    # The security stamp is read in the session's statement (session_store.DatabaseStore).
    assert seen["SELECT s.data, s.expires_at,"] == 1, dict(seen)
    assert "SELECT security_stamp FROM" not in seen, dict(seen)


@pytest.mark.parametrize("state", ["frozen", "terminated"])
async def test_state_change_ends_access_at_the_next_request(
    officer: ApiClient, org: Org, state: str
) -> None:
    before = await _stamp(org.users["officer_a"])
    await User.update({User.state: state}).where(User.id == org.users["officer_a"])
    assert await _stamp(org.users["officer_a"]) > before
    assert (await officer.get(SIGNED_IN)).status_code == 401


async def test_a_lock_ends_access_at_the_next_request(officer: ApiClient, org: Org) -> None:
    await Credential.update({Credential.locked_at: datetime.now(UTC)}).where(
        Credential.user == org.users["officer_a"]
    )
    assert (await officer.get(SIGNED_IN)).status_code == 401


async def test_a_password_change_ends_older_sessions(officer: ApiClient, org: Org) -> None:
    await Credential.update({Credential.password_changed_at: datetime.now(UTC)}).where(
        Credential.user == org.users["officer_a"]
    )
    assert (await officer.get(SIGNED_IN)).status_code == 401


async def test_removing_every_factor_sends_the_person_to_enrol(
    officer: ApiClient, org: Org
) -> None:
    await TotpFactor.delete().where(TotpFactor.user == org.users["officer_a"])
    await Passkey.delete().where(Passkey.user == org.users["officer_a"])
    response = await officer.get(SIGNED_IN)
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_enrolment_required"


async def test_removing_a_role_ends_its_access_at_the_next_request(
    admin_a: ApiClient, org: Org
) -> None:
    url = f"/api/agencies/{org.agency_a}/users"
    assert (await admin_a.get(url)).status_code == 200  # warm, as an administrator
    await RoleGrant.delete().where(RoleGrant.user == org.users["admin_a"])
    assert (await admin_a.get(url)).status_code == 403
    # and granting it again is seen at once too
    await RoleGrant.insert(
        RoleGrant(
            user=org.users["admin_a"],
            role="agency_admin",
            scope_type="agency",
            scope_id=org.agency_a,
        )
    )
    assert (await admin_a.get(url)).status_code == 200


async def test_a_moved_unit_changes_the_executive_scope(org: Org) -> None:
    authz.forget_principals()
    user_id, created = org.users["exec_a"], datetime.now(UTC).timestamp()
    first = await authz.load_principal(user_id, created)
    assert first is not None
    unit = org.units_a["it"]
    old_path = next(g.unit_path for g in first.grants if g.scope_id == unit)
    await OrgUnit.update({OrgUnit.path: f"/moved{old_path}"}).where(OrgUnit.id == unit)
    again = await authz.load_principal(user_id, created)
    assert again is not None
    assert next(g.unit_path for g in again.grants if g.scope_id == unit) == f"/moved{old_path}"


async def test_unrelated_writes_leave_the_stamp_alone(org: Org) -> None:
    """Failed attempts, TOTP steps and profile fields change often and mean nothing here."""
    user_id = org.users["officer_a"]
    before = await _stamp(user_id)
    await Credential.update({Credential.failed_attempts: 3}).where(Credential.user == user_id)
    await TotpFactor.update({TotpFactor.last_used_step: 99}).where(TotpFactor.user == user_id)
    await User.update({User.phone: "0123456789"}).where(User.id == user_id)
    await User.update({User.state: "active"}).where(User.id == user_id)  # unchanged value
    assert await _stamp(user_id) == before
