"""Working patterns as data, effective-dated pattern assignments and the Ramadan period.

Pure data and functions (standard library only).

**One model for both kinds of hours.** A pattern has an earliest and a latest counted start
and a day length (from the counted start to the expected end, the break included):

- the *counted start* is the first check-in clamped to ``[earliest_start, latest_start]``;
- the *expected end* is the counted start plus the day length (minus any early-leave
  entitlement);
- the officer is *late* when the first check-in is after ``latest_start``.

For staggered hours (WBB, fixed) ``earliest_start == latest_start``, so the end never moves.
For flexible hours (WBF) the end follows the arrival: 07:30→16:30 … 09:00→18:00.

**Seeded federal patterns** (`SEED_PATTERNS`); an agency copies and edits them as data:

- WBB (Waktu Bekerja Berperingkat, staggered hours): WP1 07:30–16:30, WP2 08:00–17:00,
  WP3 08:30–17:30. Break 13:00–14:00 Monday–Thursday (and on Sunday where Sunday is a
  working day); the long Friday break 12:15–14:45, or 11:30–14:00 in Sabah and Labuan. The
  end time is the same on Friday: the longer Friday break shortens the hours worked, not the
  day. We have not verified the number of the original federal WBB circular.
- WBF (Waktu Bekerja Fleksi): Pekeliling Perkhidmatan Bil. 5/2019, now ceraian SR.4.1.1 of
  the Pekeliling Perkhidmatan Sumber Manusia (PPSM) "Waktu Bekerja". Arrive 07:30–09:00,
  leave after 9 hours including the break. JPA's WBF FAQ: a check-in after 09:00 is late
  and the officer leaves at 18:00 (so the counted start is capped at 09:00); an officer
  who starts official duty at 07:00 is deemed to have started at 07:30 (so an earlier start
  counts as 07:30).
- Ramadan: WP4, WP5, WP6 replace WP1, WP2, WP3 during the Ramadan period (`RamadanRule`),
  and ``WBF_RAMADAN`` replaces WBF: **WBF officers get the shortened Ramadan day too** (issue
  13 makes this the rule: the agency's Ramadan day is shortened for everyone, whatever their
  pattern). An agency's own staggered pattern gets its Ramadan twin ``<code>_R`` the same way
  (`agency_staggered`). Seeded values (UNCONFIRMED — an agency must check them against its
  Ramadan circular): the break shortened by 30 minutes and the day ending 30 minutes earlier,
  i.e. WP4 07:30–16:00, WP5 08:00–16:30, WP6 08:30–17:00, WBF_RAMADAN in 07:30–09:00 and out
  after 8 h 30, break 13:00–13:30 Monday–Thursday, Friday 12:15–14:15 (Sabah, Labuan
  11:30–13:30). JPA's WBF FAQ says officers *may* go home half an hour earlier in Ramadan if
  the break is shortened by 30 minutes, with the head of department's approval; an agency
  that does not approve it removes ``"WBF"`` from its substitutes. The SPOT-Me briefing lists
  "WP1, WP2, WP3, WP4" and WBF; some agencies may use WP4 for a non-Ramadan pattern.
- Fri–Sat weekend states (Kedah, Kelantan, Terengganu) are reported to have a shorter last
  working day (Thursday); we could not confirm the hours, so nothing is seeded. Add a
  `DayRule` (per weekday and state: day length and/or break) once confirmed.

**Breaks, the Friday prayer break included, are shown and protected but never counted.**
The WBB and WBF circulars fix the day's end, not the hours at the desk: the longer Friday
break (for Friday prayers, 12:15–14:45; 11:30–14:00 in Sabah and Labuan, where the prayer is
earlier) shortens the hours worked, never the day. So (`api.attendance.rules`): a check-out and
check-in during the break are neither a late arrival nor an early departure (only the first
check-in and the last check-out of the day count), and the break is on the "Today" card
(`break_on`) so the officer knows when they may leave for prayers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "DEFAULT_RAMADAN_SUBSTITUTES",
    "RAMADAN_SUFFIX",
    "SEED_PATTERNS",
    "SEED_RAMADAN",
    "SEED_RAMADAN_PERIODS",
    "Break",
    "DayRule",
    "PatternAssignment",
    "PatternKind",
    "RamadanPeriod",
    "RamadanRule",
    "UnknownPatternError",
    "WorkingPattern",
    "agency_staggered",
    "assigned_pattern_code",
    "minute_of_day",
    "resolve_pattern",
    "time_of_minute",
]

ALL_DAYS: frozenset[int] = frozenset(range(7))
FRIDAY: frozenset[int] = frozenset({4})
MINUTES_PER_DAY = 24 * 60


def minute_of_day(t: time) -> int:
    """Minutes since midnight, seconds dropped (all rules work on whole minutes)."""
    return t.hour * 60 + t.minute


def time_of_minute(minute: int) -> time:
    if not 0 <= minute < MINUTES_PER_DAY:
        raise ValueError(f"minute of day out of range: {minute}")
    return time(minute // 60, minute % 60)


def _whole_minutes(delta: timedelta) -> int:
    seconds = delta.total_seconds()
    if seconds % 60:
        raise ValueError(f"durations must be whole minutes, got {delta}")
    return int(seconds // 60)


class PatternKind(StrEnum):
    FIXED = "fixed"  # WBB: one start time
    FLEXIBLE = "flexible"  # WBF: a window of start times, the end follows the arrival


@dataclass(frozen=True, slots=True)
class Break:
    start: time
    end: time

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(f"break must end after it starts: {self.start}–{self.end}")


@dataclass(frozen=True, slots=True)
class DayRule:
    """A per-day rule: on `weekdays` (in `states`, or everywhere when None) use these values.

    `brk` replaces the break, `day_length` the pattern's day length; None keeps the pattern's.
    The first matching rule of a pattern wins, so list the specific ones first.
    """

    weekdays: frozenset[int]
    brk: Break | None = None
    day_length: timedelta | None = None
    states: frozenset[str] | None = None

    def matches(self, day: date, state: str) -> bool:
        return day.weekday() in self.weekdays and (self.states is None or state in self.states)


@dataclass(frozen=True, slots=True)
class WorkingPattern:
    """A working pattern (see the module docstring for the rules it encodes)."""

    code: str
    name: str
    kind: PatternKind
    earliest_start: time
    latest_start: time
    day_length: timedelta
    day_rules: tuple[DayRule, ...] = ()
    ramadan: bool = False

    def __post_init__(self) -> None:
        if self.earliest_start > self.latest_start:
            raise ValueError(f"{self.code}: earliest start after latest start")
        if self.kind is PatternKind.FIXED and self.earliest_start != self.latest_start:
            raise ValueError(f"{self.code}: a fixed pattern has one start time")
        for length in [self.day_length, *(r.day_length for r in self.day_rules if r.day_length)]:
            minutes = _whole_minutes(length)
            if minutes <= 0 or minute_of_day(self.latest_start) + minutes >= MINUTES_PER_DAY:
                raise ValueError(f"{self.code}: day length {length} must end before midnight")

    def _rule(self, day: date, state: str, attribute: str) -> DayRule | None:
        for rule in self.day_rules:
            if getattr(rule, attribute) is not None and rule.matches(day, state):
                return rule
        return None

    def day_length_on(self, day: date, state: str) -> timedelta:
        rule = self._rule(day, state, "day_length")
        return rule.day_length if rule is not None and rule.day_length else self.day_length

    def break_on(self, day: date, state: str) -> Break | None:
        rule = self._rule(day, state, "brk")
        return rule.brk if rule is not None else None

    def counted_start(self, first_in: time | None) -> time:
        """The start the end is counted from: the first check-in clamped to the start window.

        Without a check-in, the latest start (the latest possible end, for a "Today" card).
        """
        if first_in is None:
            return self.latest_start
        minute = minute_of_day(first_in)
        low, high = minute_of_day(self.earliest_start), minute_of_day(self.latest_start)
        return time_of_minute(min(max(minute, low), high))

    def expected_end(
        self,
        day: date,
        state: str,
        first_in: time | None,
        early_leave: timedelta = timedelta(0),
    ) -> time:
        """Counted start + the day's length − any early-leave entitlement, in whole minutes."""
        minute = (
            minute_of_day(self.counted_start(first_in))
            + _whole_minutes(self.day_length_on(day, state))
            - _whole_minutes(early_leave)
        )
        return time_of_minute(minute)


