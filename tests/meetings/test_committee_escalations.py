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
