"""The check-in reads only the fixes plausibility can use, and finds exactly what reading the
whole 30-day history found (the reference below is the earlier implementation)."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import geo
from api.attendance import schemas, services
from api.attendance.tables import CheckIn
from tests.fixtures import Org

CENTRE = (2.9266, 101.69675)
METRE_LAT = 1 / 110_574


async def _reference(
    user_id: int, fix: schemas.Fix, fix_at: datetime, now: datetime
) -> list[dict[str, Any]]:
    recent = (
        await CheckIn.select(CheckIn.lat, CheckIn.lon, CheckIn.accuracy_m, CheckIn.occurred_at)
        .where(
            (CheckIn.user == user_id)
            & (CheckIn.occurred_at >= now - services.REPEAT_WINDOW)
            & CheckIn.lat.is_not_null()
        )
        .order_by(CheckIn.occurred_at, ascending=False)
        .limit(200)
    )
    earlier = [
        geo.TimedFix(r["lat"], r["lon"], r["accuracy_m"] or 0.0, r["occurred_at"]) for r in recent
    ]
    found = geo.assess(
        geo.TimedFix(fix.lat, fix.lon, fix.accuracy, fix_at),
        server_time=now,
        previous=earlier[0] if earlier else None,
        earlier=earlier,
    )
    return [{"code": f.code, "message": f.message} for f in found]


def _offset(metres_north: float, metres_east: float) -> tuple[float, float]:
    lat = CENTRE[0] + metres_north * METRE_LAT
    return lat, CENTRE[1] + metres_east * METRE_LAT / math.cos(math.radians(lat))


async def _history(
    user_id: int, now: datetime, points: list[tuple[float, float, float, int]]
) -> None:
    """points: (metres north, metres east, accuracy, minutes ago); accuracy < 0: no position."""
    rows = []
    for n, (north, east, accuracy, minutes) in enumerate(points):
        lat, lon = _offset(north, east)
        rows.append(
            CheckIn(
                user=user_id,
                client_id=f"h-{n}",
                kind="in",
                occurred_at=now - timedelta(minutes=minutes),
                lat=None if accuracy < 0 else lat,
                lon=None if accuracy < 0 else lon,
                accuracy_m=abs(accuracy),
                status="inside",
                approval="not_needed",
            )
        )
    await CheckIn.insert(*rows)


async def _compare(
    user_id: int, now: datetime, north: float, east: float, accuracy: float
) -> list[str]:
    lat, lon = _offset(north, east)
    fix = schemas.Fix(lat=lat, lon=lon, accuracy=accuracy)
    fix_at = now - timedelta(seconds=5)
    ours = await services._plausibility(user_id, fix, fix_at, now, None)
    assert ours == await _reference(user_id, fix, fix_at, now)
    return [f["code"] for f in ours]


async def test_same_findings_as_reading_the_whole_history(org: Org) -> None:
    user_id, now = org.users["officer_a"], datetime.now(UTC)
    rng = random.Random(6)
    points = [
        (
            rng.uniform(-3, 3),
            rng.uniform(-3, 3),
            rng.choice([5.0, 8.0, 12.0]),
            rng.randint(1, 60 * 24 * 40),
        )
        for _ in range(150)
    ]
    points += [(0.0, 0.0, -1.0, 3), (50_000.0, 0.0, 10.0, 2)]  # no position; far away, recent
    await _history(user_id, now, points)
    codes: set[str] = set()
    for _ in range(40):
        codes.update(await _compare(user_id, now, rng.uniform(-3, 3), rng.uniform(-3, 3), 8.0))
    assert "repeated_fix" in codes and "impossible_speed" in codes


async def test_many_near_fixes_none_within_a_metre(org: Org) -> None:
    """More fixes in the box than the first read takes, none close enough, one old match:
    the full read finds it."""
    user_id, now = org.users["officer_a"], datetime.now(UTC)
    corners = [(1.0, 1.0, 10.0, 10 + n) for n in range(services.NEAR_FIRST_READ + 4)]  # ~1.41 m
    await _history(user_id, now, [*corners, (0.3, 0.0, 10.0, 60 * 24 * 20)])
    assert "repeated_fix" in await _compare(user_id, now, 0.0, 0.0, 10.0)


async def test_no_history_no_findings(org: Org) -> None:
    assert await _compare(org.users["officer_a"], datetime.now(UTC), 0.0, 0.0, 10.0) == []
