"""The geofence of each agency's offices, built once and kept in memory for a short while.

Building a fence validates and projects every polygon (milliseconds for an agency), so it is
cached per agency for `TTL_SECONDS`: an office outline edited by an administrator is used by
every process within that time. Judging a fix against a cached fence takes microseconds.
The offices each officer is assigned to are cached the same way (`offices_of`), so a warm
check-in reads neither table.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import msgspec

import geo
from api.attendance import agency_settings
from api.core import raw_sql
from api.org.tables import Office

TTL_SECONDS = 30.0


@dataclass(frozen=True)
class AgencyFence:
    fence: geo.Geofence | None  # None: the agency has no active office
    names: dict[int, str]


_cache: dict[int, tuple[float, AgencyFence]] = {}
_offices: dict[int, tuple[float, tuple[str, ...]]] = {}
OFFICES_CACHE_MAX = 100_000


def _feature(row: dict[str, Any]) -> dict[str, Any]:
    geometry = row["geometry"]
    if isinstance(geometry, str):
        geometry = msgspec.json.decode(geometry)
    return {"type": "Feature", "id": str(row["id"]), "geometry": geometry, "properties": {}}


async def fence_for_agency(agency_id: int) -> AgencyFence:
    cached = _cache.get(agency_id)
    if cached is not None and time.monotonic() - cached[0] < TTL_SECONDS:
        return cached[1]
    rows = await Office.select(Office.id, Office.name, Office.geometry).where(
        (Office.agency == agency_id) & (Office.active == True)  # noqa: E712 - SQL, not Python
    )
    # The agency's accuracy limit: a vaguer fix is always uncertain (agency_settings).
    limit = (await agency_settings.for_agency(agency_id)).accuracy_limit_m
    fence = (
        geo.Geofence.from_geojson(
            {"type": "FeatureCollection", "features": [_feature(r) for r in rows]},
            max_accuracy_m=float(limit),
        )
        if rows
        else None
    )
    built = AgencyFence(fence=fence, names={r["id"]: r["name"] for r in rows})
    _cache[agency_id] = (time.monotonic(), built)
    return built


async def offices_of(user_id: int) -> tuple[str, ...]:
    """The ids (as fence ids) of the offices the officer is assigned to, cached like fences."""
    cached = _offices.get(user_id)
    if cached is not None and time.monotonic() - cached[0] < TTL_SECONDS:
        return cached[1]
    loaded_at = time.monotonic()
    rows = await raw_sql.fetch(
        'SELECT office FROM office_assignment WHERE "user" = {} ORDER BY office', user_id
    )
    offices = tuple(str(r["office"]) for r in rows)
    if len(_offices) >= OFFICES_CACHE_MAX:
        _offices.clear()
    _offices[user_id] = (loaded_at, offices)
    return offices


def forget(agency_id: int | None = None) -> None:
    """Drops cached fences and assignments (all, or one agency's fence): after an outline or
    an assignment changes in this process."""
    if agency_id is None:
        _cache.clear()
    else:
        _cache.pop(agency_id, None)
    _offices.clear()


def forget_offices_of(user_id: int) -> None:
    """After the officer's office assignments change in this process."""
    _offices.pop(user_id, None)
