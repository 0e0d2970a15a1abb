"""Property-based tests (hypothesis) for the daily rules, escalation and buckets."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from api.attendance.calendar import WorkingCalendar
from api.attendance.patterns import SEED_PATTERNS, WorkingPattern, minute_of_day, time_of_minute
from api.attendance.rules import (
    MALAYSIA_TZ,
    CheckInBucket,
    DayStatus,
    Escalation,
    Punch,
    PunchKind,
    Verdict,
    escalation_level,
    evaluate_day,
    first_check_in_bucket,
    issues_for_day,
)

SETTINGS = settings(max_examples=150, deadline=None)
SGR = WorkingCalendar("SGR")
KDH = WorkingCalendar("KDH")
# Ordinary working days (no holiday): Mon–Fri in Selangor, Sun–Thu in Kedah.
WORKING_DAYS = [(SGR, date(2025, 7, 7) + timedelta(days=i)) for i in range(5)] + [
    (KDH, date(2025, 7, 13) + timedelta(days=i)) for i in range(5)
]
REST_DAYS = [
    (SGR, date(2025, 7, 12)),  # Saturday
    (SGR, date(2025, 7, 13)),  # Sunday
    (KDH, date(2025, 7, 11)),  # Friday in Kedah
    (SGR, date(2023, 8, 31)),  # Hari Kebangsaan
    (KDH, date(2025, 6, 15)),  # Sultan of Kedah's birthday, a Sunday
]

patterns = st.sampled_from(sorted(SEED_PATTERNS.values(), key=lambda p: p.code))
seconds = st.integers(0, 59)


def local(day: date, minute: int, second: int = 0) -> datetime:
    return datetime.combine(day, time_of_minute(minute), tzinfo=MALAYSIA_TZ).replace(second=second)


@SETTINGS
@given(
    pattern=patterns,
    where=st.sampled_from(WORKING_DAYS),
    in_minute=st.integers(0, 9 * 60),
    out_extra=st.integers(0, 24 * 60),
    in_second=seconds,
    out_second=seconds,
    early_leave=st.sampled_from([0, 60]),
)
def test_on_time_and_staying_until_the_end_is_present(
    pattern: WorkingPattern,
    where: tuple[WorkingCalendar, date],
    in_minute: int,
    out_extra: int,
    in_second: int,
    out_second: int,
    early_leave: int,
) -> None:
    p = pattern
    calendar, day = where
    in_minute = min(in_minute, minute_of_day(p.latest_start))
    first_in = local(day, in_minute, in_second)
    end = p.expected_end(day, calendar.state, first_in.time(), timedelta(minutes=early_leave))
    out_minute = min(minute_of_day(end) + out_extra, 24 * 60 - 2)
    punches = [
        Punch(first_in, PunchKind.IN),
        Punch(local(day, out_minute, out_second), PunchKind.OUT),
    ]
    result = evaluate_day(
        day,
        punches,
        pattern=p,
        calendar=calendar,
        now=local(day, 24 * 60 - 1),
        early_leave=timedelta(minutes=early_leave),
    )
    assert result.status is DayStatus.PRESENT
    assert issues_for_day(result) == frozenset()
    assert result.minutes_late == result.minutes_early == 0


punch_strategy = st.builds(
    Punch,
    at=st.integers(0, 3 * 24 * 60 * 60 - 1).map(
        lambda s: datetime(2025, 7, 6, tzinfo=MALAYSIA_TZ) + timedelta(seconds=s)
    ),
    kind=st.sampled_from(PunchKind),
    verdict=st.sampled_from(Verdict),
)


@SETTINGS
@given(
    pattern=patterns,
    punches=st.lists(punch_strategy, max_size=6),
    extra=st.lists(punch_strategy, max_size=4),
    now_minutes=st.integers(0, 4 * 24 * 60),
)
def test_only_the_days_own_punches_count(
    pattern: WorkingPattern, punches: list[Punch], extra: list[Punch], now_minutes: int
) -> None:
    """Punches on other calendar days (the night before, the next morning) change nothing."""
    p = pattern
    day = date(2025, 7, 7)
    now = datetime(2025, 7, 6, tzinfo=MALAYSIA_TZ) + timedelta(minutes=now_minutes)
    others = [x for x in extra if x.at.astimezone(MALAYSIA_TZ).date() != day]
    own = [x for x in punches if x.at.astimezone(MALAYSIA_TZ).date() == day]
    a = evaluate_day(day, own, pattern=p, calendar=SGR, now=now)
    b = evaluate_day(day, [*punches, *others], pattern=p, calendar=SGR, now=now)
    assert a == b


@SETTINGS
@given(
    pattern=patterns,
    where=st.sampled_from(REST_DAYS),
    punches=st.lists(punch_strategy, max_size=6),
)
def test_rest_days_open_no_issues(
    pattern: WorkingPattern, where: tuple[WorkingCalendar, date], punches: list[Punch]
) -> None:
    calendar, day = where
    p = pattern
    moved = [
        Punch(datetime.combine(day, x.at.astimezone(MALAYSIA_TZ).time(), MALAYSIA_TZ), x.kind)
        for x in punches
    ]
    result = evaluate_day(
        day, moved, pattern=p, calendar=calendar, now=datetime(2026, 1, 1, tzinfo=MALAYSIA_TZ)
    )
    assert result.status in {DayStatus.WEEKEND, DayStatus.PUBLIC_HOLIDAY}
    assert issues_for_day(result) == frozenset()


@SETTINGS
@given(minute=st.integers(0, 24 * 60 - 1), second=seconds)
def test_wbf_late_exactly_when_bucket_is_after_09_01(minute: int, second: int) -> None:
    day = date(2025, 7, 7)
    first_in = local(day, minute, second)
    result = evaluate_day(
        day,
        [Punch(first_in, PunchKind.IN)],
        pattern=SEED_PATTERNS["WBF"],
        calendar=SGR,
        now=local(day, 0),
    )
    late = result.minutes_late > 0
    assert late is (first_check_in_bucket(first_in) is CheckInBucket.FROM_0901)
    assert time(16, 30) <= (result.expected_end or time(0)) <= time(18)


@SETTINGS
@given(a=st.integers(0, 24 * 60 * 60 - 1), b=st.integers(0, 24 * 60 * 60 - 1))
def test_buckets_are_monotonic(a: int, b: int) -> None:
    order = list(CheckInBucket)
    early, late = sorted((a, b))

    def bucket(s: int) -> int:
        return order.index(first_check_in_bucket(time(s // 3600, s // 60 % 60, s % 60)))

    assert bucket(early) <= bucket(late)


@SETTINGS
@given(opened=st.integers(0, 120), days=st.integers(0, 60), more=st.integers(0, 30))
def test_escalation_never_goes_back(opened: int, days: int, more: int) -> None:
    order = [Escalation.NONE, Escalation.YELLOW, Escalation.RED]
    start = date(2025, 1, 1) + timedelta(days=opened)
    first = escalation_level(start, start + timedelta(days=days), SGR)
    later = escalation_level(start, start + timedelta(days=days + more), SGR)
    assert order.index(first) <= order.index(later)
    if days < 3:  # fewer than three calendar days can never hold three working days
        assert first is Escalation.NONE


@given(
    today=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    back=st.integers(min_value=0, max_value=40),
    red_after=st.integers(min_value=1, max_value=10),
    state=st.sampled_from(["SGR", "KDH"]),
)
def test_last_red_day_splits_red_from_not_red(
    today: date, back: int, red_after: int, state: str
) -> None:
    """A count of red items compares dates with `last_red_day`: the same as each item's level."""
    from api.attendance.rules import (
        Escalation,
        EscalationThresholds,
        escalation_level,
        last_red_day,
    )

    calendar = SGR if state == "SGR" else KDH
    thresholds = EscalationThresholds(yellow_after=min(1, red_after), red_after=red_after)
    opened = today - timedelta(days=back)
    red = escalation_level(opened, today, calendar, thresholds) == Escalation.RED
    assert red == (opened <= last_red_day(today, calendar, thresholds))
