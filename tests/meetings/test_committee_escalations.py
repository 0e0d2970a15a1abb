"""Issue 18 items 4-6: the privilege escalations around a committee's classification,
membership and chair, each reproduced as the attack and shown refused."""

from __future__ import annotations

import json
from typing import Any

from tests.meetings.conftest import Cmt, meeting_body


async def _events(action: str) -> list[dict[str, Any]]:
    from api.accounts.tables import AuditEvent

    rows = await AuditEvent.select(AuditEvent.actor_id, AuditEvent.detail).where(
        AuditEvent.action == action
    )
    for row in rows:
        if isinstance(row["detail"], str):
            row["detail"] = json.loads(row["detail"])
    return rows


async def _sulit_meeting(cmt: Cmt) -> int:
    sec = await cmt.client("sec")
    response = await sec.post("/api/meetings", json=meeting_body(cmt, classification="SULIT"))
    assert response.status_code == 201, response.text
    meeting_id = int(response.json()["id"])
    invited = await sec.post(f"/api/meetings/{meeting_id}/invitations", json={})
    assert invited.status_code == 200, invited.text
    return meeting_id


async def _start_minutes(meeting_id: int, status: str = "draft") -> None:
    from api.minutes.tables import Minutes

    await Minutes.insert(Minutes(meeting=meeting_id, status=status))


# --------------------------------------------------------------------------- item 4


async def test_the_secretariat_cannot_declassify_a_sulit_meeting(cmt: Cmt) -> None:
    meeting_id = await _sulit_meeting(cmt)
    sec = await cmt.client("sec")
    for via in (
        sec.patch(f"/api/meetings/{meeting_id}", json={"classification": "TERBUKA"}),
        sec.put(f"/api/meetings/{meeting_id}/classification", json={"classification": "TERHAD"}),
    ):
        response = await via
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "classification_lower_chair_only"
    assert (await sec.get(f"/api/meetings/{meeting_id}")).json()["classification"] == "SULIT"
    # Raising stays the secretariat's, audited with before and after.
    plain = await sec.post("/api/meetings", json=meeting_body(cmt))
    plain_id = plain.json()["id"]
    raised = await sec.patch(f"/api/meetings/{plain_id}", json={"classification": "TERHAD"})
    assert raised.status_code == 200 and raised.json()["classification"] == "TERHAD"
    events = await _events("meeting.classification_change")
    assert [e["detail"] for e in events] == [{"before": "TERBUKA", "after": "TERHAD"}]


