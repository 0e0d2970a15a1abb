"""Action assignees from outside the committee's agency: a guest of the meeting (invited by
e-mail, an officer of another agency with their own Hadir account) may be given an action of
that meeting, unless the meeting is SULIT (its actions stay with the committee). They are told
through the outbox like anyone (neutral for SULIT anyway), and read and answer the action with
their own account: `services._readable_action` lets an assignee see a non-SULIT action."""

from __future__ import annotations

from typing import Any

from api.meetings.access import Classification
from api.meetings.tables import Invitation


async def invited_from_elsewhere(meeting: dict[str, Any], user_ids: set[int]) -> set[int]:
    """Those of `user_ids` who are invited to the meeting (any agency), for a non-SULIT one."""
    if not user_ids or meeting["classification"] == Classification.SULIT:
        return set()
    rows = await Invitation.select(Invitation.user).where(
        (Invitation.meeting == meeting["id"]) & Invitation.user.is_in(sorted(user_ids))
    )
    return {r["user"] for r in rows}
