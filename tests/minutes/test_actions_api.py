"""Actions and feedback, matters arising, the feedback report, and SULIT minutes."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from api.core.messages import MESSAGES
from tests.minutes.conftest import Committee
from tests.minutes.test_minutes_api import body, due, outbox

MARKER = "RAHSIA-PENANDA-7f3a"


async def approved_with_actions(committee: Committee, **kwargs: Any) -> int:
    meeting_id = committee.meetings["first"]
    sec = await committee.client("secretary")
    r = await sec.put(f"/api/meetings/{meeting_id}/minutes", json=body(committee, **kwargs))
    assert r.status_code == 200, r.text
    r = await sec.post(
        f"/api/meetings/{meeting_id}/minutes/review",
        json={"reviewerIds": [committee.users["ali"]], "dueDate": due()},
    )
    assert r.status_code == 200, r.text
    assert (await sec.post(f"/api/meetings/{meeting_id}/minutes/submit")).status_code == 200
    chair = await committee.client("chair")
    r = await chair.post(f"/api/meetings/{meeting_id}/minutes/approve")
    assert r.status_code == 200, r.text
    return meeting_id


def two_actions(committee: Committee, text: str = "Sediakan kertas cadangan.") -> dict[str, Any]:
    today = datetime.now(UTC).date()
    return {
        "actions": [
            {
                "text": text,
                "assigneeUserId": committee.users["ali"],
                "dueDate": (today + timedelta(days=14)).isoformat(),
            },
            {
                "text": "Kemas kini pelan lama.",
                "assigneeUnitId": None,
                "assigneeUserId": committee.users["bala"],
                "dueDate": (today - timedelta(days=2)).isoformat(),  # already overdue
            },
        ]
    }


async def test_request_feedback_give_feedback_and_report(committee: Committee) -> None:
    meeting_id = await approved_with_actions(committee, **two_actions(committee))
    sec = await committee.client("secretary")
    ali = await committee.client("ali")
    bala = await committee.client("bala")

    r = await sec.post(f"/api/meetings/{meeting_id}/actions/request-feedback", json={})
    assert r.status_code == 200, r.text
    rows = await outbox("feedback_requested")
    by_person = {n["recipient"]: n["url"] for n in rows if n["channel"] == "email"}
    ali_action = next(a for a in (await ali.get("/api/actions")).json())
    assert by_person[committee.users["ali"]] == f"/#/actions/{ali_action['id']}"
    assert committee.users["bala"] in by_person
    # Only the assignee, not the secretariat or another member, may request… and give feedback.
    assert (
        await ali.post(f"/api/meetings/{meeting_id}/actions/request-feedback", json={})
    ).status_code == 403
    r = await bala.post(
        f"/api/actions/{ali_action['id']}/feedback", json={"text": "Saya", "status": "done"}
    )
    assert (r.status_code, r.json()["code"]) == (403, "action_not_assignee")
    r = await ali.post(
        f"/api/actions/{ali_action['id']}/feedback",
        json={"text": "Draf siap 50%.", "status": "in_progress"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "in_progress"
    assert r.json()["latestFeedback"]["text"] == "Draf siap 50%."
    r = await ali.post(
        f"/api/actions/{ali_action['id']}/feedback", json={"text": "Dah", "status": "finished"}
    )
    assert r.status_code == 400  # not a status

    report = (await sec.get(f"/api/meetings/{meeting_id}/actions/report")).json()
    assert [(a["text"], a["status"], a["overdue"]) for a in report["actions"]] == [
        ("Sediakan kertas cadangan.", "in_progress", False),
        ("Kemas kini pelan lama.", "open", True),
    ]
    assert report["actions"][0]["latestFeedback"]["text"] == "Draf siap 50%."
    assert report["overdue"] == 1

    from openpyxl import load_workbook

    r = await sec.get(f"/api/meetings/{meeting_id}/actions/report/download?format=xlsx")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[6][:3] == ["1", "Sediakan kertas cadangan.", "Ahli Ali"]
    assert cells[6][5] == "Draf siap 50%."
    assert cells[7][4] == "Belum mula (LEWAT)"
    r = await sec.get(f"/api/meetings/{meeting_id}/actions/report/download?format=pdf")
    assert r.status_code == 200
    assert r.content.startswith(b"%PDF")
    assert r.headers["content-type"] == "application/pdf"


async def test_unit_assignee_and_dropped_on_amendment(committee: Committee, org: Any) -> None:
    from api.org.tables import User

    await User.update({User.unit: org.units_a["it"]}).where(User.id == committee.users["bala"])
    actions = {
        "actions": [
            {"text": "Tugasan unit IT.", "assigneeUnitId": org.units_a["it"]},
        ]
    }
    meeting_id = await approved_with_actions(committee, **actions)
    bala = await committee.client("bala")  # in the IT unit
    ali = await committee.client("ali")  # in Apps, not IT
    mine = (await bala.get("/api/actions")).json()
    assert [(a["text"], a["assignee"]) for a in mine] == [("Tugasan unit IT.", "Bahagian IT")]
    assert (await ali.get("/api/actions")).json() == []
    r = await bala.post(
        f"/api/actions/{mine[0]['id']}/feedback", json={"text": "Selesai.", "status": "done"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["feedback"][0]["authorName"] == "Ahli Bala"
    assert meeting_id


async def test_matters_arising(committee: Committee) -> None:
    await approved_with_actions(committee, **two_actions(committee))
    sec = await committee.client("secretary")
    ali = await committee.client("ali")
    first = committee.meetings["first"]
    later = committee.meetings["later"]
    # The earlier meeting has no earlier meeting.
    assert (await sec.get(f"/api/meetings/{first}/matters-arising")).json() == []
    arising = (await ali.get(f"/api/meetings/{later}/matters-arising")).json()
    assert [(m["text"], m["status"], m["meetingLabel"][:6]) for m in arising] == [
        ("Sediakan kertas cadangan.", "open", "Bil. 1"),
        ("Kemas kini pelan lama.", "open", "Bil. 1"),
    ]
    action_id = arising[0]["actionId"]
    await ali.post(
        f"/api/actions/{action_id}/feedback", json={"text": "Separuh.", "status": "in_progress"}
    )
    arising = (await ali.get(f"/api/meetings/{later}/matters-arising")).json()
    assert arising[0]["latestFeedback"] == "Separuh."  # computed at read time
    # The next meeting's minutes include them, with their latest feedback.
    template = (await sec.get(f"/api/meetings/{later}/minutes")).json()
    assert [m["latestFeedback"] for m in template["body"]["mattersArising"]] == ["Separuh.", ""]
    # Done actions are no longer matters arising.
    await ali.post(f"/api/actions/{action_id}/feedback", json={"text": "Siap.", "status": "done"})
    arising = (await ali.get(f"/api/meetings/{later}/matters-arising")).json()
    assert [m["text"] for m in arising] == ["Kemas kini pelan lama."]


async def _database_text() -> str:
    """Every stored value of the minutes tables, the outbox and the audit trail, as text."""
    from api.accounts.tables import AuditEvent
    from api.minutes import tables
    from api.outbox.tables import Notification

    dump = []
    for table in (
        tables.Minutes,
        tables.MinutesVersion,
        tables.MinutesComment,
        tables.Action,
        tables.ActionFeedback,
        Notification,
        AuditEvent,
    ):
        dump.append(str(await table.select()))
    return "\n".join(dump)


def _store_bytes() -> bytes:
    import os
    from pathlib import Path

    from api.config import get_settings

    root = get_settings().file_store_dir
    assert root is not None
    found = b""
    for folder, _, names in os.walk(root):
        for name in names:
            found += Path(folder, name).read_bytes()
    return found


async def _sqlite_file_bytes() -> bytes:
    from api import db
    from api.config import get_settings

    if not db.is_sqlite():
        return b""
    path = get_settings().sqlite_path
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


async def test_sulit_minutes_are_sealed_and_members_only(sulit_committee: Committee) -> None:
    committee = sulit_committee
    meeting_id = await approved_with_actions(
        committee,
        discussion=f"Perbincangan {MARKER}",
        decisions=[f"Keputusan {MARKER}"],
        actions=[{"text": f"Tindakan {MARKER}", "assigneeUserId": committee.users["ali"]}],
    )
    sec = await committee.client("secretary")
    ali = await committee.client("ali")
    outsider = await committee.client("outsider")
    base = f"/api/meetings/{meeting_id}/minutes"
    # Members read it in clear, never cached.
    r = await ali.get(base)
    assert r.status_code == 200
    assert MARKER in r.json()["body"]["items"][1]["discussion"]
    assert r.headers["cache-control"] == "no-store"
    action_id = (await ali.get("/api/actions")).json()[0]["id"]
    r = await ali.post(
        f"/api/actions/{action_id}/feedback",
        json={"text": f"Maklum balas {MARKER}", "status": "done"},
    )
    assert r.status_code == 200
    feedback_id = r.json()["feedback"][0]["id"]
    file_url = f"/api/actions/{action_id}/feedback/{feedback_id}/attachment"
    r = await ali.post(
        file_url,
        files={"file": (f"laporan-{MARKER}.txt", f"Isi fail {MARKER}\n".encode(), "text/plain")},
    )
    assert r.status_code == 200, r.text
    assert r.json()["feedback"][0]["attachmentName"] == f"laporan-{MARKER}.txt"
    r = await ali.get(file_url)
    assert r.content == f"Isi fail {MARKER}\n".encode()
    assert r.headers["cache-control"] == "no-store"
    await sec.post(f"{base}/distribute")

    # A non-member of the same agency: 404 for everything, whatever the id.
    for url in (
        base,
        f"{base}/versions",
        f"{base}/versions/1",
        f"{base}/versions/1/diff/2",
        f"/api/meetings/{meeting_id}/matters-arising",
        f"/api/meetings/{meeting_id}/actions/report",
        f"/api/meetings/{meeting_id}/actions/report/download?format=pdf",
        f"/api/actions/{action_id}",
        file_url,
        "/api/meetings/999999/minutes",
        "/api/actions/999999",
    ):
        r = await outsider.get(url)
        assert r.status_code == 404, url
    r = await outsider.post(
        f"/api/actions/{action_id}/feedback", json={"text": "x", "status": "done"}
    )
    assert r.status_code == 404
    r = await outsider.post(f"{base}/comments", json={"section": "general", "body": "x"})
    assert r.status_code == 404
    assert (await outsider.get("/api/actions")).json() == []
    # The later meeting's matters arising come from a SULIT meeting: members only.
    later = committee.meetings["later"]
    assert (await outsider.get(f"/api/meetings/{later}/matters-arising")).status_code == 404
    # Distributed only to members (not to invitees from outside).
    distributed = await outbox("minutes_distributed")
    assert committee.users["outsider"] not in {n["recipient"] for n in distributed}

    # No plaintext in the database (rows as read back, and on SQLite the file itself).
    assert MARKER not in await _database_text()
    assert MARKER.encode() not in await _sqlite_file_bytes()
    assert MARKER.encode() not in _store_bytes()
    # Reads of SULIT minutes are audited.
    from api.accounts.tables import AuditEvent

    reads = await AuditEvent.select(AuditEvent.actor_id).where(AuditEvent.action == "minutes.read")
    assert committee.users["ali"] in {r["actor_id"] for r in reads}
    assert committee.users["outsider"] not in {r["actor_id"] for r in reads}


async def test_overdue_actions_roll_up_the_units(
    committee: Committee, org: Any, client_factory: Any
) -> None:
    from api.org.tables import User

    # Bala (overdue action) works in Apps, under IT; exec_a sees the IT subtree only.
    await approved_with_actions(committee, **two_actions(committee))
    await User.update({User.unit: org.units_a["apps"]}).where(User.id == committee.users["bala"])
    executive = await client_factory()
    await executive.sign_in(org.login["exec_a"])
    r = await executive.get("/api/actions/overdue-by-unit")
    assert r.status_code == 200, r.text
    counts = {u["name"]: (u["direct"], u["total"]) for u in r.json()}
    assert counts == {"Bahagian IT": (0, 1), "Seksyen Aplikasi": (1, 1)}
    # Officers are not executives.
    assert (
        await (await committee.client("ali")).get("/api/actions/overdue-by-unit")
    ).status_code == 403


async def test_feedback_attachment(committee: Committee) -> None:
    meeting_id = await approved_with_actions(committee, **two_actions(committee))
    ali = await committee.client("ali")
    bala = await committee.client("bala")
    action_id = (await ali.get("/api/actions")).json()[0]["id"]
    r = await ali.post(
        f"/api/actions/{action_id}/feedback",
        json={"text": "Lampiran disertakan.", "status": "done"},
    )
    feedback_id = r.json()["feedback"][0]["id"]
    url = f"/api/actions/{action_id}/feedback/{feedback_id}/attachment"
    pdf = b"%PDF-1.4\n% pelan\ntrailer<<>>\n%%EOF\n"
    # Only the author attaches; the type is decided by the content.
    r = await bala.post(url, files={"file": ("pelan.pdf", pdf, "application/pdf")})
    assert (r.status_code, r.json()["code"]) == (403, "action_not_assignee")
    r = await ali.post(url, files={"file": ("pelan.pdf", b"MZ\x90\x00binary", "application/pdf")})
    assert r.status_code == 415
    r = await ali.post(url, files={"file": ("pelan.pdf", pdf, "application/pdf")})
    assert r.status_code == 200, r.text
    latest = r.json()["latestFeedback"]
    assert (latest["attachmentName"], latest["attachmentSize"], latest["attachmentUrl"]) == (
        "pelan.pdf",
        len(pdf),
        url,
    )
    r = await ali.post(url, files={"file": ("lain.pdf", pdf, "application/pdf")})
    assert (r.status_code, r.json()["code"]) == (409, "feedback_has_attachment")
    # The secretariat reads it from the report.
    sec = await committee.client("secretary")
    report = (await sec.get(f"/api/meetings/{meeting_id}/actions/report")).json()
    assert report["actions"][0]["latestFeedback"]["attachmentUrl"] == url
    r = await sec.get(url)
    assert (r.status_code, r.content, r.headers["content-type"]) == (200, pdf, "application/pdf")
    assert 'filename="pelan.pdf"' in r.headers["content-disposition"]


async def test_a_tampered_sulit_attachment_answers_a_clear_error(
    sulit_committee: Committee,
) -> None:
    from api.files.store import get_store
    from api.minutes.tables import ActionFeedback

    committee = sulit_committee
    await approved_with_actions(
        committee, actions=[{"text": "Sediakan laporan.", "assigneeUserId": committee.users["ali"]}]
    )
    ali = await committee.client("ali")
    action_id = (await ali.get("/api/actions")).json()[0]["id"]
    r = await ali.post(
        f"/api/actions/{action_id}/feedback", json={"text": "Dilampirkan.", "status": "done"}
    )
    feedback_id = r.json()["feedback"][0]["id"]
    url = f"/api/actions/{action_id}/feedback/{feedback_id}/attachment"
    r = await ali.post(url, files={"file": ("laporan.txt", b"Isi laporan\n", "text/plain")})
    assert r.status_code == 200, r.text
    assert (await ali.get(url)).content == b"Isi laporan\n"
    key = (
        await ActionFeedback.select(ActionFeedback.attachment_key)
        .where(ActionFeedback.id == feedback_id)
        .first()
    )["attachment_key"]
    stored = bytearray(await get_store().get(key))
    stored[-1] ^= 0x01  # one bit of the ciphertext's tag changed at rest
    await get_store().put(key, bytes(stored))
    r = await ali.get(url)
    assert (r.status_code, r.json()["code"]) == (409, "document_damaged")
    assert r.json()["detail"] in MESSAGES["document_damaged"].values()
