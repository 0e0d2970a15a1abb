"""The working calendar of an office: weekends by state, public holidays, agency overrides.

Pure data and functions (standard library and the `holidays` package); no database.

**States.** Hadir uses the three-letter codes `JHR KDH KTN MLK NSN PHG PRK PLS PNG SBH SWK SGR
TRG KUL LBN PJY` (`STATE_CODES`). The `holidays` package (checked with version 0.109) keys
Malaysia's subdivisions by their ISO 3166-2:MY numbers ``"01"``–``"16"`` and accepts the
three-letter codes only as aliases, so we map explicitly (`HOLIDAYS_SUBDIVISIONS`) and pass the
number:

====  ====  ==============================   ====  ====  ==============================
code  ISO   state                            code  ISO   state
====  ====  ==============================   ====  ====  ==============================
JHR   01    Johor                            SGR   10    Selangor
KDH   02    Kedah                            TRG   11    Terengganu
KTN   03    Kelantan                         SBH   12    Sabah
MLK   04    Melaka                           SWK   13    Sarawak
NSN   05    Negeri Sembilan                  KUL   14    W.P. Kuala Lumpur
PHG   06    Pahang                           LBN   15    W.P. Labuan
PNG   07    Pulau Pinang                     PJY   16    W.P. Putrajaya
PRK   08    Perak
PLS   09    Perlis
====  ====  ==============================   ====  ====  ==============================

**Weekends** are data and effective-dated (`WeekendRule`): Saturday–Sunday in most states,
Friday–Saturday in Kedah, Kelantan and Terengganu. Johor: Friday–Saturday until 1994,
Saturday–Sunday 1995–2013, Friday–Saturday 2014–2024 and Saturday–Sunday again from
1 January 2025 (the same history the `holidays` package uses for its in-lieu days). Earlier
changes in other states (e.g. Terengganu's short-lived Saturday–Sunday weekend in the 2000s)
are *not* seeded; add rows if old data needs them.

**Public holidays** come from ``holidays.countries.malaysia.Malaysia(subdiv=<ISO no.>, years=...)``:
federal and state holidays, in-lieu days computed with the state's own weekend, and the one-off
"cuti peristiwa" the package knows. Islamic holidays for future years are estimates until
announced; an agency corrects them with its overrides: ``extra_closures`` (a closure or a
holiday the package lacks) and ``working_days`` ("we work that day").

**What a day is** (`WorkingCalendar.day_kind`), first match wins:

1. an agency closure (``extra_closures``) is a public holiday, on any day of the week;
2. an agency working day (``working_days``) is a working day: it removes a package holiday
   *and* wins over the state's weekend (a replacement working Saturday, or a public holiday on
   a weekend day that the agency works anyway);
3. a package public holiday is a public holiday, also on a weekend day;
4. the state's weekend on that date is a weekend;
5. anything else is a working day.

`is_weekend` stays the state's rule only (what the day would be without the agency).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import get_args

from holidays.countries.malaysia import Malaysia

from api.org.schemas import StateCode

__all__ = [
    "DEFAULT_WEEKEND_RULES",
    "FRI_SAT",
    "HOLIDAYS_SUBDIVISIONS",
    "SAT_SUN",
    "STATE_CODES",
    "DayKind",
    "WeekendRule",
    "WorkingCalendar",
    "public_holidays",
    "weekend_days",
]

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

# The one list of state codes is the API's validation type; the calendar follows it.
STATE_CODES: tuple[str, ...] = get_args(StateCode)

HOLIDAYS_SUBDIVISIONS: Mapping[str, str] = MappingProxyType(
    {
        "JHR": "01",
        "KDH": "02",
        "KTN": "03",
        "MLK": "04",
        "NSN": "05",
        "PHG": "06",
        "PNG": "07",
        "PRK": "08",
        "PLS": "09",
        "SGR": "10",
        "TRG": "11",
        "SBH": "12",
        "SWK": "13",
        "KUL": "14",
        "LBN": "15",
        "PJY": "16",
    }
)
"""Hadir state code → the `holidays` package's Malaysia subdivision (ISO 3166-2:MY number)."""

SAT_SUN: frozenset[int] = frozenset({SAT, SUN})
FRI_SAT: frozenset[int] = frozenset({FRI, SAT})


def _check_state(state: str) -> str:
    if state not in HOLIDAYS_SUBDIVISIONS:
        raise ValueError(f"unknown state code {state!r}; expected one of {', '.join(STATE_CODES)}")
    return state


