"""The sections of minutes filled from elsewhere: attendance and matters arising."""

from __future__ import annotations

from typing import Any

from api.accounts.authz import Principal
from api.meetings.access import (
    content_readable_meeting,
    meeting_access,
)
from api.meetings.attendance import attendance_list
from api.meetings.tables import Meeting
from api.minutes import schemas
from api.minutes.services.common import (
    OPEN_STATUSES,
    _audit_read,
    _is_sulit,
    _meeting_row,
    _names,
    _open,
    _unit_names,
    meeting_label,
)
from api.minutes.tables import (
    Action,
    ActionFeedback,
)


async def attendance_section(meeting_id: int) -> schemas.AttendanceSection:
    """The attendance section in the official order, from the meetings area's official list
    (chair, members by seniority with representatives "hadir mewakili …", the absent with
    reasons, guests, the secretariat last). Minutes are written in Malay."""
    official = await attendance_list(meeting_id, "ms")
    section = schemas.AttendanceSection()
    for part in official.sections:
        target = {"present": section.present, "absent": section.absent}.get(
            part.key, section.in_attendance
        )
        target.extend(
            schemas.AttendanceLine(e.name, e.role, e.status, e.text) for e in part.entries
        )
    return section


# --------------------------------------------------------------------------- matters arising


async def _latest_feedback(action_ids: list[int]) -> dict[int, dict[str, Any]]:
    if not action_ids:
        return {}
    rows = (
        await ActionFeedback.select(
            ActionFeedback.id,
            ActionFeedback.action,
            ActionFeedback.text,
            ActionFeedback.status,
            ActionFeedback.created_at,
            ActionFeedback.attachment_key,
            ActionFeedback.attachment_name,
            ActionFeedback.attachment_size,
            ActionFeedback.author.name.as_alias("author_name"),
        )
        .where(ActionFeedback.action.is_in(action_ids))
        .order_by(ActionFeedback.id)
    )
    latest: dict[int, dict[str, Any]] = {}
    for r in rows:
        latest[r["action"]] = r
    return latest


def _assignee_text(row: dict[str, Any], users: dict[int, str], units: dict[int, str]) -> str:
    parts = []
    if row.get("assignee_user"):
        parts.append(users.get(row["assignee_user"], ""))
    if row.get("assignee_unit"):
        parts.append(units.get(row["assignee_unit"], ""))
    return " / ".join(p for p in parts if p)


async def _matters_arising(
    principal: Principal | None, meeting: dict[str, Any]
) -> list[schemas.MatterArising]:
    """Open actions of earlier meetings of the same committee, computed now (always current).
    With a principal, only actions whose meeting they may read; without one (the snapshot
    stored in minutes), SULIT text is kept out of minutes that are not SULIT themselves."""
    earlier = await Meeting.select(
        Meeting.id, Meeting.number, Meeting.year, Meeting.classification
    ).where(
        (Meeting.committee == meeting["committee"])
        & (Meeting.starts_at < meeting["starts_at"])
        & (Meeting.id != meeting["id"])
    )
    if not earlier:
        return []
    by_id = {m["id"]: m for m in earlier}
    readable = set(by_id)
    if principal is not None:
        readable = set()
        for m in earlier:
            access = await meeting_access(principal, m["id"])
            if access is not None and access.can_read_content:
                readable.add(m["id"])
    if not readable:
        return []
    rows = (
        await Action.select()
        .where(
            Action.meeting.is_in(sorted(readable))
            & (Action.kind == "action")
            & Action.status.is_in(list(OPEN_STATUSES))
        )
        .order_by(Action.meeting)
        .order_by(Action.id)
    )
    feedback = await _latest_feedback([r["id"] for r in rows])
    users = await _names(r["assignee_user"] for r in rows)
    units = await _unit_names(r["assignee_unit"] for r in rows)
    out = []
    for r in rows:
        source = by_id[r["meeting"]]
        hidden = source["classification"] == "SULIT" and not _is_sulit(meeting)
        text = "(SULIT)" if hidden else _open(r["text"], f"action:{r['id']}")
        fb = feedback.get(r["id"])
        fb_text = ""
        if fb is not None and not hidden:
            fb_text = _open(fb["text"], f"action-feedback:{fb['id']}")
        out.append(
            schemas.MatterArising(
                action_id=r["id"],
                meeting_label=meeting_label(source),
                text=text,
                status=r["status"],
                due_date=r["due_date"],
                assignee=_assignee_text(r, users, units),
                latest_feedback=fb_text,
            )
        )
    return out


async def matters_arising(principal: Principal, meeting_id: int) -> list[schemas.MatterArising]:
    await content_readable_meeting(principal, meeting_id)
    meeting = await _meeting_row(meeting_id)
    items = await _matters_arising(principal, meeting)
    if items:
        await _audit_read(principal, meeting, "matters_arising")
    return items
