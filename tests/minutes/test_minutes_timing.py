"""Issue 16 defects 3 and 4: minutes follow the meeting's time and its invitations.

3. Minutes are approved only after the meeting started; they are confirmed only at a later
   meeting of the committee that was held (started, not cancelled).
4. A meeting whose invitations were never sent is unknown to its chair and reviewers: minutes
   for it are refused with a clear message instead of getting stuck.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.minutes.conftest import Committee, add_meeting
from tests.minutes.test_minutes_api import body, to_submitted


async def _move(meeting_id: int, starts_at: datetime) -> None:
    from api.meetings.tables import Meeting

    await Meeting.update(
        {Meeting.starts_at: starts_at, Meeting.ends_at: starts_at + timedelta(hours=2)}
    ).where(Meeting.id == meeting_id)


async def test_minutes_are_approved_only_after_the_meeting_started(committee: Committee) -> None:
    meeting_id = committee.meetings["first"]
    await _move(meeting_id, datetime.now(UTC) + timedelta(days=2))
    await to_submitted(committee)  # drafting and reviewing beforehand is fine
    chair = await committee.client("chair")
    response = await chair.post(f"/api/meetings/{meeting_id}/minutes/approve")
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "minutes_meeting_not_started"
    assert "bermula" in response.json()["detail"]
    await _move(meeting_id, datetime.now(UTC) - timedelta(minutes=5))
    response = await chair.post(f"/api/meetings/{meeting_id}/minutes/approve")
    assert response.status_code == 200, response.text


async def _distributed(committee: Committee) -> int:
    meeting_id = await to_submitted(committee)
    chair = await committee.client("chair")
    assert (await chair.post(f"/api/meetings/{meeting_id}/minutes/approve")).status_code == 200
    sec = await committee.client("secretary")
    assert (await sec.post(f"/api/meetings/{meeting_id}/minutes/distribute")).status_code == 200
    return meeting_id


async def test_minutes_are_confirmed_only_at_a_later_meeting_that_was_held(
    committee: Committee,
) -> None:
    from api.meetings.tables import Meeting

    meeting_id = await _distributed(committee)
    sec = await committee.client("secretary")
    url = f"/api/meetings/{meeting_id}/minutes/confirm"
    future, _ = await add_meeting(
        committee.id, 3, datetime.now(UTC) + timedelta(days=5), committee.users
    )
    choices = (await sec.get(f"/api/meetings/{meeting_id}/minutes")).json()["laterMeetings"]
    assert [c["id"] for c in choices] == [committee.meetings["later"]]
    response = await sec.post(url, json={"meetingId": future})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "minutes_confirm_meeting_not_held"
    cancelled = committee.meetings["later"]
    await Meeting.update({Meeting.status: "cancelled"}).where(Meeting.id == cancelled)
    response = await sec.post(url, json={"meetingId": cancelled})
    assert response.status_code == 422
    await Meeting.update({Meeting.status: "scheduled"}).where(Meeting.id == cancelled)
    response = await sec.post(url, json={"meetingId": cancelled})
    assert response.status_code == 200, response.text


async def test_minutes_of_a_meeting_never_sent_are_refused_clearly(committee: Committee) -> None:
    from api.meetings.tables import Meeting

    meeting_id = committee.meetings["first"]
    await Meeting.update({Meeting.status: "draft", Meeting.invited_at: None}).where(
        Meeting.id == meeting_id
    )
    sec = await committee.client("secretary")
    response = await sec.put(f"/api/meetings/{meeting_id}/minutes", json=body(committee))
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "minutes_meeting_not_invited"
    assert "jemputan" in response.json()["detail"].lower()
