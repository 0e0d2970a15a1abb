"""Meetings: numbering (also under concurrency), validation of time, place and classification,
who may create and read, agenda editing, my meetings."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.meetings.conftest import Cmt, later, meeting_body


async def _create(cmt: Cmt, **overrides: Any) -> dict[str, Any]:
    sec = await cmt.client("sec")
    response = await sec.post("/api/meetings", json=meeting_body(cmt, **overrides))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_the_secretariat_creates_numbered_meetings(cmt: Cmt) -> None:
    first = await _create(cmt)
    year = later().year
    assert first["number"] == f"Bil. 1/{year}"
    assert first["displayTitle"] == f"Mesyuarat Jawatankuasa Pemandu ICT Bil. 1/{year}"
    assert first["subject"] == "Semakan projek pendigitalan"
    assert first["status"] == "draft"
    assert [a["title"] for a in first["agenda"]] == ["Pengesahan minit", "Status projek"]
    assert first["venueOfficeName"] == "HQ A" and first["room"] == "Bilik Gerakan 1"
    second = await _create(cmt, subject="")
    assert second["number"] == f"Bil. 2/{year}"
    # Another year starts again at 1.
    next_year = datetime(year + 1, 2, 3, 1, 0, tzinfo=UTC)
    third = await _create(
        cmt,
        startsAt=next_year.isoformat(),
        endsAt=(next_year + timedelta(hours=1)).isoformat(),
    )
    assert third["number"] == f"Bil. 1/{year + 1}"


async def test_the_year_is_the_malaysian_calendar_year(cmt: Cmt) -> None:
    year = later().year + 1
    # 31 Dec 17:30 UTC is already 1 January in Kuala Lumpur.
    start = datetime(year - 1, 12, 31, 17, 30, tzinfo=UTC)
    created = await _create(
        cmt, startsAt=start.isoformat(), endsAt=(start + timedelta(hours=1)).isoformat()
    )
    assert created["number"] == f"Bil. 1/{year}"


async def test_concurrent_creates_get_consecutive_numbers(cmt: Cmt) -> None:
    clients = [await cmt.client("sec")]
    # A second session of the same secretariat, as from a second device.
    assert cmt.make_client is not None
    other = await cmt.make_client()
    await other.sign_in(cmt.login["sec"])
    clients.append(other)
    count = 16
    responses = await asyncio.gather(
        *[
            clients[n % 2].post("/api/meetings", json=meeting_body(cmt, subject=f"S{n}"))
            for n in range(count)
        ]
    )
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
    numbers = sorted(int(r.json()["number"].split()[1].split("/")[0]) for r in responses)
    assert numbers == list(range(1, count + 1))
    from api.meetings.tables import MeetingCounter

    counter = await MeetingCounter.select().where(MeetingCounter.committee == cmt.id).first()
    assert counter is not None and counter["last_number"] == count


async def test_a_failed_create_leaves_no_gap(cmt: Cmt) -> None:
    sec = await cmt.client("sec")
    await _create(cmt)
    bad = await sec.post("/api/meetings", json=meeting_body(cmt, room=""))
    assert bad.status_code == 422
    assert (await _create(cmt))["number"].startswith("Bil. 2/")


@pytest.mark.parametrize(
    "given",
    ["RAHSIA", "rahsia", "Rahsia  Besar", "RAHSIA-BESAR", "r a h s i a", "Rahsia_Besar!", "rAhSiA"],
)
async def test_rahsia_in_any_spelling_is_refused_and_audited(cmt: Cmt, given: str) -> None:
    from api.accounts.tables import AuditEvent
    from api.meetings.tables import Meeting

    sec = await cmt.client("sec")
    response = await sec.post("/api/meetings", json=meeting_body(cmt, classification=given))
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "classification_too_high"
    assert "RAHSIA" in problem["detail"]
    assert problem["errors"][0]["field"] == "classification"
    events = await AuditEvent.select().where(AuditEvent.action == "meeting.classification_refused")
    assert len(events) == 1 and events[0]["actor_id"] == cmt.users["sec"]
    assert await Meeting.count() == 0


async def test_rahsia_refusal_message_in_english(cmt: Cmt) -> None:
    sec = await cmt.client("sec")
    response = await sec.post(
        "/api/meetings",
        json=meeting_body(cmt, classification="Rahsia Besar"),
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    # The person's own language decides (Malay here), but both texts exist.
    from api.core.messages import message

    assert "RAHSIA" in message("classification_too_high", "en")
    assert response.json()["detail"] in {
        message("classification_too_high", "ms"),
        message("classification_too_high", "en"),
    }


async def test_changing_to_rahsia_is_refused_too(cmt: Cmt) -> None:
    created = await _create(cmt)
    sec = await cmt.client("sec")
    response = await sec.patch(
        f"/api/meetings/{created['id']}", json={"classification": "R.A.H.S.I.A"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "classification_too_high"


@pytest.mark.parametrize(("given", "stored"), [("sulit", "SULIT"), (" Terhad ", "TERHAD")])
async def test_allowed_levels_are_normalised(cmt: Cmt, given: str, stored: str) -> None:
    assert (await _create(cmt, classification=given))["classification"] == stored


async def test_unknown_level_is_refused(cmt: Cmt) -> None:
    sec = await cmt.client("sec")
    response = await sec.post("/api/meetings", json=meeting_body(cmt, classification="RAHSIA2"))
    assert response.json()["code"] == "classification_too_high"  # still contains RAHSIA
    response = await sec.post("/api/meetings", json=meeting_body(cmt, classification="PUBLIC"))
    assert response.status_code == 422
    assert response.json()["code"] == "classification_invalid"


async def test_place_rules_per_mode(cmt: Cmt) -> None:
    assert cmt.org is not None
    sec = await cmt.client("sec")
    response = await sec.post("/api/meetings", json=meeting_body(cmt, venueOfficeId=None, room=""))
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"venueOfficeId", "room"}
    # Another agency's office is not a venue of this committee.
    response = await sec.post(
        "/api/meetings", json=meeting_body(cmt, venueOfficeId=cmt.org.office_b)
    )
    assert response.status_code == 422
    for link in ("", "http://meet.example.com/x", "javascript:alert(1)", "https:// x"):
        response = await sec.post(
            "/api/meetings", json=meeting_body(cmt, mode="online", onlineUrl=link)
        )
        assert response.status_code == 422, link
        assert [e["field"] for e in response.json()["errors"]] == ["onlineUrl"]
    online = await _create(
        cmt, mode="online", onlineUrl="https://meet.example.gov.my/jk-ict", room="ignored"
    )
    assert online["room"] == "" and online["venueOfficeId"] is None
    hybrid = await _create(cmt, mode="hybrid", onlineUrl="https://meet.example.gov.my/x")
    assert hybrid["room"] == "Bilik Gerakan 1" and hybrid["onlineUrl"].startswith("https://")


async def test_end_must_follow_start(cmt: Cmt) -> None:
    sec = await cmt.client("sec")
    start = later()
    response = await sec.post(
        "/api/meetings",
        json=meeting_body(cmt, startsAt=start.isoformat(), endsAt=start.isoformat()),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "endsAt"


async def test_times_without_offset_are_malaysian(cmt: Cmt) -> None:
    created = await _create(cmt, startsAt="2026-12-01T09:00:00", endsAt="2026-12-01T11:00:00")
    assert datetime.fromisoformat(created["startsAt"]).astimezone(UTC).hour == 1


async def test_only_the_secretariat_creates(cmt: Cmt) -> None:
    body = meeting_body(cmt)
    for who, status in (("chair", 403), ("member", 403), ("admin_a", 403), ("officer_b", 404)):
        client = await cmt.client(who)
        response = await client.post("/api/meetings", json=body)
        assert response.status_code == status, (who, response.text)
    colleague = await cmt.client("colleague")
    response = await colleague.post("/api/meetings", json=body)
    assert response.status_code == 404


async def test_agenda_can_be_added_edited_reordered_and_removed(cmt: Cmt) -> None:
    created = await _create(cmt)
    sec = await cmt.client("sec")
    url = f"/api/meetings/{created['id']}/agenda"
    items = (await sec.post(url, json={"title": "Hal-hal lain"})).json()
    assert [i["title"] for i in items] == ["Pengesahan minit", "Status projek", "Hal-hal lain"]
    ids = [i["id"] for i in items]
    reordered = (await sec.put(f"{url}/order", json={"itemIds": ids[::-1]})).json()
    assert [i["title"] for i in reordered] == ["Hal-hal lain", "Status projek", "Pengesahan minit"]
    assert [i["position"] for i in reordered] == [1, 2, 3]
    bad = await sec.put(f"{url}/order", json={"itemIds": ids[:2]})
    assert bad.status_code == 422
    edited = (await sec.put(f"{url}/{ids[1]}", json={"title": "Status projek 2026"})).json()
    assert "Status projek 2026" in [i["title"] for i in edited]
    assert (await sec.delete(f"{url}/{ids[0]}")).status_code == 204
    assert (await sec.delete(f"{url}/{ids[0]}")).status_code == 404
    member = await cmt.client("member")
    assert (await member.post(url, json={"title": "X"})).status_code in (403, 404)


async def test_drafts_are_seen_by_the_secretariat_only(cmt: Cmt) -> None:
    created = await _create(cmt)
    member = await cmt.client("member")
    assert (await member.get(f"/api/meetings/{created['id']}")).status_code == 404
    assert (await member.get("/api/meetings")).json() == []
    sec = await cmt.client("sec")
    listed = (await sec.get("/api/meetings")).json()
    assert [m["id"] for m in listed] == [created["id"]]


async def test_my_meetings_upcoming_and_past(cmt: Cmt) -> None:
    from api.meetings.tables import Meeting

    upcoming = await _create(cmt)
    past = await _create(cmt)
    sec = await cmt.client("sec")
    assert (
        await sec.post(f"/api/meetings/{upcoming['id']}/invitations", json={})
    ).status_code == 200
    assert (await sec.post(f"/api/meetings/{past['id']}/invitations", json={})).status_code == 200
    then = datetime.now(UTC) - timedelta(days=3)
    await Meeting.update(
        {Meeting.starts_at: then, Meeting.ends_at: then + timedelta(hours=2)}
    ).where(Meeting.id == past["id"])
    member = await cmt.client("member")
    up = (await member.get("/api/meetings?when=upcoming")).json()
    old = (await member.get("/api/meetings?when=past")).json()
    assert [m["id"] for m in up] == [upcoming["id"]]
    assert [m["id"] for m in old] == [past["id"]]
    assert up[0]["myResponse"] == "needs_action"
    assert up[0]["number"].startswith("Bil. 1/")
    assert (await member.get("/api/meetings?when=someday")).status_code == 400


async def test_venues_are_the_agency_offices(cmt: Cmt) -> None:
    sec = await cmt.client("sec")
    venues = (await sec.get("/api/meetings/venues")).json()
    assert [v["name"] for v in venues] == ["HQ A"]
