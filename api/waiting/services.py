"""What waits for one person, counted by the database.

Each count sits beside the list it counts, in the area that owns it (`inbox_count` beside
`inbox`, `approvals_count` beside `approvals`, …), so the two cannot drift apart; this module
only asks each area once. The cost is a fixed number of statements whatever the number of
items (tests/api/test_waiting_query_budget.py): no statement per item or per person.
"""

from __future__ import annotations

from datetime import UTC, datetime

from api.accounts.authz import Principal
from api.attendance import calendar_admin, issues, movements, rules, team
from api.attendance import services as attendance
from api.attendance.policy import escalation_thresholds
from api.meetings import rsvp
from api.minutes import services as minutes
from api.outbox import feed
from api.waiting.schemas import WaitingOut


async def waiting(principal: Principal, now: datetime | None = None) -> WaitingOut:
    now = now or datetime.now(UTC)
    out = WaitingOut(
        minutes_to_approve=await minutes.approvals_count(principal),
        invitations_to_answer=await rsvp.unanswered_count(principal, now),
        actions_open=await minutes.open_actions_count(principal),
        own_check_ins_without_reason=await attendance.own_pending_without_reason(principal),
        own_issues_to_justify=await issues.own_open_count(principal),
        unread_notifications=await feed.unread_count(principal),
    )
    review = await minutes.minutes_to_review(principal)
    out.minutes_to_review = len(review)
    out.review_meeting_id = review[0] if review else None
    direct, below, dated = await team.levels(principal)
    if dated:
        # A transfer or an acting range: the inboxes themselves say which days are theirs.
        out.check_ins_to_decide = len(await attendance.inbox(principal))
        out.issues_to_decide = len(await issues.issue_inbox(principal))
        out.slips_to_decide = len(await movements.pending_for_supervisor(principal, now))
    elif direct:
        calendar = await calendar_admin.working_calendar(principal.agency_id)
        policy = attendance.POLICY
        last_red = rules.last_red_day(
            rules.local_day(now, policy.timezone),
            calendar,
            await escalation_thresholds(principal.agency_id),
        )
        out.check_ins_to_decide = await attendance.inbox_count(direct, below, last_red)
        out.issues_to_decide = await issues.issue_inbox_count(direct, below, last_red)
        out.slips_to_decide = await movements.pending_for_supervisor_count(
            direct, below, last_red, now
        )
    out.total = (
        out.check_ins_to_decide
        + out.issues_to_decide
        + out.slips_to_decide
        + out.minutes_to_approve
        + out.minutes_to_review
        + out.invitations_to_answer
        + out.actions_open
        + out.own_check_ins_without_reason
        + out.own_issues_to_justify
    )
    return out
