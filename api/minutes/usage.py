"""How each person uses one committee's meetings over a period (beside the agency's meeting
figures of `api.meetings.stats`): RSVP timeliness, papers and minutes opened, and feedback on
their actions given on time.

For the meetings of the committee that started in the period, were not cancelled and were
sent out (`invited_at`), per invitee (members, the chair, the secretariat and guests):

* **RSVP**: invitations answered; answered before the meeting started ("on time"); the median
  hours from the invitation going out to the answer.
* **Papers opened**: distinct papers (kind "paper") of those meetings the person downloaded
  (`api.papers.tables.PaperDownload`), over the papers they could open at all.
* **Minutes opened**: distinct meetings whose distributed minutes the person opened
  (`api.minutes.reads.MinutesRead`), over the meetings whose minutes went out.
* **Feedback on time**: the person's actions (assigned to them by name, not dropped) that are
  due by today or already done: the first feedback no later than the due date (Malaysian date).

Who: the committee's secretariat and chair, and whoever may see the agency's meeting figures
for the committee (`api.meetings.stats`: administrators, executives in scope). Counts only:
nothing of a SULIT meeting's content appears.
"""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime
from typing import Any

import msgspec

from api.accounts.authz import Principal
from api.attendance.rules import MALAYSIA_TZ
from api.core.errors import NotFound
from api.meetings.access import CommitteeRole, committee_role
from api.meetings.stats import _bounds, _visible_committees
from api.meetings.tables import Committee, Invitation, Meeting
from api.minutes.reads import MinutesRead
from api.minutes.tables import Action, ActionFeedback, Minutes
from api.papers.tables import Paper, PaperDownload


class MemberUsage(msgspec.Struct, rename="camel"):
    user_id: int
    name: str
    role: str  # chair | member | secretariat | guest
    invited: int
    answered: int
    answered_on_time: int
    median_hours_to_answer: float | None
    papers_opened: int
    papers_total: int
    minutes_opened: int
    minutes_total: int
    actions_counted: int
    feedback_on_time: int


class CommitteeUsage(msgspec.Struct, rename="camel"):
    committee_id: int
    committee_name: str
    start: date
    end: date
    meetings: int
    members: list[MemberUsage]


ROLE_ORDER = {"chair": 0, "member": 1, "guest": 2, "secretariat": 3}


async def _may_see(principal: Principal, committee: dict[str, Any]) -> bool:
    role = await committee_role(principal.user_id, committee["id"])
    if role in (CommitteeRole.SECRETARIAT, CommitteeRole.CHAIR):
        return True
    try:
        visible = await _visible_committees(principal, committee["agency"])
    except NotFound:
        return False
    return any(c["id"] == committee["id"] for c in visible)


