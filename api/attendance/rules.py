"""Daily attendance status, attendance issues, escalation and first-check-in buckets.

Pure functions over plain values (standard library only); the attendance service reads rows
from the database, builds these values and stores what comes back.

**Time.** Every instant is a timezone-aware `datetime` in *server* time (the client's clock is
kept for audit only). A punch belongs to the calendar day of its local time in Malaysia
(``Asia/Kuala_Lumpur``, UTC+8 all year, Sabah and Sarawak included). All rules work on whole
minutes: seconds are dropped, as on a punch clock's display. So with a 09:00 latest start,
09:00:59 is on time and 09:01:00 is one minute late — the same boundary as the dashboard's
"08:30–09:00" / "≥09:01" buckets. Leaving at 16:59:59 with an expected end of 17:00 is one
minute early.

**No shift work across midnight** (the SPOT-Me briefing: not for shifts or working time that
crosses days). A check-out at 00:30 or 07:00 is a punch of *that* calendar day, never the
previous day's check-out. The previous day, checked in without a check-out, becomes
*incomplete* (issue ``no_check_out``) once it closes; the early-morning check-out without a
check-in that day makes that day incomplete too (issue ``no_check_in``) if it is a working day.

**The day closes** at local midnight + `day_closes_after` (default 23:59; 26 h means 02:00 the
next morning). Until then a day with a check-in and no check-out is ``in_progress`` and a day
with no punch is ``not_checked_in``; afterwards they are ``incomplete`` and ``absent``. The
closing time only decides *when* those become final — it never moves a punch to another day.

**Daily status** (one value for colouring a calendar, plus flags for badges), first match wins:

1. ``public_holiday`` (the office's calendar, agency closures included; also on a weekend day)
2. ``weekend`` (the state's weekend on that date, unless the agency declared it a working day,
   e.g. a replacement working Saturday: then it is judged like any working day; see
   `api.attendance.calendar`)
3. ``on_leave`` (full days only: half-day leave is not modelled)
4. ``clock_broken`` (the office could not record check-ins that day; timing is not judged)
5. no punch: ``absent`` once the day has closed, else ``not_checked_in``
6. ``incomplete`` — a check-in and no check-out after the day closed, or a check-out with no
   check-in
7. ``external_rejected``, then ``external_pending`` — any punch of the day outside (or
   uncertain) and rejected / still waiting for the supervisor
8. ``late_in_and_early_out``, ``late_in``, ``early_out``
9. ``in_progress`` — checked in, no check-out yet, day still open
10. ``external_approved`` — on time, some punch outside with approval (or a movement slip)
11. ``present``

An officer who punches on a rest day or while on leave keeps the rest-day status; the punches
are still reported. Check-ins whose verdict was rejected still count for timing: the
rejection itself is the finding (``external_rejected``).

**Late**: the first check-in of the day is after the pattern's latest start (+ the agency's
grace, default none); minutes late count from the latest start. **Early out**: the last
check-out (after the first check-in) is before the expected end; the expected end is
``counted start + day length − early-leave entitlement`` (see `api.attendance.patterns`).

**Pregnant officers** may leave one hour early: Pekeliling Perkhidmatan Bil. 11/2017 (now
ceraian SR.4.2.1 of the PPSM "Waktu Bekerja"), for officers pregnant five months (22 weeks)
or more, extended to a husband in the public service working nearby who travels home with
her. It is an effective-dated entitlement (`EarlyLeaveEntitlement`) that moves the expected
end one hour earlier; during Ramadan it applies on top of the shorter Ramadan day (we have not
found a rule on combining the two).

**Check-in verdicts** (`Verdict`) are the geofence verdict plus the supervisor's decision. The
service maps: biometric-device punches and check-ins inside an assigned office → ``inside``;
a check-in inside the destination of a pre-approved movement slip → ``outside_approved``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from api.attendance.calendar import DayKind, WorkingCalendar
from api.attendance.patterns import (
    SEED_PATTERNS,
    SEED_RAMADAN,
    Break,
    PatternAssignment,
    RamadanRule,
    WorkingPattern,
    minute_of_day,
    resolve_pattern,
)

__all__ = [
    "DEFAULT_DAY_CLOSES_AFTER",
    "MALAYSIA_TZ",
    "AgencyPolicy",
    "CheckInBucket",
    "DayFlag",
    "DayResult",
    "DayStatus",
    "EarlyLeaveEntitlement",
    "Escalation",
    "EscalationThresholds",
    "IssueKind",
    "LeaveRecord",
    "NoPatternError",
    "OfficerSchedule",
    "Punch",
    "PunchKind",
    "Verdict",
    "day_closes_at",
    "escalation_level",
    "evaluate_day",
    "evaluate_officer_day",
    "evaluate_officer_days",
    "first_check_in_bucket",
    "issues_for_day",
    "local_day",
    "working_days_elapsed",
]

MALAYSIA_TZ = ZoneInfo("Asia/Kuala_Lumpur")
DEFAULT_DAY_CLOSES_AFTER = timedelta(hours=23, minutes=59)
ONE_HOUR = timedelta(hours=1)


class PunchKind(StrEnum):
    IN = "in"
    OUT = "out"


class Verdict(StrEnum):
    """Where the punch was made and, when outside or uncertain, the supervisor's decision."""

    INSIDE = "inside"
    OUTSIDE_PENDING = "outside_pending"
    OUTSIDE_APPROVED = "outside_approved"
    OUTSIDE_REJECTED = "outside_rejected"
    UNCERTAIN_PENDING = "uncertain_pending"
    UNCERTAIN_APPROVED = "uncertain_approved"
    UNCERTAIN_REJECTED = "uncertain_rejected"

    @property
    def is_pending(self) -> bool:
        return self.value.endswith("_pending")

    @property
    def is_approved(self) -> bool:
        return self.value.endswith("_approved")

    @property
    def is_rejected(self) -> bool:
        return self.value.endswith("_rejected")


