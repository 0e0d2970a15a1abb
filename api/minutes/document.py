"""The minutes as a document to circulate ("minit edaran"): a PDF (fpdf2) with the
classification marking at the top and bottom of every page, the committee, "Bil. N/YYYY", date
and place, the attendance (representatives and absentees with their reasons), the items with
their discussion, decisions and actions (assignee, due date).

Who may have it is who may read the minutes' text (`api.minutes.services.get_minutes` decides,
opens SULIT text in memory only and audits the read); every download is audited on top of that
(`minutes.downloaded`). The file is built in memory and never stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from api.accounts import audit
from api.accounts.authz import Principal
from api.core.errors import NotFound
from api.meetings.tables import Meeting
from api.minutes import schemas, services
from api.minutes.reports import _font, _MarkedPdf
from api.org.tables import Agency

DRAFT_STATUSES = ("draft", "in_review", "submitted")
MODE_MS = {"physical": "Bersemuka", "online": "Dalam talian", "hybrid": "Hibrid"}


class MinutesDocument(msgspec.Struct, frozen=True):
    """Everything printed, gathered once (and opened in memory) before the file is drawn."""

    minutes: schemas.MinutesOut
    committee_name: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    place: str
    mode: str


async def _meeting_facts(meeting_id: int) -> dict[str, Any]:
    row = (
        await Meeting.select(
            Meeting.starts_at,
            Meeting.ends_at,
            Meeting.mode,
            Meeting.room,
            Meeting.online_url,
            Meeting.venue_office.name.as_alias("office_name"),
            Meeting.committee.name.as_alias("committee_name"),
            Meeting.committee.agency.as_alias("agency"),
        )
        .where(Meeting.id == meeting_id)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


async def minutes_document(principal: Principal, meeting_id: int) -> MinutesDocument:
    """The minutes to print, for a reader of their text; 404 when there is none to read."""
    minutes = await services.get_minutes(principal, meeting_id)
    if minutes.version == 0:  # not written yet, or not (yet) readable by this person
        raise NotFound()
    facts = await _meeting_facts(meeting_id)
    agency = await Agency.select(Agency.timezone).where(Agency.id == facts["agency"]).first()
    place = ", ".join(p for p in (facts["room"], facts["office_name"] or "") if p)
    if facts["mode"] in ("online", "hybrid"):
        place = ", ".join(p for p in (place, "dalam talian") if p)
    await audit.record(
        "minutes.downloaded",
        actor_id=principal.user_id,
        agency_id=facts["agency"],
        target_type="meeting",
        target_id=meeting_id,
        detail={
            "classification": minutes.classification,
            "version": minutes.version,
            "format": "pdf",
        },
    )
    return MinutesDocument(
        minutes=minutes,
        committee_name=facts["committee_name"],
        starts_at=facts["starts_at"],
        ends_at=facts["ends_at"],
        timezone=agency["timezone"] if agency else "Asia/Kuala_Lumpur",
        place=place,
        mode=facts["mode"],
    )


def file_name(doc: MinutesDocument) -> str:
    label = doc.minutes.meeting_label.replace("Bil. ", "").replace("/", "-")
    return f"minit-{label}.pdf"


def _when(doc: MinutesDocument) -> str:
    zone = ZoneInfo(doc.timezone)
    start, end = doc.starts_at.astimezone(zone), doc.ends_at.astimezone(zone)
    return f"{start:%d/%m/%Y}, {start:%H:%M}–{end:%H:%M}"


def _assignee(action: schemas.ActionItem, names: dict[str, str]) -> str:
    parts = []
    if action.assignee_user_id:
        parts.append(names.get(f"user:{action.assignee_user_id}", ""))
    if action.assignee_unit_id:
        parts.append(names.get(f"unit:{action.assignee_unit_id}", ""))
    return " / ".join(p for p in parts if p) or "-"


def minutes_pdf(doc: MinutesDocument) -> bytes:
    m = doc.minutes
    body = m.body
    pdf = _MarkedPdf(orientation="P", format="A4")
    pdf.set_title(f"Minit {m.meeting_label}")
    pdf.marking = m.classification
    family = _font(pdf)
    pdf.family = family
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()

    def text(value: str) -> str:
        if family == "DejaVu":
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    def para(value: str, size: float = 10, style: str = "", height: float = 5.5) -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(0, height, text(value), new_x="LMARGIN", new_y="NEXT")

    def heading(value: str) -> None:
        pdf.ln(2)
        para(value, 11, "B", 6.5)

    para(f"MINIT MESYUARAT {doc.committee_name.upper()}", 13, "B", 7)
    para(f"{m.meeting_label}: {m.meeting_title}", 11, "B", 6.5)
    if m.status in DRAFT_STATUSES:
        para("DRAF — belum diluluskan oleh pengerusi", 10, "B")
    pdf.ln(1)
    para(f"Tarikh dan masa: {_when(doc)} ({doc.timezone})")
    para(f"Tempat: {doc.place or '-'} ({MODE_MS.get(doc.mode, doc.mode)})")
    if m.approved_by and m.approved_at:
        approved = m.approved_at.astimezone(ZoneInfo(doc.timezone))
        para(f"Diluluskan oleh: {m.approved_by}, {approved:%d/%m/%Y}")

    attendance = body.attendance or schemas.AttendanceSection()
    for title, lines in (
        ("HADIR", attendance.present),
        ("TIDAK HADIR (DENGAN MAAF)", attendance.absent),
        ("TURUT HADIR", attendance.in_attendance),
    ):
        if not lines:
            continue
        heading(title)
        for n, line in enumerate(lines, start=1):
            para(f"{n}. {line.text or line.name}")

    if body.matters_arising:
        heading("PERKARA BERBANGKIT")
        for n, matter in enumerate(body.matters_arising, start=1):
            due = f", tarikh akhir {matter.due_date:%d/%m/%Y}" if matter.due_date else ""
            para(f"{n}. {matter.text} ({matter.meeting_label}; {matter.assignee or '-'}{due})")
            if matter.latest_feedback:
                para(f"    Maklum balas: {matter.latest_feedback}", 9)

    for number, item in enumerate(body.items, start=1):
        heading(f"{number}. {item.title}")
        if item.discussion:
            para(item.discussion)
        for d_number, decision in enumerate(item.decisions, start=1):
            para(f"Keputusan {number}.{d_number}: {decision.text}", 10, "B")
        for a_number, action in enumerate(item.actions, start=1):
            due = f"{action.due_date:%d/%m/%Y}" if action.due_date else "-"
            para(f"Tindakan {number}.{a_number}: {action.text}")
            para(f"    Oleh: {_assignee(action, m.assignee_names)} · Tarikh akhir: {due}", 9)
    if body.notes:
        heading("CATATAN")
        para(body.notes)
    return bytes(pdf.output())
