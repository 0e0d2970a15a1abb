"""The calendar screen's data: the user's meetings (invited, representing, committee member)
in a date range of at most 62 days, SULIT titles hidden from non-members, drafts only for the
secretariat, nothing of another agency's committees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from api.attendance.rules import MALAYSIA_TZ
from tests.meetings.conftest_attendance import Day, add_meeting, day, invite, signed_in

__all__ = ["day", "signed_in"]


def _range(days_before: int = 10, days_after: int = 20) -> dict[str, str]:
    today = datetime.now(UTC).astimezone(MALAYSIA_TZ).date()
    return {
        "from": (today - timedelta(days=days_before)).isoformat(),
        "to": (today + timedelta(days=days_after)).isoformat(),
    }


async def _items(client: Any, **query: str) -> list[dict[str, Any]]:
    response = await client.get("/api/meeting-calendar", params=query or _range())
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_range_is_checked(day: Day, signed_in: Any) -> None:
    member = await signed_in("officer_a")
    too_long = _range(0, 62)  # 63 days
    response = await member.get("/api/meeting-calendar", params=too_long)
    assert response.status_code == 422
    assert response.json()["code"] == "meeting_calendar_range"
    assert response.json()["errors"][0]["field"] == "to"
    for extreme in (
        {"from": "9999-12-30", "to": "9999-12-31"},
        {"from": "0001-01-01", "to": "0001-01-02"},
    ):
        response = await member.get("/api/meeting-calendar", params=extreme)
        assert response.status_code == 422, extreme
    backwards = {"from": "2026-12-10", "to": "2026-12-01"}
    assert (await member.get("/api/meeting-calendar", params=backwards)).status_code == 422
    assert (
        await member.get("/api/meeting-calendar", params={"from": "x", "to": "y"})
    ).status_code == 400
    assert len(await _items(member, **_range(0, 61))) == 1


async def test_members_see_their_committees_meetings_with_rsvp(day: Day, signed_in: Any) -> None:
    # A meeting of the committee that officer_a is not invited to, one outside the range,
    # a draft and a cancelled one.
    uninvited = await add_meeting(day, starts_in=timedelta(days=3), title="Mesyuarat Khas")
    await add_meeting(day, starts_in=timedelta(days=40))
    await add_meeting(day, starts_in=timedelta(days=4), status="draft", title="Draf")
    cancelled = await add_meeting(day, starts_in=timedelta(days=5), status="cancelled")
    items = await _items(await signed_in("officer_a"))
    assert [i["meetingId"] for i in items] == [day.meeting, uninvited, cancelled]
    first = items[0]
    assert first["title"] == "Mesyuarat Jawatankuasa ICT"
    assert first["myRole"] == "member"
    assert first["myRsvp"] == "accepted"
    assert first["committeeName"] == "JK ICT"
    assert first["number"].startswith("Bil. ")
    assert items[1]["myRole"] == "member" and items[1]["myRsvp"] == ""
    assert items[2]["status"] == "cancelled"
    # The secretariat sees the draft too.
    titles = [i["title"] for i in await _items(await signed_in("admin_a"))]
    assert "Draf" in titles


async def test_sulit_titles_only_for_members(day: Day, signed_in: Any) -> None:
    from api.meetings.tables import Meeting

    await Meeting.update({Meeting.classification: "SULIT", Meeting.title: "Perolehan X"}).where(
        Meeting.id == day.meeting
    )
    member = (await _items(await signed_in("officer_a")))[0]
    assert member["title"] == "Perolehan X"
    assert member["titleHidden"] is False
    for key, role in (("gopal", "guest"), ("rahim", "representative")):
        item = (await _items(await signed_in(key)))[0]
        assert item["title"] == "Mesyuarat (SULIT)", key
        assert item["titleHidden"] is True
        assert item["myRole"] == role
        assert item["classification"] == "SULIT"
    english = await (await signed_in("gopal")).get(
        "/api/meeting-calendar", params=_range(), headers={"accept-language": "en"}
    )
    assert "Perolehan X" not in english.text


async def test_nothing_of_other_people_or_agencies(day: Day, signed_in: Any) -> None:
    from api.meetings.tables import Committee

    assert await _items(await signed_in("officer_b")) == []
    # super is in agency A but neither in the committee nor invited: a TERHAD meeting is not
    # theirs; once invited to another committee's meeting, only that one shows.
    assert await _items(await signed_in("super")) == []
    other = (
        await Committee.insert(
            Committee(agency=day.org.agency_a, code="JKK", name="JK Kewangan")
        ).returning(Committee.id)
    )[0]["id"]
    elsewhere = await add_meeting(day, committee=other, starts_in=timedelta(days=1))
    await invite(elsewhere, day.users["super"], "guest")
    items = await _items(await signed_in("super"))
    assert [(i["meetingId"], i["myRole"], i["myRsvp"]) for i in items] == [
        (elsewhere, "guest", "needs_action")
    ]
