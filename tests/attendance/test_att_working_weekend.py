"""An agency's `working` override wins over the state's weekend (a replacement working Saturday)
and over a package holiday, also one on a weekend day; an agency closure still wins over it.
Pure rules: the calendar, the daily status, the issues and escalation's working-day count."""

from __future__ import annotations

from datetime import date, datetime, time
from types import MappingProxyType
from zoneinfo import ZoneInfo

import pytest

from api.attendance.calendar import DayKind, WorkingCalendar
from api.attendance.calendar_admin import calendar_from
from api.attendance.rules import (
    AgencyPolicy,
    DayStatus,
    Escalation,
    EscalationThresholds,
    IssueKind,
    OfficerSchedule,
    Punch,
    PunchKind,
    escalation_level,
    evaluate_officer_day,
    issues_for_day,
    working_days_elapsed,
)

KL = ZoneInfo("Asia/Kuala_Lumpur")

SAT = date(2026, 10, 10)  # Putrajaya / Selangor weekend
SUN = date(2026, 10, 11)
KDH_FRIDAY = date(2026, 10, 9)  # Kedah's weekend is Friday–Saturday
KDH_SUNDAY = date(2026, 10, 11)  # a working day in Kedah anyway
MERDEKA = date(2026, 8, 31)  # a Monday public holiday everywhere
NUZUL_SAT = date(2026, 3, 7)  # Nuzul Al-Quran in Putrajaya, on a Saturday
DIWALI_SUN = date(2026, 11, 8)  # Diwali in Putrajaya, on a Sunday
DIWALI_OBSERVED = date(2026, 11, 9)  # … observed on Monday


def _calendar(
    state: str, working: set[date] = frozenset(), closures: dict[date, str] | None = None
) -> WorkingCalendar:
    return WorkingCalendar(
        state,
        extra_closures=MappingProxyType(closures or {}),
        working_days=frozenset(working),
    )


@pytest.mark.parametrize(
    ("state", "day", "working", "closures", "kind"),
    [
        pytest.param("PJY", SAT, set(), {}, DayKind.WEEKEND, id="saturday-is-weekend"),
        pytest.param("PJY", SAT, {SAT}, {}, DayKind.WORKING, id="replacement-working-saturday"),
        pytest.param("PJY", SUN, {SAT}, {}, DayKind.WEEKEND, id="only-that-date"),
        pytest.param("KDH", KDH_FRIDAY, set(), {}, DayKind.WEEKEND, id="kedah-friday-weekend"),
        pytest.param(
            "KDH", KDH_FRIDAY, {KDH_FRIDAY}, {}, DayKind.WORKING, id="kedah-working-friday"
        ),
        pytest.param(
            "KDH", KDH_SUNDAY, {KDH_SUNDAY}, {}, DayKind.WORKING, id="working-on-a-working-day"
        ),
        pytest.param("PJY", MERDEKA, set(), {}, DayKind.PUBLIC_HOLIDAY, id="merdeka-holiday"),
        pytest.param("PJY", MERDEKA, {MERDEKA}, {}, DayKind.WORKING, id="merdeka-worked"),
        pytest.param("PJY", NUZUL_SAT, set(), {}, DayKind.PUBLIC_HOLIDAY, id="holiday-on-saturday"),
        # Worked although it is both a holiday and a weekend day: the agency said it works.
        pytest.param(
            "PJY", NUZUL_SAT, {NUZUL_SAT}, {}, DayKind.WORKING, id="holiday-on-saturday-worked"
        ),
        pytest.param(
            "PJY", DIWALI_SUN, {DIWALI_SUN}, {}, DayKind.WORKING, id="holiday-on-sunday-worked"
        ),
        # The in-lieu Monday is the package's own holiday: unchanged unless overridden too.
        pytest.param(
            "PJY",
            DIWALI_OBSERVED,
            {DIWALI_SUN},
            {},
            DayKind.PUBLIC_HOLIDAY,
            id="in-lieu-day-stays",
        ),
        # A closure wins over a working day on the same date (pure input; the API keeps one
        # override per day).
        pytest.param("PJY", SAT, {SAT}, {SAT: "Tutup"}, DayKind.PUBLIC_HOLIDAY, id="closure-wins"),
        pytest.param(
            "PJY", SAT, set(), {SAT: "Hari Keluarga"}, DayKind.PUBLIC_HOLIDAY, id="closure-weekend"
        ),
    ],
)
def test_day_kind_with_overrides(
    state: str, day: date, working: set[date], closures: dict[date, str], kind: DayKind
) -> None:
    calendar = _calendar(state, working, closures)
    assert calendar.day_kind(day) is kind
    assert calendar.is_working_day(day) is (kind is DayKind.WORKING)
    if kind is DayKind.WORKING:
        assert calendar.holiday_name(day) is None