def _breaks(weekday: Break, friday: Break, friday_sabah_labuan: Break) -> tuple[DayRule, ...]:
    return (
        DayRule(FRIDAY, brk=friday_sabah_labuan, states=frozenset({"SBH", "LBN"})),
        DayRule(FRIDAY, brk=friday),
        DayRule(ALL_DAYS, brk=weekday),
    )


_NORMAL_BREAKS = _breaks(
    Break(time(13, 0), time(14, 0)),
    Break(time(12, 15), time(14, 45)),
    Break(time(11, 30), time(14)),
)
_RAMADAN_BREAKS = _breaks(
    Break(time(13, 0), time(13, 30)),
    Break(time(12, 15), time(14, 15)),
    Break(time(11, 30), time(13, 30)),
)
_NINE_HOURS = timedelta(hours=9)
_RAMADAN_LENGTH = timedelta(hours=8, minutes=30)


def _fixed(code: str, start: time, *, ramadan: bool = False) -> WorkingPattern:
    length = _RAMADAN_LENGTH if ramadan else _NINE_HOURS
    end = time_of_minute(minute_of_day(start) + _whole_minutes(length))
    label = "Ramadan staggered hours" if ramadan else "Staggered hours (WBB)"
    return WorkingPattern(
        code=code,
        name=f"{label} {code} {start:%H:%M}–{end:%H:%M}",
        kind=PatternKind.FIXED,
        earliest_start=start,
        latest_start=start,
        day_length=length,
        day_rules=_RAMADAN_BREAKS if ramadan else _NORMAL_BREAKS,
        ramadan=ramadan,
    )


