"""Freeze, unfreeze, terminate, inactivity, second-factor reset, own sessions, audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from api.accounts import audit
from api.accounts.lifecycle import disable_inactive
from api.accounts.tables import AuditEvent
from api.org.tables import User
from tests.fixtures import ApiClient, Org


async def test_freezing_ends_sessions_at_once_and_blocks_sign_in(
    admin_a: ApiClient, client_factory: Any, org: Org
) -> None:
    officer = await client_factory()
    await officer.sign_in(org.login["officer_a"])
    frozen = await admin_a.post(
        f"/api/users/{org.users['officer_a']}/freeze", json={"reason": "long_leave"}
    )
    assert frozen.status_code == 200 and frozen.json()["state"] == "frozen"
    assert (await officer.get("/api/auth/me")).status_code == 401
    again = await officer.post(
        "/api/auth/sign-in",
        json={"loginId": org.login["officer_a"], "password": "kata-laluan-ujian-panjang"},
    )
    assert again.status_code == 401 and again.json()["code"] == "invalid_credentials"
    assert (await admin_a.post(f"/api/users/{org.users['officer_a']}/unfreeze")).json()[
        "state"
    ] == "active"
    await officer.sign_in(org.login["officer_a"])


async def test_terminated_accounts_stay_terminated(admin_a: ApiClient, org: Org) -> None:
    url = f"/api/users/{org.users['officer_a']}"
    done = await admin_a.post(f"{url}/terminate", json={"reason": "retirement"})
    assert done.json()["state"] == "terminated" and done.json()["stateReason"] == "retirement"
    assert (await admin_a.post(f"{url}/unfreeze")).status_code == 409
    assert (await admin_a.post(f"{url}/freeze", json={"reason": "course"})).status_code == 409


async def test_nobody_changes_their_own_state(admin_a: ApiClient, org: Org) -> None:
    response = await admin_a.post(
        f"/api/users/{org.users['admin_a']}/freeze", json={"reason": "course"}
    )
    assert response.status_code == 403 and response.json()["code"] == "self_action"


async def test_unknown_reasons_are_refused(admin_a: ApiClient, org: Org) -> None:
    response = await admin_a.post(
        f"/api/users/{org.users['officer_a']}/terminate", json={"reason": "bored"}
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "reason"


async def test_inactive_accounts_are_frozen_and_reported(admin_a: ApiClient, org: Org) -> None:
    now = datetime.now(UTC)
    await User.update({User.last_active_at: now - timedelta(days=91)}).where(
        User.id == org.users["officer_a"]
    )
    await User.update({User.last_active_at: now - timedelta(days=89)}).where(
        User.id == org.users["exec_a"]
    )
    # Never signed in, created long ago:
    await User.update({User.created_at: now - timedelta(days=200)}).where(
        User.id == org.users["officer_b"]
    )
    frozen = set(await disable_inactive(now))
    assert org.users["officer_a"] in frozen and org.users["officer_b"] in frozen
    assert org.users["exec_a"] not in frozen
    report = (await admin_a.get(f"/api/agencies/{org.agency_a}/termination-report")).json()
    assert [r["userId"] for r in report] == [org.users["officer_a"]]
    assert report[0]["reason"] == "inactivity"
    assert report[0]["dueDate"] == (now.date() + timedelta(days=30)).isoformat()
    assert report[0]["overdue"] is False


async def test_termination_report_marks_overdue_events(admin_a: ApiClient, org: Org) -> None:
    event = (date.today() - timedelta(days=45)).isoformat()
    await admin_a.post(
        f"/api/users/{org.users['officer_a']}/freeze",
        json={"reason": "pending_termination", "eventDate": event},
    )
    report = (await admin_a.get(f"/api/agencies/{org.agency_a}/termination-report")).json()
    assert report[0]["overdue"] is True


async def test_mfa_reset_makes_the_person_enrol_again(
    admin_a: ApiClient, client_factory: Any, org: Org
) -> None:
    officer = await client_factory()
    await officer.sign_in(org.login["officer_a"])
    assert (await admin_a.post(f"/api/users/{org.users['officer_a']}/reset-mfa")).status_code == 204
    assert (await officer.get("/api/auth/me")).status_code == 401
    again = await officer.post(
        "/api/auth/sign-in",
        json={"loginId": org.login["officer_a"], "password": "kata-laluan-ujian-panjang"},
    )
    assert again.json()["stage"] == "enrol_mfa"


async def test_own_sessions_listed_and_others_ended(client_factory: Any, org: Org) -> None:
    phone, tablet = await client_factory(), await client_factory()
    await phone.sign_in(org.login["officer_a"])
    await tablet.sign_in(org.login["officer_a"])
    sessions = (await phone.get("/api/auth/sessions")).json()
    assert len(sessions) == 2
    assert [s["current"] for s in sessions] == [True, False]
    assert all(s["ip"].startswith("10.") for s in sessions)
    ended = await phone.post("/api/auth/sessions/end-others")
    assert ended.json() == {"ended": 1}
    assert (await tablet.get("/api/auth/me")).status_code == 401
    assert (await phone.get("/api/auth/me")).status_code == 200


async def test_a_session_of_someone_else_cannot_be_ended(client_factory: Any, org: Org) -> None:
    mine, theirs = await client_factory(), await client_factory()
    await mine.sign_in(org.login["officer_a"])
    await theirs.sign_in(org.login["exec_a"])
    their_id = (await theirs.get("/api/auth/sessions")).json()[0]["id"]
    assert (await mine.delete(f"/api/auth/sessions/{their_id}")).status_code == 404
    assert (await theirs.get("/api/auth/me")).status_code == 200


async def test_audit_search_and_export_within_scope(
    admin_a: ApiClient, client_factory: Any, org: Org
) -> None:
    await admin_a.post(f"/api/users/{org.users['officer_a']}/freeze", json={"reason": "course"})
    await audit.record("test_other_agency", agency_id=org.agency_b)
    page = (await admin_a.get("/api/audit", params={"action": "account_frozen"})).json()
    assert page["total"] == 1
    assert page["items"][0]["targetId"] == str(org.users["officer_a"])
    everything = (await admin_a.get("/api/audit", params={"pageSize": 500})).json()
    assert all(e["agencyId"] == org.agency_a for e in everything["items"])
    assert (await admin_a.get("/api/audit", params={"agencyId": org.agency_b})).status_code == 404
    export = await admin_a.get("/api/audit/export.csv")
    assert export.headers["content-type"].startswith("text/csv")
    lines = export.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("No.,Masa,Tindakan,Kod tindakan")
    assert "test_other_agency" not in export.text
    assert len(lines) - 1 == everything["total"]


async def test_audit_verify_finds_the_first_tampered_event(org: Org) -> None:
    for n in range(5):
        await audit.record("tamper_test", detail={"n": n})
    assert (await audit.verify()).ok
    third = await AuditEvent.select(AuditEvent.seq).order_by(AuditEvent.seq).offset(2).first()
    assert third is not None
    await AuditEvent.update({AuditEvent.action: "something_else"}).where(
        AuditEvent.seq == third["seq"]
    )
    result = await audit.verify()
    assert not result.ok and result.first_broken_seq == third["seq"]
    assert result.events_checked == 2


async def test_audit_refuses_secrets_in_detail(org: Org) -> None:
    import pytest

    with pytest.raises(ValueError, match="secrets"):
        await audit.record("oops", detail={"password": "x"})


async def test_an_unchanged_session_is_written_at_most_once_a_minute(
    client: ApiClient, org: Org
) -> None:
    import msgspec

    from api.accounts.tables import HttpSession

    await client.sign_in(org.login["officer_a"])
    from api.accounts.session_store import stored_session_key

    key = stored_session_key(client.cookies.get("__Host-hadir_session") or "")

    async def stored() -> dict[str, Any]:
        row = await HttpSession.select().where(HttpSession.key == key).first()
        assert row is not None
        return {"expires_at": row["expires_at"], "data": msgspec.json.decode(bytes(row["data"]))}

    before = await stored()
    response = await client.get("/api/auth/me")
    assert "__Host-hadir_session=" in response.headers["set-cookie"], "the cookie is refreshed"
    assert await stored() == before, "but the store was not written"
    # A minute later the idle expiry is renewed.
    data = dict(before["data"], t=before["data"]["t"] - 120)
    await HttpSession.update({HttpSession.data: msgspec.json.encode(data)}).where(
        HttpSession.key == key
    )
    await client.get("/api/auth/me")
    assert (await stored())["expires_at"] > before["expires_at"]
