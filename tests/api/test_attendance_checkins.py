"""Check-in from the phone and approval by the supervisor (SPOT-Me), through the HTTP API."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.attendance import fences
from api.attendance.tables import CheckIn
from api.org.tables import OfficeAssignment, User
from tests.fixtures import Org

# The fixture office is a ~165 m × 133 m rectangle in Putrajaya (see tests/fixtures.py).
CENTRE = {"lat": 2.9266, "lon": 101.69675}
FAR_AWAY = {"lat": 2.9400, "lon": 101.7100}  # about 2 km north-east
ON_THE_EDGE = {"lat": 2.9266, "lon": 101.6960}  # the west boundary


@pytest.fixture
async def team(org: Org, client_factory: Any) -> dict[str, Any]:
    """officer_a works at HQ A and reports to exec_a (a supervisor is an officer too)."""
    fences.forget()
    await OfficeAssignment.insert(
        OfficeAssignment(user=org.users["officer_a"], office=org.office_a)
    )
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id.is_in([org.users["officer_a"]])
    )
    officer, supervisor = await client_factory(), await client_factory()
    await officer.sign_in(org.login["officer_a"])
    await supervisor.sign_in(org.login["exec_a"])
    return {"officer": officer, "supervisor": supervisor}


def _tap(
    kind: str = "in", *, where: dict[str, float] = CENTRE, accuracy: float = 10.0, **extra: Any
) -> dict[str, Any]:
    return {
        "clientId": str(uuid.uuid4()),
        "kind": kind,
        "fix": {**where, "accuracy": accuracy},
        "clientAt": datetime.now(UTC).isoformat(),
        **extra,
    }


async def test_inside_needs_no_approval(team: dict[str, Any]) -> None:
    response = await team["officer"].post("/api/attendance/check-ins", json=_tap())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verdict"]["status"] == "inside"
    assert body["verdict"]["officeName"] == "HQ A"
    assert body["verdict"]["distanceM"] < -10
    assert body["approval"] == "not_needed" and body["needsReason"] is False


async def test_outside_is_recorded_pending_then_approved(team: dict[str, Any], org: Org) -> None:
    from api.outbox.tables import Notification, PushSubscriptionRecord

    for who in ("officer_a", "exec_a"):  # both have the app installed with pushes on
        await PushSubscriptionRecord.insert(
            PushSubscriptionRecord(
                user=org.users[who],
                endpoint=f"https://push.example.net/{who}",
                p256dh="BOr" + "A" * 84,
                auth="c2VjcmV0c2VjcmV0MTIz",
            )
        )
    officer, supervisor = team["officer"], team["supervisor"]
    tapped = (await officer.post("/api/attendance/check-ins", json=_tap(where=FAR_AWAY))).json()
    assert tapped["verdict"]["status"] == "outside"
    assert tapped["verdict"]["distanceM"] > 1000
    assert tapped["approval"] == "pending" and tapped["needsReason"] is True

    reason = await officer.patch(
        f"/api/attendance/check-ins/{tapped['id']}",
        json={"mode": "official_duty", "note": "Mesyuarat di Kementerian Kewangan"},
    )
    assert reason.json()["needsReason"] is False

    inbox = (await supervisor.get("/api/attendance/approvals")).json()
    assert [i["checkIn"]["id"] for i in inbox] == [tapped["id"]]
    assert inbox[0]["officerName"] == "Pegawai officer_a"
    assert inbox[0]["checkIn"]["mode"] == "official_duty"

    decided = await supervisor.post(
        "/api/attendance/approvals/decisions",
        json={"ids": [tapped["id"]], "decision": "approved", "note": "OK"},
    )
    assert decided.status_code == 200 and decided.json() == {"decided": [tapped["id"]]}
    assert (await supervisor.get("/api/attendance/approvals")).json() == []
    row = await CheckIn.select().where(CheckIn.id == tapped["id"]).first()
    assert row is not None and row["approval"] == "approved"
    assert row["decided_by"] == org.users["exec_a"]
    # The supervisor was told about the pending item, the officer about the decision.
    kinds = {
        (n["kind"], n["recipient"])
        for n in await Notification.select(Notification.kind, Notification.recipient)
    }
    assert ("pending_approvals", org.users["exec_a"]) in kinds
    assert ("checkin_approved", org.users["officer_a"]) in kinds


async def test_a_tap_sent_twice_is_one_check_in(team: dict[str, Any], org: Org) -> None:
    tap = _tap(where=FAR_AWAY)
    first = await team["officer"].post("/api/attendance/check-ins", json=tap)
    again = await team["officer"].post("/api/attendance/check-ins", json=tap)
    assert first.json()["id"] == again.json()["id"]
    assert again.json()["replayed"] is True
    together = _tap()
    results = await asyncio.gather(
        *(team["officer"].post("/api/attendance/check-ins", json=together) for _ in range(5))
    )
    assert len({r.json()["id"] for r in results}) == 1
    assert await CheckIn.count().where(CheckIn.user == org.users["officer_a"]) == 2


async def test_a_circle_across_the_boundary_is_uncertain(team: dict[str, Any]) -> None:
    body = (
        await team["officer"].post(
            "/api/attendance/check-ins", json=_tap(where=ON_THE_EDGE, accuracy=25)
        )
    ).json()
    assert body["verdict"]["status"] == "uncertain"
    assert body["approval"] == "pending"


async def test_poor_accuracy_is_uncertain_even_inside(team: dict[str, Any]) -> None:
    body = (await team["officer"].post("/api/attendance/check-ins", json=_tap(accuracy=500))).json()
    assert body["verdict"]["status"] == "uncertain"


async def test_judging_records_nothing(team: dict[str, Any], org: Org) -> None:
    verdict = await team["officer"].post(
        "/api/attendance/judge", json={"fix": {**ON_THE_EDGE, "accuracy": 25}}
    )
    assert verdict.json()["status"] == "uncertain"
    assert await CheckIn.count() == 0


async def test_nobody_approves_their_own_check_in(team: dict[str, Any], org: Org) -> None:
    # exec_a is also an officer; give them an office and a pending check-in of their own.
    await OfficeAssignment.insert(OfficeAssignment(user=org.users["exec_a"], office=org.office_a))
    own = (
        await team["supervisor"].post("/api/attendance/check-ins", json=_tap(where=FAR_AWAY))
    ).json()
    refused = await team["supervisor"].post(
        "/api/attendance/approvals/decisions", json={"ids": [own["id"]], "decision": "approved"}
    )
    assert refused.status_code == 404
    assert (await team["supervisor"].get("/api/attendance/approvals")).json() == []


async def test_a_batch_with_one_foreign_id_changes_nothing(
    team: dict[str, Any], org: Org, client_factory: Any
) -> None:
    mine = (
        await team["officer"].post("/api/attendance/check-ins", json=_tap(where=FAR_AWAY))
    ).json()
    stranger = await client_factory()
    await stranger.sign_in(org.login["officer_b"])
    theirs = (await stranger.post("/api/attendance/check-ins", json=_tap(where=FAR_AWAY))).json()
    refused = await team["supervisor"].post(
        "/api/attendance/approvals/decisions",
        json={"ids": [mine["id"], theirs["id"]], "decision": "rejected", "note": "x"},
    )
    assert refused.status_code == 404
    rows = await CheckIn.select(CheckIn.approval).where(
        CheckIn.id.is_in([mine["id"], theirs["id"]])
    )
    assert {r["approval"] for r in rows} == {"pending"}


async def test_decided_check_ins_cannot_be_decided_or_explained_again(
    team: dict[str, Any],
) -> None:
    tapped = (
        await team["officer"].post("/api/attendance/check-ins", json=_tap(where=FAR_AWAY))
    ).json()
    decision = {"ids": [tapped["id"]], "decision": "rejected", "note": "Tiada kelulusan"}
    assert (
        await team["supervisor"].post("/api/attendance/approvals/decisions", json=decision)
    ).status_code == 200
    again = await team["supervisor"].post("/api/attendance/approvals/decisions", json=decision)
    assert again.status_code == 409
    late_reason = await team["officer"].patch(
        f"/api/attendance/check-ins/{tapped['id']}", json={"mode": "other", "note": "terlupa"}
    )
    assert late_reason.status_code == 409


async def test_others_cannot_explain_my_check_in(
    team: dict[str, Any], org: Org, client_factory: Any
) -> None:
    tapped = (
        await team["officer"].post("/api/attendance/check-ins", json=_tap(where=FAR_AWAY))
    ).json()
    other = await client_factory()
    await other.sign_in(org.login["officer_b"])
    response = await other.patch(
        f"/api/attendance/check-ins/{tapped['id']}", json={"mode": "other", "note": "bukan saya"}
    )
    assert response.status_code == 404


async def test_offline_tap_synced_late_keeps_its_time_and_is_flagged(
    team: dict[str, Any],
) -> None:
    tapped_at = datetime.now(UTC) - timedelta(hours=3)
    tap = _tap(offline=True)
    tap["fix"]["fixAt"] = tapped_at.isoformat()
    tap["clientAt"] = tapped_at.isoformat()
    body = (await team["officer"].post("/api/attendance/check-ins", json=tap)).json()
    assert body["offline"] is True and body["lateSync"] is True
    occurred = datetime.fromisoformat(body["occurredAt"])
    assert abs((occurred - tapped_at).total_seconds()) < 1
    assert "late_sync" in {f["code"] for f in body["findings"]}


async def test_impossible_travel_is_flagged_not_refused(team: dict[str, Any]) -> None:
    await team["officer"].post("/api/attendance/check-ins", json=_tap())
    far = _tap("out", where={"lat": 3.1390, "lon": 101.6869})  # Kuala Lumpur, ~24 km away
    body = (await team["officer"].post("/api/attendance/check-ins", json=far)).json()
    assert body["verdict"]["status"] == "outside"
    assert "impossible_speed" in {f["code"] for f in body["findings"]}


async def test_an_officer_without_an_office_is_flagged_outside(
    org: Org, client_factory: Any
) -> None:
    officer = await client_factory()
    await officer.sign_in(org.login["officer_b"])
    body = (await officer.post("/api/attendance/check-ins", json=_tap())).json()
    assert body["verdict"]["status"] == "outside"
    assert body["verdict"]["reason"] == "no office assigned"
    assert body["approval"] == "pending"


async def test_bad_positions_are_refused_with_the_field(team: dict[str, Any]) -> None:
    tap = _tap()
    tap["fix"]["lat"] = 101.7
    response = await team["officer"].post("/api/attendance/check-ins", json=tap)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "fix.lat"


async def test_today_follows_the_check_ins(team: dict[str, Any]) -> None:
    before = (await team["officer"].get("/api/attendance/today")).json()
    assert before["nextAction"] == "in" and before["checkIns"] == []
    await team["officer"].post("/api/attendance/check-ins", json=_tap())
    after = (await team["officer"].get("/api/attendance/today")).json()
    assert after["nextAction"] == "out"
    assert len(after["checkIns"]) == 1
    assert after["patternCode"] == "WBF"
    assert after["expectedEnd"] is not None or after["status"] in ("weekend", "public_holiday")


async def test_today_knows_the_agency_holiday_and_the_officer_leave(
    team: dict[str, Any], org: Org
) -> None:
    """The today card reads the same calendar as the monthly report (overrides, leave)."""
    from datetime import UTC, datetime

    from api.attendance.rules import local_day
    from api.attendance.tables import CalendarOverride, LeaveRecord

    day = local_day(datetime.now(UTC))
    await LeaveRecord.insert(
        LeaveRecord(user=org.users["officer_a"], start=day, end=day, kind="annual")
    )
    on_leave = (await team["officer"].get("/api/attendance/today")).json()
    assert on_leave["status"] in ("on_leave", "weekend", "public_holiday"), on_leave
    await CalendarOverride.insert(
        CalendarOverride(agency=org.agency_a, day=day, kind="holiday", name="Cuti peristiwa")
    )
    holiday = (await team["officer"].get("/api/attendance/today")).json()
    assert holiday["status"] in ("public_holiday", "weekend"), holiday


async def _second_office(org: Org) -> int:
    from api.org.tables import Office

    far_square = {
        "type": "Polygon",
        "coordinates": [
            [
                [101.7095, 2.9395],
                [101.7105, 2.9395],
                [101.7105, 2.9405],
                [101.7095, 2.9405],
                [101.7095, 2.9395],
            ]
        ],
    }
    office_id = (
        await Office.insert(
            Office(
                agency=org.agency_a,
                code="KEMENTERIAN",
                name="Kementerian Kewangan",
                state="PJY",
                geometry=far_square,
            )
        ).returning(Office.id)
    )[0]["id"]
    fences.forget()
    return int(office_id)


async def test_an_approved_movement_slip_approves_the_check_in(
    team: dict[str, Any], org: Org
) -> None:
    destination = await _second_office(org)
    now = datetime.now(UTC)
    slip = await team["officer"].post(
        "/api/attendance/movement-slips",
        json={
            "destinationId": destination,
            "startsAt": (now - timedelta(hours=1)).isoformat(),
            "endsAt": (now + timedelta(hours=3)).isoformat(),
            "purpose": "Mesyuarat bajet",
        },
    )
    assert slip.status_code == 201 and slip.json()["status"] == "pending"
    # Pending: a check-in there still waits for the supervisor.
    before = (
        await team["officer"].post("/api/attendance/check-ins", json=_tap(where=FAR_AWAY))
    ).json()
    assert before["approval"] == "pending"
    inbox = (await team["supervisor"].get("/api/attendance/approvals/movement-slips")).json()
    assert [i["slip"]["id"] for i in inbox] == [slip.json()["id"]]
    decided = await team["supervisor"].post(
        "/api/attendance/approvals/movement-slips/decisions",
        json={"ids": [slip.json()["id"]], "decision": "approved"},
    )
    assert decided.status_code == 200
    after = (
        await team["officer"].post("/api/attendance/check-ins", json=_tap("out", where=FAR_AWAY))
    ).json()
    assert after["verdict"]["status"] == "outside"
    assert after["approval"] == "approved" and after["needsReason"] is False
    # Elsewhere, the slip does not help.
    elsewhere = (
        await team["officer"].post(
            "/api/attendance/check-ins", json=_tap(where={"lat": 2.95, "lon": 101.73})
        )
    ).json()
    assert elsewhere["approval"] == "pending"


async def test_movement_slip_rules(team: dict[str, Any], org: Org) -> None:
    destination = await _second_office(org)
    now = datetime.now(UTC)

    async def ask(start: datetime, end: datetime, office: int = destination) -> Any:
        return await team["officer"].post(
            "/api/attendance/movement-slips",
            json={
                "destinationId": office,
                "startsAt": start.isoformat(),
                "endsAt": end.isoformat(),
                "purpose": "Lawatan tapak",
            },
        )

    assert (await ask(now + timedelta(hours=2), now + timedelta(hours=1))).status_code == 422
    assert (await ask(now, now + timedelta(days=8))).status_code == 422
    assert (await ask(now - timedelta(days=2), now - timedelta(days=1))).status_code == 422
    foreign = await ask(now, now + timedelta(hours=1), office=org.office_b)
    assert foreign.status_code == 422 and foreign.json()["code"] == "office_not_in_agency"
    ok = await ask(now, now + timedelta(hours=1))
    own_decision = await team["officer"].post(
        "/api/attendance/approvals/movement-slips/decisions",
        json={"ids": [ok.json()["id"]], "decision": "approved"},
    )
    assert own_decision.status_code == 404
    cancelled = await team["officer"].delete(f"/api/attendance/movement-slips/{ok.json()['id']}")
    assert cancelled.status_code == 204
    listed = (await team["officer"].get("/api/attendance/movement-slips")).json()
    assert [s["status"] for s in listed] == ["cancelled"]


async def test_own_pending_check_ins_are_listed_and_get_their_reason_later(
    team: dict[str, Any], org: Org
) -> None:
    """The reason is not only asked right after the tap: the officer's pending check-ins are
    listed (any day), and a reason given or replaced on each until the supervisor decides."""
    officer, supervisor = team["officer"], team["supervisor"]
    inside = (await officer.post("/api/attendance/check-ins", json=_tap())).json()
    first = (await officer.post("/api/attendance/check-ins", json=_tap(where=FAR_AWAY))).json()
    second = (await officer.post("/api/attendance/check-ins", json=_tap(where=FAR_AWAY))).json()
    pending = (await officer.get("/api/attendance/check-ins/pending")).json()
    assert [c["id"] for c in pending] == [first["id"], second["id"]]
    assert inside["id"] not in [c["id"] for c in pending]
    assert all(c["needsReason"] for c in pending)
    assert (await officer.get("/api/waiting")).json()["ownCheckInsWithoutReason"] == 2

    for note in ("Lawatan tapak", "Lawatan tapak di Presint 2"):  # given, then replaced
        answer = await officer.patch(
            f"/api/attendance/check-ins/{first['id']}", json={"mode": "official_duty", "note": note}
        )
        assert answer.status_code == 200 and answer.json()["note"] == note
    assert (await officer.get("/api/waiting")).json()["ownCheckInsWithoutReason"] == 1
    # Nobody else's list: the supervisor has no pending check-ins of their own.
    assert (await supervisor.get("/api/attendance/check-ins/pending")).json() == []
    await supervisor.post(
        "/api/attendance/approvals/decisions",
        json={"ids": [first["id"]], "decision": "approved"},
    )
    late = await officer.patch(
        f"/api/attendance/check-ins/{first['id']}", json={"mode": "other", "note": "terlambat"}
    )
    assert late.status_code == 409
    assert [c["id"] for c in (await officer.get("/api/attendance/check-ins/pending")).json()] == [
        second["id"]
    ]


async def test_without_a_position_a_check_in_is_recorded_with_a_reason(
    team: dict[str, Any], org: Org
) -> None:
    """Location refused or off: flag, never block. The tap is recorded as uncertain and pending,
    with the mode and reason it then needs (422 at the note without them)."""
    officer, supervisor = team["officer"], team["supervisor"]
    bare = {"clientId": str(uuid.uuid4()), "kind": "in", "clientAt": datetime.now(UTC).isoformat()}
    refused = await officer.post("/api/attendance/check-ins", json=bare)
    assert refused.status_code == 422
    assert refused.json()["code"] == "check_in_reason_required"
    assert [e["field"] for e in refused.json()["errors"]] == ["note"]
    recorded = await officer.post(
        "/api/attendance/check-ins",
        json={**bare, "mode": "official_duty", "note": "Lokasi telefon tidak berfungsi"},
    )
    assert recorded.status_code == 200, recorded.text
    body = recorded.json()
    assert body["verdict"]["status"] == "uncertain" and body["approval"] == "pending"
    assert [f["code"] for f in body["findings"]] == ["no_position"]
    row = await CheckIn.select().where(CheckIn.id == body["id"]).first()
    assert (
        row is not None and row["lat"] is None and row["note"] == "Lokasi telefon tidak berfungsi"
    )
    inbox = (await supervisor.get("/api/attendance/approvals")).json()
    assert body["id"] in [i["checkIn"]["id"] for i in inbox]
    # The next tap with a position is judged as usual (the bare one is no "previous fix").
    assert (await officer.post("/api/attendance/check-ins", json=_tap())).json()["approval"] == (
        "not_needed"
    )


async def test_a_queued_tap_is_recorded_only_in_its_owners_session(
    team: dict[str, Any], org: Org
) -> None:
    """A tap queued on a shared phone carries its owner: sent in someone else's session it is
    refused (409, nothing recorded), so it can wait for its owner; in the owner's it counts."""
    officer, supervisor = team["officer"], team["supervisor"]
    owner = org.users["officer_a"]
    tap = _tap(offline=True, ownerId=owner)
    refused = await supervisor.post("/api/attendance/check-ins", json=tap)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "check_in_other_person"
    assert await CheckIn.count().where(CheckIn.client_id == tap["clientId"]) == 0
    recorded = await officer.post("/api/attendance/check-ins", json=tap)
    assert recorded.status_code == 200, recorded.text
    row = await CheckIn.select(CheckIn.user).where(CheckIn.client_id == tap["clientId"]).first()
    assert row is not None and row["user"] == owner