SEED_PATTERNS: Mapping[str, WorkingPattern] = MappingProxyType(
    {
        p.code: p
        for p in (
            _fixed("WP1", time(7, 30)),
            _fixed("WP2", time(8, 0)),
            _fixed("WP3", time(8, 30)),
            _fixed("WP4", time(7, 30), ramadan=True),
            _fixed("WP5", time(8, 0), ramadan=True),
            _fixed("WP6", time(8, 30), ramadan=True),
            WorkingPattern(
                code="WBF",
                name="Flexible hours (WBF) in 07:30–09:00, out after 9 h",
                kind=PatternKind.FLEXIBLE,
                earliest_start=time(7, 30),
                latest_start=time(9, 0),
                day_length=_NINE_HOURS,
                day_rules=_NORMAL_BREAKS,
            ),
            WorkingPattern(
                code="WBF_RAMADAN",
                name="Ramadan flexible hours in 07:30–09:00, out after 8 h 30",
                kind=PatternKind.FLEXIBLE,
                earliest_start=time(7, 30),
                latest_start=time(9, 0),
                day_length=_RAMADAN_LENGTH,
                day_rules=_RAMADAN_BREAKS,
                ramadan=True,
            ),
        )
    }
)
"""The federal patterns (see the module docstring; Ramadan values are unconfirmed)."""


def agency_staggered(
    code: str, name: str, start: time, end: time, ramadan_end: time
) -> tuple[WorkingPattern, WorkingPattern]:
    """An agency's own staggered pattern and its Ramadan twin (``code + RAMADAN_SUFFIX``), with
    the federal breaks (the Friday prayer break included). Raises ValueError when the times do
    not make a working day: 7 to 10 hours from start to end, a Ramadan day no longer than the
    normal one and at least 6 hours."""
    if not (code.isascii() and code.replace("_", "").isalnum() and code.isupper()):
        raise ValueError("pattern code: capital letters, digits and _ only")
    if not 2 <= len(code) <= AGENCY_CODE_MAX or code in SEED_PATTERNS:
        raise ValueError("pattern code taken or of the wrong length")
    length = minute_of_day(end) - minute_of_day(start)
    ramadan_length = minute_of_day(ramadan_end) - minute_of_day(start)
    if not 7 * 60 <= length <= 10 * 60:
        raise ValueError("a working day lasts 7 to 10 hours from start to end")
    if not 6 * 60 <= ramadan_length <= length:
        raise ValueError("the Ramadan day lasts 6 hours or more and no longer than the day")
    normal = WorkingPattern(
        code=code,
        name=name or f"{code} {start:%H:%M}–{end:%H:%M}",
        kind=PatternKind.FIXED,
        earliest_start=start,
        latest_start=start,
        day_length=timedelta(minutes=length),
        day_rules=_NORMAL_BREAKS,
    )
    ramadan = WorkingPattern(
        code=code + RAMADAN_SUFFIX,
        name=f"{normal.name} (Ramadan {start:%H:%M}–{ramadan_end:%H:%M})",
        kind=PatternKind.FIXED,
        earliest_start=start,
        latest_start=start,
        day_length=timedelta(minutes=ramadan_length),
        day_rules=_RAMADAN_BREAKS,
        ramadan=True,
    )
    return normal, ramadan