def _aware(at: datetime, what: str) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {at.isoformat()}")
    return at


@dataclass(frozen=True, slots=True)
class Punch:
    """One check-in or check-out at a server time (timezone-aware)."""

    at: datetime
    kind: PunchKind
    verdict: Verdict = Verdict.INSIDE

    def __post_init__(self) -> None:
        _aware(self.at, "punch time")


@dataclass(frozen=True, slots=True)
class LeaveRecord:
    """Leave on every day from `start` to `end`, both inclusive. Full days only."""

    start: date
    end: date
    kind: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("leave ends before it starts")

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class EarlyLeaveEntitlement:
    """Permission to leave `minutes` early (PP Bil. 11/2017: one hour), `start`–`end` inclusive.

    `end` None: until further notice (e.g. until maternity leave starts, recorded as leave).
    """

    start: date
    end: date | None = None
    minutes: int = 60

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError("entitlement ends before it starts")
        if not 0 < self.minutes < 24 * 60:
            raise ValueError("entitlement minutes out of range")

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class OfficerSchedule:
    """What the rules need to know about one officer (rows from the database)."""

    assignments: tuple[PatternAssignment, ...] = ()
    leave: tuple[LeaveRecord, ...] = ()
    early_leave: tuple[EarlyLeaveEntitlement, ...] = ()

    def on_leave(self, day: date) -> bool:
        return any(record.covers(day) for record in self.leave)

    def early_leave_on(self, day: date) -> timedelta:
        """The largest entitlement covering `day` (entitlements do not add up)."""
        minutes = max((e.minutes for e in self.early_leave if e.covers(day)), default=0)
        return timedelta(minutes=minutes)


@dataclass(frozen=True, slots=True)
class EscalationThresholds:
    """Unanswered issues turn yellow after `yellow_after` working days and red after
    `red_after` (colour-card style). The numbers are the agency's choice; 3 and 5 are defaults.
    """

    yellow_after: int = 3
    red_after: int = 5

    def __post_init__(self) -> None:
        if not 0 < self.yellow_after <= self.red_after:
            raise ValueError("need 0 < yellow_after <= red_after")


class NoPatternError(LookupError):
    """An officer has no pattern assignment on a day and the agency has no default pattern."""


