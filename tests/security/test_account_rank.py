"""Rank on accounts: nobody acts on an account whose roles reach further than their own, and
nobody grants a role wider than their own (issue 18, High 1)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from api.accounts.authz import Grant, Principal
from api.accounts.tables import AuditEvent, Passkey, TotpFactor
from api.core.messages import message
from api.org.tables import RoleGrant, User
from tests.fixtures import ApiClient, Org


async def _refusals(action: str) -> list[dict[str, Any]]:
    rows = await AuditEvent.select().where(AuditEvent.action == action)
    for row in rows:
        if isinstance(row["detail"], str):
            row["detail"] = json.loads(row["detail"])
    return list(rows)


async def test_an_agency_admin_cannot_take_over_a_super_admin(
    admin_a: ApiClient, client_factory: Any, org: Org
) -> None:
    target = org.users["super"]
    reset = await admin_a.post(f"/api/users/{target}/reset-mfa")
    assert reset.status_code == 403
    assert reset.json()["code"] == "account_outranks_you"
    assert reset.json()["detail"] == message("account_outranks_you", "ms")
    temporary = await admin_a.post(f"/api/users/{target}/temporary-password")
    assert temporary.status_code == 403
    assert "temporaryPassword" not in temporary.text
    # The super administrator's factors and password are untouched: they still sign in.
    assert await TotpFactor.exists().where(TotpFactor.user == target)
    root = await client_factory()
    await root.sign_in(org.login["super"])
    assert (await root.get("/api/auth/me")).status_code == 200
    refused = await _refusals("account_action_refused")
    assert {(e["actor_id"], e["target_id"]) for e in refused} == {
        (org.users["admin_a"], str(target))
    }
    assert {e["detail"]["action"] for e in refused} == {"mfa_reset", "temporary_password"}


async def test_the_refusal_speaks_the_users_language(admin_a: ApiClient, org: Org) -> None:
    await User.update({User.language: "en"}).where(User.id == org.users["admin_a"])
    response = await admin_a.post(
        f"/api/users/{org.users['super']}/freeze", json={"reason": "course"}
    )
    assert response.status_code == 403
    assert response.json()["detail"] == message("account_outranks_you", "en")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "freeze", {"reason": "course"}),
        ("post", "unfreeze", None),
        ("post", "terminate", {"reason": "transfer"}),
        ("post", "unlock", None),
        ("post", "reset-mfa", None),
        ("post", "temporary-password", None),
        ("post", "roles", {"role": "executive", "scopeType": "agency"}),
        ("put", "offices", {"officeIds": []}),
        ("patch", "", {"name": "Diambil alih"}),
        ("patch", "", {"clearSupervisor": True}),
    ],
)
async def test_every_account_action_on_a_super_admin_is_refused(
    admin_a: ApiClient, org: Org, method: str, path: str, body: dict[str, Any] | None
) -> None:
    target = org.users["super"]
    url = f"/api/users/{target}/{path}".rstrip("/")
    kwargs = {"json": body} if body is not None else {}
    response = await getattr(admin_a, method)(url, **kwargs)
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "account_outranks_you"
    row = await User.select().where(User.id == target).first()
    assert row is not None and row["state"] == "active" and row["name"] == "Pegawai super"
    assert len(await _refusals("account_action_refused")) == 1


async def test_a_super_admins_grant_cannot_be_revoked_by_an_agency_admin(
    admin_a: ApiClient, org: Org
) -> None:
    grant = await RoleGrant.select(RoleGrant.id).where(RoleGrant.user == org.users["super"]).first()
    assert grant is not None
    response = await admin_a.delete(f"/api/role-grants/{grant['id']}")
    assert response.status_code == 403
    assert await RoleGrant.exists().where(RoleGrant.id == grant["id"])


async def test_a_super_admin_acts_on_super_admins_and_agency_admins(
    client_factory: Any, org: Org
) -> None:
    other = (
        await User.insert(
            User(agency=org.agency_b, login_id="880101145998", name="Kedua", email="k@x.gov.my")
        ).returning(User.id)
    )[0]["id"]
    await RoleGrant.insert(RoleGrant(user=other, role="super_admin", scope_type="platform"))
    root = await client_factory()
    await root.sign_in(org.login["super"])
    assert (await root.post(f"/api/users/{other}/reset-mfa")).status_code == 204
    assert (await root.post(f"/api/users/{org.users['admin_a']}/unlock")).status_code == 204
    granted = await root.post(
        f"/api/users/{org.users['officer_a']}/roles",
        json={"role": "super_admin", "scopeType": "platform"},
    )
    assert granted.status_code == 201


async def test_agency_admins_act_on_peers_and_on_people_below_them(
    admin_a: ApiClient, org: Org
) -> None:
    peer = org.users["officer_a"]
    await RoleGrant.insert(
        RoleGrant(user=peer, role="agency_admin", scope_type="agency", scope_id=org.agency_a)
    )
    assert (await admin_a.post(f"/api/users/{peer}/reset-mfa")).status_code == 204
    assert (await admin_a.post(f"/api/users/{org.users['exec_a']}/unlock")).status_code == 204
    issued = await admin_a.post(f"/api/users/{org.users['exec_a']}/temporary-password")
    assert issued.status_code == 200 and issued.json()["temporaryPassword"]


async def test_an_admin_of_another_agency_too_outranks_a_single_agency_admin(
    admin_a: ApiClient, org: Org
) -> None:
    # A person of agency A who also administers agency B reaches further than admin_a.
    target = org.users["officer_a"]
    await RoleGrant.insert(
        RoleGrant(user=target, role="agency_admin", scope_type="agency", scope_id=org.agency_b)
    )
    response = await admin_a.post(f"/api/users/{target}/freeze", json={"reason": "course"})
    assert response.status_code == 403
    assert not await Passkey.exists().where(Passkey.user == target)  # nothing else changed


async def test_nobody_grants_a_role_wider_than_their_own(admin_a: ApiClient, org: Org) -> None:
    url = f"/api/users/{org.users['officer_a']}/roles"
    refused = await admin_a.post(url, json={"role": "super_admin", "scopeType": "platform"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "role_wider_than_yours"
    assert not await RoleGrant.exists().where(RoleGrant.user == org.users["officer_a"])
    audited = await _refusals("role_grant_refused")
    assert len(audited) == 1 and audited[0]["detail"]["role"] == "super_admin"
    # Within their own reach they may grant.
    for body in (
        {"role": "agency_admin", "scopeType": "agency"},
        {"role": "executive", "scopeType": "unit", "scopeId": org.units_a["it"]},
    ):
        assert (await admin_a.post(url, json=body)).status_code == 201


async def test_an_import_cannot_change_an_account_that_outranks_the_importer(
    admin_a: ApiClient, org: Org
) -> None:
    header = "ic_number,name,email,unit_path\n"
    unchanged = header + f"{org.login['super']},Pegawai super,super@example.gov.my,Ibu Pejabat A\n"
    ok = await admin_a.post(
        f"/api/agencies/{org.agency_a}/users/import",
        content=unchanged.encode(),
        headers={"content-type": "text/csv"},
    )
    assert ok.status_code == 200, ok.text
    changed = header + f"{org.login['super']},Diambil Alih,evil@example.com,Ibu Pejabat A\n"
    refused = await admin_a.post(
        f"/api/agencies/{org.agency_a}/users/import",
        content=changed.encode(),
        headers={"content-type": "text/csv"},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["column"] == "ic_number"
    row = await User.select(User.email).where(User.id == org.users["super"]).first()
    assert row == {"email": "super@example.gov.my"}


def _principal(agency_id: int, *grants: Grant) -> Principal:
    return Principal(
        user_id=1, agency_id=agency_id, login_id="x", name="x", language="ms", grants=grants
    )


def test_reach_rule_for_unit_subtrees_and_agencies() -> None:
    subtree = Grant(role="executive", scope_type="unit", scope_id=4, unit_path="/1/4/")
    deeper = Grant(role="executive", scope_type="unit", scope_id=9, unit_path="/1/4/9/")
    sibling = Grant(role="executive", scope_type="unit", scope_id=5, unit_path="/1/5/")
    agency_wide = Grant(role="executive", scope_type="agency", scope_id=7)
    admin = Grant(role="agency_admin", scope_type="agency", scope_id=7)
    other_admin = Grant(role="agency_admin", scope_type="agency", scope_id=8)
    root = Grant(role="super_admin", scope_type="platform", scope_id=None)

    unit_exec = _principal(7, subtree)
    assert unit_exec.reaches((deeper,), 7) and unit_exec.reaches((subtree,), 7)
    assert not unit_exec.reaches((agency_wide,), 7)
    assert not unit_exec.reaches((sibling,), 7)
    assert not unit_exec.reaches((deeper,), 8)  # a unit path of another agency
    assert not unit_exec.reaches((admin,), 7)

    agency_admin = _principal(7, admin)
    assert agency_admin.reaches((admin, agency_wide, subtree), 7)
    assert agency_admin.reaches((), 7)
    assert not agency_admin.reaches((other_admin,), 7)
    assert not agency_admin.reaches((root,), 7)
    assert not agency_admin.reaches((subtree,), 8)
    assert not _principal(7, agency_wide).reaches((admin,), 7)

    assert _principal(7, root).reaches((root, other_admin, deeper), 8)
