"""What waits for a chair's approval or a reviewer's reading."""

from __future__ import annotations

from typing import Any

from api.accounts.authz import Principal
from api.meetings.confidential import subject_of
from api.meetings.tables import CommitteeMember
from api.minutes import schemas
from api.minutes.services.common import meeting_label
from api.minutes.tables import (
    Minutes,
    MinutesReviewer,
)


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
