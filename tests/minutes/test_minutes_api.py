"""Minutes: the state machine, versions and diff, comments, notifications, approvals inbox."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.minutes.conftest import Committee


def body(
    committee: Committee,
    meeting: str = "first",
    discussion: str = "Projek dibincangkan.",
    actions: list[dict[str, Any]] | None = None,
    decisions: list[str] | None = None,
) -> dict[str, Any]:
    items = committee.items[meeting]
    return {
        "body": {
            "items": [
                {"title": "Pengesahan minit", "agendaItemId": items[0], "discussion": ""},
                {
                    "title": "Projek pendigitalan",
                    "agendaItemId": items[1],
                    "discussion": discussion,
                    "decisions": [{"text": d} for d in (decisions or ["Projek diluluskan."])],
                    "actions": actions
                    if actions is not None
                    else [
                        {
                            "text": "Sediakan kertas cadangan.",
                            "assigneeUserId": committee.users["ali"],
                            "dueDate": (datetime.now(UTC).date() + timedelta(days=14)).isoformat(),
                        }
                    ],
                },
            ],
            "notes": "",
        }
    }


def due() -> str:
    return (datetime.now(UTC).date() + timedelta(days=3)).isoformat()


async def outbox(kind: str) -> list[dict[str, Any]]:
    from api.outbox.tables import Notification

    return await Notification.select(
        Notification.recipient, Notification.url, Notification.channel, Notification.params
    ).where(Notification.kind == kind)


async def to_submitted(committee: Committee, meeting: str = "first") -> int:
    """Drafts, sends for review (reviewer: ali) and submits the minutes; returns the meeting id."""
    meeting_id = committee.meetings[meeting]
    sec = await committee.client("secretary")
    r = await sec.put(f"/api/meetings/{meeting_id}/minutes", json=body(committee, meeting))
    assert r.status_code == 200, r.text
    r = await sec.post(
        f"/api/meetings/{meeting_id}/minutes/review",
        json={"reviewerIds": [committee.users["ali"]], "dueDate": due()},
    )
    assert r.status_code == 200, r.text
    r = await sec.post(f"/api/meetings/{meeting_id}/minutes/submit")
    assert r.status_code == 200, r.text
    return meeting_id


async def test_template_has_attendance_and_agenda(committee: Committee) -> None:
    sec = await committee.client("secretary")
    r = await sec.get(f"/api/meetings/{committee.meetings['first']}/minutes")
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["status"] == "none"
    assert data["can"]["edit"] is True
    assert [i["title"] for i in data["body"]["items"]] == [
        "Pengesahan minit",
        "Projek pendigitalan",
    ]
    attendance = data["body"]["attendance"]
    present = [a["name"] for a in attendance["present"]]
    assert present == ["Ahli Chair", "Ahli Ali"]  # chair first, then members by seniority
    assert [a["name"] for a in attendance["absent"]] == ["Ahli Bala"]
    assert "Bercuti" in attendance["absent"][0]["text"]
    assert [a["name"] for a in attendance["inAttendance"]] == ["Ahli Secretary"]


async def test_full_life_of_minutes(committee: Committee) -> None:
    meeting_id = committee.meetings["first"]
    base = f"/api/meetings/{meeting_id}/minutes"
    sec = await committee.client("secretary")
    ali = await committee.client("ali")
    bala = await committee.client("bala")
    chair = await committee.client("chair")

    r = await sec.put(base, json=body(committee, discussion="Baris satu."))
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["version"]) == ("draft", 1)
    r = await sec.put(
        base, json={**body(committee, discussion="Baris satu.\nBaris dua."), "baseVersion": 1}
    )
    assert r.json()["version"] == 2
    # A save over a version that is no longer current is refused.
    r = await sec.put(base, json={**body(committee), "baseVersion": 1})
    assert (r.status_code, r.json()["code"]) == (409, "minutes_stale_version")

    # Only committee members can review; a past due date is refused with the field named.
    r = await sec.post(
        f"{base}/review",
        json={"reviewerIds": [committee.users["outsider"]], "dueDate": due()},
    )
    assert (r.status_code, r.json()["code"]) == (422, "minutes_reviewer_not_member")
    assert r.json()["errors"][0]["field"] == "reviewerIds"
    r = await sec.post(
        f"{base}/review", json={"reviewerIds": [committee.users["ali"]], "dueDate": "2020-01-01"}
    )
    assert (r.status_code, r.json()["code"]) == (422, "minutes_due_date_past")

    # Not a reviewer yet: no comments in draft.
    r = await ali.post(f"{base}/comments", json={"section": "item:2", "body": "Ulasan"})
    assert (r.status_code, r.json()["code"]) == (409, "minutes_wrong_state")

    r = await sec.post(
        f"{base}/review", json={"reviewerIds": [committee.users["ali"]], "dueDate": due()}
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "in_review"
    review = await outbox("minutes_for_review")
    assert {n["recipient"] for n in review} == {committee.users["ali"]}
    assert all(n["url"] == f"/#/meetings/{meeting_id}/minutes" for n in review)

    r = await ali.post(f"{base}/comments", json={"section": "item:2", "body": "Tambah kos."})
    assert r.status_code == 200, r.text
    assert [c["body"] for c in r.json()["comments"]] == ["Tambah kos."]
    # A member who was not appointed cannot comment.
    r = await bala.post(f"{base}/comments", json={"section": "item:2", "body": "Saya juga"})
    assert (r.status_code, r.json()["code"]) == (403, "minutes_not_reviewer")
    # The secretariat resolves the comment.
    comment_id = (await sec.get(base)).json()["comments"][0]["id"]
    r = await sec.post(f"{base}/comments/{comment_id}/resolve")
    assert r.status_code == 204
    assert (await sec.get(base)).json()["comments"][0]["resolved"] is True

    r = await sec.post(f"{base}/submit")
    assert r.json()["status"] == "submitted"
    assert r.json()["can"]["approve"] is False
    # The chair sees it in the approvals inbox, and the session shows them the inbox.
    inbox = (await chair.get("/api/approvals/minutes")).json()
    assert [i["meetingId"] for i in inbox] == [meeting_id]
    assert (await chair.get("/api/auth/me")).json()["isSupervisor"] is True
    assert (await ali.get("/api/approvals/minutes")).json() == []

    r = await chair.post(f"{base}/approve")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved"
    assert r.json()["approvedBy"] == "Ahli Chair"
    approved = await outbox("minutes_approved")  # push only, by default
    assert {(n["recipient"], n["channel"]) for n in approved} == {
        (committee.users["secretary"], "push")
    }
    assert (await chair.get("/api/approvals/minutes")).json() == []

    # Decisions and actions became rows.
    actions = (await ali.get("/api/actions")).json()
    assert [a["text"] for a in actions] == ["Sediakan kertas cadangan."]
    assert actions[0]["status"] == "open" and actions[0]["canGiveFeedback"] is True

    r = await sec.post(f"{base}/distribute")
    assert r.json()["status"] == "distributed"
    distributed = await outbox("minutes_distributed")
    assert {n["recipient"] for n in distributed if n["channel"] == "email"} == {
        committee.users[k] for k in ("chair", "secretary", "ali", "bala")
    }
    pushed = {n["recipient"] for n in distributed if n["channel"] == "push"}
    assert pushed == {committee.users["secretary"], committee.users["bala"]}
    assert (await bala.get(base)).json()["status"] == "distributed"

    # Confirmed at the next meeting with an amendment: a final version, then locked.
    r = await sec.post(
        f"{base}/confirm", json={"meetingId": committee.meetings["first"]}
    )  # not a later meeting
    assert (r.status_code, r.json()["code"]) == (422, "minutes_confirm_meeting_invalid")
    amended = (await sec.get(base)).json()["body"]  # as the editor sends it: refs kept
    amended["items"][1]["discussion"] = "Baris satu dipinda."
    amended["items"][1]["actions"][0]["text"] = "Sediakan kertas cadangan lengkap."
    r = await sec.post(
        f"{base}/confirm",
        json={"meetingId": committee.meetings["later"], "amendments": amended},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["version"], r.json()["amended"]) == ("confirmed", 3, True)
    versions = (await sec.get(f"{base}/versions")).json()
    assert [(v["number"], v["kind"]) for v in versions] == [
        (3, "final"),
        (2, "draft"),
        (1, "draft"),
    ]
    # The amendment kept the same action (matched by ref), not a duplicate.
    mine = (await ali.get("/api/actions")).json()
    assert [a["text"] for a in mine] == ["Sediakan kertas cadangan lengkap."]

    r = await sec.put(base, json=body(committee))
    assert (r.status_code, r.json()["code"]) == (409, "minutes_locked")
    r = await sec.post(f"{base}/distribute")
    assert (r.status_code, r.json()["code"]) == (409, "minutes_locked")
    # Every step is in the audit trail, in order.
    from api.accounts.tables import AuditEvent

    steps = (
        await AuditEvent.select(AuditEvent.action)
        .where(AuditEvent.action.like("minutes.%") & (AuditEvent.target_type == "minutes"))
        .order_by(AuditEvent.seq)
    )
    assert [e["action"] for e in steps if e["action"] != "minutes.commented"] == [
        "minutes.saved",
        "minutes.saved",
        "minutes.in_review",
        "minutes.submitted",
        "minutes.approved",
        "minutes.distributed",
        "minutes.confirmed",
    ]


async def test_no_skipped_steps(committee: Committee) -> None:
    meeting_id = committee.meetings["first"]
    base = f"/api/meetings/{meeting_id}/minutes"
    sec = await committee.client("secretary")
    chair = await committee.client("chair")
    # Nothing saved yet.
    r = await sec.post(f"{base}/submit")
    assert (r.status_code, r.json()["code"]) == (409, "minutes_not_started")
    await sec.put(base, json=body(committee))
    # draft → approved, distributed or confirmed: refused (submitted is fine: review is
    # optional, see test_optional_review.py).
    r = await chair.post(f"{base}/approve")
    assert (r.status_code, r.json()["code"]) == (409, "minutes_wrong_state")
    for step in ("distribute",):
        r = await sec.post(f"{base}/{step}")
        assert (r.status_code, r.json()["code"]) == (409, "minutes_wrong_state"), step
    r = await sec.post(f"{base}/confirm", json={"meetingId": committee.meetings["later"]})
    assert (r.status_code, r.json()["code"]) == (409, "minutes_wrong_state")
    r = await chair.post(f"{base}/return", json={"comment": "Tidak"})
    assert (r.status_code, r.json()["code"]) == (409, "minutes_wrong_state")
    # in_review → approved or distributed: refused.
    await sec.post(
        f"{base}/review", json={"reviewerIds": [committee.users["ali"]], "dueDate": due()}
    )
    r = await chair.post(f"{base}/approve")
    assert (r.status_code, r.json()["code"]) == (409, "minutes_wrong_state")
    r = await sec.post(f"{base}/distribute")
    assert r.status_code == 409
    await sec.post(f"{base}/submit")
    # submitted: no more saves; only the chair approves (the secretariat and members cannot).
    r = await sec.put(base, json=body(committee))
    assert (r.status_code, r.json()["code"]) == (409, "minutes_wrong_state")
    for who in ("secretary", "ali"):
        r = await (await committee.client(who)).post(f"{base}/approve")
        assert (r.status_code, r.json()["code"]) == (403, "minutes_chair_only"), who
    r = await sec.post(f"{base}/confirm", json={"meetingId": committee.meetings["later"]})
    assert r.status_code == 409
    # The chair sends it back with a comment: draft again, the comment kept.
    r = await chair.post(f"{base}/return", json={"comment": "Sila lengkapkan perkara 2."})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "draft"
    assert r.json()["comments"][-1]["body"] == "Sila lengkapkan perkara 2."
    r = await sec.put(base, json=body(committee))
    assert r.status_code == 200
    # approved → confirmed without distribution: refused.
    await sec.post(
        f"{base}/review", json={"reviewerIds": [committee.users["ali"]], "dueDate": due()}
    )
    await sec.post(f"{base}/submit")
    assert (await chair.post(f"{base}/approve")).status_code == 200
    r = await chair.post(f"{base}/approve")
    assert (r.status_code, r.json()["code"]) == (409, "minutes_wrong_state")
    r = await sec.post(f"{base}/confirm", json={"meetingId": committee.meetings["later"]})
    assert r.status_code == 409


async def test_no_self_approval(committee: Committee) -> None:
    """The secretary drafts, then becomes the chair: they still cannot approve their own work."""
    from api.meetings.tables import CommitteeMember

    meeting_id = await to_submitted(committee)
    await CommitteeMember.update({CommitteeMember.role: "member"}).where(
        CommitteeMember.user == committee.users["chair"]
    )
    await CommitteeMember.update({CommitteeMember.role: "chair"}).where(
        CommitteeMember.user == committee.users["secretary"]
    )
    sec = await committee.client("secretary")
    minutes = (await sec.get(f"/api/meetings/{meeting_id}/minutes")).json()
    assert minutes["can"]["approve"] is False
    r = await sec.post(f"/api/meetings/{meeting_id}/minutes/approve")
    assert (r.status_code, r.json()["code"]) == (403, "minutes_self_approval")
    assert "sendiri" in r.json()["detail"]
    assert (await sec.get(f"/api/meetings/{meeting_id}/minutes")).json()["status"] == "submitted"


async def test_concurrent_approvals_exactly_one_wins(
    committee: Committee, client_factory: Any
) -> None:
    meeting_id = await to_submitted(committee)
    first = await committee.client("chair")
    second = await client_factory()
    await second.sign_in("min_chair")
    url = f"/api/meetings/{meeting_id}/minutes/approve"
    results = await asyncio.gather(first.post(url), second.post(url))
    assert sorted(r.status_code for r in results) == [200, 409]
    from api.minutes.tables import Action

    # The actions were created once.
    assert await Action.count().where(Action.kind == "action") == 1
    assert len(await outbox("minutes_approved")) == 1


async def test_versions_diff(committee: Committee) -> None:
    meeting_id = committee.meetings["first"]
    base = f"/api/meetings/{meeting_id}/minutes"
    sec = await committee.client("secretary")
    await sec.put(base, json=body(committee, discussion="Baris A\nBaris B"))
    await sec.put(
        base,
        json=body(committee, discussion="Baris A\nBaris C", decisions=["Projek ditangguhkan."]),
    )
    r = await sec.get(f"{base}/versions/1/diff/2")
    assert r.status_code == 200, r.text
    sections = {s["section"]: s for s in r.json()["sections"]}
    assert sections["attendance"]["changed"] is False
    assert sections["item:1"]["changed"] is False
    lines = [(x["op"], x["text"]) for x in sections["item:2"]["lines"]]
    assert ("=", "Perbincangan: Baris A") in lines
    assert ("-", "Perbincangan: Baris B") in lines
    assert ("+", "Perbincangan: Baris C") in lines
    assert ("-", "Keputusan: Projek diluluskan.") in lines
    assert ("+", "Keputusan: Projek ditangguhkan.") in lines
    assert any(
        t.startswith("Tindakan: Sediakan kertas cadangan. (oleh: Ahli Ali;") for _, t in lines
    )
    assert sections["item:2"]["title"] == "2. Projek pendigitalan"
    # Every version kept and readable.
    v1 = (await sec.get(f"{base}/versions/1")).json()
    assert v1["body"]["items"][1]["discussion"] == "Baris A\nBaris B"
    assert (await sec.get(f"{base}/versions/9/diff/2")).status_code == 404


async def test_bad_input_is_a_named_problem(committee: Committee) -> None:
    sec = await committee.client("secretary")
    base = f"/api/meetings/{committee.meetings['first']}/minutes"
    bad = body(committee, actions=[{"text": "X", "assigneeUserId": 999999}])
    r = await sec.put(base, json=bad)
    assert (r.status_code, r.json()["code"]) == (422, "action_assignee_invalid")
    assert r.json()["errors"][0]["field"] == "assigneeUserId"
    r = await sec.post(f"{base}/comments", json={"section": "anything", "body": "x"})
    assert r.status_code == 400
    # An outsider of the same agency may read TERBUKA minutes but not write them.
    outsider = await committee.client("outsider")
    assert (await outsider.put(base, json=body(committee))).status_code == 403


async def test_drafts_stay_with_the_committee(committee: Committee) -> None:
    """A reader of a TERBUKA meeting who is not in the committee sees where the minutes are,
    but their text only once distributed."""
    meeting_id = await to_submitted(committee)
    base = f"/api/meetings/{meeting_id}/minutes"
    outsider = await committee.client("outsider")
    r = await outsider.get(base)
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["body"]["items"], r.json()["comments"]) == (
        "submitted",
        [],
        [],
    )
    assert (await outsider.get(f"{base}/versions")).status_code == 404
    assert (await outsider.get(f"{base}/versions/1")).status_code == 404
    chair = await committee.client("chair")
    assert (await chair.post(f"{base}/approve")).status_code == 200
    sec = await committee.client("secretary")
    r = await sec.post(f"{base}/distribute")
    assert [m["id"] for m in r.json()["laterMeetings"]] == [committee.meetings["later"]]
    assert "Bahagian IT" in [u["name"] for u in r.json()["units"]]
    r = await outsider.get(base)
    assert r.json()["body"]["items"][1]["discussion"] == "Projek dibincangkan."
    assert r.json()["units"] == [] and r.json()["can"]["confirm"] is False
    assert (await outsider.get(f"{base}/versions")).status_code == 200


async def test_chair_comments_when_submitted_secretariat_does_not(committee: Committee) -> None:
    meeting_id = await to_submitted(committee)
    base = f"/api/meetings/{meeting_id}/minutes"
    chair = await committee.client("chair")
    r = await chair.post(
        f"{base}/comments", json={"section": "attendance", "body": "Betulkan nama."}
    )
    assert r.status_code == 200, r.text
    assert r.json()["comments"][-1]["section"] == "attendance"
    # Once submitted, the reviewers have had their turn; the secretariat never comments.
    for who in ("ali", "secretary"):
        r = await (await committee.client(who)).post(
            f"{base}/comments", json={"section": "general", "body": "x"}
        )
        assert (r.status_code, r.json()["code"]) == (403, "minutes_not_reviewer"), who


async def test_status_for_the_meeting_page(committee: Committee) -> None:
    meeting_id = committee.meetings["first"]
    url = f"/api/meetings/{meeting_id}/minutes/status"
    sec = await committee.client("secretary")
    ali = await committee.client("ali")
    assert (await sec.get(url)).json() == {
        "status": "none",
        "version": 0,
        "canEdit": True,
        "hasActions": False,
    }
    await to_submitted(committee)
    assert (await ali.get(url)).json() == {
        "status": "submitted",
        "version": 1,
        "canEdit": False,
        "hasActions": False,
    }
    await (await committee.client("chair")).post(f"/api/meetings/{meeting_id}/minutes/approve")
    assert (await ali.get(url)).json()["hasActions"] is True
