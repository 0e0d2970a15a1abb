"""Where an office polygon looks wrong: for the administrator who just drew or imported it.

Warnings, not errors (a valid polygon can still be a mistake): an area under 100 m² is more likely
a stray click than a building, one over 5 km² more likely a district than an office, and an office
far from the agency's state more likely a typo in the coordinates than a branch.

:data:`STATE_BOUNDS` holds approximate bounding boxes (longitude/latitude, slightly generous, with
islands) of the 13 states and 3 federal territories, keyed by their usual codes. They are boxes,
not borders: close to a neighbouring state they overlap, which is why "far" has a threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import shapely

from geo.errors import GeofenceError
from geo.projection import ground_distance_m

if TYPE_CHECKING:
    from geo.fence import Geofence

__all__ = ["STATE_BOUNDS", "OfficeWarning", "StateBounds", "audit_office", "audit_offices"]


@dataclass(frozen=True, slots=True)
class StateBounds:
    """An approximate longitude/latitude box around a state or federal territory."""

    code: str
    name: str
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon

    def distance_m(self, lat: float, lon: float) -> float:
        """Ground distance from a point to the box (0 inside)."""
        near_lat = min(max(lat, self.min_lat), self.max_lat)
        near_lon = min(max(lon, self.min_lon), self.max_lon)
        return ground_distance_m(lat, lon, near_lat, near_lon)


def _states(*rows: tuple[str, str, float, float, float, float]) -> Mapping[str, StateBounds]:
    return MappingProxyType({row[0]: StateBounds(*row) for row in rows})


STATE_BOUNDS: Mapping[str, StateBounds] = _states(
    # code, name, min lon, min lat, max lon, max lat
    ("JHR", "Johor", 102.45, 1.20, 104.60, 2.85),
    ("KDH", "Kedah", 99.60, 5.05, 101.15, 6.75),
    ("KTN", "Kelantan", 101.30, 4.50, 102.70, 6.30),
    ("MLK", "Melaka", 101.95, 2.05, 102.55, 2.55),
    ("NSN", "Negeri Sembilan", 101.75, 2.40, 102.70, 3.30),
    ("PHG", "Pahang", 101.30, 2.45, 104.30, 4.80),
    ("PRK", "Perak", 100.30, 3.60, 101.80, 5.95),
    ("PLS", "Perlis", 100.10, 6.25, 100.45, 6.75),
    ("PNG", "Pulau Pinang", 100.15, 5.10, 100.60, 5.60),
    ("SBH", "Sabah", 115.10, 4.00, 119.30, 7.40),
    ("SWK", "Sarawak", 109.50, 0.85, 115.70, 5.10),
    ("SGR", "Selangor", 100.75, 2.55, 102.00, 3.90),
    ("TRG", "Terengganu", 102.35, 3.85, 103.75, 5.95),
    ("KUL", "Wilayah Persekutuan Kuala Lumpur", 101.60, 3.02, 101.77, 3.25),
    ("LBN", "Wilayah Persekutuan Labuan", 115.15, 5.15, 115.35, 5.40),
    ("PJY", "Wilayah Persekutuan Putrajaya", 101.64, 2.87, 101.74, 3.00),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class OfficeWarning:
    """One reason to look at an office polygon again."""

    code: Literal["too_small", "too_large", "far_from_state"]
    office_id: str
    message: str
    value: float  # the area in m², or the distance in km
    limit: float  # the threshold it crossed, same unit


def audit_office(
    fence: Geofence,
    office_id: str,
    state: str | None = None,
    *,
    min_area_m2: float = 100.0,
    max_area_m2: float = 5_000_000.0,
    far_km: float = 50.0,
) -> list[OfficeWarning]:
    """Warnings for one office; ``state`` is the agency's state code (see :data:`STATE_BOUNDS`),
    ``None`` to skip the distance check."""
    return _audit(
        fence, fence.table.index_of(office_id), _state(state), min_area_m2, max_area_m2, far_km
    )


def audit_offices(
    fence: Geofence,
    state: str | None = None,
    *,
    min_area_m2: float = 100.0,
    max_area_m2: float = 5_000_000.0,
    far_km: float = 50.0,
) -> dict[str, list[OfficeWarning]]:
    """Warnings for every office that has any, by office id."""
    bounds = _state(state)
    found = {}
    for i, office_id in enumerate(fence.table.ids):
        warnings = _audit(fence, i, bounds, min_area_m2, max_area_m2, far_km)
        if warnings:
            found[office_id] = warnings
    return found


def _state(code: str | None) -> StateBounds | None:
    if code is None:
        return None
    bounds = STATE_BOUNDS.get(code.upper())
    if bounds is None:
        raise GeofenceError(
            f"unknown state code {code!r}; expected one of {', '.join(STATE_BOUNDS)}"
        )
    return bounds


def _audit(
    fence: Geofence,
    i: int,
    state: StateBounds | None,
    min_area_m2: float,
    max_area_m2: float,
    far_km: float,
) -> list[OfficeWarning]:
    table = fence.table
    office_id = table.ids[i]
    area = float(table.area_m2[i])
    warnings = []
    if area < min_area_m2:
        warnings.append(
            OfficeWarning(
                code="too_small",
                office_id=office_id,
                message=(
                    f"office {office_id!r} covers only {area:,.0f} m² (under {min_area_m2:,.0f} m²)"
                ),
                value=area,
                limit=min_area_m2,
            )
        )
    elif area > max_area_m2:
        warnings.append(
            OfficeWarning(
                code="too_large",
                office_id=office_id,
                message=(
                    f"office {office_id!r} covers {area / 1e6:,.2f} km² "
                    f"(over {max_area_m2 / 1e6:,.2f} km²)"
                ),
                value=area,
                limit=max_area_m2,
            )
        )
    if state is not None:
        point = shapely.point_on_surface(table.geometries[i])
        lat, lon = float(point.y), float(point.x)
        km = state.distance_m(lat, lon) / 1000.0
        if km > far_km:
            inside = [s.code for s in STATE_BOUNDS.values() if s.contains(lat, lon)]
            hint = f"; it lies within the box of {', '.join(inside)}" if inside else ""
            warnings.append(
                OfficeWarning(
                    code="far_from_state",
                    office_id=office_id,
                    message=(
                        f"office {office_id!r} is {km:,.0f} km from {state.name} ({state.code}), "
                        f"over {far_km:g} km{hint}"
                    ),
                    value=km,
                    limit=far_km,
                )
            )
    return warnings
