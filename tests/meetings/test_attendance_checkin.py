"""Self check-in at the venue: the room's rotating QR code (current and previous 30-second
window only; tampered or expired codes refused), the venue geofence (inside, outside with the
distance, uncertain), representatives, idempotence, the time window and scope."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from api.core import crypto
from api.meetings import attendance
from tests.meetings.conftest_attendance import (
    INSIDE,
    OUTSIDE,
    Day,
    add_meeting,
    day,
    invite,
    signed_in,
)

__all__ = ["day", "signed_in"]


async def _secret(meeting_id: int) -> bytes:
    from api.meetings.tables import Meeting

    row = await Meeting.select(Meeting.checkin_secret).where(Meeting.id == meeting_id).first()
    assert row is not None
    return crypto.open_sealed(row["checkin_secret"], f"meeting-checkin:{meeting_id}")


def test_code_accepted_for_the_current_and_previous_window_only() -> None:
    secret = b"k" * 32
    at = 1_800_000_015.0  # 15 s into a window
    window = attendance.current_window(at)
    now_code = attendance.code_for(secret, 7, window)
    assert attendance.code_accepted(secret, 7, now_code, at)
    assert attendance.code_accepted(secret, 7, now_code.lower(), at)
    assert attendance.code_accepted(secret, 7, attendance.code_for(secret, 7, window - 1), at)
    assert not attendance.code_accepted(secret, 7, attendance.code_for(secret, 7, window - 2), at)
    assert not attendance.code_accepted(secret, 7, attendance.code_for(secret, 7, window + 1), at)
    # Another meeting's code, or another secret's, is refused.
    assert not attendance.code_accepted(secret, 8, now_code, at)
    assert not attendance.code_accepted(b"x" * 32, 7, now_code, at)
    # The code changes every window and is ten base32 characters.
    assert now_code != attendance.code_for(secret, 7, window + 1)
    assert len(now_code) == 10 and now_code.isalnum()


async def test_room_code_is_sealed_stable_within_a_window_and_encodes_the_app_url(
    day: Day, signed_in: Any
) -> None:
    from api.meetings.tables import Meeting

    secretariat = await signed_in("admin_a")
    response = await secretariat.get(f"/api/meetings/{day.meeting}/room-code")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["qrSvg"].startswith("data:image/svg+xml")
    assert 1 <= body["secondsLeft"] <= 30
    assert body["windowSeconds"] == 30
    parts = urlsplit(body["url"])
    assert parts.fragment.startswith(f"/meetings/{day.meeting}/check-in?code=")
    assert parse_qs(parts.fragment.split("?", 1)[1])["code"] == [body["code"]]
    row = await Meeting.select(Meeting.checkin_secret).where(Meeting.id == day.meeting).first()
    assert row is not None and row["checkin_secret"].startswith("v1:")
    secret = await _secret(day.meeting)
    assert attendance.code_accepted(secret, day.meeting, body["code"])
    again = (await secretariat.get(f"/api/meetings/{day.meeting}/room-code")).json()
    # The secret is made once; the same window gives the same code.
    assert await _secret(day.meeting) == secret
    if again["secondsLeft"] <= body["secondsLeft"]:
        assert again["code"] == body["code"]
    # Only the secretariat shows the room screen.
    member = await signed_in("officer_a")
    assert (await member.get(f"/api/meetings/{day.meeting}/room-code")).status_code == 403


async def test_qr_check_in_marks_present_once(day: Day, signed_in: Any) -> None:
    secretariat = await signed_in("admin_a")
    code = (await secretariat.get(f"/api/meetings/{day.meeting}/room-code")).json()["code"]
    member = await signed_in("officer_a")
    first = await member.post(f"/api/meetings/{day.meeting}/check-in", json={"code": code})
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["attendance"] == "present"
    assert body["checkinMethod"] == "qr"
    assert body["replayed"] is False
    second = await member.post(f"/api/meetings/{day.meeting}/check-in", json={"fix": INSIDE})
    assert second.status_code == 200
    assert second.json()["replayed"] is True
    assert second.json()["checkedInAt"] == body["checkedInAt"]
    assert second.json()["checkinMethod"] == "qr"
    sheet = (await secretariat.get(f"/api/meetings/{day.meeting}/attendance")).json()
    mine = next(a for a in sheet["attendees"] if a["name"] == "Pegawai officer_a")
    assert mine["attendance"] == "present"
    assert sheet["quorum"]["present"] == 1


async def test_tampered_and_expired_codes_are_refused(day: Day, signed_in: Any) -> None:
    secretariat = await signed_in("admin_a")
    code = (await secretariat.get(f"/api/meetings/{day.meeting}/room-code")).json()["code"]
    secret = await _secret(day.meeting)
    window = attendance.current_window()
    member = await signed_in("officer_a")
    tampered = ("A" if code[0] != "A" else "B") + code[1:]
    expired = attendance.code_for(secret, day.meeting, window - 3)
    other_meeting = attendance.code_for(secret, day.meeting + 1, window)
    for bad in (tampered, expired, other_meeting, "ZZZZZZZZZZ"):
        response = await member.post(f"/api/meetings/{day.meeting}/check-in", json={"code": bad})
        assert response.status_code == 422, bad
        assert response.json()["code"] == "meeting_checkin_code_invalid"
        assert response.json()["errors"][0]["field"] == "code"
    # The previous window's code is still accepted (scanned just before it changed).
    previous = attendance.code_for(secret, day.meeting, window - 1)
    response = await member.post(f"/api/meetings/{day.meeting}/check-in", json={"code": previous})
    assert response.status_code == 200, response.text
    # Nothing recorded by the refused attempts: the first time is this one.
    assert response.json()["replayed"] is False


async def test_geofence_inside_outside_and_uncertain(day: Day, signed_in: Any) -> None:
    member = await signed_in("officer_a")
    url = f"/api/meetings/{day.meeting}/check-in"
    outside = await member.post(url, json={"fix": OUTSIDE})
    assert outside.status_code == 422
    problem = outside.json()
    assert problem["code"] == "meeting_checkin_outside"
    assert "HQ A" in problem["detail"]
    distance = int(problem["detail"].split("kira-kira ")[1].split(" m")[0])
    assert 1_500 < distance < 2_500
    vague = await member.post(url, json={"fix": {**INSIDE, "accuracy": 400.0}})
    assert vague.status_code == 422
    assert vague.json()["code"] == "meeting_checkin_uncertain"
    inside = await member.post(url, json={"fix": INSIDE})
    assert inside.status_code == 200, inside.text
    assert inside.json()["checkinMethod"] == "geofence"
    assert inside.json()["attendance"] == "present"


async def test_geofence_needs_a_venue_and_one_of_code_or_position(day: Day, signed_in: Any) -> None:
    online = await add_meeting(day, venue=False)
    await invite(online, day.users["officer_a"], "member")
    member = await signed_in("officer_a")
    response = await member.post(f"/api/meetings/{online}/check-in", json={"fix": INSIDE})
    assert response.status_code == 422
    assert response.json()["code"] == "meeting_no_venue"
    for body in ({}, {"code": "ABCDEFGHIJ", "fix": INSIDE}):
        response = await member.post(f"/api/meetings/{day.meeting}/check-in", json=body)
        assert response.status_code == 422
        assert response.json()["code"] == "meeting_checkin_code_or_position"


async def test_representative_checks_in_as_represented(day: Day, signed_in: Any) -> None:
    rahim = await signed_in("rahim")
    response = await rahim.post(f"/api/meetings/{day.meeting}/check-in", json={"fix": INSIDE})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["attendance"] == "represented"
    assert body["representing"] == "Bakar bin Salleh"
    assert body["invitationId"] == day.invitations["bakar"]
    listing = await (await signed_in("admin_a")).get(f"/api/meetings/{day.meeting}/attendance-list")
    assert listing.json()["lines"][:2] == [
        "HADIR",
        "1. Rahim bin Osman (hadir mewakili Bakar bin Salleh)",
    ]


async def test_check_in_window_and_cancelled(day: Day, signed_in: Any) -> None:
    from api.meetings.tables import Meeting

    member = await signed_in("officer_a")
    cases = {
        "meeting_checkin_not_yet": timedelta(minutes=45),
        "meeting_checkin_over": timedelta(hours=-3),
    }
    for code, starts_in in cases.items():
        meeting_id = await add_meeting(day, starts_in=starts_in)
        await invite(meeting_id, day.users["officer_a"], "member")
        response = await member.post(f"/api/meetings/{meeting_id}/check-in", json={"fix": INSIDE})
        assert response.status_code == 409, response.text
        assert response.json()["code"] == code
    soon = await add_meeting(day, starts_in=timedelta(minutes=25))
    await invite(soon, day.users["officer_a"], "member")
    response = await member.post(f"/api/meetings/{soon}/check-in", json={"fix": INSIDE})
    assert response.status_code == 200
    await Meeting.update({Meeting.status: "cancelled"}).where(Meeting.id == day.meeting)
    response = await member.post(f"/api/meetings/{day.meeting}/check-in", json={"fix": INSIDE})
    assert response.status_code == 409
    assert response.json()["code"] == "meeting_cancelled"


async def test_check_in_scope(day: Day, signed_in: Any) -> None:
    from api.meetings.tables import Meeting

    outsider = await signed_in("officer_b")
    response = await outsider.post(f"/api/meetings/{day.meeting}/check-in", json={"fix": INSIDE})
    assert response.status_code == 404
    response = await outsider.post("/api/meetings/999999/check-in", json={"fix": INSIDE})
    assert response.status_code == 404
    # A TERBUKA meeting is readable by the agency, but only invitees check in.
    await Meeting.update({Meeting.classification: "TERBUKA"}).where(Meeting.id == day.meeting)
    colleague = await signed_in("super")
    response = await colleague.post(f"/api/meetings/{day.meeting}/check-in", json={"fix": INSIDE})
    assert response.status_code == 403
    assert response.json()["code"] == "meeting_not_invited"


async def test_secretariat_mark_keeps_the_self_check_in_time(day: Day, signed_in: Any) -> None:
    member = await signed_in("officer_a")
    checked = (
        await member.post(f"/api/meetings/{day.meeting}/check-in", json={"fix": INSIDE})
    ).json()
    await asyncio.sleep(0.01)
    secretariat = await signed_in("admin_a")
    sheet = (
        await secretariat.put(
            f"/api/meetings/{day.meeting}/attendance/{day.invitations['officer_a']}",
            json={"attendance": "present"},
        )
    ).json()
    mine = next(a for a in sheet["attendees"] if a["name"] == "Pegawai officer_a")
    assert mine["checkinMethod"] == "geofence"
    assert mine["checkedInAt"] == checked["checkedInAt"]


async def test_concurrent_check_ins_record_one_time(day: Day, signed_in: Any) -> None:
    """A phone that sends the same check-in twice at once (double tap, retry): one first time."""
    member = await signed_in("officer_a")
    url = f"/api/meetings/{day.meeting}/check-in"
    answers = await asyncio.gather(*(member.post(url, json={"fix": INSIDE}) for _ in range(4)))
    assert [a.status_code for a in answers] == [200] * 4
    bodies = [a.json() for a in answers]
    assert sorted(b["replayed"] for b in bodies) == [False, True, True, True]
    assert len({b["checkedInAt"] for b in bodies}) == 1
    from api.accounts.tables import AuditEvent

    events = await AuditEvent.count().where(AuditEvent.action == "meeting.checked_in")
    assert events == 1