@dataclass(frozen=True, slots=True)
class WeekendRule:
    """From `effective_from` (inclusive) until the state's next rule, `days` are the weekend.

    `days` holds `date.weekday()` numbers (Monday 0 … Sunday 6).
    """

    state: str
    effective_from: date
    days: frozenset[int]

    def __post_init__(self) -> None:
        _check_state(self.state)
        if not self.days <= frozenset(range(7)):
            raise ValueError(f"weekend days must be weekday numbers 0–6, got {sorted(self.days)}")


def _seed_weekend_rules() -> tuple[WeekendRule, ...]:
    rules = [
        WeekendRule(state, date.min, FRI_SAT if state in {"KDH", "KTN", "TRG"} else SAT_SUN)
        for state in STATE_CODES
        if state != "JHR"
    ]
    rules += [
        WeekendRule("JHR", date.min, FRI_SAT),
        WeekendRule("JHR", date(1995, 1, 1), SAT_SUN),
        WeekendRule("JHR", date(2014, 1, 1), FRI_SAT),
        WeekendRule("JHR", date(2025, 1, 1), SAT_SUN),
    ]
    return tuple(rules)


DEFAULT_WEEKEND_RULES: tuple[WeekendRule, ...] = _seed_weekend_rules()


def weekend_days(
    state: str, day: date, rules: tuple[WeekendRule, ...] = DEFAULT_WEEKEND_RULES
) -> frozenset[int]:
    """The weekend (weekday numbers) in force in `state` on `day`: its latest rule on or before."""
    _check_state(state)
    best: WeekendRule | None = None
    for rule in rules:
        if (
            rule.state == state
            and rule.effective_from <= day
            and (best is None or rule.effective_from >= best.effective_from)
        ):
            best = rule
    if best is None:
        raise ValueError(f"no weekend rule for {state} on {day.isoformat()}")
    return best.days


@functools.lru_cache(maxsize=512)
def _package_holidays(subdivision: str, year: int, language: str) -> Mapping[date, str]:
    calendar = Malaysia(subdiv=subdivision, years=year, language=language)
    return MappingProxyType({day: str(name) for day, name in calendar.items()})


def public_holidays(state: str, year: int, language: str = "ms_MY") -> Mapping[date, str]:
    """The state's public holidays in `year` according to the `holidays` package (cached).

    Names are in `language` (``"ms_MY"`` or ``"en_US"``); several holidays on one day are joined
    with ``"; "`` by the package.
    """
    return _package_holidays(HOLIDAYS_SUBDIVISIONS[_check_state(state)], year, language)


class DayKind(StrEnum):
    """What a calendar day is for an office, before looking at any officer."""

    WORKING = "working"
    WEEKEND = "weekend"
    PUBLIC_HOLIDAY = "public_holiday"


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """An office's calendar: the state's weekend and holidays plus the agency's overrides.

    `extra_closures` (date → name) are days the agency is closed (a holiday the package lacks, a
    corrected estimated date, an agency closure); `working_days` are days the agency works
    although the package calls them a public holiday or the state's weekend has them (a
    replacement working Saturday). An extra closure wins over a working day on the same date.
    """

    state: str
    extra_closures: Mapping[date, str] = field(default_factory=lambda: MappingProxyType({}))
    working_days: frozenset[date] = frozenset()
    weekend_rules: tuple[WeekendRule, ...] = DEFAULT_WEEKEND_RULES
    language: str = "ms_MY"

    def __post_init__(self) -> None:
        _check_state(self.state)

    def weekend(self, day: date) -> frozenset[int]:
        return weekend_days(self.state, day, self.weekend_rules)

    def is_weekend(self, day: date) -> bool:
        """The state's weekend rule only (an agency working day on a weekend is still True)."""
        return day.weekday() in self.weekend(day)

    def holiday_name(self, day: date) -> str | None:
        """The holiday's name if `day` is a public holiday or closure for this office, else None."""
        if day in self.extra_closures:
            return self.extra_closures[day]
        if day in self.working_days:
            return None
        return public_holidays(self.state, day.year, self.language).get(day)

    def is_holiday(self, day: date) -> bool:
        return self.holiday_name(day) is not None

    def day_kind(self, day: date) -> DayKind:
        """Closure or public holiday first (also on a weekend day), then the agency's working
        days (over the weekend too), then the weekend, else a working day (module docstring)."""
        if self.is_holiday(day):
            return DayKind.PUBLIC_HOLIDAY
        if day in self.working_days:
            return DayKind.WORKING
        if self.is_weekend(day):
            return DayKind.WEEKEND
        return DayKind.WORKING

    def is_declared_working_weekend(self, day: date) -> bool:
        """A state weekend day the agency has declared a working day (a replacement day)."""
        return self.is_weekend(day) and self.day_kind(day) is DayKind.WORKING

    def is_working_day(self, day: date) -> bool:
        return self.day_kind(day) is DayKind.WORKING
