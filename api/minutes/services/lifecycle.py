"""Saving drafts and moving minutes through their life (draft → in_review → submitted →
approved → distributed → confirmed), with the actions that approval creates."""

from __future__ import annotations

import secrets
from datetime import UTC
from typing import Any

import msgspec

from api.accounts import audit
from api.accounts.authz import Principal
from api.core.errors import Conflict, FieldError, Forbidden, Invalid
from api.db import for_update, write_transaction
from api.meetings.access import (
    MeetingAccess,
    content_readable_meeting,
    managed_meeting,
)
from api.meetings.confidential import subject_for_notice
from api.meetings.tables import CommitteeMember, Invitation, Meeting
from api.minutes import schemas
from api.minutes.external_assignees import invited_from_elsewhere
from api.minutes.services.actions import _today
from api.minutes.services.comments import _add_comment
from api.minutes.services.common import _is_sulit, _meeting_row, _now, _seal_if, _version_purpose
from api.minutes.services.reading import (
    _authors,
    _minutes_row,
    _transition_start,
    _version_body,
    _wrong_state,
)
from api.minutes.services.sections import _matters_arising, attendance_section
from api.minutes.tables import (
    Action,
    Minutes,
    MinutesReviewer,
    MinutesVersion,
)
from api.org.tables import OrgUnit, User
from api.outbox.services import enqueue
from notifications.kinds import Kind


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
