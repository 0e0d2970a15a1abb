"""Invitations through the outbox (with the iCalendar REQUEST / CANCEL), updates that raise
SEQUENCE and reset the RSVPs, RSVP rules, reminders, and SULIT isolation."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar

from tests.meetings.conftest import Cmt, meeting_body


async def _meeting(cmt: Cmt, invite: bool = True, **overrides: Any) -> int:
    sec = await cmt.client("sec")
    response = await sec.post("/api/meetings", json=meeting_body(cmt, **overrides))
    assert response.status_code == 201, response.text
    meeting_id = int(response.json()["id"])
    if invite:
        response = await sec.post(f"/api/meetings/{meeting_id}/invitations", json={})
        assert response.status_code == 200, response.text
    return meeting_id


async def _outbox(kind: str) -> list[dict[str, Any]]:
    from api.outbox.tables import Notification

    rows = await Notification.select().where(Notification.kind == kind).order_by(Notification.id)
    for row in rows:
        if isinstance(row["calendar"], str):
            row["calendar"] = json.loads(row["calendar"])
    return rows


def _event(ics: str) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(ics)
    [event] = calendar.events
    return event


async def test_invitations_go_to_every_member_with_the_calendar_request(cmt: Cmt) -> None:
    meeting_id = await _meeting(cmt)
    rows = await _outbox("meeting_invitation")
    members = {cmt.users[k] for k in ("chair", "member", "member2", "sec")}
    assert {r["recipient"] for r in rows} == members
    assert all(r["channel"] == "email" for r in rows)  # nobody has a push subscription
    assert {r["event_key"] for r in rows} == {f"meeting:{meeting_id}:seq:0:invitation"}
    assert all(r["url"] == f"/#/meetings/{meeting_id}" for r in rows)
    calendar = icalendar.Calendar.from_ical(rows[0]["calendar"]["ics"])
    assert str(calendar["METHOD"]) == "REQUEST"
    event = _event(rows[0]["calendar"]["ics"])
    assert str(event["UID"]) == f"meeting-{meeting_id}@testserver.local" or str(
        event["UID"]
    ).startswith(f"meeting-{meeting_id}@")
    assert int(str(event["SEQUENCE"])) == 0
    assert str(event["CLASS"]) == "PUBLIC"
    assert "Bilik Gerakan 1" in str(event["LOCATION"])
    assert str(event["URL"]).endswith(f"/#/meetings/{meeting_id}")
    roles = {
        str(a).removeprefix("mailto:").lower(): (a.params["ROLE"], a.params["PARTSTAT"])
        for a in event.attendees
    }
    assert roles == {
        "exec_a@example.gov.my": ("CHAIR", "NEEDS-ACTION"),
        "officer_a@example.gov.my": ("REQ-PARTICIPANT", "NEEDS-ACTION"),
        "mc_member2@example.gov.my": ("REQ-PARTICIPANT", "NEEDS-ACTION"),
        "mc_sec@example.gov.my": ("NON-PARTICIPANT", "NEEDS-ACTION"),
    }
    assert event["ORGANIZER"]
    # Sending again neither duplicates invitations nor notifications.
    sec = await cmt.client("sec")
    again = await sec.post(f"/api/meetings/{meeting_id}/invitations", json={})
    assert again.json()["notified"] == 0
    assert len(await _outbox("meeting_invitation")) == len(rows)
    detail = (await sec.get(f"/api/meetings/{meeting_id}")).json()
    assert detail["status"] == "scheduled"
    assert [i["role"] for i in detail["invitations"]] == [
        "chair",
        "member",
        "member",
        "secretariat",
    ]


async def test_a_guest_is_an_optional_participant_and_only_they_get_the_later_invitation(
    cmt: Cmt,
) -> None:
    meeting_id = await _meeting(cmt)
    before = len(await _outbox("meeting_invitation"))
    sec = await cmt.client("sec")
    response = await sec.post(
        f"/api/meetings/{meeting_id}/invitations", json={"guestIds": [cmt.users["colleague"]]}
    )
    assert response.status_code == 200
    rows = await _outbox("meeting_invitation")
    assert len(rows) == before + 1 and rows[-1]["recipient"] == cmt.users["colleague"]
    event = _event(rows[-1]["calendar"]["ics"])
    guest = next(a for a in event.attendees if "mc_colleague" in str(a))
    assert guest.params["ROLE"] == "OPT-PARTICIPANT"
    # A guest from another agency is refused.
    response = await sec.post(
        f"/api/meetings/{meeting_id}/invitations", json={"guestIds": [cmt.users["officer_b"]]}
    )
    assert response.status_code == 422


async def test_sulit_invitation_is_confidential(cmt: Cmt) -> None:
    await _meeting(cmt, classification="SULIT")
    rows = await _outbox("meeting_invitation")
    event = _event(rows[0]["calendar"]["ics"])
    assert str(event["CLASS"]) == "CONFIDENTIAL"
    assert "DESCRIPTION" not in event  # the agenda does not travel for SULIT
    assert all(r["classification"] == "SULIT" for r in rows)


async def test_rsvp_decline_needs_a_reason(cmt: Cmt) -> None:
    meeting_id = await _meeting(cmt)
    member = await cmt.client("member")
    url = f"/api/meetings/{meeting_id}/rsvp"
    response = await member.put(url, json={"response": "declined"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"
    response = await member.put(url, json={"response": "declined", "reason": "Kursus di INTAN"})
    assert response.status_code == 200
    assert response.json()["response"] == "declined"
    mine = (await member.get(f"/api/meetings/{meeting_id}")).json()["myRsvp"]
    assert mine["response"] == "declined" and mine["declineReason"] == "Kursus di INTAN"
    assert mine["canChange"] is True
    # Changeable: attend after all.
    response = await member.put(url, json={"response": "accepted"})
    assert response.json()["declineReason"] == ""


async def test_a_representative_colleague_can_then_read_the_notice(cmt: Cmt) -> None:
    meeting_id = await _meeting(cmt, classification="TERHAD")
    colleague = await cmt.client("colleague")
    assert (await colleague.get(f"/api/meetings/{meeting_id}")).status_code == 404
    member = await cmt.client("member")
    found = (await member.get(f"/api/meetings/{meeting_id}/colleagues?q=zain")).json()
    assert [c["id"] for c in found] == [cmt.users["colleague"]]
    response = await member.put(
        f"/api/meetings/{meeting_id}/rsvp",
        json={"response": "delegated", "representativeId": cmt.users["colleague"]},
    )
    assert response.status_code == 200, response.text
    assert response.json()["representativeName"] == "Zainab Rakan Sekerja"
    notice = await colleague.get(f"/api/meetings/{meeting_id}")
    assert notice.status_code == 200
    assert notice.json()["representing"] == ["Pegawai officer_a"]
    assert notice.json()["invitations"] is None  # not the secretariat
    listed = (await colleague.get("/api/meetings")).json()
    assert [m["representing"] for m in listed] == ["Pegawai officer_a"]
    sec = await cmt.client("sec")
    invitations = (await sec.get(f"/api/meetings/{meeting_id}/invitations")).json()
    row = next(i for i in invitations if i["userId"] == cmt.users["member"])
    assert row["response"] == "delegated"
    assert row["representativeName"] == "Zainab Rakan Sekerja"


async def test_representative_rules(cmt: Cmt) -> None:
    meeting_id = await _meeting(cmt)
    member = await cmt.client("member")
    url = f"/api/meetings/{meeting_id}/rsvp"
    for body in (
        {"response": "delegated"},
        {"response": "delegated", "representativeId": cmt.users["member"]},
        {"response": "delegated", "representativeId": cmt.users["officer_b"]},
        {"response": "delegated", "representativeId": 999_999},
    ):
        response = await member.put(url, json=body)
        assert response.status_code == 422, body
    typed = await member.put(
        url, json={"response": "delegated", "representativeName": "En. Rahman (Timbalan)"}
    )
    assert typed.status_code == 200
    assert typed.json()["representativeName"] == "En. Rahman (Timbalan)"
    assert typed.json()["representativeId"] is None


async def test_rsvp_is_closed_once_the_meeting_starts_and_for_outsiders(cmt: Cmt) -> None:
    from api.meetings.tables import Meeting

    meeting_id = await _meeting(cmt)
    colleague = await cmt.client("colleague")  # same agency, TERBUKA: may read, not invited
    response = await colleague.put(
        f"/api/meetings/{meeting_id}/rsvp", json={"response": "accepted"}
    )
    assert response.status_code == 404
    started = datetime.now(UTC) - timedelta(minutes=5)
    await Meeting.update({Meeting.starts_at: started}).where(Meeting.id == meeting_id)
    member = await cmt.client("member")
    response = await member.put(f"/api/meetings/{meeting_id}/rsvp", json={"response": "accepted"})
    assert response.status_code == 409
    assert response.json()["code"] == "rsvp_closed"
    assert (await member.get(f"/api/meetings/{meeting_id}")).json()["myRsvp"]["canChange"] is False


async def test_changing_the_time_sends_an_update_and_resets_answers(cmt: Cmt) -> None:
    meeting_id = await _meeting(cmt)
    member = await cmt.client("member")
    await member.put(f"/api/meetings/{meeting_id}/rsvp", json={"response": "accepted"})
    sec = await cmt.client("sec")
    # A new subject alone is not a change of time or place: no update notice.
    response = await sec.patch(f"/api/meetings/{meeting_id}", json={"subject": "Baharu"})
    assert response.json()["sequence"] == 0
    assert await _outbox("meeting_updated") == []
    detail = response.json()
    new_start = datetime.fromisoformat(detail["startsAt"]) + timedelta(hours=2)
    response = await sec.patch(
        f"/api/meetings/{meeting_id}",
        json={
            "startsAt": new_start.isoformat(),
            "endsAt": (new_start + timedelta(hours=1)).isoformat(),
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["sequence"] == 1
    assert all(i["response"] == "needs_action" for i in response.json()["invitations"])
    rows = await _outbox("meeting_updated")
    assert len(rows) == 4
    assert {r["event_key"] for r in rows} == {f"meeting:{meeting_id}:seq:1:update"}
    event = _event(rows[0]["calendar"]["ics"])
    assert int(str(event["SEQUENCE"])) == 1
    assert str(icalendar.Calendar.from_ical(rows[0]["calendar"]["ics"])["METHOD"]) == "REQUEST"
    assert all(a.params["PARTSTAT"] == "NEEDS-ACTION" for a in event.attendees)
    # The venue too.
    response = await sec.patch(f"/api/meetings/{meeting_id}", json={"room": "Bilik 2"})
    assert response.json()["sequence"] == 2
    assert len(await _outbox("meeting_updated")) == 8


async def test_changes_before_invitation_send_nothing(cmt: Cmt) -> None:
    meeting_id = await _meeting(cmt, invite=False)
    sec = await cmt.client("sec")
    response = await sec.patch(f"/api/meetings/{meeting_id}", json={"room": "Bilik 3"})
    assert response.json()["sequence"] == 0
    assert await _outbox("meeting_updated") == []


async def test_cancelling_sends_cancel_and_closes_rsvp(cmt: Cmt) -> None:
    meeting_id = await _meeting(cmt)
    member = await cmt.client("member")
    colleague_id = cmt.users["colleague"]
    await member.put(
        f"/api/meetings/{meeting_id}/rsvp",
        json={"response": "delegated", "representativeId": colleague_id},
    )
    sec = await cmt.client("sec")
    response = await sec.post(f"/api/meetings/{meeting_id}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled" and response.json()["sequence"] == 1
    rows = await _outbox("meeting_cancelled")
    # Every invitee and the representative.
    assert len(rows) == 5 and colleague_id in {r["recipient"] for r in rows}
    calendar = icalendar.Calendar.from_ical(rows[0]["calendar"]["ics"])
    assert str(calendar["METHOD"]) == "CANCEL"
    event = _event(rows[0]["calendar"]["ics"])
    assert int(str(event["SEQUENCE"])) == 1 and str(event["STATUS"]) == "CANCELLED"
    # Idempotent, and nothing can change any more.
    assert (await sec.post(f"/api/meetings/{meeting_id}/cancel")).json()["sequence"] == 1
    assert len(await _outbox("meeting_cancelled")) == 5
    response = await member.put(f"/api/meetings/{meeting_id}/rsvp", json={"response": "accepted"})
    assert response.status_code == 409 and response.json()["code"] == "meeting_cancelled"
    response = await sec.patch(f"/api/meetings/{meeting_id}", json={"room": "X"})
    assert response.status_code == 409
    response = await sec.post(f"/api/meetings/{meeting_id}/invitations", json={})
    assert response.status_code == 409


async def test_reminders_go_to_those_attending_at_each_offset(cmt: Cmt) -> None:
    from api.meetings.reminders import send_reminders
    from api.meetings.tables import Meeting

    meeting_id = await _meeting(cmt)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    await Meeting.update(
        {Meeting.starts_at: start, Meeting.ends_at: start + timedelta(hours=2)}
    ).where(Meeting.id == meeting_id)
    member = await cmt.client("member")
    await member.put(f"/api/meetings/{meeting_id}/rsvp", json={"response": "accepted"})
    member2 = await cmt.client("member2")
    await member2.put(
        f"/api/meetings/{meeting_id}/rsvp",
        json={"response": "delegated", "representativeId": cmt.users["colleague"]},
    )
    chair = await cmt.client("chair")
    await chair.put(
        f"/api/meetings/{meeting_id}/rsvp", json={"response": "declined", "reason": "Cuti"}
    )
    # Reminders are push notifications by default: the attending people have a device.
    from api.outbox.tables import PushSubscriptionRecord

    for n, who in enumerate(("member", "colleague", "chair", "member2", "sec")):
        await PushSubscriptionRecord.insert(
            PushSubscriptionRecord(
                user=cmt.users[who],
                endpoint=f"https://push.example.com/{n}",
                p256dh="x" * 87,
                auth="y" * 22,
            )
        )
    offsets = (86_400, 3_600)
    assert await send_reminders(offsets, now=start - timedelta(days=2)) == 0  # too early
    day_before = start - timedelta(hours=23)
    assert await send_reminders(offsets, now=day_before) == 2
    assert await send_reminders(offsets, now=day_before + timedelta(minutes=5)) == 0  # once
    rows = await _outbox("meeting_reminder")
    assert {r["recipient"] for r in rows} == {cmt.users["member"], cmt.users["colleague"]}
    assert all(r["event_key"].endswith(":reminder:1d") for r in rows)
    assert await send_reminders(offsets, now=start - timedelta(minutes=50)) == 2
    assert {r["event_key"].rsplit(":", 1)[1] for r in await _outbox("meeting_reminder")} == {
        "1d",
        "1h",
    }
    assert await send_reminders(offsets, now=start + timedelta(minutes=1)) == 0  # started


def test_reminder_offsets_setting(monkeypatch: Any) -> None:
    import pytest

    from api.config import ConfigError, _reminder_offsets

    monkeypatch.delenv("MEETING_REMINDER_OFFSETS", raising=False)
    assert _reminder_offsets() == (86_400, 3_600)
    monkeypatch.setenv("MEETING_REMINDER_OFFSETS", "15m, 2h,2h")
    assert _reminder_offsets() == (7_200, 900)
    monkeypatch.setenv("MEETING_REMINDER_OFFSETS", "1w")
    with pytest.raises(ConfigError):
        _reminder_offsets()


async def test_a_sulit_meeting_is_404_for_non_members_whatever_they_try(cmt: Cmt) -> None:
    meeting_id = await _meeting(cmt, classification="SULIT")
    sec = await cmt.client("sec")
    items = (await sec.get(f"/api/meetings/{meeting_id}")).json()["agenda"]
    item_id = items[0]["id"]
    attempts = [
        ("GET", f"/api/meetings/{meeting_id}", None),
        ("GET", f"/api/meetings/{meeting_id}/invitations", None),
        ("GET", f"/api/meetings/{meeting_id}/colleagues?q=a", None),
        ("PUT", f"/api/meetings/{meeting_id}/rsvp", {"response": "accepted"}),
        ("PATCH", f"/api/meetings/{meeting_id}", {"room": "X"}),
        ("POST", f"/api/meetings/{meeting_id}/cancel", None),
        ("POST", f"/api/meetings/{meeting_id}/invitations", {}),
        ("POST", f"/api/meetings/{meeting_id}/agenda", {"title": "X"}),
        ("PUT", f"/api/meetings/{meeting_id}/agenda/{item_id}", {"title": "X"}),
        ("DELETE", f"/api/meetings/{meeting_id}/agenda/{item_id}", None),
        ("PUT", f"/api/meetings/{meeting_id}/agenda/order", {"itemIds": [item_id]}),
    ]
    missing = [(m, u.replace(str(meeting_id), "999999", 1), b) for m, u, b in attempts]
    for who in ("colleague", "admin_a", "officer_b", "super"):
        client = await cmt.client(who)
        for method, url, body in attempts + missing:
            response = await client.request(method, url, json=body)
            assert response.status_code == 404, (who, method, url, response.text)
            assert response.json()["code"] == "not_found"
        listed = (await client.get("/api/meetings")).json()
        assert meeting_id not in [m["id"] for m in listed]
        for any_id in range(1, meeting_id + 3):  # every id they could try
            for suffix in ("", "/invitations", "/colleagues"):
                response = await client.get(f"/api/meetings/{any_id}{suffix}")
                assert response.status_code == 404, (who, any_id, suffix)
    # Members read it.
    member = await cmt.client("member")
    assert (await member.get(f"/api/meetings/{meeting_id}")).status_code == 200


async def test_terbuka_meeting_notice_is_readable_in_the_agency(cmt: Cmt) -> None:
    meeting_id = await _meeting(cmt)
    colleague = await cmt.client("colleague")
    detail = await colleague.get(f"/api/meetings/{meeting_id}")
    assert detail.status_code == 200
    assert detail.json()["myRsvp"] is None
    other = await cmt.client("officer_b")
    assert (await other.get(f"/api/meetings/{meeting_id}")).status_code == 404
    assert (await colleague.get(f"/api/meetings/{meeting_id}")).headers["cache-control"] == (
        "no-store"
    )


def _reply(
    uid: str, sequence: int, attendee: str, partstat: str, stamp: datetime, **params: str
) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Test//Outlook//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REPLY")
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", stamp + timedelta(days=3))
    address = icalendar.vCalAddress(f"mailto:{attendee}")
    address.params["PARTSTAT"] = partstat
    for key, value in params.items():
        address.params[key.replace("_", "-").upper()] = value
    event.add("attendee", address)
    calendar.add_component(event)
    return bytes(calendar.to_ical())


async def test_a_calendar_reply_is_applied_and_stale_ones_are_refused(cmt: Cmt) -> None:
    from api.meetings.invitations import uid_for

    meeting_id = await _meeting(cmt)
    uid = uid_for(meeting_id)
    member = await cmt.client("member")
    url = f"/api/meetings/{meeting_id}/rsvp/ics"
    now = datetime.now(UTC)
    headers = {"content-type": "text/calendar"}
    accepted = _reply(uid, 0, "officer_a@example.gov.my", "ACCEPTED", now)
    response = await member.post(url, content=accepted, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["response"] == "accepted"
    # Delegated to a colleague (found by e-mail), with a comment as the reason.
    delegated = _reply(
        uid,
        0,
        "officer_a@example.gov.my",
        "DELEGATED",
        now + timedelta(seconds=5),
        delegated_to="mailto:mc_colleague@example.gov.my",
    )
    response = await member.post(url, content=delegated, headers=headers)
    assert response.json()["representativeId"] == cmt.users["colleague"]
    # Written before the last answer: stale.
    old = _reply(uid, 0, "officer_a@example.gov.my", "ACCEPTED", now - timedelta(hours=1))
    response = await member.post(url, content=old, headers=headers)
    assert response.status_code == 409 and response.json()["code"] == "rsvp_reply_stale"
    # Another person's answer, another meeting's UID, or not a REPLY at all.
    for body in (
        _reply(uid, 0, "mc_member2@example.gov.my", "ACCEPTED", now + timedelta(minutes=1)),
        _reply("meeting-999@x", 0, "officer_a@example.gov.my", "ACCEPTED", now),
        b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    ):
        response = await member.post(url, content=body, headers=headers)
        assert response.status_code == 422, response.text
    # After an update (SEQUENCE 1) a reply to version 0 is stale.
    sec = await cmt.client("sec")
    await sec.patch(f"/api/meetings/{meeting_id}", json={"room": "Bilik 9"})
    later_reply = _reply(uid, 0, "officer_a@example.gov.my", "ACCEPTED", now + timedelta(minutes=2))
    response = await member.post(url, content=later_reply, headers=headers)
    assert response.status_code == 409
    current = _reply(uid, 1, "officer_a@example.gov.my", "DECLINED", now + timedelta(minutes=3))
    response = await member.post(url, content=current, headers=headers)
    assert response.status_code == 422  # a decline needs a reason (COMMENT)
    assert response.json()["code"] == "rsvp_reason_required"


def test_the_reminder_job_runs_every_five_minutes() -> None:
    from api.config import get_settings
    from api.jobs import default_jobs

    [job] = [j for j in default_jobs(get_settings()) if j.name == "meeting-reminders"]
    at = datetime(2026, 3, 2, 9, 7, tzinfo=UTC)
    assert job.due(at) == "2026-03-02T09:05"
    assert job.due(at + timedelta(minutes=2)) == "2026-03-02T09:05"
    assert job.due(at + timedelta(minutes=3)) == "2026-03-02T09:10"