async def committee_usage(
    principal: Principal, committee_id: int, start: date, end: date, today: date | None = None
) -> CommitteeUsage:
    low, high = _bounds(start, end)
    committee = (
        await Committee.select(Committee.id, Committee.name, Committee.agency)
        .where(Committee.id == committee_id)
        .first()
    )
    if committee is None or not await _may_see(principal, committee):
        raise NotFound()
    today = today or datetime.now(UTC).astimezone(MALAYSIA_TZ).date()
    meetings = await Meeting.select(Meeting.id, Meeting.starts_at, Meeting.invited_at).where(
        (Meeting.committee == committee_id)
        & (Meeting.status == "scheduled")
        & Meeting.invited_at.is_not_null()
        & (Meeting.starts_at >= low)
        & (Meeting.starts_at < high)
    )
    by_id = {m["id"]: m for m in meetings}
    ids = sorted(by_id) or [0]
    invitations = await Invitation.select(
        Invitation.meeting,
        Invitation.user,
        Invitation.role,
        Invitation.seniority,
        Invitation.response,
        Invitation.responded_at,
        Invitation.user.name.as_alias("name"),
    ).where(Invitation.meeting.is_in(ids))
    papers = await Paper.select(Paper.id, Paper.meeting).where(
        Paper.meeting.is_in(ids) & (Paper.kind == "paper")
    )
    paper_meeting = {p["id"]: p["meeting"] for p in papers}
    opened_papers = await PaperDownload.select(PaperDownload.paper, PaperDownload.user).where(
        PaperDownload.paper.is_in(sorted(paper_meeting) or [0])
    )
    distributed = {
        r["meeting"]
        for r in await Minutes.select(Minutes.meeting).where(
            Minutes.meeting.is_in(ids) & Minutes.distributed_at.is_not_null()
        )
    }
    minutes_reads = await MinutesRead.select(MinutesRead.meeting, MinutesRead.user).where(
        MinutesRead.meeting.is_in(sorted(distributed) or [0])
    )
    actions = await Action.select(
        Action.id, Action.assignee_user, Action.due_date, Action.status
    ).where(
        Action.meeting.is_in(ids)
        & (Action.kind == "action")
        & (Action.status != "dropped")
        & Action.due_date.is_not_null()
        & Action.assignee_user.is_not_null()
    )
    first_feedback: dict[int, date] = {}
    if actions:
        for f in await (
            ActionFeedback.select(ActionFeedback.action, ActionFeedback.created_at)
            .where(ActionFeedback.action.is_in([a["id"] for a in actions]))
            .order_by(ActionFeedback.created_at)
        ):
            first_feedback.setdefault(f["action"], f["created_at"].astimezone(MALAYSIA_TZ).date())

    people: dict[int, dict[str, Any]] = {}
    for i in invitations:
        person = people.setdefault(
            i["user"],
            {
                "name": i["name"],
                "role": i["role"],
                "order": (ROLE_ORDER.get(i["role"], 1), i["seniority"]),
                "meetings": set(),
                "answered": 0,
                "on_time": 0,
                "hours": [],
            },
        )
        person["meetings"].add(i["meeting"])
        meeting = by_id[i["meeting"]]
        if i["response"] != "needs_action" and i["responded_at"] is not None:
            person["answered"] += 1
            if i["responded_at"] <= meeting["starts_at"]:
                person["on_time"] += 1
            hours = (i["responded_at"] - meeting["invited_at"]).total_seconds() / 3600
            person["hours"].append(max(hours, 0.0))
    papers_by_user: dict[int, set[int]] = {}
    for d in opened_papers:
        papers_by_user.setdefault(d["user"], set()).add(d["paper"])
    minutes_by_user: dict[int, set[int]] = {}
    for r in minutes_reads:
        minutes_by_user.setdefault(r["user"], set()).add(r["meeting"])
    rows = []
    for user_id, p in sorted(people.items(), key=lambda kv: (kv[1]["order"], kv[1]["name"])):
        theirs = p["meetings"]
        their_papers = {pid for pid, m in paper_meeting.items() if m in theirs}
        mine = [
            a
            for a in actions
            if a["assignee_user"] == user_id and (a["status"] == "done" or a["due_date"] <= today)
        ]
        rows.append(
            MemberUsage(
                user_id=user_id,
                name=p["name"],
                role=p["role"],
                invited=len(theirs),
                answered=p["answered"],
                answered_on_time=p["on_time"],
                median_hours_to_answer=round(statistics.median(p["hours"]), 1)
                if p["hours"]
                else None,
                papers_opened=len(papers_by_user.get(user_id, set()) & their_papers),
                papers_total=len(their_papers),
                minutes_opened=len(minutes_by_user.get(user_id, set()) & theirs & distributed),
                minutes_total=len(theirs & distributed),
                actions_counted=len(mine),
                feedback_on_time=sum(
                    1
                    for a in mine
                    if a["id"] in first_feedback and first_feedback[a["id"]] <= a["due_date"]
                ),
            )
        )
    return CommitteeUsage(
        committee_id=committee_id,
        committee_name=committee["name"],
        start=start,
        end=end,
        meetings=len(meetings),
        members=rows,
    )