@dataclass(frozen=True, slots=True)
class AgencyPolicy:
    """An agency's attendance settings (data, seeded with the federal values).

    `default_pattern_code` applies to officers with no assignment; WBF is the default because
    PP Bil. 5/2019 extended WBF to federal agencies that worked staggered hours.
    """

    patterns: Mapping[str, WorkingPattern] = field(default_factory=lambda: SEED_PATTERNS)
    ramadan: RamadanRule = SEED_RAMADAN
    default_pattern_code: str | None = "WBF"
    day_closes_after: timedelta = DEFAULT_DAY_CLOSES_AFTER
    late_grace: timedelta = timedelta(0)
    escalation: EscalationThresholds = EscalationThresholds()
    timezone: ZoneInfo = MALAYSIA_TZ

    def __post_init__(self) -> None:
        if not timedelta(0) < self.day_closes_after <= timedelta(hours=36):
            raise ValueError("day_closes_after must be within (0, 36 h]")
        if self.late_grace < timedelta(0):
            raise ValueError("late_grace must not be negative")


class DayStatus(StrEnum):
    """One status per officer per day, for colouring a calendar (precedence in module doc)."""

    PRESENT = "present"
    LATE_IN = "late_in"
    EARLY_OUT = "early_out"
    LATE_IN_AND_EARLY_OUT = "late_in_and_early_out"
    INCOMPLETE = "incomplete"
    ABSENT = "absent"
    ON_LEAVE = "on_leave"
    PUBLIC_HOLIDAY = "public_holiday"
    WEEKEND = "weekend"
    CLOCK_BROKEN = "clock_broken"
    EXTERNAL_PENDING = "external_pending"
    EXTERNAL_APPROVED = "external_approved"
    EXTERNAL_REJECTED = "external_rejected"
    IN_PROGRESS = "in_progress"
    NOT_CHECKED_IN = "not_checked_in"

    @property
    def is_rest_day(self) -> bool:
        """No attendance is expected: nothing to judge, no issues."""
        return self in _REST_STATUSES


_REST_STATUSES = frozenset(
    {DayStatus.PUBLIC_HOLIDAY, DayStatus.WEEKEND, DayStatus.ON_LEAVE, DayStatus.CLOCK_BROKEN}
)


class DayFlag(StrEnum):
    """Facts about a working day, several at once (badges next to the status colour)."""

    LATE_IN = "late_in"
    EARLY_OUT = "early_out"
    NO_CHECK_OUT = "no_check_out"
    NO_CHECK_IN = "no_check_in"
    EXTERNAL_PENDING = "external_pending"
    EXTERNAL_APPROVED = "external_approved"
    EXTERNAL_REJECTED = "external_rejected"
    EARLY_LEAVE_ENTITLEMENT = "early_leave_entitlement"


@dataclass(frozen=True, slots=True)
class DayResult:
    """The evaluation of one officer's day.

    Times are local wall-clock times. `expected_start` is the latest on-time start ("in by"),
    `earliest_start` the start of the window (equal for WBB), `expected_end` the end counted
    from the actual first check-in (from the latest start while not checked in yet). They are
    None on rest days. `first_in`/`last_out` are reported on every day (local, aware).
    """

    day: date
    status: DayStatus
    flags: frozenset[DayFlag]
    closed: bool
    holiday_name: str | None = None
    pattern_code: str | None = None
    earliest_start: time | None = None
    expected_start: time | None = None
    expected_end: time | None = None
    break_: Break | None = None
    first_in: datetime | None = None
    last_out: datetime | None = None
    minutes_late: int = 0
    minutes_early: int = 0


def local_day(at: datetime, tz: ZoneInfo = MALAYSIA_TZ) -> date:
    """The calendar day a punch belongs to: its local date."""
    return _aware(at, "time").astimezone(tz).date()


def day_closes_at(
    day: date, day_closes_after: timedelta = DEFAULT_DAY_CLOSES_AFTER, tz: ZoneInfo = MALAYSIA_TZ
) -> datetime:
    """When `day` closes: from then on a missing check-out or check-in is final."""
    return datetime.combine(day, time(0), tzinfo=tz) + day_closes_after