def test_is_weekend_stays_the_state_rule() -> None:
    calendar = _calendar("PJY", {SAT, MERDEKA})
    assert calendar.is_weekend(SAT) and calendar.is_declared_working_weekend(SAT)
    assert not calendar.is_weekend(MERDEKA) and not calendar.is_declared_working_weekend(MERDEKA)
    assert not calendar.is_declared_working_weekend(SUN)


@pytest.mark.parametrize(
    ("rows", "day", "kind"),
    [
        pytest.param([(SAT, "working")], SAT, DayKind.WORKING, id="working-override"),
        pytest.param([(SAT, "holiday")], SAT, DayKind.PUBLIC_HOLIDAY, id="holiday-override"),
        pytest.param([(MERDEKA, "working")], MERDEKA, DayKind.WORKING, id="holiday-removed"),
        pytest.param([], SAT, DayKind.WEEKEND, id="no-override"),
    ],
)
def test_stored_overrides_become_the_calendar(
    rows: list[tuple[date, str]], day: date, kind: DayKind
) -> None:
    """`calendar_from` (the one builder behind `working_calendar`) maps stored rows."""
    calendar = calendar_from("PJY", [{"day": d, "kind": k, "name": ""} for d, k in rows])
    assert calendar.day_kind(day) is kind


POLICY = AgencyPolicy()
OFFICER = OfficerSchedule()  # WBF, the default pattern


def _punch(day: date, hour: int, minute: int, kind: PunchKind = PunchKind.IN) -> Punch:
    return Punch(datetime.combine(day, time(hour, minute), KL), kind)


@pytest.mark.parametrize(
    ("working", "punches", "status", "issues"),
    [
        pytest.param(set(), [], DayStatus.WEEKEND, set(), id="weekend-nothing-expected"),
        pytest.param({SAT}, [], DayStatus.ABSENT, {IssueKind.ABSENT}, id="working-sat-absent"),
        pytest.param(
            {SAT},
            [_punch(SAT, 9, 20), _punch(SAT, 18, 30, PunchKind.OUT)],
            DayStatus.LATE_IN,
            {IssueKind.LATE_IN},
            id="working-sat-late",
        ),
        pytest.param(
            {SAT},
            [_punch(SAT, 8, 0), _punch(SAT, 17, 0, PunchKind.OUT)],
            DayStatus.PRESENT,
            set(),
            id="working-sat-present",
        ),
        pytest.param(
            set(),
            [_punch(SAT, 9, 20), _punch(SAT, 18, 30, PunchKind.OUT)],
            DayStatus.WEEKEND,
            set(),
            id="weekend-punches-not-judged",
        ),
    ],
)
def test_a_working_saturday_is_judged_like_any_working_day(
    working: set[date], punches: list[Punch], status: DayStatus, issues: set[IssueKind]
) -> None:
    result = evaluate_officer_day(
        SAT,
        punches,
        officer=OFFICER,
        calendar=_calendar("PJY", working),
        policy=POLICY,
        now=datetime(2026, 10, 12, 9, 0, tzinfo=KL),  # the Saturday has closed
    )
    assert result.status is status
    assert issues_for_day(result) == issues
    if working:
        assert result.expected_start == time(9, 0) and result.break_ is not None


@pytest.mark.parametrize(
    ("working", "elapsed", "level"),
    [
        # Opened Friday 9 Oct, judged Tuesday 13 Oct: Mon, Tue …
        pytest.param(set(), 2, Escalation.NONE, id="weekend-does-not-age"),
        # … plus the replacement Saturday.
        pytest.param({SAT}, 3, Escalation.YELLOW, id="working-saturday-ages"),
        pytest.param({SAT, SUN}, 4, Escalation.YELLOW, id="both-worked"),
    ],
)
def test_escalation_counts_a_working_saturday(
    working: set[date], elapsed: int, level: Escalation
) -> None:
    calendar = _calendar("PJY", working)
    assert working_days_elapsed(date(2026, 10, 9), date(2026, 10, 13), calendar) == elapsed
    thresholds = EscalationThresholds(3, 5)
    assert escalation_level(date(2026, 10, 9), date(2026, 10, 13), calendar, thresholds) is level
