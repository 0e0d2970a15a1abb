"""Reading minutes: the current body, who may do what with it, its status."""

from __future__ import annotations

from typing import Any

import msgspec

from api.accounts.authz import Principal
from api.core.errors import Conflict, NotFound
from api.db import for_update
from api.meetings.access import (
    MeetingAccess,
    content_readable_meeting,
)
from api.meetings.confidential import agenda_purpose, opened, subject_of
from api.meetings.tables import AgendaItem, CommitteeMember, Meeting
from api.minutes import schemas
from api.minutes.services.common import (
    STATUS_LABELS,
    _audit_read,
    _meeting_row,
    _names,
    _now,
    _open,
    _people_in,
    _unit_names,
    _version_purpose,
    meeting_label,
)
from api.minutes.services.sections import _matters_arising, attendance_section
from api.minutes.tables import (
    Action,
    Minutes,
    MinutesComment,
    MinutesReviewer,
    MinutesVersion,
)
from api.org.tables import OrgUnit


async def _minutes_row(meeting_id: int, lock: bool = False) -> dict[str, Any] | None:
    query = Minutes.select().where(Minutes.meeting == meeting_id)
    if lock:
        query = for_update(query)
    return await query.first()


async def _version_body(minutes_id: int, number: int) -> dict[str, Any]:
    row = (
        await MinutesVersion.select(
            MinutesVersion.number,
            MinutesVersion.kind,
            MinutesVersion.body,
            MinutesVersion.author,
            MinutesVersion.created_at,
            MinutesVersion.author.name.as_alias("author_name"),
        )
        .where((MinutesVersion.minutes == minutes_id) & (MinutesVersion.number == number))
        .first()
    )
    if row is None:
        raise NotFound()
    text = _open(row["body"], _version_purpose(minutes_id, number))
    row["parsed"] = msgspec.json.decode(text, type=schemas.MinutesBody)
    return row


async def _template_body(principal: Principal, meeting: dict[str, Any]) -> schemas.MinutesBody:
    items = (
        await AgendaItem.select(AgendaItem.id, AgendaItem.title)
        .where(AgendaItem.meeting == meeting["id"])
        .order_by(AgendaItem.position)
    )
    return schemas.MinutesBody(
        items=[
            schemas.ItemMinutes(
                title=opened(i["title"], agenda_purpose(meeting["id"])), agenda_item_id=i["id"]
            )
            for i in items
        ],
        attendance=await attendance_section(meeting["id"]),
        matters_arising=await _matters_arising(None, meeting),
    )


def _permissions(
    access: MeetingAccess, status: str, is_reviewer: bool, authored: bool
) -> schemas.Permissions:
    sec, chair = access.is_secretariat, access.is_chair
    return schemas.Permissions(
        manage=sec,
        edit=sec and status in ("none", "draft", "in_review"),
        appoint_reviewers=sec and status == "draft",
        # Review is optional: straight from the draft when no reviewer is appointed, and again
        # after the chair sent them back, without a new review round.
        submit=sec and status in ("draft", "in_review"),
        approve=chair and status == "submitted" and not authored,
        comment=(status == "in_review" and (is_reviewer or chair))
        or (status == "submitted" and chair),
        resolve=sec and status not in ("none", "confirmed"),
        distribute=sec and status == "approved",
        confirm=sec and status == "distributed",
    )


async def _authors(minutes_id: int) -> set[int]:
    rows = await MinutesVersion.select(MinutesVersion.author).where(
        MinutesVersion.minutes == minutes_id
    )
    return {r["author"] for r in rows}


async def _committee_people(committee_id: int) -> list[schemas.MemberOut]:
    rows = (
        await CommitteeMember.select(
            CommitteeMember.user, CommitteeMember.role, CommitteeMember.user.name.as_alias("name")
        )
        .where(CommitteeMember.committee == committee_id)
        .order_by(CommitteeMember.seniority)
    )
    return [schemas.MemberOut(user_id=r["user"], name=r["name"], role=r["role"]) for r in rows]


async def _comments(minutes_id: int) -> list[schemas.CommentOut]:
    rows = (
        await MinutesComment.select(
            *MinutesComment.all_columns(),
            MinutesComment.author.name.as_alias("author_name"),
        )
        .where(MinutesComment.minutes == minutes_id)
        .order_by(MinutesComment.id)
    )
    return [
        schemas.CommentOut(
            id=r["id"],
            version=r["version"],
            section=r["section"],
            author_id=r["author"],
            author_name=r["author_name"],
            body=_open(r["body"], f"minutes-comment:{r['id']}"),
            created_at=r["created_at"],
            resolved=r["resolved_at"] is not None,
        )
        for r in rows
    ]