def evaluate_day(
    day: date,
    punches: Iterable[Punch],
    *,
    pattern: WorkingPattern,
    calendar: WorkingCalendar,
    now: datetime,
    on_leave: bool = False,
    clock_broken: bool = False,
    early_leave: timedelta = timedelta(0),
    day_closes_after: timedelta = DEFAULT_DAY_CLOSES_AFTER,
    late_grace: timedelta = timedelta(0),
    tz: ZoneInfo = MALAYSIA_TZ,
) -> DayResult:
    """Evaluate one officer's `day` (rules in the module docstring).

    `punches` may include other days' punches; only those whose local date is `day` count.
    `now` (aware) decides whether the day has closed.
    """
    closed = _aware(now, "now") >= day_closes_at(day, day_closes_after, tz)
    todays = sorted(
        (p for p in punches if local_day(p.at, tz) == day), key=lambda p: p.at.timestamp()
    )
    ins = [p.at.astimezone(tz) for p in todays if p.kind is PunchKind.IN]
    outs = [p.at.astimezone(tz) for p in todays if p.kind is PunchKind.OUT]
    first_in = ins[0] if ins else None
    valid_outs = [o for o in outs if first_in is None or o >= first_in]
    last_out = valid_outs[-1] if valid_outs else None

    def rest(status: DayStatus, holiday: str | None = None) -> DayResult:
        return DayResult(
            day=day,
            status=status,
            flags=frozenset(),
            closed=closed,
            holiday_name=holiday,
            pattern_code=pattern.code,
            first_in=first_in,
            last_out=last_out,
        )

    kind = calendar.day_kind(day)
    if kind is DayKind.PUBLIC_HOLIDAY:
        return rest(DayStatus.PUBLIC_HOLIDAY, calendar.holiday_name(day))
    if kind is DayKind.WEEKEND:
        return rest(DayStatus.WEEKEND)
    if on_leave:
        return rest(DayStatus.ON_LEAVE)
    if clock_broken:
        return rest(DayStatus.CLOCK_BROKEN)

    flags: set[DayFlag] = set()
    if early_leave > timedelta(0):
        flags.add(DayFlag.EARLY_LEAVE_ENTITLEMENT)
    expected_end = pattern.expected_end(
        day, calendar.state, first_in.time() if first_in else None, early_leave
    )
    minutes_late = minutes_early = 0
    if first_in is not None:
        arrived = minute_of_day(first_in.time())
        on_time_until = minute_of_day(pattern.latest_start) + int(late_grace.total_seconds() // 60)
        if arrived > on_time_until:
            flags.add(DayFlag.LATE_IN)
            minutes_late = arrived - minute_of_day(pattern.latest_start)
        if last_out is not None:
            left = minute_of_day(last_out.time())
            if left < minute_of_day(expected_end):
                flags.add(DayFlag.EARLY_OUT)
                minutes_early = minute_of_day(expected_end) - left
        elif closed:
            flags.add(DayFlag.NO_CHECK_OUT)
    elif outs:
        flags.add(DayFlag.NO_CHECK_IN)
    if any(p.verdict.is_rejected for p in todays):
        flags.add(DayFlag.EXTERNAL_REJECTED)
    if any(p.verdict.is_pending for p in todays):
        flags.add(DayFlag.EXTERNAL_PENDING)
    if any(p.verdict.is_approved for p in todays):
        flags.add(DayFlag.EXTERNAL_APPROVED)

    return DayResult(
        day=day,
        status=_working_status(
            flags, has_punches=bool(todays), closed=closed, first_in=first_in, last_out=last_out
        ),
        flags=frozenset(flags),
        closed=closed,
        pattern_code=pattern.code,
        earliest_start=pattern.earliest_start,
        expected_start=pattern.latest_start,
        expected_end=expected_end,
        break_=pattern.break_on(day, calendar.state),
        first_in=first_in,
        last_out=last_out,
        minutes_late=minutes_late,
        minutes_early=minutes_early,
    )


def _working_status(
    flags: set[DayFlag],
    *,
    has_punches: bool,
    closed: bool,
    first_in: datetime | None,
    last_out: datetime | None,
) -> DayStatus:
    if not has_punches:
        return DayStatus.ABSENT if closed else DayStatus.NOT_CHECKED_IN
    if flags & {DayFlag.NO_CHECK_OUT, DayFlag.NO_CHECK_IN}:
        return DayStatus.INCOMPLETE
    if DayFlag.EXTERNAL_REJECTED in flags:
        return DayStatus.EXTERNAL_REJECTED
    if DayFlag.EXTERNAL_PENDING in flags:
        return DayStatus.EXTERNAL_PENDING
    late, early = DayFlag.LATE_IN in flags, DayFlag.EARLY_OUT in flags
    if late and early:
        return DayStatus.LATE_IN_AND_EARLY_OUT
    if late:
        return DayStatus.LATE_IN
    if early:
        return DayStatus.EARLY_OUT
    if first_in is not None and last_out is None:
        return DayStatus.IN_PROGRESS
    if DayFlag.EXTERNAL_APPROVED in flags:
        return DayStatus.EXTERNAL_APPROVED
    return DayStatus.PRESENT


def _pattern_for(day: date, officer: OfficerSchedule, policy: AgencyPolicy) -> WorkingPattern:
    pattern = resolve_pattern(
        day, officer.assignments, policy.patterns, policy.ramadan, policy.default_pattern_code
    )
    if pattern is None:
        raise NoPatternError(f"no working pattern on {day.isoformat()}")
    return pattern


def evaluate_officer_day(
    day: date,
    punches: Iterable[Punch],
    *,
    officer: OfficerSchedule,
    calendar: WorkingCalendar,
    policy: AgencyPolicy,
    now: datetime,
    clock_broken_dates: Collection[date] = frozenset(),
) -> DayResult:
    """`evaluate_day` with the officer's pattern (assignment, Ramadan), leave and entitlement
    resolved for `day`, and the agency's settings. `clock_broken_dates` are the office's.
    """
    return evaluate_day(
        day,
        punches,
        pattern=_pattern_for(day, officer, policy),
        calendar=calendar,
        now=now,
        on_leave=officer.on_leave(day),
        clock_broken=day in clock_broken_dates,
        early_leave=officer.early_leave_on(day),
        day_closes_after=policy.day_closes_after,
        late_grace=policy.late_grace,
        tz=policy.timezone,
    )


def evaluate_officer_days(
    days: Iterable[date],
    punches: Iterable[Punch],
    *,
    officer: OfficerSchedule,
    calendar: WorkingCalendar,
    policy: AgencyPolicy,
    now: datetime,
    clock_broken_dates: Collection[date] = frozenset(),
) -> list[DayResult]:
    """`evaluate_officer_day` for several days (a monthly grid), grouping the punches once."""
    by_day: dict[date, list[Punch]] = {}
    for punch in punches:
        by_day.setdefault(local_day(punch.at, policy.timezone), []).append(punch)
    return [
        evaluate_officer_day(
            day,
            by_day.get(day, ()),
            officer=officer,
            calendar=calendar,
            policy=policy,
            now=now,
            clock_broken_dates=clock_broken_dates,
        )
        for day in days
    ]


class IssueKind(StrEnum):
    """Attendance issues; each gets the officer's justification and the supervisor's decision.

    ``no_check_in`` (a check-out without a check-in) is ours: the brief lists only the others.
    """

    LATE_IN = "late_in"
    EARLY_OUT = "early_out"
    NO_CHECK_OUT = "no_check_out"
    NO_CHECK_IN = "no_check_in"
    ABSENT = "absent"
    EXTERNAL = "external"


_FLAG_ISSUES: Mapping[DayFlag, IssueKind] = {
    DayFlag.LATE_IN: IssueKind.LATE_IN,
    DayFlag.EARLY_OUT: IssueKind.EARLY_OUT,
    DayFlag.NO_CHECK_OUT: IssueKind.NO_CHECK_OUT,
    DayFlag.NO_CHECK_IN: IssueKind.NO_CHECK_IN,
    DayFlag.EXTERNAL_PENDING: IssueKind.EXTERNAL,
}


def issues_for_day(result: DayResult) -> frozenset[IssueKind]:
    """The issues a day opens.

    None on a public holiday, weekend, leave or clock-broken day. ``absent`` and
    ``no_check_out`` only once the day has closed; ``late_in``, ``early_out``, ``no_check_in``
    and ``external`` as soon as the punch is recorded. ``external`` while some punch of the day
    waits for the supervisor (a pre-approved movement slip opens none). The set is recomputed
    whenever punches change: an ``early_out`` disappears if the officer checks out again later,
    and the service decides what to do with an issue that no longer applies.
    """
    if result.status.is_rest_day:
        return frozenset()
    kinds = {kind for flag, kind in _FLAG_ISSUES.items() if flag in result.flags}
    if result.status is DayStatus.ABSENT:
        kinds.add(IssueKind.ABSENT)
    return frozenset(kinds)


class WorkingDays(Protocol):
    def is_working_day(self, day: date, /) -> bool: ...


class Escalation(StrEnum):
    NONE = "none"
    YELLOW = "yellow"
    RED = "red"


def working_days_elapsed(
    opened_on: date, today: date, calendar: WorkingDays, *, stop_at: int | None = None
) -> int:
    """Working days d with ``opened_on < d <= today`` (the opening day itself does not count)."""
    count = 0
    day = opened_on + timedelta(days=1)
    while day <= today and (stop_at is None or count < stop_at):
        if calendar.is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return count


def escalation_level(
    opened_on: date,
    today: date,
    calendar: WorkingDays,
    thresholds: EscalationThresholds = EscalationThresholds(),
) -> Escalation:
    """Colour of an unanswered issue opened on `opened_on`, counting working days only.

    Yellow once `yellow_after` working days have passed since the opening day, red once
    `red_after` have. Weekends and public holidays of `calendar` (the officer's office) do not
    count. Example with 3/5: opened on a Friday, yellow on Wednesday (Mon, Tue, Wed).
    """
    elapsed = working_days_elapsed(opened_on, today, calendar, stop_at=thresholds.red_after)
    if elapsed >= thresholds.red_after:
        return Escalation.RED
    if elapsed >= thresholds.yellow_after:
        return Escalation.YELLOW
    return Escalation.NONE


def last_red_day(
    today: date,
    calendar: WorkingDays,
    thresholds: EscalationThresholds = EscalationThresholds(),
) -> date:
    """The latest opening day that is red on `today` (every earlier day is red too): what a
    count of red items compares with, instead of the level of each item.

    ``escalation_level(d, today, …) == RED`` exactly when ``d <= last_red_day(today, …)``.
    """
    counted = 0
    day = today
    while counted < thresholds.red_after and today - day < timedelta(days=3660):
        if calendar.is_working_day(day):
            counted += 1
        day -= timedelta(days=1)
    return day


class CheckInBucket(StrEnum):
    """First-check-in buckets of the executive dashboard (labels as in SPOT-Me)."""

    UP_TO_0729 = "≤07:29"
    FROM_0730_TO_0759 = "07:30–07:59"
    FROM_0800_TO_0829 = "08:00–08:29"
    FROM_0830_TO_0900 = "08:30–09:00"
    FROM_0901 = "≥09:01"


_BUCKET_UPPER_MINUTES: tuple[tuple[int, CheckInBucket], ...] = (
    (7 * 60 + 29, CheckInBucket.UP_TO_0729),
    (7 * 60 + 59, CheckInBucket.FROM_0730_TO_0759),
    (8 * 60 + 29, CheckInBucket.FROM_0800_TO_0829),
    (9 * 60, CheckInBucket.FROM_0830_TO_0900),
)


def first_check_in_bucket(at: datetime | time, tz: ZoneInfo = MALAYSIA_TZ) -> CheckInBucket:
    """The dashboard bucket of a first check-in, by whole minute of local time.

    09:00:59 is in "08:30–09:00"; 09:01:00 is in "≥09:01"; 07:29:59 is in "≤07:29". A
    `datetime` must be aware and is converted to `tz`; a `time` is taken as local.
    """
    local = _aware(at, "check-in time").astimezone(tz).time() if isinstance(at, datetime) else at
    minute = minute_of_day(local)
    for upper, bucket in _BUCKET_UPPER_MINUTES:
        if minute <= upper:
            return bucket
    return CheckInBucket.FROM_0901
