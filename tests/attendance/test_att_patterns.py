"""Working patterns as data: seeds, breaks, WBF window, assignments, Ramadan substitution."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from api.attendance.patterns import (
    SEED_PATTERNS,
    SEED_RAMADAN,
    Break,
    DayRule,
    PatternAssignment,
    PatternKind,
    RamadanPeriod,
    RamadanRule,
    UnknownPatternError,
    WorkingPattern,
    assigned_pattern_code,
    resolve_pattern,
)

MONDAY = date(2025, 7, 7)
FRIDAY = date(2025, 7, 11)
SUNDAY = date(2025, 7, 13)


@pytest.mark.parametrize(
    ("code", "kind", "earliest", "latest", "end_if_on_time"),
    [
        pytest.param("WP1", PatternKind.FIXED, time(7, 30), time(7, 30), time(16, 30), id="WP1"),
        pytest.param("WP2", PatternKind.FIXED, time(8), time(8), time(17), id="WP2"),
        pytest.param("WP3", PatternKind.FIXED, time(8, 30), time(8, 30), time(17, 30), id="WP3"),
        pytest.param("WP4", PatternKind.FIXED, time(7, 30), time(7, 30), time(16), id="WP4"),
        pytest.param("WP5", PatternKind.FIXED, time(8), time(8), time(16, 30), id="WP5"),
        pytest.param("WP6", PatternKind.FIXED, time(8, 30), time(8, 30), time(17), id="WP6"),
        pytest.param(
            "WBF", PatternKind.FLEXIBLE, time(7, 30), time(9), time(18), id="WBF-latest-start"
        ),
        pytest.param(
            "WBF_RAMADAN",
            PatternKind.FLEXIBLE,
            time(7, 30),
            time(9),
            time(17, 30),
            id="WBF_RAMADAN-latest-start",
        ),
    ],
)
def test_seed_patterns(
    code: str, kind: PatternKind, earliest: time, latest: time, end_if_on_time: time
) -> None:
    p = SEED_PATTERNS[code]
    assert (p.code, p.kind, p.earliest_start, p.latest_start) == (code, kind, earliest, latest)
    assert p.expected_end(MONDAY, "SGR", latest) == end_if_on_time
    assert p.expected_end(FRIDAY, "SGR", latest) == end_if_on_time  # Friday ends at the same time
    assert p.ramadan is (code in {"WP4", "WP5", "WP6", "WBF_RAMADAN"})


NORMAL = ["WP1", "WP2", "WP3", "WBF"]
RAMADAN = ["WP4", "WP5", "WP6", "WBF_RAMADAN"]


@pytest.mark.parametrize(
    ("codes", "day", "state", "expected"),
    [
        pytest.param(NORMAL, MONDAY, "SGR", Break(time(13), time(14)), id="normal-monday"),
        pytest.param(NORMAL, date(2025, 7, 10), "PHG", Break(time(13), time(14)), id="normal-thu"),
        pytest.param(NORMAL, FRIDAY, "SGR", Break(time(12, 15), time(14, 45)), id="normal-fri"),
        pytest.param(NORMAL, FRIDAY, "SWK", Break(time(12, 15), time(14, 45)), id="normal-fri-swk"),
        pytest.param(NORMAL, FRIDAY, "SBH", Break(time(11, 30), time(14)), id="normal-fri-sabah"),
        pytest.param(NORMAL, FRIDAY, "LBN", Break(time(11, 30), time(14)), id="normal-fri-labuan"),
        pytest.param(NORMAL, SUNDAY, "KDH", Break(time(13), time(14)), id="normal-kedah-sunday"),
        pytest.param(RAMADAN, MONDAY, "SGR", Break(time(13), time(13, 30)), id="ramadan-monday"),
        pytest.param(RAMADAN, FRIDAY, "SGR", Break(time(12, 15), time(14, 15)), id="ramadan-fri"),
        pytest.param(
            RAMADAN, FRIDAY, "SBH", Break(time(11, 30), time(13, 30)), id="ramadan-fri-sabah"
        ),
    ],
)
def test_breaks(codes: list[str], day: date, state: str, expected: Break) -> None:
    for code in codes:
        assert SEED_PATTERNS[code].break_on(day, state) == expected, code


@pytest.mark.parametrize(
    ("first_in", "counted", "end"),
    [
        pytest.param(time(6, 0), time(7, 30), time(16, 30), id="06:00-counts-as-07:30"),
        pytest.param(time(7, 29, 59), time(7, 30), time(16, 30), id="07:29:59-counts-as-07:30"),
        pytest.param(time(7, 30), time(7, 30), time(16, 30), id="07:30"),
        pytest.param(time(8, 7, 45), time(8, 7), time(17, 7), id="08:07:45-whole-minutes"),
        pytest.param(time(9, 0), time(9, 0), time(18, 0), id="09:00"),
        pytest.param(time(9, 0, 59), time(9, 0), time(18, 0), id="09:00:59"),
        pytest.param(time(9, 1), time(9, 0), time(18, 0), id="09:01-late-still-out-at-18:00"),
        pytest.param(time(11, 0), time(9, 0), time(18, 0), id="11:00-late-still-out-at-18:00"),
        pytest.param(None, time(9, 0), time(18, 0), id="not-checked-in-yet"),
    ],
)
def test_wbf_counted_start_and_end(first_in: time | None, counted: time, end: time) -> None:
    wbf = SEED_PATTERNS["WBF"]
    assert wbf.counted_start(first_in) == counted
    assert wbf.expected_end(MONDAY, "SGR", first_in) == end


@pytest.mark.parametrize(
    ("code", "first_in", "end"),
    [
        pytest.param("WP2", time(7, 0), time(16), id="wp2-early-arrival-does-not-move-end"),
        pytest.param("WP2", time(9, 30), time(16), id="wp2-late-arrival-does-not-move-end"),
        pytest.param("WBF", time(8, 30), time(16, 30), id="wbf-08:30"),
        pytest.param("WBF", time(7, 0), time(15, 30), id="wbf-before-window"),
    ],
)
def test_expected_end_with_one_hour_early_leave(code: str, first_in: time, end: time) -> None:
    assert SEED_PATTERNS[code].expected_end(MONDAY, "SGR", first_in, timedelta(hours=1)) == end


def test_day_rule_can_shorten_a_weekday_in_some_states() -> None:
    thursday = date(2025, 7, 10)
    pattern = WorkingPattern(
        code="KDH-WP2",
        name="WP2 with a shorter Thursday (example)",
        kind=PatternKind.FIXED,
        earliest_start=time(8),
        latest_start=time(8),
        day_length=timedelta(hours=9),
        day_rules=(
            DayRule(
                frozenset({3}), day_length=timedelta(hours=7, minutes=30), states=frozenset({"KDH"})
            ),
        ),
    )
    assert pattern.expected_end(thursday, "KDH", time(8)) == time(15, 30)
    assert pattern.expected_end(thursday, "SGR", time(8)) == time(17)
    assert pattern.break_on(thursday, "KDH") is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param(
            {"earliest_start": time(9), "latest_start": time(8)}, "earliest start", id="window"
        ),
        pytest.param(
            {"earliest_start": time(7), "latest_start": time(8)}, "one start time", id="fixed"
        ),
        pytest.param({"day_length": timedelta(0)}, "before midnight", id="zero-length"),
        pytest.param({"day_length": timedelta(hours=16)}, "before midnight", id="past-midnight"),
        pytest.param({"day_length": timedelta(hours=9, seconds=30)}, "whole minutes", id="seconds"),
    ],
)
def test_pattern_validation(kwargs: dict[str, object], message: str) -> None:
    values: dict[str, object] = {
        "code": "X",
        "name": "X",
        "kind": PatternKind.FIXED,
        "earliest_start": time(8),
        "latest_start": time(8),
        "day_length": timedelta(hours=9),
    }
    values.update(kwargs)
    with pytest.raises(ValueError, match=message):
        WorkingPattern(**values)  # type: ignore[arg-type]


def test_break_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="break"):
        Break(time(14), time(13))


ASSIGNMENTS = (
    PatternAssignment(date(2025, 1, 1), "WP1"),
    PatternAssignment(date(2025, 7, 10), "WP3"),
    PatternAssignment(date(2025, 8, 1), "WBF"),
)


@pytest.mark.parametrize(
    ("day", "code"),
    [
        pytest.param(date(2024, 12, 31), None, id="before-first-assignment"),
        pytest.param(date(2025, 1, 1), "WP1", id="first-day"),
        pytest.param(date(2025, 7, 9), "WP1", id="day-before-change"),
        pytest.param(date(2025, 7, 10), "WP3", id="change-day"),
        pytest.param(date(2025, 7, 31), "WP3", id="until-next"),
        pytest.param(date(2026, 1, 1), "WBF", id="open-ended"),
    ],
)
def test_effective_dated_assignments(day: date, code: str | None) -> None:
    assert assigned_pattern_code(reversed(ASSIGNMENTS), day) == code


def test_later_row_wins_a_same_day_tie() -> None:
    rows = (PatternAssignment(MONDAY, "WP1"), PatternAssignment(MONDAY, "WP2"))
    assert assigned_pattern_code(rows, MONDAY) == "WP2"


@pytest.mark.parametrize(
    ("assigned", "day", "ramadan", "expected"),
    [
        pytest.param("WP1", date(2025, 3, 4), SEED_RAMADAN, "WP4", id="WP1-in-ramadan-2025"),
        pytest.param("WP2", date(2025, 3, 2), SEED_RAMADAN, "WP5", id="WP2-first-day"),
        pytest.param("WP3", date(2025, 3, 30), SEED_RAMADAN, "WP6", id="WP3-last-day"),
        pytest.param("WP3", date(2025, 3, 31), SEED_RAMADAN, "WP3", id="hari-raya-normal"),
        pytest.param("WP2", date(2025, 3, 1), SEED_RAMADAN, "WP2", id="eve-of-ramadan"),
        pytest.param("WBF", date(2025, 3, 4), SEED_RAMADAN, "WBF_RAMADAN", id="WBF-shortened"),
        pytest.param("WBF", date(2025, 3, 31), SEED_RAMADAN, "WBF", id="WBF-after-ramadan"),
        pytest.param(
            "WBF",
            date(2025, 3, 4),
            RamadanRule(SEED_RAMADAN.periods, {"WP1": "WP4"}),
            "WBF",
            id="WBF-unchanged-when-the-agency-does-not-approve",
        ),
        pytest.param(
            "WP2",
            date(2025, 3, 4),
            RamadanRule(SEED_RAMADAN.periods, {}),
            "WP2",
            id="substitution-switched-off",
        ),
        pytest.param(
            "WP2",
            date(2027, 2, 10),
            RamadanRule((RamadanPeriod(date(2027, 2, 8), date(2027, 3, 9)),)),
            "WP5",
            id="agency-adds-a-year",
        ),
    ],
)
def test_ramadan_substitution(
    assigned: str, day: date, ramadan: RamadanRule, expected: str
) -> None:
    rows = (PatternAssignment(date(2020, 1, 1), assigned),)
    pattern = resolve_pattern(day, rows, SEED_PATTERNS, ramadan)
    assert pattern is not None
    assert pattern.code == expected


def test_resolve_without_assignment_uses_default_or_none() -> None:
    assert resolve_pattern(MONDAY, ()) is None
    default = resolve_pattern(MONDAY, (), default_code="WBF")
    assert default is not None
    assert default.code == "WBF"


def test_unknown_pattern_code() -> None:
    with pytest.raises(UnknownPatternError):
        resolve_pattern(MONDAY, (PatternAssignment(MONDAY, "WP9"),))
    with pytest.raises(ValueError, match="Ramadan"):
        RamadanPeriod(date(2025, 3, 30), date(2025, 3, 2))
