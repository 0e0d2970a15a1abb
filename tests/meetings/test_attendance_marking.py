"""The secretariat marks attendance on the day: the sheet, quorum maths, reasons,
representatives, the marking window, cancelled meetings, scope (404 outside), ETag polling."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from api.meetings.attendance import quorum_needed
from tests.meetings.conftest_attendance import Day, add_meeting, day, invite, signed_in

__all__ = ["day", "signed_in"]


@pytest.mark.parametrize(
    ("own", "voting", "needed"),
    [(None, 7, 4), (None, 6, 4), (None, 5, 3), (None, 1, 1), (None, 0, 1), (3, 7, 3), (0, 4, 3)],
)
def test_quorum_is_the_committees_own_or_a_majority(
    own: int | None, voting: int, needed: int
) -> None:
    assert quorum_needed(own, voting) == needed


def _url(day: Day, invitation: str | int | None = None) -> str:
    base = f"/api/meetings/{day.meeting}/attendance"
    if invitation is None:
        return base
    target = day.invitations[invitation] if isinstance(invitation, str) else invitation
    return f"{base}/{target}"


async def test_sheet_lists_invitees_in_official_order_with_quorum(day: Day, signed_in: Any) -> None:
    secretariat = await signed_in("admin_a")
    response = await secretariat.get(_url(day))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [a["name"] for a in body["attendees"]] == [
        "Pegawai exec_a",
        "Pegawai officer_a",
        "Ahmad bin Ali",
        "Bakar bin Salleh",
        "Chong Wei Ming",
        "Gopal a/l Raju",
        "Pegawai admin_a",
    ]
    bakar = body["attendees"][3]
    assert bakar["response"] == "delegated"
    assert bakar["representativeName"] == "Rahim bin Osman"
    # chair + 4 members (the secretariat does not count): a majority of 5 is 3.
    assert body["quorum"] == {"needed": 3, "present": 0, "votingMembers": 5, "reached": False}
    assert body["markingOpen"] is True
    assert body["number"].startswith("Bil. ")


async def test_present_and_represented_count_towards_quorum(day: Day, signed_in: Any) -> None:
    secretariat = await signed_in("admin_a")
    for key in ("officer_a", "admin_a", "gopal"):
        response = await secretariat.put(_url(day, key), json={"attendance": "present"})
        assert response.status_code == 200, response.text
    # The secretariat and a guest are present, but only one member counts.
    assert response.json()["quorum"]["present"] == 1
    response = await secretariat.put(
        _url(day, "chong"), json={"attendance": "absent", "reason": "Bercuti rehat"}
    )
    assert response.json()["quorum"]["present"] == 1
    response = await secretariat.put(_url(day, "exec_a"), json={"attendance": "present"})
    assert response.json()["quorum"] == {
        "needed": 3,
        "present": 2,
        "votingMembers": 5,
        "reached": False,
    }
    # Bakar is represented by the representative named in his RSVP.
    response = await secretariat.put(_url(day, "bakar"), json={"attendance": "represented"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["quorum"]["present"] == 3
    assert body["quorum"]["reached"] is True
    bakar = next(a for a in body["attendees"] if a["name"] == "Bakar bin Salleh")
    assert bakar["attendance"] == "represented"
    assert bakar["representativeName"] == "Rahim bin Osman"
    assert bakar["checkinMethod"] == "secretariat"
    assert bakar["checkedInAt"] is not None
    chong = next(a for a in body["attendees"] if a["name"] == "Chong Wei Ming")
    assert chong["absenceReason"] == "Bercuti rehat"
    assert chong["checkedInAt"] is None


async def test_committee_quorum_overrides_the_majority(day: Day, signed_in: Any) -> None:
    from api.meetings.tables import Committee

    await Committee.update({Committee.quorum: 1}).where(Committee.id == day.committee)
    secretariat = await signed_in("admin_a")
    response = await secretariat.put(_url(day, "ahmad"), json={"attendance": "present"})
    assert response.json()["quorum"] == {
        "needed": 1,
        "present": 1,
        "votingMembers": 5,
        "reached": True,
    }


async def test_absent_needs_a_reason(day: Day, signed_in: Any) -> None:
    secretariat = await signed_in("admin_a")
    response = await secretariat.put(
        _url(day, "ahmad"), json={"attendance": "absent", "reason": "  "}
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "meeting_absence_reason_required"
    assert problem["errors"][0]["field"] == "reason"
    assert "sebab" in problem["detail"]


async def test_represented_by_a_named_person_or_refused_without_one(
    day: Day, signed_in: Any
) -> None:
    secretariat = await signed_in("admin_a")
    # Ahmad gave no representative in his RSVP: one must be named.
    response = await secretariat.put(_url(day, "ahmad"), json={"attendance": "represented"})
    assert response.status_code == 422
    assert response.json()["code"] == "meeting_representative_required"
    response = await secretariat.put(
        _url(day, "ahmad"),
        json={"attendance": "represented", "representativeName": "Encik Zainal (KPSU)"},
    )
    assert response.status_code == 200
    ahmad = next(a for a in response.json()["attendees"] if a["name"] == "Ahmad bin Ali")
    assert ahmad["representativeName"] == "Encik Zainal (KPSU)"
    # Or a colleague by id (replacing the typed name); an unknown id is refused.
    response = await secretariat.put(
        _url(day, "ahmad"),
        json={"attendance": "represented", "representativeId": day.users["gopal"]},
    )
    ahmad = next(a for a in response.json()["attendees"] if a["name"] == "Ahmad bin Ali")
    assert ahmad["representativeName"] == "Gopal a/l Raju"
    response = await secretariat.put(
        _url(day, "ahmad"), json={"attendance": "represented", "representativeId": 999_999}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "representativeId"


async def test_marking_is_audited(day: Day, signed_in: Any) -> None:
    from api.accounts.tables import AuditEvent

    secretariat = await signed_in("admin_a")
    await secretariat.put(_url(day, "ahmad"), json={"attendance": "present"})
    await secretariat.put(_url(day, "ahmad"), json={"attendance": "absent", "reason": "Sakit"})
    events = (
        await AuditEvent.select(AuditEvent.action, AuditEvent.target_id, AuditEvent.detail)
        .where(AuditEvent.action == "meeting.attendance_marked")
        .order_by(AuditEvent.seq)
    )
    assert [e["target_id"] for e in events] == [str(day.invitations["ahmad"])] * 2
    details = [e["detail"] for e in events]
    details = [d if isinstance(d, dict) else __import__("json").loads(d) for d in details]
    assert [(d["previous"], d["attendance"]) for d in details] == [
        ("", "present"),
        ("present", "absent"),
    ]


async def test_marking_window_and_cancelled_meetings(day: Day, signed_in: Any) -> None:
    from api.meetings.tables import Meeting

    secretariat = await signed_in("admin_a")
    past = await add_meeting(day, starts_in=timedelta(days=-3))
    future = await add_meeting(day, starts_in=timedelta(days=3))
    eve = await add_meeting(day, starts_in=timedelta(hours=20))
    for meeting_id, status in ((past, 409), (future, 409), (eve, 200)):
        invitation = await invite(meeting_id, day.users["ahmad"], "member")
        response = await secretariat.put(
            f"/api/meetings/{meeting_id}/attendance/{invitation}", json={"attendance": "present"}
        )
        assert response.status_code == status, (meeting_id, response.text)
        if status == 409:
            assert response.json()["code"] == "meeting_marking_closed"
    await Meeting.update({Meeting.status: "cancelled"}).where(Meeting.id == day.meeting)
    response = await secretariat.put(_url(day, "ahmad"), json={"attendance": "present"})
    assert response.status_code == 409
    assert response.json()["code"] == "meeting_cancelled"
    sheet = (await secretariat.get(_url(day))).json()
    assert sheet["markingOpen"] is False


async def test_scope_outsiders_get_404_members_403(day: Day, signed_in: Any) -> None:
    outsider = await signed_in("officer_b")
    for method, url in (
        ("GET", _url(day)),
        ("PUT", _url(day, "ahmad")),
        ("GET", f"/api/meetings/{day.meeting}/room-code"),
        ("GET", "/api/meetings/999999/attendance"),
    ):
        response = await outsider.request(method, url, json={"attendance": "present"})
        assert response.status_code == 404, (method, url, response.text)
    member = await signed_in("officer_a")
    response = await member.get(_url(day))
    assert response.status_code == 403
    response = await member.put(_url(day, "ahmad"), json={"attendance": "present"})
    assert response.status_code == 403
    # An invitation of another meeting, through this meeting's URL: 404.
    other = await add_meeting(day)
    foreign = await invite(other, day.users["ahmad"], "member")
    secretariat = await signed_in("admin_a")
    response = await secretariat.put(_url(day, foreign), json={"attendance": "present"})
    assert response.status_code == 404


async def test_polling_with_etag_answers_304_until_something_changes(
    day: Day, signed_in: Any
) -> None:
    secretariat = await signed_in("admin_a")
    first = await secretariat.get(_url(day))
    etag = first.headers["etag"]
    same = await secretariat.get(_url(day), headers={"if-none-match": etag})
    assert same.status_code == 304
    assert same.content == b""
    await secretariat.put(_url(day, "ahmad"), json={"attendance": "present"})
    changed = await secretariat.get(_url(day), headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


async def test_representative_from_the_rsvp_is_kept_when_confirmed_by_name(
    day: Day, signed_in: Any
) -> None:
    secretariat = await signed_in("admin_a")
    response = await secretariat.put(
        _url(day, "bakar"),
        json={"attendance": "represented", "representativeName": "Rahim bin Osman"},
    )
    bakar = next(a for a in response.json()["attendees"] if a["name"] == "Bakar bin Salleh")
    # Still the colleague's account (who may then see the meeting and check in), not a text.
    assert bakar["representativeId"] == day.users["rahim"]
    response = await secretariat.put(
        _url(day, "bakar"),
        json={"attendance": "represented", "representativeName": "Puan Lim (BTM)"},
    )
    bakar = next(a for a in response.json()["attendees"] if a["name"] == "Bakar bin Salleh")
    assert bakar["representativeId"] is None
    assert bakar["representativeName"] == "Puan Lim (BTM)"