async def test_the_chair_lowers_the_classification_audited_before_and_after(cmt: Cmt) -> None:
    meeting_id = await _sulit_meeting(cmt)
    chair = await cmt.client("chair")
    member = await cmt.client("member")
    refused = await member.put(
        f"/api/meetings/{meeting_id}/classification", json={"classification": "TERBUKA"}
    )
    assert refused.status_code == 403
    response = await chair.put(
        f"/api/meetings/{meeting_id}/classification", json={"classification": "TERHAD"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["classification"] == "TERHAD"
    events = await _events("meeting.classification_change")
    assert [(e["actor_id"], e["detail"]) for e in events] == [
        (cmt.users["chair"], {"before": "SULIT", "after": "TERHAD"})
    ]


async def test_the_classification_is_fixed_once_minutes_exist(cmt: Cmt) -> None:
    meeting_id = await _sulit_meeting(cmt)
    await _start_minutes(meeting_id)
    chair = await cmt.client("chair")
    response = await chair.put(
        f"/api/meetings/{meeting_id}/classification", json={"classification": "TERBUKA"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "classification_fixed_after_minutes"
    assert "minit" in response.json()["detail"]
    sec = await cmt.client("sec")
    assert (await sec.get(f"/api/meetings/{meeting_id}")).json()["classification"] == "SULIT"
    assert await _events("meeting.classification_change") == []


# --------------------------------------------------------------------------- item 5


async def _member_ids(cmt: Cmt) -> dict[int, int]:
    sec = await cmt.client("sec")
    members = (await sec.get(f"/api/committees/{cmt.id}")).json()["members"]
    return {m["userId"]: m["id"] for m in members}


async def test_an_agency_admin_cannot_join_a_committee_with_sulit_meetings(cmt: Cmt) -> None:
    meeting_id = await _sulit_meeting(cmt)
    admin = await cmt.client("admin_a")
    url = f"/api/committees/{cmt.id}/members"
    for attempt in (
        admin.post(url, json={"userId": cmt.users["admin_a"]}),
        admin.post(url, json={"userId": cmt.users["colleague"]}),
        admin.post(f"{url}/import", content=f"{cmt.login['admin_a']},ahli,1\n"),
    ):
        response = await attempt
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "committee_sulit_members_by_committee"
    member2 = (await _member_ids(cmt))[cmt.users["member2"]]
    assert (await admin.delete(f"{url}/{member2}")).status_code == 403
    assert (await admin.patch(f"{url}/{member2}", json={"role": "secretariat"})).status_code == 403
    detail = (await admin.get(f"/api/committees/{cmt.id}")).json()
    assert detail["canManage"] is False
    assert cmt.users["admin_a"] not in {m["userId"] for m in detail["members"]}
    assert (await admin.get(f"/api/meetings/{meeting_id}/papers")).status_code == 404
    # The committee's own secretariat and chair still manage its membership.
    sec = await cmt.client("sec")
    assert (await sec.post(url, json={"userId": cmt.users["colleague"]})).status_code == 201
    chair = await cmt.client("chair")
    colleague = (await _member_ids(cmt))[cmt.users["colleague"]]
    assert (await chair.delete(f"{url}/{colleague}")).status_code == 204


# --------------------------------------------------------------------------- item 6


async def test_the_secretariat_cannot_choose_the_chair(cmt: Cmt) -> None:
    sec = await cmt.client("sec")
    url = f"/api/committees/{cmt.id}/members"
    ids = await _member_ids(cmt)
    for attempt in (
        sec.patch(f"{url}/{ids[cmt.users['chair']]}", json={"role": "member"}),
        sec.patch(f"{url}/{ids[cmt.users['member']]}", json={"role": "chair"}),
        sec.delete(f"{url}/{ids[cmt.users['chair']]}"),
    ):
        response = await attempt
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "chair_change_not_allowed"
    roles = {
        m["userId"]: m["role"]
        for m in (await sec.get(f"/api/committees/{cmt.id}")).json()["members"]
    }
    assert roles[cmt.users["chair"]] == "chair" and roles[cmt.users["member"]] == "member"


async def test_the_chair_hands_over_audited(cmt: Cmt) -> None:
    chair = await cmt.client("chair")
    url = f"/api/committees/{cmt.id}/members"
    ids = await _member_ids(cmt)
    response = await chair.patch(f"{url}/{ids[cmt.users['member2']]}", json={"role": "chair"})
    assert response.status_code == 200, response.text
    roles = {m["userId"]: m["role"] for m in response.json()}
    assert roles[cmt.users["member2"]] == "chair" and roles[cmt.users["chair"]] == "member"
    events = await _events("committee.chair_change")
    assert [(e["actor_id"], e["detail"]) for e in events] == [
        (cmt.users["chair"], {"before": cmt.users["chair"], "after": cmt.users["member2"]})
    ]


async def test_the_agency_admin_changes_the_chair_but_never_to_themselves(cmt: Cmt) -> None:
    await _sulit_meeting(cmt)
    admin = await cmt.client("admin_a")
    url = f"/api/committees/{cmt.id}/members"
    ids = await _member_ids(cmt)
    # On a SULIT committee too, among its members: demote, then name another member.
    demoted = await admin.patch(f"{url}/{ids[cmt.users['chair']]}", json={"role": "member"})
    assert demoted.status_code == 200, demoted.text
    named = await admin.patch(f"{url}/{ids[cmt.users['member2']]}", json={"role": "chair"})
    assert named.status_code == 200, named.text
    # Never themselves (on a committee without SULIT meetings, where they may add people).
    from api.meetings.tables import Meeting

    await Meeting.delete().where(Meeting.committee == cmt.id)
    new_chair = (await _member_ids(cmt))[cmt.users["member2"]]
    assert (await admin.delete(f"{url}/{new_chair}")).status_code == 204
    response = await admin.post(url, json={"userId": cmt.users["admin_a"], "role": "chair"})
    assert response.status_code == 403 and response.json()["code"] == "chair_change_not_self"


async def test_no_chair_change_while_minutes_await_approval(cmt: Cmt) -> None:
    meeting_id = await _sulit_meeting(cmt)
    await _start_minutes(meeting_id, status="submitted")
    url = f"/api/committees/{cmt.id}/members"
    ids = await _member_ids(cmt)
    for who in ("admin_a", "chair"):
        client = await cmt.client(who)
        response = await client.patch(f"{url}/{ids[cmt.users['member']]}", json={"role": "chair"})
        assert response.status_code == 409, response.text
        assert response.json()["code"] == "chair_change_during_approval"
    assert await _events("committee.chair_change") == []
