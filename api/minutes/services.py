"""The rules of minutes: their life (draft → in_review → submitted → approved → distributed →
confirmed, then locked), versions and diffs, reviewers' comments, and the actions that come out
of approved minutes with their feedback, matters arising and the feedback report.

Decisions made here (the why):

* Every transition runs in `write_transaction()` and reads the minutes row with `for_update`,
  so two concurrent approvals cannot both see "submitted": exactly one wins, the other gets 409.
* Nobody approves their own work: the chair cannot approve minutes of which they wrote any
  version (a secretary who later became chair, say).
* Decisions and actions become `Action` rows when the chair approves, not at each save: drafts
  change freely during review, and only approved minutes assign official work. Each decision and
  action in the body keeps a stable `ref`, so amendments made at confirmation update the rows
  (new refs are added, removed ones are dropped) instead of duplicating them.
* Text of a SULIT meeting is sealed with `api.core.documents.seal_text`, bound to its row
  ("minutes:<id>:v<n>", "minutes-comment:<id>", "action:<id>", "action-feedback:<id>"); every
  read of SULIT minutes or actions is audited. Who may read is decided by `api.meetings.access`.
"""

from __future__ import annotations

import base64
import difflib
import os
import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from api.accounts import audit
from api.accounts.authz import Principal
from api.config import get_settings
from api.core.documents import is_sealed_text, open_text, seal_text
from api.core.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from api.db import for_update, write_transaction
from api.files.store import get_store, new_key
from api.meetings.access import (
    Classification,
    MeetingAccess,
    content_readable_meeting,
    managed_meeting,
    meeting_access,
)
from api.meetings.attendance import attendance_list
from api.meetings.confidential import agenda_purpose, opened, subject_for_notice, subject_of
from api.meetings.tables import AgendaItem, CommitteeMember, Invitation, Meeting
from api.minutes import schemas
from api.minutes.external_assignees import invited_from_elsewhere
from api.minutes.tables import (
    Action,
    ActionFeedback,
    Minutes,
    MinutesComment,
    MinutesReviewer,
    MinutesVersion,
)
from api.org.tables import Agency, OrgUnit, User
from api.outbox.services import enqueue
from api.papers import filetypes
from api.papers import services as paper_services
from notifications.kinds import Kind

STATUS_LABELS = {
    "none": "belum disediakan",
    "draft": "draf",
    "in_review": "dalam semakan",
    "submitted": "menunggu kelulusan pengerusi",
    "approved": "diluluskan",
    "distributed": "diedarkan",
    "confirmed": "disahkan",
}
OPEN_STATUSES = ("open", "in_progress")
MALAYSIA = ZoneInfo("Asia/Kuala_Lumpur")


def _now() -> datetime:
    return datetime.now(UTC)


def _seal_if(sulit: bool, text: str, purpose: str) -> str:
    return seal_text(text, purpose) if sulit else text


def _open(value: str, purpose: str) -> str:
    return open_text(value, purpose) if is_sealed_text(value) else value


def _version_purpose(minutes_id: int, number: int) -> str:
    return f"minutes:{minutes_id}:v{number}"


def meeting_label(row: dict[str, Any]) -> str:
    return f"Bil. {row['number']}/{row['year']}"


async def _meeting_row(meeting_id: int) -> dict[str, Any]:
    row = (
        await Meeting.select(
            Meeting.id,
            Meeting.title,
            Meeting.year,
            Meeting.number,
            Meeting.classification,
            Meeting.committee,
            Meeting.starts_at,
            Meeting.status,
            Meeting.committee.name.as_alias("committee_name"),
            Meeting.committee.agency.as_alias("agency"),
        )
        .where(Meeting.id == meeting_id)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def _is_sulit(meeting: dict[str, Any]) -> bool:
    return bool(meeting["classification"] == Classification.SULIT)


async def _audit_read(principal: Principal, meeting: dict[str, Any], what: str) -> None:
    if _is_sulit(meeting):
        await audit.record(
            f"{what}.read",
            actor_id=principal.user_id,
            agency_id=meeting["agency"],
            target_type="meeting",
            target_id=meeting["id"],
            detail={"classification": "SULIT"},
        )


async def _names(user_ids: Iterable[int | None]) -> dict[int, str]:
    ids = sorted({i for i in user_ids if i})
    if not ids:
        return {}
    rows = await User.select(User.id, User.name).where(User.id.is_in(ids))
    return {r["id"]: r["name"] for r in rows}


async def _unit_names(unit_ids: Iterable[int | None]) -> dict[int, str]:
    ids = sorted({i for i in unit_ids if i})
    if not ids:
        return {}
    rows = await OrgUnit.select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.is_in(ids))
    return {r["id"]: r["name"] for r in rows}


# --------------------------------------------------------------------------- attendance


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


# --------------------------------------------------------------------------- reading minutes


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


# --------------------------------------------------------------------------- saving


def _wrong_state(status: str) -> Conflict:
    if status == "confirmed":
        return Conflict("minutes_locked")
    return Conflict("minutes_wrong_state", params={"status": STATUS_LABELS.get(status, status)})


def _fill_refs(body: schemas.MinutesBody) -> None:
    seen: set[str] = set()
    for item in body.items:
        entries: list[schemas.Decision | schemas.ActionItem] = [*item.decisions, *item.actions]
        for entry in entries:
            if not entry.ref or entry.ref in seen:
                entry.ref = secrets.token_hex(6)
            seen.add(entry.ref)


