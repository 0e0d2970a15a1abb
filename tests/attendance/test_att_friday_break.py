"""The Friday prayer break (issue 13): computed by the office's state, shown on the today card,
and never an early departure or a late arrival: only the first check-in and the last
check-out of the day count (the circulars fix the end of the day, not the hours at the desk;
see the `api.attendance.patterns` docstring). Also: WBF is shortened in Ramadan."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from api.attendance.calendar import WorkingCalendar
from api.attendance.patterns import SEED_PATTERNS, Break, PatternAssignment
from api.attendance.rules import (
    MALAYSIA_TZ,
    AgencyPolicy,
    DayStatus,
    EarlyLeaveEntitlement,
    OfficerSchedule,
    Punch,
    PunchKind,
    evaluate_officer_day,
)

FRIDAY = date(2026, 10, 9)
CLOSED = datetime(2026, 10, 12, tzinfo=MALAYSIA_TZ)


def punches(day: date, *taps: tuple[str, str]) -> list[Punch]:
    return [
        Punch(
            datetime.combine(day, time.fromisoformat(hhmm), MALAYSIA_TZ),
            PunchKind.IN if kind == "in" else PunchKind.OUT,
        )
        for kind, hhmm in taps
    ]


def officer(code: str, *early: EarlyLeaveEntitlement) -> OfficerSchedule:
    return OfficerSchedule(
        assignments=(PatternAssignment(date(2020, 1, 1), code),), early_leave=early
    )


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("PJY", Break(time(12, 15), time(14, 45))),
        ("SBH", Break(time(11, 30), time(14, 0))),
        ("LBN", Break(time(11, 30), time(14, 0))),
    ],
)
def test_the_friday_break_follows_the_state(state: str, expected: Break) -> None:
    result = evaluate_officer_day(
        FRIDAY,
        [],
        officer=officer("WP1"),
        calendar=WorkingCalendar(state),
        policy=AgencyPolicy(),
        now=CLOSED,
    )
    assert result.break_ == expected


def test_kedah_has_no_friday_break_because_friday_is_the_weekend() -> None:
    result = evaluate_officer_day(
        FRIDAY,
        [],
        officer=officer("WP1"),
        calendar=WorkingCalendar("KDH"),
        policy=AgencyPolicy(),
        now=CLOSED,
    )
    assert result.status is DayStatus.WEEKEND and result.break_ is None


def test_going_out_for_friday_prayers_is_neither_early_nor_late() -> None:
    day = punches(FRIDAY, ("in", "07:25"), ("out", "12:20"), ("in", "14:40"), ("out", "16:35"))
    result = evaluate_officer_day(
        FRIDAY,
        day,
        officer=officer("WP1"),
        calendar=WorkingCalendar("PJY"),
        policy=AgencyPolicy(),
        now=CLOSED,
    )
    assert result.status is DayStatus.PRESENT
    assert (result.minutes_early, result.minutes_late) == (0, 0)


def test_leaving_at_the_break_without_coming_back_is_early() -> None:
    day = punches(FRIDAY, ("in", "07:25"), ("out", "12:20"))
    result = evaluate_officer_day(
        FRIDAY,
        day,
        officer=officer("WP1"),
        calendar=WorkingCalendar("PJY"),
        policy=AgencyPolicy(),
        now=CLOSED,
    )
    assert result.status is DayStatus.EARLY_OUT


def test_wbf_is_shortened_in_ramadan_and_early_leave_applies_on_top() -> None:
    ramadan_monday = date(2026, 3, 2)
    day = punches(ramadan_monday, ("in", "08:00"), ("out", "15:30"))
    result = evaluate_officer_day(
        ramadan_monday,
        day,
        officer=officer("WBF", EarlyLeaveEntitlement(date(2026, 2, 1), None)),
        calendar=WorkingCalendar("PJY"),
        policy=AgencyPolicy(),
        now=datetime(2026, 3, 5, tzinfo=MALAYSIA_TZ),
    )
    # 08:00 + 8 h 30 (Ramadan WBF) − 1 h (PP 11/2017) = 15:30.
    assert (result.pattern_code, result.expected_end) == ("WBF_RAMADAN", time(15, 30))
    assert result.status is DayStatus.PRESENT
    assert SEED_PATTERNS["WBF_RAMADAN"].day_length == timedelta(hours=8, minutes=30)
