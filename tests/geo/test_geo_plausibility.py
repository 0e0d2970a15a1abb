"""Plausibility findings: flag, never reject."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime, timedelta, timezone

import pytest
from geo_helpers import PUTRAJAYA, offset

import geo

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
KL = (3.1390, 101.6869)  # Dataran Merdeka, about 23.6 km north of Perdana Putra
MYT = timezone(timedelta(hours=8))


def fix(lat: float, lon: float, at: datetime, accuracy_m: float = 10.0) -> geo.TimedFix:
    return geo.TimedFix(lat, lon, accuracy_m, at)


class TestImpossibleSpeed:
    def test_a_drive_from_putrajaya_to_kuala_lumpur_is_plausible(self) -> None:
        before = fix(*PUTRAJAYA, T0)
        assert geo.impossible_speed(before, fix(*KL, T0 + timedelta(minutes=20))) is None

    def test_the_same_trip_in_five_minutes_is_not(self) -> None:
        before = fix(*PUTRAJAYA, T0)
        finding = geo.impossible_speed(before, fix(*KL, T0 + timedelta(minutes=5)))
        assert finding is not None
        assert finding.code == "impossible_speed"
        distance = geo.ground_distance_m(*PUTRAJAYA, *KL) - 20.0  # minus both accuracy radii
        assert finding.distance_m == pytest.approx(distance)
        assert finding.seconds == 300.0
        assert finding.speed_kmh == pytest.approx(distance / 300 * 3.6)
        assert finding.limit_kmh == 200.0
        assert "km/h" in finding.message
        assert "5 min" in finding.message

    def test_jitter_within_the_accuracy_circles_is_not_travel(self) -> None:
        before = fix(*PUTRAJAYA, T0, accuracy_m=25)
        after = fix(*offset(*PUTRAJAYA, 40, 0), T0 + timedelta(seconds=1), accuracy_m=25)
        assert geo.impossible_speed(before, after) is None  # 40 m apart, 50 m of uncertainty

    def test_the_limit_is_configurable(self) -> None:
        before = fix(*PUTRAJAYA, T0)
        after = fix(*KL, T0 + timedelta(minutes=20))  # about 70 km/h
        finding = geo.impossible_speed(before, after, max_kmh=60)
        assert finding is not None
        assert 60 < finding.speed_kmh < 80

    def test_no_time_elapsed(self) -> None:
        finding = geo.impossible_speed(fix(*PUTRAJAYA, T0), fix(*KL, T0))
        assert finding is not None
        assert finding.speed_kmh == math.inf
        assert "instantly" in finding.message
        assert geo.impossible_speed(fix(*PUTRAJAYA, T0), fix(*PUTRAJAYA, T0)) is None

    def test_fixes_out_of_order_use_the_time_between_them(self) -> None:
        finding = geo.impossible_speed(fix(*KL, T0 + timedelta(minutes=5)), fix(*PUTRAJAYA, T0))
        assert finding is not None
        assert finding.seconds == 300.0

    def test_time_zones_do_not_matter_but_naive_times_are_refused(self) -> None:
        local = fix(*KL, (T0 + timedelta(minutes=20)).astimezone(MYT))
        assert geo.impossible_speed(fix(*PUTRAJAYA, T0), local) is None
        with pytest.raises(ValueError, match="timezone-aware"):
            geo.impossible_speed(fix(*PUTRAJAYA, T0), fix(*KL, datetime(2026, 3, 2, 8, 20)))


class TestRepeatedFix:
    def test_identical_coordinates_are_flagged(self) -> None:
        earlier = [
            fix(2.93, 101.69, T0 - timedelta(days=3)),
            fix(*PUTRAJAYA, T0 - timedelta(days=2), accuracy_m=12.0),
            fix(*PUTRAJAYA, T0 - timedelta(days=1), accuracy_m=12.0),
            fix(3.0, 101.0, T0 - timedelta(hours=1)),
        ]
        finding = geo.repeated_fix(fix(*PUTRAJAYA, T0, accuracy_m=12.0), earlier)
        assert finding is not None
        assert finding.code == "repeated_fix"
        assert finding.distance_m == 0.0
        assert finding.previous_at == T0 - timedelta(days=1)  # the most recent repeat
        assert finding.same_accuracy is True
        assert "same accuracy" in finding.message

    def test_within_a_metre_counts_as_identical(self) -> None:
        earlier = [fix(*offset(*PUTRAJAYA, 0.6, 0.3), T0 - timedelta(days=1), accuracy_m=8.0)]
        finding = geo.repeated_fix(fix(*PUTRAJAYA, T0), earlier)
        assert finding is not None
        assert finding.distance_m == pytest.approx(math.hypot(0.6, 0.3), abs=1e-3)
        assert finding.same_accuracy is False

    def test_ordinary_gps_wander_is_not_flagged(self) -> None:
        earlier = [fix(*offset(*PUTRAJAYA, 3, -4), T0 - timedelta(days=1))]
        assert geo.repeated_fix(fix(*PUTRAJAYA, T0), earlier) is None
        assert geo.repeated_fix(fix(*PUTRAJAYA, T0), earlier, within_m=10) is not None
        assert geo.repeated_fix(fix(*PUTRAJAYA, T0), []) is None


class TestTimes:
    def test_stale_fix(self) -> None:
        finding = geo.stale_fix(T0, T0 + timedelta(minutes=5))
        assert finding is not None
        assert (finding.code, finding.age_s, finding.limit_s) == ("stale_fix", 300.0, 120.0)
        assert "5 min" in finding.message
        assert geo.stale_fix(T0, T0 + timedelta(seconds=90)) is None
        assert geo.stale_fix(T0, T0 + timedelta(seconds=90), max_age_s=60) is not None

    def test_stale_fix_measured_on_the_phone_clock_when_it_is_known(self) -> None:
        # The phone's clock runs 10 minutes behind: fix and send time are both on its clock.
        fix_time = T0 - timedelta(minutes=10)
        sent = T0 - timedelta(minutes=10) + timedelta(seconds=20)
        assert geo.stale_fix(fix_time, T0, client_time=sent) is None
        assert geo.stale_fix(fix_time, T0) is not None  # against the server clock it looks old

    def test_clock_skew(self) -> None:
        ahead = geo.clock_skew(T0 + timedelta(minutes=10), T0)
        assert ahead is not None
        assert (ahead.code, ahead.skew_s) == ("clock_skew", 600.0)
        assert "ahead of" in ahead.message
        behind = geo.clock_skew(T0 - timedelta(hours=3), T0)
        assert behind is not None
        assert behind.skew_s == -10800.0
        assert "3.0 h behind" in behind.message
        assert geo.clock_skew(T0 + timedelta(seconds=30), T0) is None
        with pytest.raises(ValueError, match="client_time"):
            geo.clock_skew(datetime(2026, 3, 2, 8, 0), T0)


def test_assess_collects_every_finding_in_order() -> None:
    now = T0 + timedelta(minutes=10)
    current = fix(*KL, T0)
    findings = geo.assess(
        current,
        server_time=now,
        client_time=now + timedelta(minutes=7),
        previous=fix(*PUTRAJAYA, T0 - timedelta(minutes=2)),
        earlier=[fix(*KL, T0 - timedelta(days=1))],
    )
    assert [f.code for f in findings] == [
        "impossible_speed",
        "repeated_fix",
        "stale_fix",
        "clock_skew",
    ]
    assert geo.assess(fix(*KL, now), server_time=now) == []
    relaxed = geo.PlausibilityLimits(max_fix_age_s=3600, max_clock_skew_s=3600, max_speed_kmh=1000)
    assert [
        f.code
        for f in geo.assess(
            current,
            server_time=now,
            client_time=now + timedelta(minutes=7),
            previous=fix(*PUTRAJAYA, T0 - timedelta(minutes=2)),
            limits=relaxed,
        )
    ] == []


def test_findings_are_frozen_and_serialisable() -> None:
    finding = geo.clock_skew(T0 + timedelta(minutes=10), T0)
    assert finding is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.skew_s = 0.0  # type: ignore[misc]
    assert dataclasses.asdict(finding) == {
        "code": "clock_skew",
        "message": finding.message,
        "skew_s": 600.0,
        "limit_s": 300.0,
    }