async def get_minutes(principal: Principal, meeting_id: int) -> schemas.MinutesOut:
    access = await content_readable_meeting(principal, meeting_id)
    meeting = await _meeting_row(meeting_id)
    minutes = await _minutes_row(meeting_id)
    members = await _committee_people(meeting["committee"])
    if minutes is None or not _may_read_body(access, minutes["status"]):
        # Before distribution the minutes are the committee's working draft: others see only
        # where they are, not their text.
        return schemas.MinutesOut(
            meeting_id=meeting_id,
            meeting_title=subject_of(meeting),
            meeting_label=meeting_label(meeting),
            classification=meeting["classification"],
            status=minutes["status"] if minutes else "none",
            version=0,
            body=await _template_body(principal, meeting)
            if access.is_member
            else schemas.MinutesBody(),
            reviewers=[],
            comments=[],
            members=members if access.is_member else [],
            can=_permissions(access, "none", False, False),
            units=await _agency_units(meeting) if access.is_secretariat else [],
        )
    await _audit_read(principal, meeting, "minutes")
    version = await _version_body(minutes["id"], minutes["current_version"])
    reviewers = await MinutesReviewer.select(
        MinutesReviewer.user, MinutesReviewer.user.name.as_alias("name")
    ).where(MinutesReviewer.minutes == minutes["id"])
    is_reviewer = any(r["user"] == principal.user_id for r in reviewers)
    authored = principal.user_id in await _authors(minutes["id"])
    approver = await _names([minutes["approved_by"]])
    return schemas.MinutesOut(
        meeting_id=meeting_id,
        meeting_title=subject_of(meeting),
        meeting_label=meeting_label(meeting),
        classification=meeting["classification"],
        status=minutes["status"],
        version=minutes["current_version"],
        body=version["parsed"],
        reviewers=[schemas.ReviewerOut(user_id=r["user"], name=r["name"]) for r in reviewers],
        comments=await _comments(minutes["id"]),
        members=members,
        can=_permissions(access, minutes["status"], is_reviewer, authored),
        review_due=minutes["review_due"],
        approved_by=approver.get(minutes["approved_by"] or 0, ""),
        approved_at=minutes["approved_at"],
        distributed_at=minutes["distributed_at"],
        confirmed_at=minutes["confirmed_at"],
        amended=minutes["amended"],
        units=await _agency_units(meeting) if access.is_secretariat else [],
        later_meetings=await _later_meetings(meeting)
        if access.is_secretariat and minutes["status"] == "distributed"
        else [],
        assignee_names=await _assignee_names(version["parsed"]),
    )


async def _assignee_names(body: schemas.MinutesBody) -> dict[str, str]:
    user_ids, unit_ids = _people_in(body)
    users, units = await _names(user_ids), await _unit_names(unit_ids)
    return {f"user:{k}": v for k, v in users.items()} | {f"unit:{k}": v for k, v in units.items()}


def _may_read_body(access: MeetingAccess, status: str) -> bool:
    """Committee members read the minutes at every step; other readers of the meeting's
    content once they are distributed."""
    return access.is_member or status in ("distributed", "confirmed")


async def _agency_units(meeting: dict[str, Any]) -> list[schemas.UnitOut]:
    rows = (
        await OrgUnit.select(OrgUnit.id, OrgUnit.name)
        .where(OrgUnit.agency == meeting["agency"])
        .order_by(OrgUnit.path)
    )
    return [schemas.UnitOut(id=r["id"], name=r["name"]) for r in rows]


async def _later_meetings(meeting: dict[str, Any]) -> list[schemas.MeetingChoice]:
    """Later meetings of the same committee that were held, where these minutes may be
    confirmed."""
    rows = (
        await Meeting.select(Meeting.id, Meeting.title, Meeting.number, Meeting.year)
        .where(
            (Meeting.committee == meeting["committee"])
            & (Meeting.starts_at > meeting["starts_at"])
            & (Meeting.starts_at <= _now())
            & (Meeting.status == "scheduled")
        )
        .order_by(Meeting.starts_at)
        .limit(10)
    )
    return [
        schemas.MeetingChoice(id=r["id"], title=subject_of(r), label=meeting_label(r)) for r in rows
    ]


async def minutes_status(principal: Principal, meeting_id: int) -> schemas.MinutesStatusOut:
    """Where the minutes are, for the meeting page (no content, so no audited read)."""
    access = await content_readable_meeting(principal, meeting_id)
    row = await _minutes_row(meeting_id)
    status: Any = row["status"] if row else "none"
    return schemas.MinutesStatusOut(
        status=status,
        version=row["current_version"] if row else 0,
        can_edit=access.is_secretariat and status in ("none", "draft", "in_review"),
        has_actions=bool(row)
        and await Action.exists().where((Action.meeting == meeting_id) & (Action.kind == "action")),
    )


def _wrong_state(status: str) -> Conflict:
    if status == "confirmed":
        return Conflict("minutes_locked")
    return Conflict("minutes_wrong_state", params={"status": STATUS_LABELS.get(status, status)})


async def _transition_start(
    principal: Principal, meeting_id: int, allowed: tuple[str, ...]
) -> dict[str, Any]:
    """Inside a write transaction: the locked minutes row, which must be in an allowed state."""
    minutes = await _minutes_row(meeting_id, lock=True)
    if minutes is None:
        raise Conflict("minutes_not_started")
    if minutes["status"] not in allowed:
        raise _wrong_state(minutes["status"])
    return minutes


async def minutes_confirmed(meeting_id: int) -> bool:
    """Whether the meeting's minutes are confirmed (its record is then locked)."""
    return bool(
        await Minutes.exists().where(
            (Minutes.meeting == meeting_id) & (Minutes.status == "confirmed")
        )
    )
