"""Review is optional ("menyemak minit jika dilantik"): minutes go to the chair without a
review round when no reviewer is appointed, and after the chair sends them back the
secretariat resubmits without a new review round."""

from __future__ import annotations

from tests.minutes.conftest import Committee
from tests.minutes.test_minutes_api import body, to_submitted


async def test_minutes_go_to_the_chair_without_a_review_round(committee: Committee) -> None:
    meeting_id = committee.meetings["first"]
    base = f"/api/meetings/{meeting_id}/minutes"
    sec = await committee.client("secretary")
    assert (await sec.put(base, json=body(committee))).status_code == 200
    minutes = (await sec.get(base)).json()
    assert minutes["status"] == "draft" and minutes["can"]["submit"] is True
    r = await sec.post(f"{base}/submit")
    assert r.status_code == 200, r.text
    chair = await committee.client("chair")
    assert (await chair.get(base)).json()["status"] == "submitted"
    assert (await chair.post(f"{base}/approve")).status_code == 200


async def test_a_send_back_does_not_force_a_new_review_round(committee: Committee) -> None:
    meeting_id = await to_submitted(committee)  # one review round (Ali)
    base = f"/api/meetings/{meeting_id}/minutes"
    chair = await committee.client("chair")
    r = await chair.post(f"{base}/return", json={"comment": "Betulkan keputusan 2."})
    assert r.status_code == 200, r.text
    sec = await committee.client("secretary")
    current = (await sec.get(base)).json()
    assert current["status"] == "draft"
    r = await sec.put(base, json={**body(committee), "baseVersion": current["version"]})
    assert r.status_code == 200, r.text
    r = await sec.post(f"{base}/submit")
    assert r.status_code == 200, r.text
    assert (await chair.post(f"{base}/approve")).status_code == 200
