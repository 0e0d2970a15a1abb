"""Transfers are dated: the new supervisor sees and decides an officer's items from the transfer
date on, the old one keeps what was before; a move to another agency keeps the old agency's
history. Run on SQLite and PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api.accounts.tables import AuditEvent
from api.attendance.tables import AttendanceIssue
from api.attendance.team import today
from api.org import placements
from api.org.tables import OfficeAssignment, RoleGrant, User
from tests.fixtures import ApiClient, Org

ISSUES = "/api/attendance/approvals/issues"


async def _issue(user_id: int, day: Any) -> int:
    rows = await AttendanceIssue.insert(
        AttendanceIssue(user=user_id, day=day, kind="late_in")
    ).returning(AttendanceIssue.id)
    return int(rows[0]["id"])


async def _signed_in(client_factory: Any, org: Org, who: str) -> ApiClient:
    client = await client_factory()
    await client.sign_in(org.login[who])
    return client


async def test_a_transfer_splits_the_supervisors_at_its_date(
    client_factory: Any, admin_a: ApiClient, org: Org
) -> None:
    officer = org.users["officer_a"]
    await User.update({User.supervisor: org.users["exec_a"]}).where(User.id == officer)
    moved_on = today() - timedelta(days=3)
    before = await _issue(officer, moved_on - timedelta(days=1))
    on_the_day = await _issue(officer, moved_on)
    after = await _issue(officer, moved_on + timedelta(days=1))

    response = await admin_a.post(
        f"/api/users/{officer}/transfer",
        json={"effectiveFrom": moved_on.isoformat(), "supervisorId": org.users["super"]},
    )
    assert response.status_code == 200, response.text
    assert response.json()["startsOn"] == moved_on.isoformat()

    old = await _signed_in(client_factory, org, "exec_a")
    new = await _signed_in(client_factory, org, "super")
    assert [i["id"] for i in (await old.get(ISSUES)).json()] == [before]
    assert sorted(i["id"] for i in (await new.get(ISSUES)).json()) == [on_the_day, after]

    # What waits for each counts only their side of the date.
    assert (await old.get("/api/waiting")).json()["issuesToDecide"] == 1
    assert (await new.get("/api/waiting")).json()["issuesToDecide"] == 2

    # The old supervisor sees a day's history only on their side (the new one here is a
    # super administrator, who sees every agency's).
    assert (await old.get(f"/api/attendance/issues/{before}/history")).status_code == 200
    assert (await old.get(f"/api/attendance/issues/{after}/history")).status_code == 404

    # Each decides only their side of the date.
    decide = f"{ISSUES}/decisions"
    refused = await old.post(decide, json={"ids": [on_the_day], "decision": "approved"})
    assert refused.status_code == 404
    refused = await new.post(decide, json={"ids": [before], "decision": "approved"})
    assert refused.status_code == 404
    ok = await old.post(decide, json={"ids": [before], "decision": "approved"})
    assert ok.status_code == 200, ok.text
    ok = await new.post(decide, json={"ids": [on_the_day, after], "decision": "approved"})
    assert ok.status_code == 200, ok.text

    history = (await admin_a.get(f"/api/users/{officer}/placements")).json()
    assert [(p["supervisorId"], p["endsOn"]) for p in history] == [
        (org.users["exec_a"], (moved_on - timedelta(days=1)).isoformat()),
        (org.users["super"], None),
    ]
    audited = await AuditEvent.select(AuditEvent.action).where(
        (AuditEvent.action == "user_transferred") & (AuditEvent.target_id == str(officer))
    )
    assert len(audited) == 1


async def test_transfers_are_not_dated_in_the_future_nor_before_the_current_one(
    admin_a: ApiClient, org: Org
) -> None:
    officer = org.users["officer_a"]
    future = await admin_a.post(
        f"/api/users/{officer}/transfer",
        json={"effectiveFrom": (today() + timedelta(days=1)).isoformat()},
    )
    assert future.status_code == 422
    assert future.json()["code"] == "transfer_in_future"
    first = await admin_a.post(
        f"/api/users/{officer}/transfer",
        json={"effectiveFrom": today().isoformat(), "unitId": org.units_a["it"]},
    )
    assert first.status_code == 200
    earlier = await admin_a.post(
        f"/api/users/{officer}/transfer",
        json={"effectiveFrom": (today() - timedelta(days=1)).isoformat()},
    )
    assert earlier.status_code == 422
    assert earlier.json()["code"] == "transfer_before_current"


async def test_the_rank_rule_guards_transfers(admin_a: ApiClient, org: Org) -> None:
    response = await admin_a.post(
        f"/api/users/{org.users['super']}/transfer", json={"effectiveFrom": today().isoformat()}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "account_outranks_you"


async def test_moving_to_another_agency_keeps_the_old_agencys_history(
    client_factory: Any, admin_a: ApiClient, org: Org
) -> None:
    officer = org.users["officer_a"]
    # An agency administrator cannot move someone into an agency they do not administer.
    refused = await admin_a.post(
        f"/api/users/{officer}/transfer",
        json={"effectiveFrom": today().isoformat(), "agencyId": org.agency_b},
    )
    assert refused.status_code == 404

    await OfficeAssignment.insert(OfficeAssignment(user=officer, office=org.office_a))
    await RoleGrant.insert(
        RoleGrant(user=officer, role="executive", scope_type="agency", scope_id=org.agency_a)
    )
    await User.update({User.supervisor: officer}).where(User.id == org.users["admin_a"])
    super_admin = await _signed_in(client_factory, org, "super")
    blocked = await super_admin.post(
        f"/api/users/{officer}/transfer",
        json={"effectiveFrom": today().isoformat(), "agencyId": org.agency_b},
    )
    assert blocked.status_code == 409
    assert blocked.json()["code"] == "transfer_has_reports"
    await User.update({User.supervisor: None}).where(User.id == org.users["admin_a"])

    moved_on = today() - timedelta(days=2)
    moved = await super_admin.post(
        f"/api/users/{officer}/transfer",
        json={
            "effectiveFrom": moved_on.isoformat(),
            "agencyId": org.agency_b,
            "unitId": org.units_b["root"],
        },
    )
    assert moved.status_code == 200, moved.text
    row = await User.select(User.agency, User.unit, User.supervisor).where(User.id == officer)
    assert row[0] == {"agency": org.agency_b, "unit": org.units_b["root"], "supervisor": None}
    # The old agency's roles and offices end with the move.
    assert not await RoleGrant.exists().where(RoleGrant.user == officer)
    assert not await OfficeAssignment.exists().where(OfficeAssignment.user == officer)
    # The old agency no longer manages the person, but keeps their time with it.
    assert (await admin_a.get(f"/api/users/{officer}")).status_code == 404
    kept = (await admin_a.get(f"/api/users/{officer}/placements")).json()
    assert [p["agencyId"] for p in kept] == [org.agency_a]
    assert kept[0]["endsOn"] == (moved_on - timedelta(days=1)).isoformat()
    assert officer in await placements.members_between(
        org.agency_a, moved_on - timedelta(days=10), moved_on - timedelta(days=1)
    )
    assert officer not in await placements.members_between(org.agency_a, moved_on, today())
    assert officer in await placements.members_between(org.agency_b, moved_on, today())
    # Both agencies' audit trails show the move.
    agencies = {
        r["agency_id"]
        for r in await AuditEvent.select(AuditEvent.agency_id).where(
            (AuditEvent.action == "user_transferred") & (AuditEvent.target_id == str(officer))
        )
    }
    assert agencies == {org.agency_a, org.agency_b}


async def test_an_undated_change_of_supervisor_is_a_transfer_from_today(
    client_factory: Any, admin_a: ApiClient, org: Org
) -> None:
    officer = org.users["officer_a"]
    await User.update({User.supervisor: org.users["exec_a"]}).where(User.id == officer)
    yesterday = await _issue(officer, today() - timedelta(days=1))
    changed = await admin_a.patch(
        f"/api/users/{officer}", json={"supervisorId": org.users["super"]}
    )
    assert changed.status_code == 200, changed.text
    old = await _signed_in(client_factory, org, "exec_a")
    new = await _signed_in(client_factory, org, "super")
    assert [i["id"] for i in (await old.get(ISSUES)).json()] == [yesterday]
    assert (await new.get(ISSUES)).json() == []
