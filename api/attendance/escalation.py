"""Escalation of unanswered attendance items (the daily job behind the yellow and red cards).

Once a day, on working days, for every item still waiting:

* an attendance issue the officer has not justified reminds the officer when it turns yellow
  and again when it turns red (one notice per level, however often the job runs);
* each supervisor with items waiting past the yellow threshold gets one "pending approvals"
  notice with the counts (one per day; its push topic replaces yesterday's if undelivered);
* items past the red threshold also go to the supervisor's own supervisor (the next level up),
  whose inbox already lists red items of that level (`issues.issue_inbox`,
  `services.inbox`, `movements.pending_for_supervisor`).

The items are attendance issues (open or justified), pending check-ins and pending movement
slips (from the day they were requested, while their window has not ended: see
`api.attendance.movements`). The notice's `count` is all of them; `checkin_count`,
`issue_count` and `slip_count` split it.

Counted in working days of the agency's calendar (`rules.escalation_level`), so weekends and
public holidays do not make an item older, and a working day the agency declared on a weekend
does.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from api.attendance import policy, rules, warnings
from api.attendance.calendar import WorkingCalendar
from api.attendance.issues import calendar_for
from api.attendance.movements import slip_escalation
from api.attendance.services import POLICY
from api.attendance.tables import AttendanceIssue, CheckIn, MovementSlip
from api.db import write_transaction
from api.org.tables import ActingSupervisor, User
from api.outbox.services import enqueue
from api.outbox.tables import Notification
from notifications.kinds import Kind
from notifications.templates import format_date, term


@dataclass
class _Waiting:
    check_ins: int = 0
    issues: int = 0
    slips: int = 0

    @property
    def count(self) -> int:
        return self.check_ins + self.issues + self.slips


@dataclass
class EscalationRun:
    reminded_officers: int = 0
    notified_supervisors: int = 0
    escalated_up: int = 0
    warned_supervisors: int = 0
    by_supervisor: dict[int, _Waiting] = field(default_factory=dict)


def _since_last_working_day(today: date, calendar: WorkingCalendar) -> date:
    """The first day whose warnings today's notice counts: the last working day before today
    (a day's warnings are complete once it has ended; Monday's notice covers Friday and the
    weekend)."""
    day = today - timedelta(days=1)
    for _ in range(14):
        if calendar.is_working_day(day):
            return day
        day -= timedelta(days=1)
    return today - timedelta(days=1)


async def _remind_officer(
    officer: int,
    waiting_issues: list[tuple[dict[str, Any], rules.Escalation]],
    today: date,
    calendar: WorkingCalendar,
    thresholds: rules.EscalationThresholds = POLICY.escalation,
) -> list[int]:
    """One message for the day listing the officer's unanswered issues past yellow, sent when
    one of them has reached a colour it was not reminded at yet (so at most once a day, and
    not every day for the same colours)."""
    reminded: set[str] = set()
    for row in await Notification.select(Notification.params).where(
        (Notification.recipient == officer)
        & (Notification.kind == Kind.ATTENDANCE_ISSUE_REMINDER.value)
    ):
        params = row["params"]
        if isinstance(params, str):
            params = json.loads(params)
        reminded.update(str((params or {}).get("reminded", "")).split())
    marks = [f"{issue['id']}:{level}" for issue, level in waiting_issues]
    if set(marks) <= reminded:
        return []
    person = await User.select(User.language).where(User.id == officer).first()
    lang: Literal["ms", "en"] = "en" if person and person["language"] == "en" else "ms"
    ordered = sorted(waiting_issues, key=lambda item: item[0]["day"])
    listed = ", ".join(
        f"{format_date(issue['day'], lang)} ({term('attendance_issue', issue['kind'], lang)})"
        for issue, _level in ordered
    )
    return await enqueue(
        Kind.ATTENDANCE_ISSUE_REMINDER,
        officer,
        {
            "count": len(ordered),
            "issues": listed,
            "due_date": min(
                red_on(issue["day"], calendar, thresholds) for issue, _level in ordered
            ),
            "reminded": " ".join(sorted(marks)),
        },
        event_key=f"issue-reminders:{officer}:{today.isoformat()}",
        url="/attendance?tab=issues",
    )


def red_on(
    opened_on: date,
    calendar: WorkingCalendar,
    thresholds: rules.EscalationThresholds = POLICY.escalation,
) -> date:
    """The day an item opened on `opened_on` turns red (for "answer before …")."""
    day, counted = opened_on, 0
    while counted < thresholds.red_after:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


async def send_escalation_notices(
    today: date | None = None, now: datetime | None = None
) -> EscalationRun:
    """`now` (default: the current time) decides whether a slip's window has ended; `today`
    (default: the local day of `now`) is the day the job runs for."""
    now = now or datetime.now(UTC)
    today = today or rules.local_day(now, POLICY.timezone)
    people = {
        r["id"]: r
        for r in await User.select(User.id, User.agency, User.supervisor, User.state).where(
            User.state == "active"
        )
    }
    # Those acting today for a supervisor (leave, a course) are reminded as well.
    acting_for: dict[int, list[int]] = defaultdict(list)
    for row in await ActingSupervisor.select(
        ActingSupervisor.supervisor, ActingSupervisor.acting
    ).where(
        (ActingSupervisor.starts_on <= today)
        & (ActingSupervisor.ends_on >= today)
        & ActingSupervisor.cancelled_at.is_null()
    ):
        if row["acting"] in people:
            acting_for[row["supervisor"]].append(row["acting"])
    daily = _EscalationPass(people, today, now, acting_for)
    issues = await AttendanceIssue.select().where(
        AttendanceIssue.status.is_in(["open", "justified"])
    )
    async with write_transaction():
        await daily.issues_and_reminders(issues)
        await daily.pending_check_ins()
        await daily.pending_slips()
        await daily.warning_notices()
        await daily.approval_notices()
    daily.run.by_supervisor = dict(daily.waiting)
    return daily.run


class _EscalationPass:
    """One day's run: what waits for each supervisor (and, when red, the level above), the
    reminders to officers, and the notices, in this order inside one transaction."""

    def __init__(
        self,
        people: dict[int, dict[str, Any]],
        today: date,
        now: datetime,
        acting_for: dict[int, list[int]],
    ) -> None:
        self.people = people
        self.acting_for = acting_for
        self.today = today
        self.now = now
        self.run = EscalationRun()
        self.calendars: dict[int, WorkingCalendar] = {}
        self.thresholds: dict[int, rules.EscalationThresholds] = {}
        self.waiting: dict[int, _Waiting] = defaultdict(_Waiting)

    async def thresholds_of(self, user_id: int) -> rules.EscalationThresholds:
        """The escalation days of the person's agency (its policy settings)."""
        agency = self.people[user_id]["agency"]
        if agency not in self.thresholds:
            self.thresholds[agency] = await policy.escalation_thresholds(agency)
        return self.thresholds[agency]

    async def calendar_of(self, user_id: int) -> WorkingCalendar:
        agency = self.people[user_id]["agency"]
        if agency not in self.calendars:
            self.calendars[agency] = await calendar_for(agency)
        return self.calendars[agency]

    def count_for(self, user_id: int, level: rules.Escalation, what: str) -> None:
        supervisor = self.people[user_id]["supervisor"]
        if supervisor not in self.people:
            return
        targets = [supervisor, *(a for a in self.acting_for.get(supervisor, []) if a != user_id)]
        next_up = self.people[supervisor]["supervisor"]
        if level == rules.Escalation.RED and next_up in self.people and next_up != user_id:
            targets.append(next_up)
            self.run.escalated_up += 1
        for target in targets:
            setattr(self.waiting[target], what, getattr(self.waiting[target], what) + 1)

    async def issues_and_reminders(self, issues: list[dict[str, Any]]) -> None:
        unanswered: dict[int, list[tuple[dict[str, Any], rules.Escalation]]] = defaultdict(list)
        for issue in issues:
            if issue["user"] not in self.people:
                continue
            calendar = await self.calendar_of(issue["user"])
            level = rules.escalation_level(
                issue["day"], self.today, calendar, await self.thresholds_of(issue["user"])
            )
            if level == rules.Escalation.NONE:
                continue
            if issue["status"] == "open" and calendar.is_working_day(self.today):
                unanswered[issue["user"]].append((issue, level))
            self.count_for(issue["user"], level, "issues")
        for officer, waiting_issues in sorted(unanswered.items()):
            ids = await _remind_officer(
                officer,
                waiting_issues,
                self.today,
                await self.calendar_of(officer),
                await self.thresholds_of(officer),
            )
            self.run.reminded_officers += bool(ids)

    async def pending_check_ins(self) -> None:
        pending = await CheckIn.select(CheckIn.user, CheckIn.occurred_at).where(
            CheckIn.approval == "pending"
        )
        for check_in in pending:
            if check_in["user"] not in self.people:
                continue
            calendar = await self.calendar_of(check_in["user"])
            opened = rules.local_day(check_in["occurred_at"], POLICY.timezone)
            level = rules.escalation_level(
                opened, self.today, calendar, await self.thresholds_of(check_in["user"])
            )
            if level != rules.Escalation.NONE:
                self.count_for(check_in["user"], level, "check_ins")

    async def pending_slips(self) -> None:
        slips = await MovementSlip.select(
            MovementSlip.user, MovementSlip.status, MovementSlip.created_at, MovementSlip.ends_at
        ).where(MovementSlip.status == "pending")
        for slip in slips:
            if slip["user"] not in self.people:
                continue
            level = slip_escalation(
                slip,
                calendar=await self.calendar_of(slip["user"]),
                now=self.now,
                today=self.today,
                thresholds=await self.thresholds_of(slip["user"]),
                tz=POLICY.timezone,
            )
            if level != rules.Escalation.NONE:
                self.count_for(slip["user"], level, "slips")

    async def warning_notices(self) -> None:
        warned: dict[int, tuple[int, date]] = {}
        for agency in sorted({p["agency"] for p in self.people.values()}):
            if agency not in self.calendars:
                self.calendars[agency] = await calendar_for(agency)
            since = _since_last_working_day(self.today, self.calendars[agency])
            counts = await warnings.counts_for_days(since, self.today - timedelta(days=1), agency)
            warned |= {supervisor: (count, since) for supervisor, count in counts.items()}
        for supervisor, (count, since) in sorted(warned.items()):
            if supervisor not in self.people:
                continue
            if not (await self.calendar_of(supervisor)).is_working_day(self.today):
                continue
            ids = await enqueue(
                Kind.ATTENDANCE_WARNINGS,
                supervisor,
                {"count": count, "date": since},
                event_key=f"warnings:{supervisor}:{self.today.isoformat()}",
                url="/warnings",
            )
            self.run.warned_supervisors += bool(ids)

    async def approval_notices(self) -> None:
        for supervisor, items in self.waiting.items():
            if not (await self.calendar_of(supervisor)).is_working_day(self.today):
                continue
            ids = await enqueue(
                Kind.PENDING_APPROVALS,
                supervisor,
                {
                    "count": items.count,
                    "checkin_count": items.check_ins,
                    "issue_count": items.issues,
                    "slip_count": items.slips,
                },
                event_key=f"escalation:{supervisor}:{self.today.isoformat()}",
                url="/approvals",
            )
            self.run.notified_supervisors += bool(ids)
