"""The minutes as a document ("minit edaran", issue 16): a PDF with the classification marking
on every page, the committee, number, date and place, the attendance with representatives and
absentees, items, decisions and actions with assignees and due dates; only for readers of the
minutes' text; every download audited."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from tests.minutes.conftest import Committee, add_user
from tests.minutes.test_actions_api import approved_with_actions

LONG_DISCUSSION = " ".join(["Perbincangan panjang tentang pelan pendigitalan."] * 120)


def _pages(content: bytes) -> list[list[str]]:
    pdf = PdfReader(io.BytesIO(content))
    return [
        [" ".join(line.split()) for line in page.extract_text().splitlines() if line.strip()]
        for page in pdf.pages
    ]


async def _with_representative(committee: Committee, org: object) -> int:
    """Bala is represented by a colleague (wakil) at the first meeting."""
    from api.meetings.tables import Invitation

    wakil = await add_user(org, "wakil")  # type: ignore[arg-type]
    committee.users["wakil"] = wakil
    await Invitation.update(
        {
            Invitation.response: "delegated",
            Invitation.representative: wakil,
            Invitation.attendance: "represented",
            Invitation.absence_reason: "",
        }
    ).where(
        (Invitation.meeting == committee.meetings["first"])
        & (Invitation.user == committee.users["bala"])
    )
    return wakil


async def test_sulit_minutes_pdf_is_marked_complete_and_audited(
    sulit_committee: Committee, org: object
) -> None:
    from api.accounts.tables import AuditEvent
    from api.meetings.tables import Invitation

    committee = sulit_committee
    await _with_representative(committee, org)
    # Ali sent apologies to the meeting: absent with a reason.
    await Invitation.update(
        {Invitation.attendance: "absent", Invitation.absence_reason: "Kursus di INTAN"}
    ).where(
        (Invitation.meeting == committee.meetings["first"])
        & (Invitation.user == committee.users["ali"])
    )
    due = datetime.now(UTC).date() + timedelta(days=14)
    meeting_id = await approved_with_actions(
        committee,
        discussion=LONG_DISCUSSION,
        decisions=["Projek diluluskan dengan syarat."],
        actions=[
            {
                "text": "Sediakan kertas cadangan.",
                "assigneeUserId": committee.users["ali"],
                "dueDate": due.isoformat(),
            }
        ],
    )
    sec = await committee.client("secretary")
    url = f"/api/meetings/{meeting_id}/minutes/document"

    r = await sec.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["cache-control"] == "no-store"
    assert 'filename="minit-1-' in r.headers["content-disposition"]
    pages = _pages(r.content)
    assert len(pages) >= 2  # the long discussion runs over a page
    for lines in pages:
        assert lines[0] == "SULIT" and lines[-1] == "SULIT"  # top and bottom of every page
    text = " ".join(" ".join(lines) for lines in pages)
    assert "MINIT MESYUARAT JK ICT" in text
    assert "Bil. 1/" in text and "Mesyuarat Jawatankuasa ICT Bil. 1" in text
    from api.meetings.tables import Meeting

    start = (await Meeting.select(Meeting.starts_at).where(Meeting.id == meeting_id).first())[
        "starts_at"
    ].astimezone(ZoneInfo("Asia/Kuala_Lumpur"))
    assert f"{start:%d/%m/%Y}, {start:%H:%M}" in text
    assert "DRAF" not in text  # approved minutes
    # Attendance: the chair present, Bala's representative, Ali absent with his apologies.
    assert "Ahli Chair" in text
    assert "Ahli Wakil (hadir mewakili Ahli Bala)" in text
    assert "Ahli Ali" in text and "Kursus di INTAN" in text
    assert "Keputusan 2.1: Projek diluluskan dengan syarat." in text
    assert "Tindakan 2.1: Sediakan kertas cadangan." in text
    assert f"Oleh: Ahli Ali · Tarikh akhir: {due:%d/%m/%Y}" in text

    events = await AuditEvent.select(AuditEvent.actor_id, AuditEvent.detail).where(
        (AuditEvent.action == "minutes.downloaded") & (AuditEvent.target_id == str(meeting_id))
    )
    assert [e["actor_id"] for e in events] == [committee.users["secretary"]]

    # Approved, not yet distributed: the committee reads it; the representative (who may read
    # SULIT papers of the meeting) and an outsider are not shown working minutes.
    outsider = await committee.client("outsider")
    assert (await outsider.get(url)).status_code == 404
    wakil = await committee.client("wakil")
    assert (await wakil.get(url)).status_code == 404
    assert (await sec.post(f"/api/meetings/{meeting_id}/minutes/distribute")).status_code == 200
    assert (await outsider.get(url)).status_code == 404  # SULIT: never an outsider
    assert (await wakil.get(url)).status_code == 200
    events = await AuditEvent.select(AuditEvent.actor_id).where(
        (AuditEvent.action == "minutes.downloaded") & (AuditEvent.target_id == str(meeting_id))
    )
    assert len(events) == 2  # refused downloads are not recorded as downloads


async def test_draft_is_marked_and_nothing_before_minutes_exist(committee: Committee) -> None:
    meeting_id = committee.meetings["first"]
    sec = await committee.client("secretary")
    url = f"/api/meetings/{meeting_id}/minutes/document"
    assert (await sec.get(url)).status_code == 404  # no minutes yet
    from tests.minutes.test_minutes_api import body

    assert (
        await sec.put(f"/api/meetings/{meeting_id}/minutes", json=body(committee))
    ).status_code == 200
    r = await sec.get(url)
    assert r.status_code == 200
    pages = _pages(r.content)
    assert pages[0][0] == "TERBUKA" and pages[0][-1] == "TERBUKA"
    text = " ".join(pages[0])
    assert "DRAF" in text
    # A TERBUKA meeting's draft is still the committee's working paper.
    outsider = await committee.client("outsider")
    assert (await outsider.get(url)).status_code == 404
