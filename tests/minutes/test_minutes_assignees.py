"""Issue 16 defect 6: distributed minutes named nobody ("— oleh –") for actions assigned to a
unit, or to someone outside the committee, when a member read them: the minutes now carry
the name of every assignee they mention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.fixtures import Org
from tests.minutes.conftest import Committee
from tests.minutes.test_minutes_api import body, due


async def test_every_reader_sees_who_acts(committee: Committee, org: Org) -> None:
    meeting_id = committee.meetings["first"]
    later = (datetime.now(UTC).date() + timedelta(days=14)).isoformat()
    actions = [
        {"text": "Unit bertindak.", "assigneeUnitId": org.units_a["it"], "dueDate": later},
        {"text": "Orang luar bertindak.", "assigneeUserId": committee.users["outsider"]},
        {"text": "Ahli bertindak.", "assigneeUserId": committee.users["ali"]},
    ]
    sec = await committee.client("secretary")
    r = await sec.put(f"/api/meetings/{meeting_id}/minutes", json=body(committee, actions=actions))
    assert r.status_code == 200, r.text
    r = await sec.post(
        f"/api/meetings/{meeting_id}/minutes/review",
        json={"reviewerIds": [committee.users["ali"]], "dueDate": due()},
    )
    assert r.status_code == 200, r.text
    assert (await sec.post(f"/api/meetings/{meeting_id}/minutes/submit")).status_code == 200
    chair = await committee.client("chair")
    assert (await chair.post(f"/api/meetings/{meeting_id}/minutes/approve")).status_code == 200
    assert (await sec.post(f"/api/meetings/{meeting_id}/minutes/distribute")).status_code == 200

    member = await committee.client("bala")
    minutes = (await member.get(f"/api/meetings/{meeting_id}/minutes")).json()
    assert minutes["units"] == []  # the agency's units are the secretariat's picker only
    names = minutes["assigneeNames"]
    assert names == {
        f"unit:{org.units_a['it']}": "Bahagian IT",
        f"user:{committee.users['outsider']}": "Ahli Outsider",
        f"user:{committee.users['ali']}": "Ahli Ali",
    }
    for item in minutes["body"]["items"]:
        for action in item["actions"]:
            key = (
                f"user:{action['assigneeUserId']}"
                if action["assigneeUserId"]
                else f"unit:{action['assigneeUnitId']}"
            )
            assert names[key]