class UnknownPatternError(KeyError):
    """An assignment or a Ramadan substitute names a pattern the agency does not have."""


@dataclass(frozen=True, slots=True)
class PatternAssignment:
    """An officer works `pattern_code` from `effective_from` until their next assignment."""

    effective_from: date
    pattern_code: str


def assigned_pattern_code(assignments: Iterable[PatternAssignment], day: date) -> str | None:
    """The code of the latest assignment on or before `day` (a later row wins a tie), or None."""
    best: PatternAssignment | None = None
    for a in assignments:
        if a.effective_from <= day and (best is None or a.effective_from >= best.effective_from):
            best = a
    return best.pattern_code if best is not None else None


@dataclass(frozen=True, slots=True)
class RamadanPeriod:
    """1 Ramadan to the last day of Ramadan, both inclusive (as announced each year)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("Ramadan period ends before it starts")


DEFAULT_RAMADAN_SUBSTITUTES: Mapping[str, str] = MappingProxyType(
    {"WP1": "WP4", "WP2": "WP5", "WP3": "WP6", "WBF": "WBF_RAMADAN"}
)
"""WP1–WP3 become WP4–WP6 and WBF becomes WBF_RAMADAN during Ramadan (see the module doc)."""

RAMADAN_SUFFIX = "_R"
AGENCY_CODE_MAX = 8


@dataclass(frozen=True, slots=True)
class RamadanRule:
    """During any of `periods`, a pattern code in `substitutes` is replaced by its value."""

    periods: tuple[RamadanPeriod, ...] = ()
    substitutes: Mapping[str, str] = field(default_factory=lambda: DEFAULT_RAMADAN_SUBSTITUTES)

    def in_ramadan(self, day: date) -> bool:
        return any(p.start <= day <= p.end for p in self.periods)

    def pattern_code_for(self, code: str, day: date) -> str:
        return self.substitutes.get(code, code) if self.in_ramadan(day) else code


SEED_RAMADAN_PERIODS: tuple[RamadanPeriod, ...] = (
    RamadanPeriod(date(2024, 3, 12), date(2024, 4, 9)),
    RamadanPeriod(date(2025, 3, 2), date(2025, 3, 30)),
    RamadanPeriod(date(2026, 2, 19), date(2026, 3, 20)),
)
"""Ramadan in Malaysia as we understand it (1 Ramadan … eve of Hari Raya Aidilfitri).

The dates are fixed each year by the Keeper of the Rulers' Seal; confirm them (2026 especially)
and add each new year as data.
"""

SEED_RAMADAN = RamadanRule(periods=SEED_RAMADAN_PERIODS)


def resolve_pattern(
    day: date,
    assignments: Iterable[PatternAssignment],
    patterns: Mapping[str, WorkingPattern] = SEED_PATTERNS,
    ramadan: RamadanRule = SEED_RAMADAN,
    default_code: str | None = None,
) -> WorkingPattern | None:
    """The pattern an officer works on `day`: their assignment (or `default_code`), with the
    Ramadan substitute during Ramadan. None when nothing is assigned and there is no default.
    """
    code = assigned_pattern_code(assignments, day) or default_code
    if code is None:
        return None
    code = ramadan.pattern_code_for(code, day)
    try:
        return patterns[code]
    except KeyError:
        raise UnknownPatternError(code) from None
