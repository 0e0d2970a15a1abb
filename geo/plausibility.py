"""Plausibility signals for a check-in fix: flag, never reject.

Each helper returns a finding (a small frozen dataclass with a machine ``code``, an English
``message`` and the numbers behind it) or ``None``. Attendance records the findings on the check-in
and shows them to the supervisor, who decides; nothing here refuses a check-in. Messages are for
logs and supervisors; the PWA translates by ``code``.

All times are timezone-aware ``datetime`` objects (naive ones raise ``ValueError``: mixing local
and UTC times would silently produce hour-sized errors).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from geo.projection import ground_distance_m

__all__ = [
    "ClockSkew",
    "Finding",
    "ImpossibleSpeed",
    "MockAccuracy",
    "PlausibilityLimits",
    "RepeatedFix",
    "StaleFix",
    "TimedFix",
    "assess",
    "clock_skew",
    "impossible_speed",
    "mock_accuracy",
    "repeated_fix",
    "stale_fix",
]


@dataclass(frozen=True, slots=True)
class TimedFix:
    """A position with its accuracy radius and the time it was taken (aware datetime)."""

    lat: float
    lon: float
    accuracy_m: float
    at: datetime


@dataclass(frozen=True, slots=True)
class PlausibilityLimits:
    """Thresholds, configurable per agency.

    ``max_speed_kmh`` 200: faster than any road journey, slower than a flight (a flight between
    Peninsular Malaysia and Borneo does get flagged, and the supervisor sees why).
    """

    max_speed_kmh: float = 200.0
    identical_within_m: float = 1.0
    max_fix_age_s: float = 120.0
    max_clock_skew_s: float = 300.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ImpossibleSpeed:
    """Travel between two fixes faster than the limit, after giving both accuracy circles."""

    code: Literal["impossible_speed"] = field(default="impossible_speed", init=False)
    message: str
    speed_kmh: float  # inf when no time elapsed
    distance_m: float  # at least this far, after subtracting both accuracy radii
    seconds: float
    limit_kmh: float


@dataclass(frozen=True, slots=True, kw_only=True)
class RepeatedFix:
    """A position identical (to the metre) to an earlier one — typical of replayed or mocked
    locations, though Wi-Fi positioning can legitimately repeat itself."""

    code: Literal["repeated_fix"] = field(default="repeated_fix", init=False)
    message: str
    distance_m: float
    previous_at: datetime
    same_accuracy: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class StaleFix:
    """A position taken too long before it was submitted."""

    code: Literal["stale_fix"] = field(default="stale_fix", init=False)
    message: str
    age_s: float
    limit_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ClockSkew:
    """The phone's clock disagrees with the server's (positive: the phone is ahead)."""

    code: Literal["clock_skew"] = field(default="clock_skew", init=False)
    message: str
    skew_s: float
    limit_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class MockAccuracy:
    """An accuracy radius that fake-GPS apps send and real receivers do not: zero, under a
    centimetre, or exactly 1.0 m."""

    code: Literal["mock_accuracy"] = field(default="mock_accuracy", init=False)
    message: str
    accuracy_m: float


Finding = ImpossibleSpeed | RepeatedFix | StaleFix | ClockSkew | MockAccuracy

# A phone's 95 % radius is metres, never below a centimetre; mock-location apps commonly leave
# it at 0, 0.001 or a round 1.0 m. Flagged, never refused: the supervisor decides.
MOCK_ACCURACY_BELOW_M = 0.01
MOCK_ACCURACY_EXACT_M = (1.0,)


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {moment!r}")
    return moment


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return str(seconds)
    s = abs(seconds)
    if s < 120:
        text = f"{s:.0f} s"
    elif s < 7200:
        text = f"{s / 60:.0f} min"
    else:
        text = f"{s / 3600:.1f} h"
    return text


def _distance(metres: float) -> str:
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"


def impossible_speed(
    previous: TimedFix, current: TimedFix, *, max_kmh: float = 200.0
) -> ImpossibleSpeed | None:
    """Flag travel faster than ``max_kmh`` between two fixes.

    The distance counted is the least the person must have moved: the ground distance minus both
    accuracy radii, so GPS jitter on a short interval does not look like a dash. Fixes given out
    of order are measured by the absolute time between them.
    """
    seconds = abs(
        (_aware(current.at, "current.at") - _aware(previous.at, "previous.at")).total_seconds()
    )
    distance = ground_distance_m(previous.lat, previous.lon, current.lat, current.lon)
    moved = max(0.0, distance - previous.accuracy_m - current.accuracy_m)
    if moved == 0.0:
        return None
    speed = math.inf if seconds == 0.0 else moved / seconds * 3.6
    if speed <= max_kmh:
        return None
    shown = "instantly" if seconds == 0.0 else f"in {_duration(seconds)} ({speed:.0f} km/h)"
    return ImpossibleSpeed(
        message=(
            f"moved at least {_distance(moved)} since the previous fix {shown}; "
            f"the limit is {max_kmh:g} km/h"
        ),
        speed_kmh=speed,
        distance_m=moved,
        seconds=seconds,
        limit_kmh=max_kmh,
    )


def repeated_fix(
    current: TimedFix, earlier: Iterable[TimedFix], *, within_m: float = 1.0
) -> RepeatedFix | None:
    """Flag a position within ``within_m`` metres of an earlier fix (the most recent such one).

    Real GPS fixes wander by metres between check-ins; exactly the same coordinates again suggest
    a replayed or mocked location.
    """
    match: RepeatedFix | None = None
    for before in earlier:
        distance = ground_distance_m(before.lat, before.lon, current.lat, current.lon)
        if distance > within_m:
            continue
        if match is not None and before.at <= match.previous_at:
            continue
        same = before.accuracy_m == current.accuracy_m
        match = RepeatedFix(
            message=(
                f"position repeats the fix of {before.at.isoformat(timespec='seconds')} "
                f"to within {distance:.2f} m" + (" with the same accuracy" if same else "")
            ),
            distance_m=distance,
            previous_at=before.at,
            same_accuracy=same,
        )
    return match


def stale_fix(
    fix_time: datetime,
    server_time: datetime,
    *,
    max_age_s: float = 120.0,
    client_time: datetime | None = None,
) -> StaleFix | None:
    """Flag a fix taken more than ``max_age_s`` before it was sent.

    ``fix_time`` is the position's timestamp, which the phone stamps with its own clock. When the
    phone also reports when it sent the check-in (``client_time``), the age is measured on the
    phone's clock alone and clock skew cancels out; otherwise against ``server_time``.
    """
    fix_time = _aware(fix_time, "fix_time")
    reference = _aware(client_time if client_time is not None else server_time, "server_time")
    age = (reference - fix_time).total_seconds()
    if age <= max_age_s:
        return None
    return StaleFix(
        message=(
            f"position was taken {_duration(age)} before it was sent (limit {_duration(max_age_s)})"
        ),
        age_s=age,
        limit_s=max_age_s,
    )


def clock_skew(
    client_time: datetime, server_time: datetime, *, max_skew_s: float = 300.0
) -> ClockSkew | None:
    """Flag a phone clock more than ``max_skew_s`` away from the server clock."""
    skew = (_aware(client_time, "client_time") - _aware(server_time, "server_time")).total_seconds()
    if abs(skew) <= max_skew_s:
        return None
    direction = "ahead of" if skew > 0 else "behind"
    return ClockSkew(
        message=(
            f"phone clock is {_duration(skew)} {direction} the server "
            f"(limit {_duration(max_skew_s)})"
        ),
        skew_s=skew,
        limit_s=max_skew_s,
    )


def mock_accuracy(accuracy_m: float) -> MockAccuracy | None:
    """Flag an accuracy radius typical of mock-location apps (see `MOCK_ACCURACY_BELOW_M`)."""
    if not math.isfinite(accuracy_m):
        return None
    if accuracy_m >= MOCK_ACCURACY_BELOW_M and accuracy_m not in MOCK_ACCURACY_EXACT_M:
        return None
    return MockAccuracy(
        message=(
            f"accuracy of {accuracy_m:g} m is what mock-location apps send; "
            "real receivers report metres"
        ),
        accuracy_m=accuracy_m,
    )


def assess(
    current: TimedFix,
    *,
    server_time: datetime,
    client_time: datetime | None = None,
    previous: TimedFix | None = None,
    earlier: Iterable[TimedFix] = (),
    limits: PlausibilityLimits | None = None,
) -> list[Finding]:
    """All findings for one check-in, in a stable order (speed, repeat, stale, skew, mock
    accuracy).

    ``current.at`` is the position's own timestamp; ``previous`` is the officer's last accepted
    fix; ``earlier`` the fixes to compare for exact repeats (for example the last 30 days').
    """
    limits = limits or PlausibilityLimits()
    found: list[Finding | None] = [
        impossible_speed(previous, current, max_kmh=limits.max_speed_kmh) if previous else None,
        repeated_fix(current, earlier, within_m=limits.identical_within_m),
        stale_fix(current.at, server_time, max_age_s=limits.max_fix_age_s, client_time=client_time),
        clock_skew(client_time, server_time, max_skew_s=limits.max_clock_skew_s)
        if client_time is not None
        else None,
        mock_accuracy(current.accuracy_m),
    ]
    return [f for f in found if f is not None]
