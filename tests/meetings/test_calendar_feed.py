"""The private calendar feed: token made once, stored only as a hash, revocable; the .ics
parses and carries the right UIDs, SEQUENCE and statuses; SULIT titles are neutral."""

from __future__ import annotations

import hashlib

import icalendar

from tests.meetings.conftest import Cmt, meeting_body


async def _invited_meeting(cmt: Cmt, **overrides: object) -> int:
    sec = await cmt.client("sec")
    response = await sec.post("/api/meetings", json=meeting_body(cmt, **overrides))
    meeting_id = int(response.json()["id"])
    assert (await sec.post(f"/api/meetings/{meeting_id}/invitations", json={})).status_code == 200
    return meeting_id


def _path(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


async def test_the_feed_lists_my_meetings_and_parses(cmt: Cmt) -> None:
    open_id = await _invited_meeting(cmt)
    sulit_id = await _invited_meeting(cmt, classification="SULIT", room="Bilik Rahsia")
    cancelled_id = await _invited_meeting(cmt)
    sec = await cmt.client("sec")
    await sec.post(f"/api/meetings/{cancelled_id}/cancel")
    draft = await sec.post("/api/meetings", json=meeting_body(cmt))  # not in members' feeds
    member = await cmt.client("member")
    assert (await member.get("/api/calendar/feed")).json() == {"exists": False, "createdAt": None}
    made = await member.post("/api/calendar/feed")
    assert made.status_code == 201
    urls = made.json()
    assert urls["webcalUrl"].startswith("webcal://") and urls["httpsUrl"].endswith(".ics")
    assert urls["webcalUrl"].split("://")[1] == urls["httpsUrl"].split("://")[1]
    status = (await member.get("/api/calendar/feed")).json()
    assert status["exists"] is True and "token" not in str(status)
    # The feed needs no session: a fresh client, as a calendar app would be.
    assert cmt.make_client is not None
    app = await cmt.make_client()
    response = await app.get(_path(urls["httpsUrl"]))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "private" in response.headers["cache-control"]
    calendar = icalendar.Calendar.from_ical(response.content)
    assert "METHOD" not in calendar
    events = {str(e["UID"]): e for e in calendar.events}
    uid = {
        m: next(u for u in events if u.startswith(f"meeting-{m}@"))
        for m in (open_id, sulit_id, cancelled_id)
    }
    assert len(events) == 3
    assert draft.json()["id"] not in [int(u.split("-")[1].split("@")[0]) for u in events]
    assert str(events[uid[cancelled_id]]["STATUS"]) == "CANCELLED"
    assert int(str(events[uid[cancelled_id]]["SEQUENCE"])) == 1
    assert int(str(events[uid[open_id]]["SEQUENCE"])) == 0
    assert "Jawatankuasa Pemandu ICT" in str(events[uid[open_id]]["SUMMARY"])
    sulit = events[uid[sulit_id]]
    assert "Jawatankuasa" not in str(sulit["SUMMARY"])
    assert "LOCATION" not in sulit
    assert b"Bilik Rahsia" not in response.content
    # Only the hash is kept.
    from api.meetings.tables import CalendarFeedToken

    token = urls["httpsUrl"].rsplit("/", 1)[1].removesuffix(".ics")
    [row] = await CalendarFeedToken.select()
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(row)


async def test_a_new_feed_revokes_the_old_one_and_delete_revokes(cmt: Cmt) -> None:
    member = await cmt.client("member")
    first = (await member.post("/api/calendar/feed")).json()["httpsUrl"]
    second = (await member.post("/api/calendar/feed")).json()["httpsUrl"]
    assert first != second
    assert cmt.make_client is not None
    app = await cmt.make_client()
    assert (await app.get(_path(first))).status_code == 404
    assert (await app.get(_path(second))).status_code == 200
    assert (await member.delete("/api/calendar/feed")).status_code == 204
    assert (await app.get(_path(second))).status_code == 404
    assert (await member.get("/api/calendar/feed")).json()["exists"] is False


async def test_unknown_tokens_are_404(cmt: Cmt) -> None:
    assert cmt.make_client is not None
    app = await cmt.make_client()
    for path in ("/calendar/x.ics", "/calendar/" + "a" * 43 + ".ics", "/calendar/" + "a" * 43):
        assert (await app.get(path)).status_code == 404, path


async def test_a_frozen_account_feed_stops(cmt: Cmt) -> None:
    from api.org.tables import User

    member = await cmt.client("member")
    url = (await member.post("/api/calendar/feed")).json()["httpsUrl"]
    await User.update({User.state: "frozen"}).where(User.id == cmt.users["member"])
    assert cmt.make_client is not None
    app = await cmt.make_client()
    assert (await app.get(_path(url))).status_code == 404
