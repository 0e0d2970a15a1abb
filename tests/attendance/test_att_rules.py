"""Daily status, attendance issues, next-morning punches, escalation and check-in buckets."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from api.attendance.calendar import WorkingCalendar
from api.attendance.patterns import SEED_PATTERNS, Break, PatternAssignment, RamadanRule
from api.attendance.rules import (
    MALAYSIA_TZ,
    AgencyPolicy,
    CheckInBucket,
    DayFlag,
    DayResult,
    DayStatus,
    EarlyLeaveEntitlement,
    Escalation,
    EscalationThresholds,
    IssueKind,
    LeaveRecord,
    NoPatternError,
    OfficerSchedule,
    Punch,
    PunchKind,
    Verdict,
    day_closes_at,
    escalation_level,
    evaluate_day,
    evaluate_officer_day,
    evaluate_officer_days,
    first_check_in_bucket,
    issues_for_day,
    local_day,
    working_days_elapsed,
)

MON, TUE, WED, THU, FRI, SAT, SUN = (date(2025, 7, 7) + timedelta(days=i) for i in range(7))
I = IssueKind  # noqa: E741 - short alias keeps the tables readable
S = DayStatus


def at(day: date, hhmm: str) -> datetime:
    """Local Malaysian time on `day`, "HH:MM" or "HH:MM:SS"."""
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=MALAYSIA_TZ)


def cin(day: date, hhmm: str, verdict: Verdict = Verdict.INSIDE) -> Punch:
    return Punch(at(day, hhmm), PunchKind.IN, verdict)


def cout(day: date, hhmm: str, verdict: Verdict = Verdict.INSIDE) -> Punch:
    return Punch(at(day, hhmm), PunchKind.OUT, verdict)


def day_of(in_: str | None, out: str | None, day: date = MON) -> list[Punch]:
    punches = []
    if in_:
        punches.append(cin(day, in_))
    if out:
        punches.append(cout(day, out))
    return punches


@dataclass(frozen=True)
class Case:
    punches: Sequence[Punch]
    status: DayStatus
    issues: Set[IssueKind] = frozenset()
    late: int = 0
    early: int = 0
    day: date = MON
    state: str = "SGR"
    pattern: str = "WP2"
    now: datetime | None = None  # default: two days later, the day closed
    options: dict[str, Any] = field(default_factory=dict)


def evaluate(case: Case) -> DayResult:
    now = case.now or at(case.day + timedelta(days=2), "12:00")
    return evaluate_day(
        case.day,
        case.punches,
        pattern=SEED_PATTERNS[case.pattern],
        calendar=WorkingCalendar(case.state),
        now=now,
        **case.options,
    )


def check(case: Case) -> DayResult:
    result = evaluate(case)
    assert (result.status, result.minutes_late, result.minutes_early) == (
        case.status,
        case.late,
        case.early,
    )
    assert issues_for_day(result) == case.issues
    return result


ONE_HOUR = {"early_leave": timedelta(hours=1)}

TIMING_CASES = [
    # WBB, Monday to Thursday
    pytest.param(Case(day_of("07:30", "16:30"), S.PRESENT, pattern="WP1"), id="wp1-on-time"),
    pytest.param(
        Case(day_of("07:31", "16:30"), S.LATE_IN, {I.LATE_IN}, late=1, pattern="WP1"),
        id="wp1-late-1-min",
    ),
    pytest.param(Case(day_of("07:45", "17:00"), S.PRESENT), id="wp2-early-arrival"),
    pytest.param(Case(day_of("08:00:59", "17:00"), S.PRESENT), id="wp2-08:00:59-not-late"),
    pytest.param(
        Case(day_of("08:01", "17:00"), S.LATE_IN, {I.LATE_IN}, late=1), id="wp2-08:01-late"
    ),
    pytest.param(
        Case(day_of("08:00", "16:59:59"), S.EARLY_OUT, {I.EARLY_OUT}, early=1),
        id="wp2-16:59:59-early",
    ),
    pytest.param(
        Case(day_of("08:15", "16:45"), S.LATE_IN_AND_EARLY_OUT, {I.LATE_IN, I.EARLY_OUT}, 15, 15),
        id="wp2-late-and-early",
    ),
    pytest.param(Case(day_of("08:30", "17:30"), S.PRESENT, pattern="WP3"), id="wp3-on-time"),
    pytest.param(
        Case(day_of("08:30", "17:00"), S.EARLY_OUT, {I.EARLY_OUT}, early=30, pattern="WP3"),
        id="wp3-early-30",
    ),
    # Friday: the same end time despite the long break; Sabah and Labuan too
    pytest.param(Case(day_of("08:00", "17:00", FRI), S.PRESENT, day=FRI), id="wp2-friday"),
    pytest.param(
        Case(day_of("08:00", "16:30", FRI), S.EARLY_OUT, {I.EARLY_OUT}, early=30, day=FRI),
        id="wp2-friday-early",
    ),
    pytest.param(
        Case(day_of("07:30", "16:30", FRI), S.PRESENT, day=FRI, state="SBH", pattern="WP1"),
        id="wp1-friday-sabah",
    ),
    pytest.param(
        Case(day_of("08:30", "17:30", FRI), S.PRESENT, day=FRI, state="LBN", pattern="WP3"),
        id="wp3-friday-labuan",
    ),
    # WBF
    pytest.param(
        Case(day_of("07:00", "16:30"), S.PRESENT, pattern="WBF"), id="wbf-07:00-counts-07:30"
    ),
    pytest.param(
        Case(day_of("07:00", "16:00"), S.EARLY_OUT, {I.EARLY_OUT}, early=30, pattern="WBF"),
        id="wbf-07:00-out-16:00-early",
    ),
    pytest.param(Case(day_of("08:07", "17:07"), S.PRESENT, pattern="WBF"), id="wbf-08:07-17:07"),
    pytest.param(
        Case(day_of("08:07", "17:06"), S.EARLY_OUT, {I.EARLY_OUT}, early=1, pattern="WBF"),
        id="wbf-08:07-out-17:06-early",
    ),
    pytest.param(Case(day_of("09:00", "18:00"), S.PRESENT, pattern="WBF"), id="wbf-09:00-not-late"),
    pytest.param(
        Case(day_of("09:00:59", "18:00"), S.PRESENT, pattern="WBF"), id="wbf-09:00:59-not-late"
    ),
    pytest.param(
        Case(day_of("09:01", "18:00"), S.LATE_IN, {I.LATE_IN}, late=1, pattern="WBF"),
        id="wbf-09:01-late",
    ),
    pytest.param(
        Case(day_of("09:30", "18:00"), S.LATE_IN, {I.LATE_IN}, late=30, pattern="WBF"),
        id="wbf-09:30-late-out-18:00",
    ),
    pytest.param(
        Case(
            day_of("09:30", "17:59"),
            S.LATE_IN_AND_EARLY_OUT,
            {I.LATE_IN, I.EARLY_OUT},
            30,
            1,
            pattern="WBF",
        ),
        id="wbf-late-must-still-stay-until-18:00",
    ),
    pytest.param(
        Case(
            day_of("09:10", "18:00"),
            S.PRESENT,
            pattern="WBF",
            options={"late_grace": timedelta(minutes=10)},
        ),
        id="wbf-agency-grace-10-min",
    ),
    pytest.param(
        Case(
            day_of("09:11", "18:00"),
            S.LATE_IN,
            {I.LATE_IN},
            late=11,
            pattern="WBF",
            options={"late_grace": timedelta(minutes=10)},
        ),
        id="wbf-after-grace-late-counts-from-09:00",
    ),
    # Several punches: first in, last out
    pytest.param(
        Case(
            [cin(MON, "08:00"), cout(MON, "12:00"), cin(MON, "14:00"), cout(MON, "17:05")],
            S.PRESENT,
        ),
        id="first-in-last-out",
    ),
    # Pregnant officer, one hour early leave (PP 11/2017)
    pytest.param(
        Case(day_of("08:00", "16:00"), S.PRESENT, options=ONE_HOUR), id="pregnant-wp2-out-16:00"
    ),
    pytest.param(
        Case(day_of("08:00", "15:59"), S.EARLY_OUT, {I.EARLY_OUT}, early=1, options=ONE_HOUR),
        id="pregnant-wp2-out-15:59-early",
    ),
    pytest.param(
        Case(day_of("08:30", "16:30"), S.PRESENT, pattern="WBF", options=ONE_HOUR),
        id="pregnant-wbf-08:30-out-16:30",
    ),
    pytest.param(
        Case(day_of("08:00", "16:00"), S.EARLY_OUT, {I.EARLY_OUT}, early=60),
        id="not-pregnant-wp2-out-16:00-early-60",
    ),
]


@pytest.mark.parametrize("case", TIMING_CASES)
def test_timing(case: Case) -> None:
    check(case)


REST_AND_ABSENCE_CASES = [
    pytest.param(Case([], S.ABSENT, {I.ABSENT}), id="absent"),
    pytest.param(
        Case(day_of("08:00", "17:00", FRI), S.WEEKEND, day=FRI, state="KDH"),
        id="kedah-friday-weekend-with-punches",
    ),
    pytest.param(Case([], S.WEEKEND, day=FRI, state="KTN"), id="kelantan-friday-weekend"),
    pytest.param(Case([], S.WEEKEND, day=FRI, state="TRG"), id="terengganu-friday-weekend"),
    pytest.param(Case([], S.ABSENT, {I.ABSENT}, day=SUN, state="KDH"), id="kedah-sunday-absent"),
    pytest.param(
        Case(day_of("08:00", "17:00", SUN), S.PRESENT, day=SUN, state="KDH"),
        id="kedah-sunday-present",
    ),
    pytest.param(Case([], S.WEEKEND, day=SUN), id="selangor-sunday-weekend"),
    pytest.param(Case([], S.WEEKEND, day=SAT), id="selangor-saturday-weekend"),
    pytest.param(
        Case([], S.ABSENT, {I.ABSENT}, day=FRI, state="JHR"), id="johor-friday-2025-working"
    ),
    pytest.param(
        Case([], S.WEEKEND, day=date(2024, 7, 12), state="JHR"), id="johor-friday-2024-weekend"
    ),
    pytest.param(Case([], S.PUBLIC_HOLIDAY, day=date(2023, 8, 31)), id="national-day"),
    pytest.param(
        Case(day_of("08:00", "12:00", date(2023, 8, 31)), S.PUBLIC_HOLIDAY, day=date(2023, 8, 31)),
        id="national-day-worked-no-issue",
    ),
    pytest.param(
        Case([], S.PUBLIC_HOLIDAY, day=date(2024, 2, 1), state="KUL"), id="hari-wilayah-kul"
    ),
    pytest.param(
        Case([], S.ABSENT, {I.ABSENT}, day=date(2024, 2, 1)), id="hari-wilayah-not-in-selangor"
    ),
    pytest.param(
        Case([], S.PUBLIC_HOLIDAY, day=date(2025, 6, 15), state="KDH"),
        id="sultan-kedah-birthday-on-kedah-sunday",
    ),
    pytest.param(Case([], S.ON_LEAVE, options={"on_leave": True}), id="on-leave"),
    pytest.param(
        Case(day_of("09:30", "12:00"), S.ON_LEAVE, options={"on_leave": True}),
        id="on-leave-with-punches-no-issue",
    ),
    pytest.param(
        Case([], S.PUBLIC_HOLIDAY, day=date(2023, 8, 31), options={"on_leave": True}),
        id="holiday-wins-over-leave",
    ),
    pytest.param(Case([], S.CLOCK_BROKEN, options={"clock_broken": True}), id="clock-broken"),
    pytest.param(
        Case(day_of("09:45", None), S.CLOCK_BROKEN, options={"clock_broken": True}),
        id="clock-broken-partial-punches-no-issue",
    ),
    pytest.param(
        Case([], S.ON_LEAVE, options={"on_leave": True, "clock_broken": True}),
        id="leave-wins-over-clock-broken",
    ),
]


@pytest.mark.parametrize("case", REST_AND_ABSENCE_CASES)
def test_rest_days_and_absence(case: Case) -> None:
    result = check(case)
    if case.status.is_rest_day:
        assert result.expected_end is None
        assert result.flags == frozenset()


EXTERNAL_CASES = [
    pytest.param(
        Case(
            [cin(MON, "08:00", Verdict.OUTSIDE_PENDING), cout(MON, "17:00")],
            S.EXTERNAL_PENDING,
            {I.EXTERNAL},
        ),
        id="outside-pending",
    ),
    pytest.param(
        Case(
            [cin(MON, "08:00", Verdict.UNCERTAIN_PENDING), cout(MON, "17:00")],
            S.EXTERNAL_PENDING,
            {I.EXTERNAL},
        ),
        id="uncertain-pending",
    ),
    pytest.param(
        Case(
            [cin(MON, "08:00"), cout(MON, "17:00", Verdict.OUTSIDE_PENDING)],
            S.EXTERNAL_PENDING,
            {I.EXTERNAL},
        ),
        id="check-out-outside-pending",
    ),
    pytest.param(
        Case(
            [cin(MON, "08:00", Verdict.OUTSIDE_APPROVED), cout(MON, "17:00")], S.EXTERNAL_APPROVED
        ),
        id="outside-approved-no-issue",
    ),
    pytest.param(
        Case(
            [cin(MON, "08:00", Verdict.UNCERTAIN_APPROVED), cout(MON, "17:00")], S.EXTERNAL_APPROVED
        ),
        id="uncertain-approved",
    ),
    pytest.param(
        Case(
            [cin(MON, "08:00", Verdict.OUTSIDE_REJECTED), cout(MON, "17:00")], S.EXTERNAL_REJECTED
        ),
        id="outside-rejected",
    ),
    pytest.param(
        Case(
            [cin(MON, "08:20", Verdict.OUTSIDE_PENDING), cout(MON, "17:00")],
            S.EXTERNAL_PENDING,
            {I.EXTERNAL, I.LATE_IN},
            late=20,
        ),
        id="outside-pending-and-late",
    ),
    pytest.param(
        Case(
            [cin(MON, "08:20", Verdict.OUTSIDE_APPROVED), cout(MON, "17:00")],
            S.LATE_IN,
            {I.LATE_IN},
            late=20,
        ),
        id="outside-approved-but-late",
    ),
    pytest.param(
        Case(
            [
                cin(MON, "08:00", Verdict.OUTSIDE_REJECTED),
                cin(MON, "08:05", Verdict.OUTSIDE_PENDING),
            ],
            S.INCOMPLETE,
            {I.EXTERNAL, I.NO_CHECK_OUT},
        ),
        id="incomplete-wins-over-external",
    ),
]


@pytest.mark.parametrize("case", EXTERNAL_CASES)
def test_external(case: Case) -> None:
    check(case)


def test_flags_and_expected_times_for_the_today_card() -> None:
    result = evaluate(
        Case(day_of("08:12", None), S.IN_PROGRESS, pattern="WBF", now=at(MON, "10:00"))
    )
    assert result.status is S.IN_PROGRESS
    assert not result.closed
    assert result.flags == frozenset()
    assert issues_for_day(result) == frozenset()
    assert (result.earliest_start, result.expected_start, result.expected_end) == (
        time(7, 30),
        time(9),
        time(17, 12),
    )
    assert result.break_ == Break(time(13), time(14))
    assert result.first_in == at(MON, "08:12")
    assert result.last_out is None


# ---------------------------------------------------------------- open day and next morning


OPEN_DAY_CASES = [
    pytest.param(Case([], S.NOT_CHECKED_IN, now=at(MON, "10:00")), id="not-checked-in-yet"),
    pytest.param(Case([], S.NOT_CHECKED_IN, now=at(MON, "23:58:59")), id="not-checked-in-23:58:59"),
    pytest.param(Case([], S.ABSENT, {I.ABSENT}, now=at(MON, "23:59")), id="absent-at-23:59"),
    pytest.param(
        Case(day_of("08:00", None), S.IN_PROGRESS, now=at(MON, "10:00")), id="in-progress"
    ),
    pytest.param(
        Case(day_of("08:30", None), S.LATE_IN, {I.LATE_IN}, late=30, now=at(MON, "10:00")),
        id="late-known-before-check-out",
    ),
    pytest.param(
        Case(day_of("08:00", "15:00"), S.EARLY_OUT, {I.EARLY_OUT}, early=120, now=at(MON, "15:30")),
        id="early-out-known-at-once",
    ),
    pytest.param(
        Case(day_of("08:00", None), S.INCOMPLETE, {I.NO_CHECK_OUT}, now=at(MON, "23:59")),
        id="no-check-out-at-23:59",
    ),
    pytest.param(
        Case(
            day_of("08:00", None),
            S.IN_PROGRESS,
            now=at(TUE, "01:59"),
            options={"day_closes_after": timedelta(hours=26)},
        ),
        id="cutoff-02:00-next-day-still-open",
    ),
    pytest.param(
        Case(
            day_of("08:00", None),
            S.INCOMPLETE,
            {I.NO_CHECK_OUT},
            now=at(TUE, "02:00"),
            options={"day_closes_after": timedelta(hours=26)},
        ),
        id="cutoff-02:00-next-day-closed",
    ),
    pytest.param(
        Case(
            [cin(MON, "08:00"), cout(TUE, "00:30")],
            S.IN_PROGRESS,
            now=at(TUE, "01:00"),
            options={"day_closes_after": timedelta(hours=26)},
        ),
        id="00:30-next-day-is-not-the-check-out",
    ),
]


@pytest.mark.parametrize("case", OPEN_DAY_CASES)
def test_open_day(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("out_time", ["00:30", "07:00"])
def test_check_out_next_morning_belongs_to_the_next_day(out_time: str) -> None:
    punches = [cin(MON, "08:00"), cout(TUE, out_time)]
    now = at(TUE, "12:00")
    monday = check(Case(punches, S.INCOMPLETE, {I.NO_CHECK_OUT}, now=now))
    assert monday.last_out is None
    tuesday = check(Case(punches, S.INCOMPLETE, {I.NO_CHECK_IN}, day=TUE, now=now))
    assert tuesday.first_in is None
    assert tuesday.last_out == at(TUE, out_time)
    assert tuesday.flags == {DayFlag.NO_CHECK_IN}


def test_friday_night_check_out_on_saturday_morning() -> None:
    punches = [cin(FRI, "08:00"), cout(SAT, "00:30")]
    check(Case(punches, S.INCOMPLETE, {I.NO_CHECK_OUT}, day=FRI))
    saturday = check(Case(punches, S.WEEKEND, day=SAT))
    assert saturday.last_out == at(SAT, "00:30")


def test_a_check_out_before_the_first_check_in_does_not_close_the_day() -> None:
    punches = [cout(MON, "00:30"), cin(MON, "08:00")]
    result = check(Case(punches, S.INCOMPLETE, {I.NO_CHECK_OUT}))
    assert result.first_in == at(MON, "08:00")
    assert result.last_out is None


def test_punch_day_is_the_malaysian_local_date() -> None:
    # 16:30 UTC on Sunday is 00:30 on Monday in Malaysia.
    utc_punch = datetime(2025, 7, 6, 16, 30, tzinfo=UTC)
    assert local_day(utc_punch) == MON
    assert day_closes_at(MON) == at(MON, "23:59")
    assert day_closes_at(MON, timedelta(hours=26)) == at(TUE, "02:00")


def test_naive_times_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Punch(datetime(2025, 7, 7, 8, 0), PunchKind.IN)
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate_day(
            MON,
            [],
            pattern=SEED_PATTERNS["WP2"],
            calendar=WorkingCalendar("SGR"),
            now=datetime(2025, 7, 8),
        )


# ---------------------------------------------------------------- officer-level evaluation

PREGNANT_FROM = date(2025, 7, 9)  # Wednesday
OFFICER = OfficerSchedule(
    assignments=(
        PatternAssignment(date(2025, 1, 1), "WP2"),
        PatternAssignment(date(2025, 8, 1), "WBF"),
    ),
    leave=(LeaveRecord(date(2025, 7, 14), date(2025, 7, 15), "cuti rehat"),),
    early_leave=(EarlyLeaveEntitlement(PREGNANT_FROM, date(2025, 10, 31)),),
)
POLICY = AgencyPolicy()
NOW = datetime(2026, 1, 1, tzinfo=MALAYSIA_TZ)


def officer_day(day: date, punches: Sequence[Punch], **kwargs: Any) -> DayResult:
    return evaluate_officer_day(
        day,
        punches,
        officer=kwargs.pop("officer", OFFICER),
        calendar=WorkingCalendar(kwargs.pop("state", "SGR")),
        policy=kwargs.pop("policy", POLICY),
        now=NOW,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("day", "in_", "out", "status", "early", "pattern", "end"),
    [
        pytest.param(
            TUE, "08:00", "16:00", S.EARLY_OUT, 60, "WP2", time(17), id="before-entitlement"
        ),
        pytest.param(
            PREGNANT_FROM, "08:00", "16:00", S.PRESENT, 0, "WP2", time(16), id="first-day"
        ),
        pytest.param(
            date(2025, 10, 31), "08:00", "16:00", S.PRESENT, 0, "WBF", time(16), id="last-day"
        ),
        pytest.param(
            date(2025, 11, 3), "08:00", "16:00", S.EARLY_OUT, 60, "WBF", time(17), id="after"
        ),
        pytest.param(
            date(2025, 8, 4), "08:45", "16:45", S.PRESENT, 0, "WBF", time(16, 45), id="wbf"
        ),
        pytest.param(date(2025, 7, 14), None, None, S.ON_LEAVE, 0, "WP2", None, id="leave-day-1"),
        pytest.param(date(2025, 7, 15), None, None, S.ON_LEAVE, 0, "WP2", None, id="leave-day-2"),
        pytest.param(date(2025, 7, 16), None, None, S.ABSENT, 0, "WP2", time(16), id="after-leave"),
    ],
)
def test_officer_day(
    day: date,
    in_: str | None,
    out: str | None,
    status: DayStatus,
    early: int,
    pattern: str,
    end: time | None,
) -> None:
    result = officer_day(day, day_of(in_, out, day))
    assert (result.status, result.minutes_early, result.pattern_code, result.expected_end) == (
        status,
        early,
        pattern,
        end,
    )
    assert (DayFlag.EARLY_LEAVE_ENTITLEMENT in result.flags) is (
        status is not S.ON_LEAVE and PREGNANT_FROM <= day <= date(2025, 10, 31)
    )


def test_ramadan_pattern_for_a_wbb_officer() -> None:
    ramadan_day = date(2025, 3, 4)  # Tuesday in Ramadan 1446
    officer = OfficerSchedule(assignments=(PatternAssignment(date(2025, 1, 1), "WP2"),))
    result = officer_day(ramadan_day, day_of("08:00", "16:30", ramadan_day), officer=officer)
    assert (result.status, result.pattern_code, result.expected_end) == (
        S.PRESENT,
        "WP5",
        time(16, 30),
    )
    assert result.break_ == Break(time(13), time(13, 30))
    no_ramadan = AgencyPolicy(ramadan=RamadanRule(periods=()))
    result = officer_day(
        ramadan_day, day_of("08:00", "16:30", ramadan_day), officer=officer, policy=no_ramadan
    )
    assert (result.status, result.pattern_code, result.minutes_early) == (S.EARLY_OUT, "WP2", 30)


def test_clock_broken_dates_of_the_office() -> None:
    broken = frozenset({THU})
    assert officer_day(THU, [], clock_broken_dates=broken).status is S.CLOCK_BROKEN
    assert officer_day(WED, [], clock_broken_dates=broken).status is S.ABSENT


def test_default_pattern_and_no_pattern() -> None:
    nobody = OfficerSchedule()
    assert officer_day(MON, [], officer=nobody).pattern_code == "WBF"
    with pytest.raises(NoPatternError):
        officer_day(MON, [], officer=nobody, policy=AgencyPolicy(default_pattern_code=None))


def test_month_grid_groups_punches_by_local_day() -> None:
    punches = [
        *day_of("07:55", "17:01", MON),
        *day_of("08:05", "17:00", TUE),
        cin(WED, "08:00"),
        cout(THU, "00:30"),
    ]
    results = evaluate_officer_days(
        [MON, TUE, WED, THU, FRI, SAT, SUN],
        punches,
        officer=OfficerSchedule(assignments=(PatternAssignment(date(2025, 1, 1), "WP2"),)),
        calendar=WorkingCalendar("SGR"),
        policy=POLICY,
        now=at(FRI, "10:00"),
    )
    assert [r.status for r in results] == [
        S.PRESENT,
        S.LATE_IN,
        S.INCOMPLETE,
        S.INCOMPLETE,
        S.NOT_CHECKED_IN,
        S.WEEKEND,
        S.WEEKEND,
    ]
    assert [issues_for_day(r) for r in results] == [
        frozenset(),
        {I.LATE_IN},
        {I.NO_CHECK_OUT},
        {I.NO_CHECK_IN},
        frozenset(),
        frozenset(),
        frozenset(),
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"day_closes_after": timedelta(0)}, id="zero-cutoff"),
        pytest.param({"day_closes_after": timedelta(hours=37)}, id="cutoff-too-late"),
        pytest.param({"late_grace": timedelta(minutes=-1)}, id="negative-grace"),
    ],
)
def test_policy_validation(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        AgencyPolicy(**kwargs)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: LeaveRecord(TUE, MON), id="leave-backwards"),
        pytest.param(lambda: EarlyLeaveEntitlement(TUE, MON), id="entitlement-backwards"),
        pytest.param(lambda: EarlyLeaveEntitlement(MON, minutes=0), id="entitlement-zero"),
    ],
)
def test_record_validation(make: Any) -> None:
    with pytest.raises(ValueError):
        make()


# ---------------------------------------------------------------- escalation

SGR = WorkingCalendar("SGR")
KDH = WorkingCalendar("KDH")


@pytest.mark.parametrize(
    ("calendar", "opened", "today", "elapsed", "level"),
    [
        pytest.param(SGR, MON, MON, 0, Escalation.NONE, id="same-day"),
        pytest.param(SGR, TUE, MON, 0, Escalation.NONE, id="today-before-opening"),
        pytest.param(SGR, MON, WED, 2, Escalation.NONE, id="two-days"),
        pytest.param(SGR, MON, THU, 3, Escalation.YELLOW, id="three-days-yellow"),
        pytest.param(SGR, date(2025, 7, 4), MON, 1, Escalation.NONE, id="over-weekend"),
        pytest.param(SGR, date(2025, 7, 4), WED, 3, Escalation.YELLOW, id="fri-to-wed-yellow"),
        pytest.param(SGR, date(2025, 7, 4), FRI, 5, Escalation.RED, id="fri-to-fri-red"),
        pytest.param(SGR, date(2025, 7, 4), SUN, 5, Escalation.RED, id="red-stays-red"),
        # 1 Sep 2025 (National Day in lieu) and 5 Sep (Prophet's birthday) do not count.
        pytest.param(
            SGR, date(2025, 8, 29), date(2025, 9, 3), 2, Escalation.NONE, id="holiday-mon"
        ),
        pytest.param(
            SGR, date(2025, 8, 29), date(2025, 9, 4), 3, Escalation.YELLOW, id="yellow-thu"
        ),
        pytest.param(
            SGR, date(2025, 8, 29), date(2025, 9, 7), 3, Escalation.YELLOW, id="holiday-fri"
        ),
        pytest.param(SGR, date(2025, 8, 29), date(2025, 9, 8), 4, Escalation.YELLOW, id="four"),
        pytest.param(SGR, date(2025, 8, 29), date(2025, 9, 9), 5, Escalation.RED, id="red-tue"),
        # Kedah: Friday and Saturday are the weekend, Sunday counts.
        pytest.param(KDH, THU, SUN, 1, Escalation.NONE, id="kedah-thu-to-sun"),
        pytest.param(KDH, THU, date(2025, 7, 16), 4, Escalation.YELLOW, id="kedah-thu-to-wed"),
    ],
)
def test_escalation(
    calendar: WorkingCalendar, opened: date, today: date, elapsed: int, level: Escalation
) -> None:
    assert working_days_elapsed(opened, today, calendar) == elapsed
    assert escalation_level(opened, today, calendar) is level


def test_escalation_thresholds_are_configurable() -> None:
    quick = EscalationThresholds(yellow_after=1, red_after=2)
    assert escalation_level(MON, TUE, SGR, quick) is Escalation.YELLOW
    assert escalation_level(MON, WED, SGR, quick) is Escalation.RED
    assert escalation_level(date(2020, 1, 1), MON, SGR) is Escalation.RED  # years old, stops early
    with pytest.raises(ValueError):
        EscalationThresholds(yellow_after=5, red_after=3)
    with pytest.raises(ValueError):
        EscalationThresholds(yellow_after=0)


# ---------------------------------------------------------------- first-check-in buckets

B = CheckInBucket


@pytest.mark.parametrize(
    ("hhmmss", "bucket"),
    [
        pytest.param("00:00:00", B.UP_TO_0729, id="00:00:00"),
        pytest.param("07:29:00", B.UP_TO_0729, id="07:29:00"),
        pytest.param("07:29:59", B.UP_TO_0729, id="07:29:59"),
        pytest.param("07:30:00", B.FROM_0730_TO_0759, id="07:30:00"),
        pytest.param("07:59:59", B.FROM_0730_TO_0759, id="07:59:59"),
        pytest.param("08:00:00", B.FROM_0800_TO_0829, id="08:00:00"),
        pytest.param("08:29:59", B.FROM_0800_TO_0829, id="08:29:59"),
        pytest.param("08:30:00", B.FROM_0830_TO_0900, id="08:30:00"),
        pytest.param("09:00:00", B.FROM_0830_TO_0900, id="09:00:00"),
        pytest.param("09:00:59", B.FROM_0830_TO_0900, id="09:00:59"),
        pytest.param("09:01:00", B.FROM_0901, id="09:01:00"),
        pytest.param("23:59:59", B.FROM_0901, id="23:59:59"),
    ],
)
def test_first_check_in_bucket(hhmmss: str, bucket: CheckInBucket) -> None:
    assert first_check_in_bucket(time.fromisoformat(hhmmss)) is bucket
    assert first_check_in_bucket(at(MON, hhmmss)) is bucket


def test_bucket_of_a_utc_instant_uses_malaysian_time() -> None:
    assert first_check_in_bucket(datetime(2025, 7, 7, 1, 1, tzinfo=UTC)) is B.FROM_0901
    assert first_check_in_bucket(datetime(2025, 7, 7, 1, 0, 59, tzinfo=UTC)) is B.FROM_0830_TO_0900
    assert [b.value for b in B] == ["≤07:29", "07:30–07:59", "08:00–08:29", "08:30–09:00", "≥09:01"]
    with pytest.raises(ValueError, match="timezone-aware"):
        first_check_in_bucket(datetime(2025, 7, 7, 9, 1))
