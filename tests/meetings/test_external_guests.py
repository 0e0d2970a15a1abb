"""Guests and action assignees from other agencies (issue 16): invited by the e-mail of their
Hadir account, they get the invitation with its .ics through the outbox (neutral for SULIT),
see the notice and, unless SULIT, the papers; they may be given an action of a non-SULIT
meeting and answer it with their own account; SULIT content never reaches them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.meetings.conftest import Cmt
from tests.meetings.test_rsvp_invitations import _meeting, _outbox
from tests.papers.conftest import upload

OUTSIDER = "officer_b@example.gov.my"  # an officer of agency B


async def test_an_officer_of_another_agency_is_invited_by_e_mail(cmt: Cmt) -> None:
    meeting_id = await _meeting(cmt, invite=False, classification="TERHAD")
    sec = await cmt.client("sec")
    url = f"/api/meetings/{meeting_id}/invitations"
    r = await sec.post(url, json={"guestEmails": ["nobody@example.com"]})
    assert (r.status_code, r.json()["code"]) == (422, "guest_email_unknown")
    assert "nobody@example.com" in r.json()["detail"]
    from api.org.tables import User

    # Found whatever the case of the stored address and of the typed one.
    await User.update({User.email: "Officer_B@Example.gov.my"}).where(
        User.id == cmt.users["officer_b"]
    )
    r = await sec.post(url, json={"guestEmails": [OUTSIDER.upper()]})
    assert r.status_code == 200, r.text
    [sent] = [
        r for r in await _outbox("meeting_invitation") if r["recipient"] == cmt.users["officer_b"]
    ]
    assert "mailto:officer_b@example.gov.my" in sent["calendar"]["ics"].lower()
    invited = (await sec.get(url)).json()
    assert any(i["userId"] == cmt.users["officer_b"] and i["role"] == "guest" for i in invited)
    paper = await upload(sec, meeting_id, title="Kertas terhad")
    assert paper.status_code == 201
    guest = await cmt.client("officer_b")
    notice = await guest.get(f"/api/meetings/{meeting_id}")
    assert notice.status_code == 200 and notice.json()["invitations"] is None  # limited view
    assert (await guest.get(f"/api/meetings/{meeting_id}/papers")).status_code == 200
    r = await guest.put(f"/api/meetings/{meeting_id}/rsvp", json={"response": "accepted"})
    assert r.status_code == 200, r.text


async def test_a_sulit_meeting_s_guest_from_elsewhere_reads_no_content(cmt: Cmt) -> None:
    meeting_id = await _meeting(cmt, invite=False, classification="SULIT")
    sec = await cmt.client("sec")
    r = await sec.post(f"/api/meetings/{meeting_id}/invitations", json={"guestEmails": [OUTSIDER]})
    assert r.status_code == 200, r.text
    [sent] = [
        r for r in await _outbox("meeting_invitation") if r["recipient"] == cmt.users["officer_b"]
    ]
    params = json.loads(sent["params"]) if isinstance(sent["params"], str) else sent["params"]
    assert params["meeting_title"].startswith("Mesyuarat (SULIT) Bil.")
    assert "SUMMARY:Mesyuarat (SULIT) Bil." in sent["calendar"]["ics"]
    guest = await cmt.client("officer_b")
    assert (await guest.get(f"/api/meetings/{meeting_id}")).status_code == 200
    assert (await guest.get(f"/api/meetings/{meeting_id}/papers")).status_code == 404


async def _held_meeting(cmt: Cmt, classification: str) -> int:
    """A meeting that was held an hour ago, with the member and the outside guest invited."""
    from api.meetings.tables import Invitation, Meeting

    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    meeting_id = (
        await Meeting.insert(
            Meeting(
                committee=cmt.id,
                year=start.year,
                number=77,
                title="Mesyuarat bersama agensi B",
                classification=classification,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                status="scheduled",
                invited_at=start - timedelta(days=7),
            )
        ).returning(Meeting.id)
    )[0]["id"]
    await Invitation.insert(
        Invitation(meeting=meeting_id, user=cmt.users["sec"], role="secretariat"),
        Invitation(meeting=meeting_id, user=cmt.users["officer_b"], role="guest"),
    )
    return int(meeting_id)


def _minutes(user_id: int) -> dict[str, Any]:
    due = (datetime.now(UTC).date() + timedelta(days=14)).isoformat()
    action = {"text": "Kongsi data agensi B.", "assigneeUserId": user_id, "dueDate": due}
    return {"body": {"items": [{"title": "Kerjasama", "actions": [action]}]}}


async def test_a_guest_of_another_agency_can_be_given_an_action(cmt: Cmt) -> None:
    meeting_id = await _held_meeting(cmt, "TERBUKA")
    sec = await cmt.client("sec")
    r = await sec.put(f"/api/meetings/{meeting_id}/minutes", json=_minutes(cmt.users["officer_b"]))
    assert r.status_code == 200, r.text
    # Someone of another agency who was not invited may not be given the action.
    r = await sec.put(
        f"/api/meetings/{meeting_id}/minutes", json=_minutes(cmt.org.users["admin_b"])
    )
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "action_assignee_invalid", r.text
    assert (await sec.post(f"/api/meetings/{meeting_id}/minutes/submit")).status_code == 200
    chair = await cmt.client("chair")
    r = await chair.post(f"/api/meetings/{meeting_id}/minutes/approve")
    assert r.status_code == 200, r.text
    guest = await cmt.client("officer_b")
    [action] = (await guest.get("/api/actions")).json()
    assert action["text"] == "Kongsi data agensi B."
    r = await guest.post(
        f"/api/actions/{action['id']}/feedback", json={"text": "Data dihantar.", "status": "done"}
    )
    assert r.status_code == 200, r.text


async def test_a_sulit_action_stays_with_the_committee(cmt: Cmt) -> None:
    meeting_id = await _held_meeting(cmt, "SULIT")
    sec = await cmt.client("sec")
    r = await sec.put(f"/api/meetings/{meeting_id}/minutes", json=_minutes(cmt.users["officer_b"]))
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "action_assignee_invalid"