async def _check_assignees(meeting: dict[str, Any], body: schemas.MinutesBody) -> None:
    user_ids = {a.assignee_user_id for i in body.items for a in i.actions if a.assignee_user_id}
    unit_ids = {a.assignee_unit_id for i in body.items for a in i.actions if a.assignee_unit_id}
    errors = []
    if user_ids:
        found = await User.select(User.id).where(
            User.id.is_in(sorted(user_ids)) & (User.agency == meeting["agency"])
        )
        guests = await invited_from_elsewhere(meeting, user_ids)  # issue 16: other agencies
        if len({r["id"] for r in found} | guests) != len(user_ids):
            errors.append(FieldError("assigneeUserId", "action_assignee_invalid"))
    if unit_ids:
        found = await OrgUnit.select(OrgUnit.id).where(
            OrgUnit.id.is_in(sorted(unit_ids)) & (OrgUnit.agency == meeting["agency"])
        )
        if len(found) != len(unit_ids):
            errors.append(FieldError("assigneeUnitId", "action_assignee_invalid"))
    if errors:
        raise Invalid("action_assignee_invalid", errors=errors)


async def _add_version(
    principal: Principal,
    meeting: dict[str, Any],
    minutes_id: int,
    number: int,
    body: schemas.MinutesBody,
    kind: str = "draft",
) -> None:
    text = msgspec.json.encode(body).decode()
    await MinutesVersion.insert(
        MinutesVersion(
            minutes=minutes_id,
            number=number,
            kind=kind,
            body=_seal_if(_is_sulit(meeting), text, _version_purpose(minutes_id, number)),
            author=principal.user_id,
        )
    )


async def save(principal: Principal, meeting_id: int, data: schemas.SaveRequest) -> int:
    """A new version of the minutes (creating them with the first save); returns its number."""
    await managed_meeting(principal, meeting_id)
    meeting = await _meeting_row(meeting_id)
    if meeting["status"] == "draft":
        # Nobody but the secretariat knows a meeting whose invitations were never sent: its
        # chair and reviewers could not reach the minutes.
        raise Conflict("minutes_meeting_not_invited")
    body = data.body
    _fill_refs(body)
    await _check_assignees(meeting, body)
    body.attendance = await attendance_section(meeting_id)
    body.matters_arising = await _matters_arising(None, meeting)
    async with write_transaction():
        await for_update(Meeting.select(Meeting.id).where(Meeting.id == meeting_id)).first()
        minutes = await _minutes_row(meeting_id, lock=True)
        if minutes is None:
            minutes_id = (await Minutes.insert(Minutes(meeting=meeting_id)).returning(Minutes.id))[
                0
            ]["id"]
            current, status = 0, "draft"
        else:
            minutes_id, current, status = (
                minutes["id"],
                minutes["current_version"],
                minutes["status"],
            )
        if status not in ("draft", "in_review"):
            raise _wrong_state(status)
        if data.base_version is not None and data.base_version != current:
            raise Conflict("minutes_stale_version", params={"current": current})
        number = current + 1
        await _add_version(principal, meeting, minutes_id, number, body)
        await Minutes.update({Minutes.current_version: number, Minutes.updated_at: _now()}).where(
            Minutes.id == minutes_id
        )
        await audit.record(
            "minutes.saved",
            actor_id=principal.user_id,
            agency_id=meeting["agency"],
            target_type="minutes",
            target_id=minutes_id,
            detail={"meeting": meeting_id, "version": number},
        )
    return number


# --------------------------------------------------------------------------- transitions


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


