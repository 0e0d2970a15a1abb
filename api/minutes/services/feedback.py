"""Feedback on actions, the requests for it, and the feedback report."""

from __future__ import annotations

from typing import Any

from api.accounts import audit
from api.accounts.authz import Principal
from api.core.errors import Forbidden, NotFound
from api.db import for_update, write_transaction
from api.meetings.access import (
    content_readable_meeting,
    managed_meeting,
)
from api.meetings.confidential import subject_for_notice, subject_of
from api.minutes import schemas
from api.minutes.services.actions import (
    _ACTION_COLUMNS,
    _action_out,
    _is_assignee,
    _readable_action,
    _user_unit,
    get_action,
)
from api.minutes.services.common import (
    OPEN_STATUSES,
    _audit_read,
    _is_sulit,
    _meeting_row,
    _now,
    _open,
    _seal_if,
    meeting_label,
)
from api.minutes.tables import (
    Action,
    ActionFeedback,
)
from api.org.tables import Agency, User
from api.outbox.services import enqueue
from notifications.kinds import Kind


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
