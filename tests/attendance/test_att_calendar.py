"""Weekends by state (effective-dated), public holidays per state, agency overrides."""

from __future__ import annotations

from datetime import date

import pytest
from holidays.countries.malaysia import Malaysia

from api.attendance.calendar import (
    FRI_SAT,
    HOLIDAYS_SUBDIVISIONS,
    SAT_SUN,
    STATE_CODES,
    DayKind,
    WeekendRule,
    WorkingCalendar,
    public_holidays,
    weekend_days,
)


def test_every_state_code_maps_to_the_package_subdivision_of_the_same_state() -> None:
    assert set(HOLIDAYS_SUBDIVISIONS) == set(STATE_CODES)
    assert len(STATE_CODES) == 16
    assert sorted(HOLIDAYS_SUBDIVISIONS.values()) == sorted(Malaysia.subdivisions)
    # The package's own aliases agree with our explicit table.
    for code, number in HOLIDAYS_SUBDIVISIONS.items():
        assert Malaysia.subdivisions_aliases[code] == number


@pytest.mark.parametrize(
    ("state", "day", "expected"),
    [
        pytest.param("SGR", date(2025, 7, 11), SAT_SUN, id="selangor"),
        pytest.param("SBH", date(2025, 7, 11), SAT_SUN, id="sabah"),
        pytest.param("KDH", date(2025, 7, 11), FRI_SAT, id="kedah"),
        pytest.param("KTN", date(2025, 7, 11), FRI_SAT, id="kelantan"),
        pytest.param("TRG", date(2025, 7, 11), FRI_SAT, id="terengganu"),
        pytest.param("JHR", date(2013, 12, 31), SAT_SUN, id="johor-2013"),
        pytest.param("JHR", date(2014, 1, 1), FRI_SAT, id="johor-from-2014"),
        pytest.param("JHR", date(2024, 12, 31), FRI_SAT, id="johor-last-day-of-2024"),
        pytest.param("JHR", date(2025, 1, 1), SAT_SUN, id="johor-from-2025"),
    ],
)
def test_weekend_days(state: str, day: date, expected: frozenset[int]) -> None:
    assert weekend_days(state, day) == expected


@pytest.mark.parametrize(
    ("state", "day", "kind"),
    [
        pytest.param("KDH", date(2025, 7, 11), DayKind.WEEKEND, id="kedah-friday-weekend"),
        pytest.param("KDH", date(2025, 7, 12), DayKind.WEEKEND, id="kedah-saturday-weekend"),
        pytest.param("KDH", date(2025, 7, 13), DayKind.WORKING, id="kedah-sunday-working"),
        pytest.param("SGR", date(2025, 7, 11), DayKind.WORKING, id="selangor-friday-working"),
        pytest.param("SGR", date(2025, 7, 13), DayKind.WEEKEND, id="selangor-sunday-weekend"),
        pytest.param("JHR", date(2024, 7, 12), DayKind.WEEKEND, id="johor-friday-2024-weekend"),
        pytest.param("JHR", date(2024, 7, 14), DayKind.WORKING, id="johor-sunday-2024-working"),
        pytest.param("JHR", date(2025, 7, 11), DayKind.WORKING, id="johor-friday-2025-working"),
        pytest.param("JHR", date(2025, 7, 13), DayKind.WEEKEND, id="johor-sunday-2025-weekend"),
        pytest.param(
            "SGR", date(2023, 8, 31), DayKind.PUBLIC_HOLIDAY, id="national-day-2023-thursday"
        ),
        pytest.param(
            "SGR", date(2025, 9, 1), DayKind.PUBLIC_HOLIDAY, id="national-day-2025-in-lieu-monday"
        ),
        pytest.param(
            "KDH", date(2025, 9, 1), DayKind.WORKING, id="kedah-no-in-lieu-for-sunday-holiday"
        ),
        pytest.param("KUL", date(2024, 2, 1), DayKind.PUBLIC_HOLIDAY, id="hari-wilayah-kul"),
        pytest.param("PJY", date(2024, 2, 1), DayKind.PUBLIC_HOLIDAY, id="hari-wilayah-pjy"),
        pytest.param("LBN", date(2024, 2, 1), DayKind.PUBLIC_HOLIDAY, id="hari-wilayah-lbn"),
        pytest.param("SGR", date(2024, 2, 1), DayKind.WORKING, id="no-hari-wilayah-in-selangor"),
        pytest.param(
            "KDH", date(2025, 6, 15), DayKind.PUBLIC_HOLIDAY, id="sultan-kedah-birthday-sunday"
        ),
        pytest.param("SGR", date(2025, 6, 15), DayKind.WEEKEND, id="same-sunday-in-selangor"),
        pytest.param(
            "SGR", date(2025, 6, 7), DayKind.PUBLIC_HOLIDAY, id="holiday-on-a-saturday-is-holiday"
        ),
    ],
)
def test_day_kind(state: str, day: date, kind: DayKind) -> None:
    calendar = WorkingCalendar(state)
    assert calendar.day_kind(day) is kind
    assert calendar.is_working_day(day) is (kind is DayKind.WORKING)