async def _set_status(
    principal: Principal,
    meeting: dict[str, Any],
    minutes: dict[str, Any],
    status: str,
    values: dict[Any, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    changes: dict[Any, Any] = {Minutes.status: status, Minutes.updated_at: _now()}
    changes.update(values or {})
    await Minutes.update(changes).where(Minutes.id == minutes["id"])
    await audit.record(
        f"minutes.{status}",
        actor_id=principal.user_id,
        agency_id=meeting["agency"],
        target_type="minutes",
        target_id=minutes["id"],
        detail={"meeting": meeting["id"], "from": minutes["status"], **(detail or {})},
    )


async def appoint_reviewers(
    principal: Principal, meeting_id: int, data: schemas.ReviewRequest
) -> None:
    access = await managed_meeting(principal, meeting_id)
    meeting = await _meeting_row(meeting_id)
    if data.due_date < _today():
        raise Invalid(
            "minutes_due_date_past", errors=[FieldError("dueDate", "minutes_due_date_past")]
        )
    reviewer_ids = sorted(set(data.reviewer_ids))
    members = await CommitteeMember.select(CommitteeMember.user).where(
        (CommitteeMember.committee == access.committee_id)
        & CommitteeMember.user.is_in(reviewer_ids)
    )
    if len(members) != len(reviewer_ids):
        raise Invalid(
            "minutes_reviewer_not_member",
            errors=[FieldError("reviewerIds", "minutes_reviewer_not_member")],
        )
    async with write_transaction():
        minutes = await _transition_start(principal, meeting_id, ("draft",))
        await MinutesReviewer.delete().where(MinutesReviewer.minutes == minutes["id"])
        await MinutesReviewer.insert(
            *[
                MinutesReviewer(minutes=minutes["id"], user=u, appointed_by=principal.user_id)
                for u in reviewer_ids
            ]
        )
        await _set_status(
            principal,
            meeting,
            minutes,
            "in_review",
            {Minutes.review_due: data.due_date},
            {"reviewers": reviewer_ids},
        )
        for user_id in reviewer_ids:
            await enqueue(
                Kind.MINUTES_FOR_REVIEW,
                user_id,
                {"meeting_title": subject_for_notice(meeting), "due_date": data.due_date},
                event_key=f"minutes-review:{minutes['id']}:v{minutes['current_version']}",
                url=f"/meetings/{meeting_id}/minutes",
                classification=meeting["classification"],
            )


async def submit(principal: Principal, meeting_id: int) -> None:
    await managed_meeting(principal, meeting_id)
    meeting = await _meeting_row(meeting_id)
    async with write_transaction():
        minutes = await _transition_start(principal, meeting_id, ("draft", "in_review"))
        await _set_status(principal, meeting, minutes, "submitted", {Minutes.submitted_at: _now()})


async def _chair_check(principal: Principal, meeting_id: int) -> MeetingAccess:
    access = await content_readable_meeting(principal, meeting_id)
    if not access.is_chair:
        raise Forbidden("minutes_chair_only")
    return access


async def approve(principal: Principal, meeting_id: int) -> None:
    await _chair_check(principal, meeting_id)
    meeting = await _meeting_row(meeting_id)
    if meeting["starts_at"].astimezone(UTC) > _now():
        raise Conflict("minutes_meeting_not_started")
    async with write_transaction():
        minutes = await _transition_start(principal, meeting_id, ("submitted",))
        if principal.user_id in await _authors(minutes["id"]):
            raise Forbidden("minutes_self_approval")
        now = _now()
        await _set_status(
            principal,
            meeting,
            minutes,
            "approved",
            {Minutes.approved_by: principal.user_id, Minutes.approved_at: now},
            {"version": minutes["current_version"]},
        )
        version = await _version_body(minutes["id"], minutes["current_version"])
        await _sync_actions(meeting, minutes["id"], version["parsed"])
        secretariat = await CommitteeMember.select(CommitteeMember.user).where(
            (CommitteeMember.committee == meeting["committee"])
            & (CommitteeMember.role == "secretariat")
        )
        for row in secretariat:
            await enqueue(
                Kind.MINUTES_APPROVED,
                row["user"],
                {"meeting_title": subject_for_notice(meeting), "chair_name": principal.name},
                event_key=f"minutes-approved:{minutes['id']}",
                url=f"/meetings/{meeting_id}/minutes",
                classification=meeting["classification"],
            )


async def send_back(principal: Principal, meeting_id: int, data: schemas.ReturnRequest) -> None:
    """The chair returns submitted minutes to draft, with a comment."""
    await _chair_check(principal, meeting_id)
    meeting = await _meeting_row(meeting_id)
    async with write_transaction():
        minutes = await _transition_start(principal, meeting_id, ("submitted",))
        await _add_comment(principal, meeting, minutes, "general", data.comment)
        await _set_status(principal, meeting, minutes, "draft")


async def distribute(principal: Principal, meeting_id: int) -> int:
    """Approved minutes go to every member (and, unless SULIT, every invitee); returns how many
    people were notified."""
    access = await managed_meeting(principal, meeting_id)
    meeting = await _meeting_row(meeting_id)
    async with write_transaction():
        minutes = await _transition_start(principal, meeting_id, ("approved",))
        await _set_status(
            principal, meeting, minutes, "distributed", {Minutes.distributed_at: _now()}
        )
        people = {
            r["user"]
            for r in await CommitteeMember.select(CommitteeMember.user).where(
                CommitteeMember.committee == access.committee_id
            )
        }
        if not _is_sulit(meeting):
            people |= {
                r["user"]
                for r in await Invitation.select(Invitation.user).where(
                    Invitation.meeting == meeting_id
                )
            }
        for user_id in sorted(people):
            await enqueue(
                Kind.MINUTES_DISTRIBUTED,
                user_id,
                {"meeting_title": subject_for_notice(meeting)},
                event_key=f"minutes-distributed:{minutes['id']}",
                url=f"/meetings/{meeting_id}/minutes",
                classification=meeting["classification"],
            )
    return len(people)


async def confirm(principal: Principal, meeting_id: int, data: schemas.ConfirmRequest) -> None:
    """Confirmed at a later meeting of the same committee (with or without amendments, which
    make a final version); then locked."""
    await managed_meeting(principal, meeting_id)
    meeting = await _meeting_row(meeting_id)
    later = (
        await Meeting.select(Meeting.committee, Meeting.starts_at, Meeting.status)
        .where(Meeting.id == data.meeting_id)
        .first()
    )
    if (
        later is None
        or later["committee"] != meeting["committee"]
        or later["starts_at"] <= meeting["starts_at"]
    ):
        raise Invalid(
            "minutes_confirm_meeting_invalid",
            errors=[FieldError("meetingId", "minutes_confirm_meeting_invalid")],
        )
    if later["status"] != "scheduled" or later["starts_at"].astimezone(UTC) > _now():
        # Confirmed at a meeting that was held: it has started and was not cancelled.
        raise Invalid(
            "minutes_confirm_meeting_not_held",
            errors=[FieldError("meetingId", "minutes_confirm_meeting_not_held")],
        )
    body = data.amendments
    if body is not None:
        _fill_refs(body)
        await _check_assignees(meeting, body)
    async with write_transaction():
        minutes = await _transition_start(principal, meeting_id, ("distributed",))
        values: dict[Any, Any] = {
            Minutes.confirmed_at: _now(),
            Minutes.confirmed_in: data.meeting_id,
            Minutes.amended: body is not None,
        }
        if body is not None:
            previous = await _version_body(minutes["id"], minutes["current_version"])
            body.attendance = previous["parsed"].attendance
            body.matters_arising = previous["parsed"].matters_arising
            number = minutes["current_version"] + 1
            await _add_version(principal, meeting, minutes["id"], number, body, kind="final")
            values[Minutes.current_version] = number
            await _sync_actions(meeting, minutes["id"], body)
        await _set_status(
            principal,
            meeting,
            minutes,
            "confirmed",
            values,
            {"confirmedIn": data.meeting_id, "amended": body is not None},
        )


async def _sync_actions(
    meeting: dict[str, Any], minutes_id: int, body: schemas.MinutesBody
) -> None:
    """Decisions and actions of the body as `Action` rows, matched by ref."""
    existing = {
        r["item_ref"]: r
        for r in await Action.select(Action.id, Action.item_ref).where(Action.minutes == minutes_id)
    }
    sulit = _is_sulit(meeting)
    seen: set[str] = set()
    now = _now()
    for index, item in enumerate(body.items, start=1):
        entries: list[tuple[str, int, schemas.Decision | schemas.ActionItem]] = [
            ("decision", n, d) for n, d in enumerate(item.decisions)
        ] + [("action", n, a) for n, a in enumerate(item.actions)]
        for kind, position, entry in entries:
            seen.add(entry.ref)
            user = getattr(entry, "assignee_user_id", None)
            unit = getattr(entry, "assignee_unit_id", None)
            due = getattr(entry, "due_date", None)
            row = existing.get(entry.ref)
            if row is None:
                action_id = (
                    await Action.insert(
                        Action(
                            meeting=meeting["id"],
                            minutes=minutes_id,
                            item_ref=entry.ref,
                            kind=kind,
                            section=f"item:{index}",
                            position=position,
                            status="done" if kind == "decision" else "open",
                        )
                    ).returning(Action.id)
                )[0]["id"]
            else:
                action_id = row["id"]
            await Action.update(
                {
                    Action.text: _seal_if(sulit, entry.text, f"action:{action_id}"),
                    Action.assignee_user: user,
                    Action.assignee_unit: unit,
                    Action.due_date: due,
                    Action.section: f"item:{index}",
                    Action.position: position,
                    Action.updated_at: now,
                }
            ).where(Action.id == action_id)
    gone = [r["id"] for ref, r in existing.items() if ref not in seen]
    if gone:
        await Action.update({Action.status: "dropped", Action.updated_at: now}).where(
            Action.id.is_in(gone)
        )


# --------------------------------------------------------------------------- comments


async def _add_comment(
    principal: Principal, meeting: dict[str, Any], minutes: dict[str, Any], section: str, text: str
) -> int:
    comment_id = (
        await MinutesComment.insert(
            MinutesComment(
                minutes=minutes["id"],
                version=minutes["current_version"],
                section=section,
                author=principal.user_id,
            )
        ).returning(MinutesComment.id)
    )[0]["id"]
    await MinutesComment.update(
        {MinutesComment.body: _seal_if(_is_sulit(meeting), text, f"minutes-comment:{comment_id}")}
    ).where(MinutesComment.id == comment_id)
    return int(comment_id)


async def comment(principal: Principal, meeting_id: int, data: schemas.CommentRequest) -> int:
    """Appointed reviewers (and the chair) comment during review; the chair when submitted."""
    access = await content_readable_meeting(principal, meeting_id)
    meeting = await _meeting_row(meeting_id)
    async with write_transaction():
        minutes = await _transition_start(principal, meeting_id, ("in_review", "submitted"))
        reviewer = await MinutesReviewer.exists().where(
            (MinutesReviewer.minutes == minutes["id"]) & (MinutesReviewer.user == principal.user_id)
        )
        allowed = access.is_chair or (reviewer and minutes["status"] == "in_review")
        if not allowed:
            raise Forbidden("minutes_not_reviewer")
        comment_id = await _add_comment(principal, meeting, minutes, data.section, data.body)
        await audit.record(
            "minutes.commented",
            actor_id=principal.user_id,
            agency_id=meeting["agency"],
            target_type="minutes",
            target_id=minutes["id"],
            detail={"section": data.section, "comment": comment_id},
        )
    return comment_id


async def resolve_comment(principal: Principal, meeting_id: int, comment_id: int) -> None:
    await managed_meeting(principal, meeting_id)
    async with write_transaction():
        minutes = await _minutes_row(meeting_id, lock=True)
        if minutes is None:
            raise NotFound()
        if minutes["status"] == "confirmed":
            raise Conflict("minutes_locked")
        updated = (
            await MinutesComment.update(
                {MinutesComment.resolved_at: _now(), MinutesComment.resolved_by: principal.user_id}
            )
            .where((MinutesComment.id == comment_id) & (MinutesComment.minutes == minutes["id"]))
            .returning(MinutesComment.id)
        )
        if not updated:
            raise NotFound()


# --------------------------------------------------------------------------- versions and diff


async def _readable_minutes(
    principal: Principal, meeting_id: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    access = await content_readable_meeting(principal, meeting_id)
    meeting = await _meeting_row(meeting_id)
    minutes = await _minutes_row(meeting_id)
    if minutes is None or not _may_read_body(access, minutes["status"]):
        raise NotFound()
    await _audit_read(principal, meeting, "minutes")
    return meeting, minutes


async def versions(principal: Principal, meeting_id: int) -> list[schemas.VersionOut]:
    _, minutes = await _readable_minutes(principal, meeting_id)
    rows = (
        await MinutesVersion.select(
            MinutesVersion.number,
            MinutesVersion.kind,
            MinutesVersion.created_at,
            MinutesVersion.author.name.as_alias("author_name"),
        )
        .where(MinutesVersion.minutes == minutes["id"])
        .order_by(MinutesVersion.number, ascending=False)
    )
    return [schemas.VersionOut(**r) for r in rows]


async def version(principal: Principal, meeting_id: int, number: int) -> schemas.VersionBodyOut:
    _, minutes = await _readable_minutes(principal, meeting_id)
    row = await _version_body(minutes["id"], number)
    return schemas.VersionBodyOut(
        number=row["number"],
        kind=row["kind"],
        author_name=row["author_name"],
        created_at=row["created_at"],
        body=row["parsed"],
    )


def _section_lines(
    body: schemas.MinutesBody, users: dict[int, str], units: dict[int, str]
) -> list[tuple[str, str, list[str]]]:
    """(key, title, lines) for each section, in the order they are printed."""
    sections: list[tuple[str, str, list[str]]] = []
    att = body.attendance or schemas.AttendanceSection()
    sections.append(
        (
            "attendance",
            "Kehadiran",
            [f"Hadir: {a.text}" for a in att.present]
            + [f"Tidak hadir: {a.text}" for a in att.absent]
            + [f"Turut hadir: {a.text}" for a in att.in_attendance],
        )
    )
    sections.append(
        (
            "matters",
            "Perkara berbangkit",
            [
                f"{m.meeting_label}: {m.text} [{m.status}]"
                + (f" — {m.latest_feedback}" if m.latest_feedback else "")
                for m in body.matters_arising
            ],
        )
    )
    for index, item in enumerate(body.items, start=1):
        lines = [f"Perbincangan: {line}" for line in item.discussion.splitlines() if line.strip()]
        lines += [f"Keputusan: {d.text}" for d in item.decisions]
        for a in item.actions:
            who = " / ".join(
                x
                for x in (
                    users.get(a.assignee_user_id or 0, ""),
                    units.get(a.assignee_unit_id or 0, ""),
                )
                if x
            )
            due = a.due_date.isoformat() if a.due_date else "-"
            lines.append(f"Tindakan: {a.text} (oleh: {who or '-'}; tarikh akhir: {due})")
        sections.append((f"item:{index}", f"{index}. {item.title}", lines))
    sections.append(("notes", "Catatan", [x for x in body.notes.splitlines() if x.strip()]))
    return sections


def diff_bodies(
    a: schemas.MinutesBody,
    b: schemas.MinutesBody,
    users: dict[int, str] | None = None,
    units: dict[int, str] | None = None,
) -> list[schemas.SectionDiff]:
    users, units = users or {}, units or {}
    old = {k: (t, lines) for k, t, lines in _section_lines(a, users, units)}
    new_sections = _section_lines(b, users, units)
    keys = [k for k, _, _ in new_sections] + [
        k for k in old if k not in dict.fromkeys(k for k, _, _ in new_sections)
    ]
    new = {k: (t, lines) for k, t, lines in new_sections}
    out = []
    for key in keys:
        title = (new.get(key) or old[key])[0]
        before = old.get(key, ("", []))[1]
        after = new.get(key, ("", []))[1]
        lines: list[schemas.DiffLine] = []
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                lines += [schemas.DiffLine("=", x) for x in before[i1:i2]]
            else:
                lines += [schemas.DiffLine("-", x) for x in before[i1:i2]]
                lines += [schemas.DiffLine("+", x) for x in after[j1:j2]]
        out.append(
            schemas.SectionDiff(
                section=key,
                title=title,
                changed=any(x.op != "=" for x in lines),
                lines=lines,
            )
        )
    return out


def _people_in(*bodies: schemas.MinutesBody) -> tuple[set[int], set[int]]:
    users = {a.assignee_user_id for b in bodies for i in b.items for a in i.actions}
    units = {a.assignee_unit_id for b in bodies for i in b.items for a in i.actions}
    return {u for u in users if u}, {u for u in units if u}


async def diff(principal: Principal, meeting_id: int, a: int, b: int) -> schemas.DiffOut:
    _, minutes = await _readable_minutes(principal, meeting_id)
    body_a = (await _version_body(minutes["id"], a))["parsed"]
    body_b = (await _version_body(minutes["id"], b))["parsed"]
    user_ids, unit_ids = _people_in(body_a, body_b)
    sections = diff_bodies(body_a, body_b, await _names(user_ids), await _unit_names(unit_ids))
    return schemas.DiffOut(a=a, b=b, sections=sections)


# --------------------------------------------------------------------------- approval inbox


def _submitted_to_chair(user_id: int) -> Any:
    """Minutes waiting for this person's approval as chair (a query condition on `Minutes`)."""
    return (Minutes.status == "submitted") & Minutes.meeting.committee.is_in(
        CommitteeMember.select(CommitteeMember.committee).where(
            (CommitteeMember.user == user_id) & (CommitteeMember.role == "chair")
        )
    )


async def approvals(principal: Principal) -> list[schemas.ApprovalItem]:
    """Minutes submitted to the principal as chair."""
    rows = (
        await Minutes.select(
            Minutes.meeting,
            Minutes.current_version,
            Minutes.submitted_at,
            Minutes.meeting.title.as_alias("title"),
            Minutes.meeting.number.as_alias("number"),
            Minutes.meeting.year.as_alias("year"),
            Minutes.meeting._.committee._.name.as_alias("committee_name"),
        )
        .where(_submitted_to_chair(principal.user_id))
        .order_by(Minutes.submitted_at)
    )
    return [
        schemas.ApprovalItem(
            meeting_id=r["meeting"],
            meeting_title=subject_of(r, id_key="meeting"),
            meeting_label=meeting_label(r),
            committee_name=r["committee_name"],
            version=r["current_version"],
            submitted_at=r["submitted_at"],
        )
        for r in rows
    ]


async def approvals_count(principal: Principal) -> int:
    """How many minutes `approvals` lists."""
    return int(await Minutes.count().where(_submitted_to_chair(principal.user_id)))


async def has_pending_minutes(user_id: int) -> bool:
    """Whether the person chairs a committee with minutes waiting for approval (the session
    endpoint shows the approvals screen to them, as to supervisors)."""
    return bool(await Minutes.exists().where(_submitted_to_chair(user_id)))


async def minutes_to_review(principal: Principal) -> list[int]:
    """The meetings (oldest review first) whose minutes are in review with this person
    among the appointed reviewers."""
    rows = (
        await MinutesReviewer.select(MinutesReviewer.minutes.meeting.as_alias("meeting"))
        .where(
            (MinutesReviewer.user == principal.user_id)
            & (MinutesReviewer.minutes.status == "in_review")
        )
        .order_by(MinutesReviewer.id)
    )
    return list(dict.fromkeys(r["meeting"] for r in rows))


# --------------------------------------------------------------------------- actions


async def _user_unit(user_id: int) -> tuple[int | None, str]:
    row = (
        await User.select(User.unit, User.unit.path.as_alias("path"))
        .where(User.id == user_id)
        .first()
    )
    if row is None:
        return None, ""
    return row["unit"], row["path"] or ""


def _is_assignee(row: dict[str, Any], user_id: int, unit_id: int | None) -> bool:
    if row["assignee_user"] == user_id:
        return True
    return row["assignee_unit"] is not None and row["assignee_unit"] == unit_id


def _today() -> date:
    """Today in Malaysia: due dates are calendar days there, not in UTC."""
    return datetime.now(MALAYSIA).date()


def _overdue(row: dict[str, Any]) -> bool:
    return bool(
        row["kind"] == "action"
        and row["status"] in OPEN_STATUSES
        and row["due_date"] is not None
        and row["due_date"] < _today()
    )


_ACTION_COLUMNS: tuple[Any, ...] = (
    *Action.all_columns(),
    Action.meeting.title.as_alias("meeting_title"),
    Action.meeting.number.as_alias("number"),
    Action.meeting.year.as_alias("year"),
    Action.meeting.classification.as_alias("classification"),
    Action.meeting._.committee._.agency.as_alias("agency"),
)


async def _action_out(
    rows: list[dict[str, Any]],
    user_id: int,
    unit_id: int | None,
    with_history: bool = False,
) -> list[schemas.ActionOut]:
    ids = [r["id"] for r in rows]
    latest = await _latest_feedback(ids)
    users = await _names(r["assignee_user"] for r in rows)
    units = await _unit_names(r["assignee_unit"] for r in rows)
    history: dict[int, list[schemas.FeedbackOut]] = {}
    if with_history and ids:
        fb_rows = (
            await ActionFeedback.select(
                *ActionFeedback.all_columns(), ActionFeedback.author.name.as_alias("author_name")
            )
            .where(ActionFeedback.action.is_in(ids))
            .order_by(ActionFeedback.id, ascending=False)
        )
        for f in fb_rows:
            history.setdefault(f["action"], []).append(_feedback_out(f))
    out = []
    for r in rows:
        fb = latest.get(r["id"])
        out.append(
            schemas.ActionOut(
                id=r["id"],
                meeting_id=r["meeting"],
                meeting_title=subject_of(r, id_key="meeting", title_key="meeting_title"),
                meeting_label=meeting_label(r),
                kind=r["kind"],
                text=_open(r["text"], f"action:{r['id']}"),
                status=r["status"],
                assignee=_assignee_text(r, users, units),
                assignee_user_id=r["assignee_user"],
                assignee_unit_id=r["assignee_unit"],
                due_date=r["due_date"],
                overdue=_overdue(r),
                can_give_feedback=r["kind"] == "action" and _is_assignee(r, user_id, unit_id),
                latest_feedback=_feedback_out(fb) if fb else None,
                feedback=history.get(r["id"], []),
            )
        )
    return out


def _feedback_out(f: dict[str, Any]) -> schemas.FeedbackOut:
    has_file = bool(f.get("attachment_key"))
    return schemas.FeedbackOut(
        id=f["id"],
        author_name=f["author_name"],
        text=_open(f["text"], f"action-feedback:{f['id']}"),
        status=f["status"],
        created_at=f["created_at"],
        attachment_name=_open(f["attachment_name"], f"action-feedback-file-name:{f['id']}")
        if has_file
        else "",
        attachment_size=f.get("attachment_size") or 0,
        attachment_url=f"/api/actions/{f['action']}/feedback/{f['id']}/attachment"
        if has_file
        else "",
    )


async def _readable_action(principal: Principal, action_id: int) -> dict[str, Any]:
    """The action, if the principal may read it: anyone who may read its meeting's content, or
    (unless the meeting is SULIT, which stays with the committee) its assignees."""
    row = await Action.select(*_ACTION_COLUMNS).where(Action.id == action_id).first()
    if row is None:
        raise NotFound()
    access = await meeting_access(principal, row["meeting"])
    if access is not None and access.can_read_content:
        return row
    unit_id, _ = await _user_unit(principal.user_id)
    if row["classification"] != "SULIT" and _is_assignee(row, principal.user_id, unit_id):
        return row
    raise NotFound()


async def my_actions(principal: Principal) -> list[schemas.ActionOut]:
    unit_id, _ = await _user_unit(principal.user_id)
    condition: Any = Action.assignee_user == principal.user_id
    if unit_id is not None:
        condition = condition | (Action.assignee_unit == unit_id)
    rows = (
        await Action.select(*_ACTION_COLUMNS)
        .where(condition & (Action.kind == "action"))
        .order_by(Action.due_date)
        .order_by(Action.id)
    )
    readable = []
    cache: dict[int, bool] = {}
    for r in rows:
        if r["classification"] == "SULIT":
            if r["meeting"] not in cache:
                access = await meeting_access(principal, r["meeting"])
                cache[r["meeting"]] = access is not None and access.can_read_content
            if not cache[r["meeting"]]:
                continue
        readable.append(r)
    return await _action_out(readable, principal.user_id, unit_id)


async def open_actions_count(principal: Principal) -> int:
    """How many of the actions `my_actions` lists are still open or in progress: each waits
    for the assignee's feedback until it is done or dropped."""
    unit_id, _ = await _user_unit(principal.user_id)
    condition: Any = Action.assignee_user == principal.user_id
    if unit_id is not None:
        condition = condition | (Action.assignee_unit == unit_id)
    # SULIT actions are read by the committee's members only (api.meetings.access).
    readable = (Action.meeting.classification != "SULIT") | Action.meeting.committee.is_in(
        CommitteeMember.select(CommitteeMember.committee).where(
            CommitteeMember.user == principal.user_id
        )
    )
    return int(
        await Action.count().where(
            condition
            & (Action.kind == "action")
            & Action.status.is_in(list(OPEN_STATUSES))
            & readable
        )
    )


async def get_action(principal: Principal, action_id: int) -> schemas.ActionOut:
    row = await _readable_action(principal, action_id)
    if row["classification"] == "SULIT":
        await audit.record(
            "action.read",
            actor_id=principal.user_id,
            agency_id=row["agency"],
            target_type="action",
            target_id=action_id,
            detail={"classification": "SULIT"},
        )
    unit_id, _ = await _user_unit(principal.user_id)
    return (await _action_out([row], principal.user_id, unit_id, with_history=True))[0]


async def give_feedback(
    principal: Principal, action_id: int, data: schemas.FeedbackRequest
) -> schemas.ActionOut:
    row = await _readable_action(principal, action_id)
    unit_id, _ = await _user_unit(principal.user_id)
    if row["kind"] != "action" or not _is_assignee(row, principal.user_id, unit_id):
        raise Forbidden("action_not_assignee")
    async with write_transaction():
        locked = await for_update(Action.select(Action.id).where(Action.id == action_id)).first()
        if locked is None:
            raise NotFound()
        feedback_id = (
            await ActionFeedback.insert(
                ActionFeedback(action=action_id, author=principal.user_id, status=data.status)
            ).returning(ActionFeedback.id)
        )[0]["id"]
        sulit = row["classification"] == "SULIT"
        await ActionFeedback.update(
            {ActionFeedback.text: _seal_if(sulit, data.text, f"action-feedback:{feedback_id}")}
        ).where(ActionFeedback.id == feedback_id)
        await Action.update({Action.status: data.status, Action.updated_at: _now()}).where(
            Action.id == action_id
        )
        await audit.record(
            "action.feedback",
            actor_id=principal.user_id,
            agency_id=row["agency"],
            target_type="action",
            target_id=action_id,
            detail={"status": data.status, "feedback": feedback_id},
        )
    return await get_action(principal, action_id)


async def request_feedback(
    principal: Principal, meeting_id: int, data: schemas.RequestFeedbackRequest
) -> int:
    """Notifies the assignees of the chosen (default: every open) action; returns how many
    notifications were queued (people × actions)."""
    await managed_meeting(principal, meeting_id)
    meeting = await _meeting_row(meeting_id)
    condition: Any = (
        (Action.meeting == meeting_id)
        & (Action.kind == "action")
        & Action.status.is_in(list(OPEN_STATUSES))
    )
    if data.action_ids:
        condition = condition & Action.id.is_in(sorted(set(data.action_ids)))
    notified = 0
    stamp = int(_now().timestamp())
    async with write_transaction():
        rows = await for_update(Action.select().where(condition))
        for r in rows:
            people: set[int] = set()
            if r["assignee_user"]:
                people.add(r["assignee_user"])
            if r["assignee_unit"]:
                people |= {
                    u["id"]
                    for u in await User.select(User.id).where(
                        (User.unit == r["assignee_unit"]) & (User.state == "active")
                    )
                }
            title = (
                f"Tindakan #{r['id']} ({meeting_label(meeting)})"
                if _is_sulit(meeting)
                else _open(r["text"], f"action:{r['id']}")[:120]
            )
            for user_id in sorted(people):
                rows_written = await enqueue(
                    Kind.FEEDBACK_REQUESTED,
                    user_id,
                    {
                        "action_title": title,
                        "meeting_title": subject_for_notice(meeting),
                        "due_date": r["due_date"] or "-",
                    },
                    event_key=f"feedback-request:{r['id']}:{stamp}",
                    url=f"/actions/{r['id']}",
                    classification=meeting["classification"],
                )
                notified += 1 if rows_written else 0
            await Action.update({Action.feedback_requested_at: _now()}).where(Action.id == r["id"])
        await audit.record(
            "action.feedback_requested",
            actor_id=principal.user_id,
            agency_id=meeting["agency"],
            target_type="meeting",
            target_id=meeting_id,
            detail={"actions": [r["id"] for r in rows]},
        )
    return notified


async def report(principal: Principal, meeting_id: int) -> schemas.ReportOut:
    """Every action of the meeting with its status, latest feedback and due date."""
    await content_readable_meeting(principal, meeting_id)
    meeting = await _meeting_row(meeting_id)
    await _audit_read(principal, meeting, "action_report")
    rows = (
        await Action.select(*_ACTION_COLUMNS)
        .where((Action.meeting == meeting_id) & (Action.kind == "action"))
        .order_by(Action.section)
        .order_by(Action.position)
    )
    rows.sort(key=lambda r: (int(r["section"].split(":")[1]), r["position"]))
    unit_id, _ = await _user_unit(principal.user_id)
    actions = await _action_out(rows, principal.user_id, unit_id)
    agency = await Agency.select(Agency.timezone).where(Agency.id == meeting["agency"]).first()
    return schemas.ReportOut(
        meeting_id=meeting_id,
        meeting_title=subject_of(meeting),
        meeting_label=meeting_label(meeting),
        generated_at=_now(),
        actions=actions,
        overdue=sum(1 for a in actions if a.overdue),
        committee_name=meeting["committee_name"],
        classification=meeting["classification"],
        timezone=agency["timezone"] if agency else "Asia/Kuala_Lumpur",
    )


# --------------------------------------------------------------------------- overdue roll-up


async def overdue_by_unit(principal: Principal) -> list[schemas.UnitOverdue]:
    """Overdue actions of the principal's agency per unit, each unit counting its whole
    subtree, limited to the units the executive may see (their unit subtree, or the agency).
    Counts only: no action text, so SULIT actions are counted without being shown."""
    agency_id = principal.agency_id
    units = (
        await OrgUnit.select(OrgUnit.id, OrgUnit.name, OrgUnit.path)
        .where(OrgUnit.agency == agency_id)
        .order_by(OrgUnit.path)
    )
    visible = [u for u in units if principal.can_view_unit(agency_id, u["path"])]
    if not visible:
        return []
    rows = await Action.select(
        Action.assignee_unit,
        Action.assignee_user.unit.as_alias("user_unit"),
    ).where(
        (Action.kind == "action")
        & Action.status.is_in(list(OPEN_STATUSES))
        & (Action.due_date < _today())
        & (Action.meeting._.committee._.agency == agency_id)
    )
    path_of = {u["id"]: u["path"] for u in units}
    paths = [path_of.get(r["assignee_unit"] or r["user_unit"] or 0, "") for r in rows]
    out = []
    for unit in visible:
        direct = sum(1 for p in paths if p == unit["path"])
        total = sum(1 for p in paths if p and p.startswith(unit["path"]))
        out.append(
            schemas.UnitOverdue(
                unit_id=unit["id"],
                name=unit["name"],
                depth=unit["path"].count("/") - 2,
                direct=direct,
                total=total,
            )
        )
    return out


# --------------------------------------------------------------------------- attachments


class Attachment(msgspec.Struct, frozen=True):
    name: str
    content_type: str
    data: bytes


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


async def attach_file(
    principal: Principal, action_id: int, feedback_id: int, file_name: str, data: bytes
) -> schemas.ActionOut:
    """One file for one's own feedback (the papers area's size limit and type check). SULIT:
    the file is encrypted with a key of its own, kept sealed in the row (so master-key
    rotation re-wraps it like any sealed text), and the name is sealed."""
    row = await _readable_action(principal, action_id)
    feedback = (
        await ActionFeedback.select(ActionFeedback.id, ActionFeedback.author)
        .where((ActionFeedback.id == feedback_id) & (ActionFeedback.action == action_id))
        .first()
    )
    if feedback is None:
        raise NotFound()
    if feedback["author"] != principal.user_id:
        raise Forbidden("action_not_assignee")
    if len(data) > get_settings().paper_max_bytes:
        raise paper_services.too_large()
    if not data:
        raise Invalid("paper_file_empty", errors=[FieldError("file", "paper_file_empty")])
    name = paper_services.clean_file_name(file_name)
    try:
        detected = filetypes.detect(data, name)
    except (filetypes.UnknownType, filetypes.Mismatch):
        raise paper_services.UnsupportedType(
            params={"allowed": filetypes.ALLOWED_EXTENSIONS}
        ) from None
    sulit = row["classification"] == "SULIT"
    key = new_key()
    values: dict[Any, Any] = {
        ActionFeedback.attachment_key: key,
        ActionFeedback.attachment_type: detected.content_type,
        ActionFeedback.attachment_size: len(data),
        ActionFeedback.attachment_name: _seal_if(
            sulit, name, f"action-feedback-file-name:{feedback_id}"
        ),
    }
    stored = data
    if sulit:
        file_key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        stored = nonce + AESGCM(file_key).encrypt(nonce, data, key.encode())
        values[ActionFeedback.attachment_secret] = seal_text(
            _b64(file_key), f"action-feedback-file:{feedback_id}"
        )
    await get_store().put(key, stored)
    try:
        async with write_transaction():
            locked = await for_update(
                ActionFeedback.select(ActionFeedback.attachment_key).where(
                    ActionFeedback.id == feedback_id
                )
            ).first()
            if locked is None or locked["attachment_key"]:
                raise Conflict("feedback_has_attachment")
            await ActionFeedback.update(values).where(ActionFeedback.id == feedback_id)
            await audit.record(
                "action.feedback_attachment",
                actor_id=principal.user_id,
                agency_id=row["agency"],
                target_type="action",
                target_id=action_id,
                detail={"feedback": feedback_id, "size": len(data), "type": detected.content_type},
            )
    except BaseException:
        await get_store().delete(key)
        raise
    return await get_action(principal, action_id)


async def attachment(principal: Principal, action_id: int, feedback_id: int) -> Attachment:
    row = await _readable_action(principal, action_id)
    f = (
        await ActionFeedback.select()
        .where((ActionFeedback.id == feedback_id) & (ActionFeedback.action == action_id))
        .first()
    )
    if f is None or not f["attachment_key"]:
        raise NotFound()
    data = await get_store().get(f["attachment_key"])
    if f["attachment_secret"]:
        file_key = base64.urlsafe_b64decode(
            open_text(f["attachment_secret"], f"action-feedback-file:{feedback_id}")
        )
        data = AESGCM(file_key).decrypt(data[:12], data[12:], f["attachment_key"].encode())
    if row["classification"] == "SULIT":
        await audit.record(
            "action.attachment_read",
            actor_id=principal.user_id,
            agency_id=row["agency"],
            target_type="action",
            target_id=action_id,
            detail={"feedback": feedback_id, "classification": "SULIT"},
        )
    return Attachment(
        name=_open(f["attachment_name"], f"action-feedback-file-name:{feedback_id}"),
        content_type=f["attachment_type"],
        data=data,
    )
