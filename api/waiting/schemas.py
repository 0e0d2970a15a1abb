"""The answer of `GET /api/waiting` (camelCase)."""

from __future__ import annotations

import msgspec


class WaitingOut(msgspec.Struct, rename="camel"):
    """Counts of what waits for the person, per kind; `total` is their sum (the app icon's
    badge). The unread notifications are not in `total`: they are news, not work."""

    check_ins_to_decide: int = 0
    issues_to_decide: int = 0
    slips_to_decide: int = 0
    minutes_to_approve: int = 0
    minutes_to_review: int = 0
    # The meeting whose minutes wait longest for this reviewer (the screen to open).
    review_meeting_id: int | None = None
    invitations_to_answer: int = 0
    actions_open: int = 0
    own_check_ins_without_reason: int = 0
    own_issues_to_justify: int = 0
    unread_notifications: int = 0
    total: int = 0
