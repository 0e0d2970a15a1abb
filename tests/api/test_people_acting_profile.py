"""Acting supervisors (the inbox and notifications follow the acting range), the officer's own
profile within what the agency allows, and temporary passwords printed in bulk."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api.accounts.tables import AuditEvent, Credential
from api.attendance.tables import AttendanceIssue
from api.attendance.team import acting_deciders, today
from api.org.acting import grade_level
from api.org.tables import ActingSupervisor, User
from tests.fixtures import ApiClient, Org
from tests.support.outbox import outbox_settings

__all__ = ["outbox_settings"]  # a fixture, used by name

ISSUES = "/api/attendance/approvals/issues"


async def _signed_in(client_factory: Any, org: Org, who: str) -> ApiClient:
    client = await client_factory()
    await client.sign_in(org.login[who])
    return client


async def _team(org: Org) -> int:
    """officer_a (F41) reports to exec_a; admin_a is F48, super N19. Returns an issue id."""
    for who, grade in (("officer_a", "F41"), ("admin_a", "F48"), ("super", "N19")):
        await User.update({User.grade: grade}).where(User.id == org.users[who])
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    rows = await AttendanceIssue.insert(
        AttendanceIssue(user=org.users["officer_a"], day=today() - timedelta(days=1), kind="absent")
    ).returning(AttendanceIssue.id)
    return int(rows[0]["id"])


def test_grade_levels() -> None:
    assert [grade_level(g) for g in ("F41", "DG 52", "JUSA C", "", "Pentadbir")] == [
        41,
        52,
        60,
        None,
        None,
    ]


async def test_the_acting_supervisor_sees_and_decides_during_the_range(
    client_factory: Any, org: Org
) -> None:
    issue = await _team(org)
    supervisor = await _signed_in(client_factory, org, "exec_a")
    acting = await _signed_in(client_factory, org, "admin_a")
    assert (await acting.get(ISSUES)).json() == []

    named = await supervisor.post(
        "/api/me/acting",
        json={
            "actingId": org.users["admin_a"],
            "startsOn": today().isoformat(),
            "endsOn": (today() + timedelta(days=5)).isoformat(),
            "reason": "Kursus",
        },
    )
    assert named.status_code == 201, named.text
    assert [i["id"] for i in (await acting.get(ISSUES)).json()] == [issue]
    assert await acting_deciders([org.users["exec_a"]]) == [org.users["admin_a"]]
    listed = (await acting.get("/api/me/acting")).json()
    assert [(a["supervisorName"], a["actingName"]) for a in listed] == [
        ("Pegawai exec_a", "Pegawai admin_a")
    ]
    assert await AuditEvent.exists().where(AuditEvent.action == "acting_supervisor_named")

    # Overlapping ranges of one supervisor are refused.
    again = await supervisor.post(
        "/api/me/acting",
        json={
            "actingId": org.users["admin_a"],
            "startsOn": (today() + timedelta(days=2)).isoformat(),
            "endsOn": (today() + timedelta(days=9)).isoformat(),
        },
    )
    assert again.status_code == 409 and again.json()["code"] == "acting_overlaps"

    cancelled = await supervisor.delete(f"/api/acting/{named.json()['id']}")
    assert cancelled.status_code == 204
    assert (await acting.get(ISSUES)).json() == []
    assert await acting_deciders([org.users["exec_a"]]) == []


async def test_a_range_not_yet_begun_gives_nothing(client_factory: Any, org: Org) -> None:
    await _team(org)
    await ActingSupervisor.insert(
        ActingSupervisor(
            supervisor=org.users["exec_a"],
            acting=org.users["admin_a"],
            starts_on=today() + timedelta(days=1),
            ends_on=today() + timedelta(days=3),
        )
    )
    acting = await _signed_in(client_factory, org, "admin_a")
    assert (await acting.get(ISSUES)).json() == []


async def test_who_may_act(client_factory: Any, org: Org) -> None:
    await _team(org)
    supervisor = await _signed_in(client_factory, org, "exec_a")
    start, end = today().isoformat(), (today() + timedelta(days=1)).isoformat()

    async def name(acting_id: int, starts: str = start, ends: str = end) -> Any:
        return await supervisor.post(
            "/api/me/acting", json={"actingId": acting_id, "startsOn": starts, "endsOn": ends}
        )

    low = await name(org.users["super"])  # N19 below the F41 they would decide for
    assert (low.status_code, low.json()["code"]) == (422, "acting_rank_too_low")
    other = await name(org.users["officer_b"])
    assert (other.status_code, other.json()["code"]) == (422, "acting_not_in_agency")
    own = await name(org.users["exec_a"])
    assert (own.status_code, own.json()["code"]) == (422, "acting_self")
    past = await name(org.users["admin_a"], (today() - timedelta(days=1)).isoformat())
    assert (past.status_code, past.json()["code"]) == (422, "acting_in_past")
    backwards = await name(org.users["admin_a"], end, start)
    assert (backwards.status_code, backwards.json()["code"]) == (422, "range_invalid")
    assert "Tarikh akhir" in backwards.json()["detail"]


async def test_officers_change_what_the_agency_allows(
    client_factory: Any, admin_a: ApiClient, org: Org
) -> None:
    officer = await _signed_in(client_factory, org, "officer_a")
    mine = (await officer.get("/api/me/profile")).json()
    assert mine["editable"] == ["phone", "email", "language"]
    changed = await officer.patch(
        "/api/me/profile", json={"phone": "03-8000 1234", "email": "Baru@Example.gov.my"}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["phone"], changed.json()["email"]) == (
        "03-8000 1234",
        "baru@example.gov.my",
    )
    audited = await AuditEvent.select(AuditEvent.detail).where(
        AuditEvent.action == "own_profile_updated"
    )
    assert len(audited) == 1 and "baru@example.gov.my" in str(audited[0]["detail"])

    title = await officer.patch("/api/me/profile", json={"title": "Dr"})
    assert title.status_code == 403
    assert title.json()["code"] == "profile_field_not_editable"
    assert "title" in title.json()["detail"]
    bad = await officer.patch("/api/me/profile", json={"phone": "call me"})
    assert bad.status_code in (400, 422)
    # The name comes from HR through the administrator.
    name = await officer.patch("/api/me/profile", json={"name": "Nama Lain"})
    assert name.status_code in (400, 422)

    policy = await admin_a.put(
        f"/api/agencies/{org.agency_a}/profile-policy", json={"editable": ["title"]}
    )
    assert policy.status_code == 200 and policy.json() == {"editable": ["title"]}
    assert (await officer.patch("/api/me/profile", json={"title": "Dr"})).status_code == 200
    phone = await officer.patch("/api/me/profile", json={"phone": "03-1"})
    assert phone.status_code == 403
    # Another agency's policy is not this administrator's.
    other = await admin_a.get(f"/api/agencies/{org.agency_b}/profile-policy")
    assert other.status_code == 404


async def test_password_slips_are_issued_once_per_print(admin_a: ApiClient, org: Org) -> None:
    ids = [org.users["officer_a"], org.users["exec_a"]]
    before = {
        r["user"]: r["password_hash"]
        for r in await Credential.select(Credential.user, Credential.password_hash).where(
            Credential.user.is_in(ids)
        )
    }
    response = await admin_a.post(
        f"/api/agencies/{org.agency_a}/users/password-slips", json={"userIds": ids}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    assert response.content.startswith(b"%PDF")
    after = await Credential.select(
        Credential.user, Credential.password_hash, Credential.password_is_temporary
    ).where(Credential.user.is_in(ids))
    assert all(r["password_is_temporary"] for r in after)
    assert all(r["password_hash"] != before.get(r["user"]) for r in after)
    printed = await AuditEvent.select(AuditEvent.detail).where(
        AuditEvent.action == "temporary_passwords_printed"
    )
    assert len(printed) == 1
    # Nobody outranking the administrator, nobody of another agency, never oneself.
    outranked = await admin_a.post(
        f"/api/agencies/{org.agency_a}/users/password-slips", json={"userIds": [org.users["super"]]}
    )
    assert outranked.status_code == 403
    elsewhere = await admin_a.post(
        f"/api/agencies/{org.agency_a}/users/password-slips",
        json={"userIds": [org.users["officer_b"]]},
    )
    assert elsewhere.status_code == 404
    own = await admin_a.post(
        f"/api/agencies/{org.agency_a}/users/password-slips",
        json={"userIds": [org.users["admin_a"]]},
    )
    assert own.status_code == 403


async def test_notifications_during_the_range_go_to_the_acting_supervisor_too(
    client_factory: Any, org: Org, outbox_settings: Any
) -> None:
    import uuid

    from api.attendance import fences
    from api.org.tables import OfficeAssignment
    from api.outbox.tables import Notification

    await _team(org)
    fences.forget()
    await OfficeAssignment.insert(
        OfficeAssignment(user=org.users["officer_a"], office=org.office_a)
    )
    await ActingSupervisor.insert(
        ActingSupervisor(
            supervisor=org.users["exec_a"],
            acting=org.users["admin_a"],
            starts_on=today(),
            ends_on=today() + timedelta(days=2),
        )
    )
    officer = await _signed_in(client_factory, org, "officer_a")
    far_away = {"lat": 2.9400, "lon": 101.7100, "accuracy": 10}
    tap = {"clientId": str(uuid.uuid4()), "kind": "in", "fix": far_away}
    assert (await officer.post("/api/attendance/check-ins", json=tap)).status_code == 200
    recipients = {
        r["recipient"]
        for r in await Notification.select(Notification.recipient).where(
            Notification.kind == "pending_approvals"
        )
    }
    assert recipients == {org.users["exec_a"], org.users["admin_a"]}


async def test_the_acting_person_is_shown_the_supervisor_screens(
    client_factory: Any, org: Org
) -> None:
    await _team(org)
    acting = await _signed_in(client_factory, org, "admin_a")
    assert (await acting.get("/api/auth/me")).json()["isSupervisor"] is False
    await ActingSupervisor.insert(
        ActingSupervisor(
            supervisor=org.users["exec_a"],
            acting=org.users["admin_a"],
            starts_on=today(),
            ends_on=today(),
        )
    )
    assert (await acting.get("/api/auth/me")).json()["isSupervisor"] is True