@pytest.mark.parametrize(
    ("state", "day", "language", "name"),
    [
        pytest.param("SGR", date(2023, 8, 31), "ms_MY", "Hari Kebangsaan", id="national-day-ms"),
        pytest.param("SGR", date(2023, 8, 31), "en_US", "National Day", id="national-day-en"),
        pytest.param(
            "KUL", date(2024, 2, 1), "ms_MY", "Hari Wilayah Persekutuan", id="hari-wilayah"
        ),
        pytest.param(
            "KDH",
            date(2025, 6, 15),
            "en_US",
            "Birthday of The Sultan of Kedah",
            id="sultan-kedah-birthday",
        ),
    ],
)
def test_holiday_names(state: str, day: date, language: str, name: str) -> None:
    assert WorkingCalendar(state, language=language).holiday_name(day) == name
    assert public_holidays(state, day.year, language)[day] == name


def test_agency_overrides_add_closures_and_remove_holidays() -> None:
    calendar = WorkingCalendar(
        "SGR",
        extra_closures={date(2025, 7, 8): "Hari Keluarga Agensi", date(2023, 8, 31): "Tutup"},
        working_days=frozenset({date(2025, 9, 1), date(2023, 8, 31)}),
    )
    assert calendar.holiday_name(date(2025, 7, 8)) == "Hari Keluarga Agensi"
    assert calendar.day_kind(date(2025, 7, 8)) is DayKind.PUBLIC_HOLIDAY
    assert calendar.holiday_name(date(2025, 9, 1)) is None
    assert calendar.day_kind(date(2025, 9, 1)) is DayKind.WORKING
    # An extra closure wins over a removal on the same date.
    assert calendar.holiday_name(date(2023, 8, 31)) == "Tutup"


def test_weekend_rules_are_data() -> None:
    rules = (
        WeekendRule("SGR", date.min, SAT_SUN),
        WeekendRule("SGR", date(2030, 1, 1), frozenset({6})),
    )
    calendar = WorkingCalendar("SGR", weekend_rules=rules)
    assert calendar.is_weekend(date(2029, 12, 29))  # a Saturday under the old rule
    assert not calendar.is_weekend(date(2030, 1, 5))  # a Saturday under the new one


@pytest.mark.parametrize("state", ["XYZ", "sgr", "MY-10", ""])
def test_unknown_state_is_rejected(state: str) -> None:
    with pytest.raises(ValueError, match="unknown state"):
        WorkingCalendar(state)


def test_weekend_rule_rejects_bad_weekdays() -> None:
    with pytest.raises(ValueError, match="weekday numbers"):
        WeekendRule("SGR", date.min, frozenset({7}))
