"""Per-committee usage per person (issue 16): RSVP timeliness, papers and minutes opened, and
feedback on time, for the committee's secretariat and chair (and the agency's figures'
readers), never for a member or an outsider."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.minutes.conftest import Committee
from tests.minutes.test_actions_api import approved_with_actions
from tests.papers.conftest import upload


async def test_usage_per_member(committee: Committee, org: Any) -> None:
    from api.meetings.tables import Invitation, Meeting
    from api.minutes.tables import Action

    first = committee.meetings["first"]
    starts = (await Meeting.select(Meeting.starts_at).where(Meeting.id == first).first())[
        "starts_at"
    ]
    # Sent out ten days before; Ali answered the next day, Bala only after it had started.
    await Meeting.update({Meeting.invited_at: starts - timedelta(days=10)}).where(
        Meeting.committee == committee.id
    )
    await Invitation.update({Invitation.responded_at: starts - timedelta(days=9)}).where(
        (Invitation.meeting == first) & (Invitation.user == committee.users["ali"])
    )
    await Invitation.update({Invitation.responded_at: starts + timedelta(hours=1)}).where(
        (Invitation.meeting == first) & (Invitation.user == committee.users["bala"])
    )
    sec = await committee.client("secretary")
    paper = await upload(sec, first, title="Kertas 1")
    assert paper.status_code == 201, paper.text
    today = datetime.now(UTC).date()
    meeting_id = await approved_with_actions(
        committee,
        actions=[
            {
                "text": "Tugas Ali",
                "assigneeUserId": committee.users["ali"],
                "dueDate": (today - timedelta(days=1)).isoformat(),
            },
            {
                "text": "Tugas Bala",
                "assigneeUserId": committee.users["bala"],
                "dueDate": (today - timedelta(days=1)).isoformat(),
            },
        ],
    )
    assert (await sec.post(f"/api/meetings/{meeting_id}/minutes/distribute")).status_code == 200
    ali = await committee.client("ali")
    # Ali opens the paper and the distributed minutes (twice: counted once).
    papers = (await ali.get(f"/api/meetings/{first}/papers")).json()["papers"]
    assert (await ali.get(papers[0]["url"])).status_code == 200
    for _ in range(2):
        assert (await ali.get(f"/api/meetings/{first}/minutes")).status_code == 200
    # Ali gave feedback (on time: the due date is yesterday, the feedback dated before it).
    [ali_action] = (await ali.get("/api/actions")).json()
    r = await ali.post(
        f"/api/actions/{ali_action['id']}/feedback", json={"text": "Siap", "status": "done"}
    )
    assert r.status_code == 200
    from api.minutes.tables import ActionFeedback

    await ActionFeedback.update(
        {ActionFeedback.created_at: datetime.now(UTC) - timedelta(days=3)}
    ).where(ActionFeedback.action == ali_action["id"])
    assert (
        await Action.count().where((Action.meeting == meeting_id) & (Action.kind == "action")) == 2
    )

    url = f"/api/committees/{committee.id}/usage"
    start, end = (today - timedelta(days=60)).isoformat(), today.isoformat()
    r = await sec.get(url, params={"from": start, "to": end})
    assert r.status_code == 200, r.text
    usage = r.json()
    assert usage["meetings"] == 2
    rows = {m["name"]: m for m in usage["members"]}
    assert [m["role"] for m in usage["members"]] == ["chair", "member", "member", "secretariat"]
    a, b = rows["Ahli Ali"], rows["Ahli Bala"]
    assert (a["invited"], a["answered"], a["answeredOnTime"]) == (2, 1, 1)
    assert a["medianHoursToAnswer"] == 24.0
    assert (b["answered"], b["answeredOnTime"]) == (1, 0)
    assert (a["papersOpened"], a["papersTotal"]) == (1, 1)
    assert (b["papersOpened"], b["papersTotal"]) == (0, 1)
    assert (a["minutesOpened"], a["minutesTotal"]) == (1, 1)
    assert b["minutesOpened"] == 0
    assert (a["actionsCounted"], a["feedbackOnTime"]) == (1, 1)
    assert (b["actionsCounted"], b["feedbackOnTime"]) == (1, 0)

    chair = await committee.client("chair")
    assert (await chair.get(url)).status_code == 200
    assert (await ali.get(url)).status_code == 404  # a member does not see the others' use
    outsider = await committee.client("outsider")
    assert (await outsider.get(url)).status_code == 404
    r = await sec.get(url, params={"from": end, "to": start})
    assert (r.status_code, r.json()["code"]) == (422, "meeting_stats_range")
