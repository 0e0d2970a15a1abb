"""Test helpers for geo: an independent ellipsoidal distance and builders for office polygons.

The reference distance is Vincenty's inverse formula on WGS 84 (written out here, independent of
geo.projection), and the reference distance to an office boundary minimises it along each edge
(edges being straight in longitude/latitude, as GeoJSON draws them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

A = 6378137.0
F = 1 / 298.257223563
B = A * (1 - F)
E2 = F * (2 - F)

PUTRAJAYA = (2.9264, 101.6964)  # Perdana Putra, lat/lon

Ring = list[list[float]]


def vincenty(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance in metres (Vincenty 1975, inverse); accurate to well under 1 mm."""
    big_l = math.radians(lon2 - lon1)
    u1 = math.atan((1 - F) * math.tan(math.radians(lat1)))
    u2 = math.atan((1 - F) * math.tan(math.radians(lat2)))
    su1, cu1, su2, cu2 = math.sin(u1), math.cos(u1), math.sin(u2), math.cos(u2)
    lam = big_l
    for _ in range(200):
        sl, cl = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(cu2 * sl, cu1 * su2 - su1 * cu2 * cl)
        if sin_sigma == 0.0:
            return 0.0
        cos_sigma = su1 * su2 + cu1 * cu2 * cl
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cu1 * cu2 * sl / sin_sigma
        cos2_alpha = 1 - sin_alpha * sin_alpha
        cos_2sm = cos_sigma - 2 * su1 * su2 / cos2_alpha if cos2_alpha else 0.0
        c = F / 16 * cos2_alpha * (4 + F * (4 - 3 * cos2_alpha))
        previous = lam
        lam = big_l + (1 - c) * F * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm * cos_2sm))
        )
        if abs(lam - previous) < 1e-13:
            break
    u_sq = cos2_alpha * (A * A - B * B) / (B * B)
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta_sigma = (
        big_b
        * sin_sigma
        * (
            cos_2sm
            + big_b
            / 4
            * (
                cos_sigma * (-1 + 2 * cos_2sm * cos_2sm)
                - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)
            )
        )
    )
    return B * big_a * (sigma - delta_sigma)


def offset(lat: float, lon: float, east_m: float, north_m: float) -> tuple[float, float]:
    """The point east_m/north_m metres from (lat, lon), using the ellipsoid's radii of curvature
    at lat (good to a few parts in a million over a few hundred metres)."""
    s = math.sin(math.radians(lat))
    w = math.sqrt(1 - E2 * s * s)
    m = A * (1 - E2) / w**3
    n = A / w
    return (
        lat + math.degrees(north_m / m),
        lon + math.degrees(east_m / (n * math.cos(math.radians(lat)))),
    )


def ring(lat: float, lon: float, corners: Sequence[tuple[float, float]]) -> Ring:
    """A closed GeoJSON ring from (east, north) corner offsets in metres around (lat, lon)."""
    points = []
    for east, north in corners:
        la, lo = offset(lat, lon, east, north)
        points.append([lo, la])
    return [*points, points[0]]


def rectangle(lat: float, lon: float, half_w: float, half_h: float) -> Ring:
    return ring(
        lat, lon, [(-half_w, -half_h), (half_w, -half_h), (half_w, half_h), (-half_w, half_h)]
    )


def feature(office_id: Any, geometry: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "id": office_id, "properties": props, "geometry": geometry}


def polygon(*rings: Ring) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": list(rings)}


def multipolygon(*parts: list[Ring]) -> dict[str, Any]:
    return {"type": "MultiPolygon", "coordinates": list(parts)}


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def _segment_distance(lat: float, lon: float, p: list[float], q: list[float]) -> float:
    """Minimum Vincenty distance from a point to a lon/lat-straight segment (golden section)."""

    def at(t: float) -> float:
        return vincenty(lat, lon, p[1] + t * (q[1] - p[1]), p[0] + t * (q[0] - p[0]))

    lo, hi = 0.0, 1.0
    g = (math.sqrt(5) - 1) / 2
    x1, x2 = hi - g * (hi - lo), lo + g * (hi - lo)
    f1, f2 = at(x1), at(x2)
    for _ in range(60):
        if f1 < f2:
            hi, x2, f2 = x2, x1, f1
            x1 = hi - g * (hi - lo)
            f1 = at(x1)
        else:
            lo, x1, f1 = x1, x2, f2
            x2 = lo + g * (hi - lo)
            f2 = at(x2)
    return min(f1, f2, at(0.0), at(1.0))


def boundary_distance(lat: float, lon: float, rings: Sequence[Ring]) -> float:
    """Reference unsigned distance (m) from a point to the nearest edge of any ring."""
    return min(
        _segment_distance(lat, lon, r[k], r[k + 1]) for r in rings for k in range(len(r) - 1)
    )
