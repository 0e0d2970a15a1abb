"""Reviewers' comments on minutes in review."""

from __future__ import annotations

from typing import Any

from api.accounts import audit
from api.accounts.authz import Principal
from api.core.errors import Conflict, Forbidden, NotFound
from api.db import write_transaction
from api.meetings.access import (
    content_readable_meeting,
    managed_meeting,
)
from api.minutes import schemas
from api.minutes.services.common import _is_sulit, _meeting_row, _now, _seal_if
from api.minutes.services.reading import _minutes_row, _transition_start
from api.minutes.tables import (
    MinutesComment,
    MinutesReviewer,
)


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
