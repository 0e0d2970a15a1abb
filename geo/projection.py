"""Metres from longitude/latitude: a local azimuthal-equidistant frame per office on WGS 84.

Why not degrees times a constant: a degree of longitude is 111 km at the equator and 56 km at 60°,
so any fixed scale is wrong somewhere. Why not a national grid: offices can be anywhere between
−70° and 70°, and pyproj is not a dependency. Instead every office gets its own frame centred on
the middle of its bounding box:

1. Both the origin and the point go to Earth-centred Cartesian coordinates (ECEF) on the WGS 84
   ellipsoid — exact closed formulas.
2. The difference is rotated into the origin's local east/north/up axes. East and north give the
   direction (the azimuth of the normal section, which differs from the geodesic azimuth by less
   than 1e-7 rad at 100 km).
3. The straight chord ``c`` through the Earth becomes a ground distance with the radius of
   curvature ``R`` of the ellipsoid in that direction (Euler's formula):
   ``s = 2 R asin(c / 2R)``, and the point is placed at distance ``s`` along that direction.

The result is an azimuthal-equidistant projection: distances from the origin are ground distances
(checked against Vincenty's inverse formula in the tests: well under a millimetre at 1 km, about
a metre at 1,000 km), and distances between two points a few kilometres from the origin are
distorted by about (ρ/R)²/6 — a few parts in 10⁸ for an office and a fix a few kilometres apart.

Bit-for-bit agreement between the scalar and the vectorised code matters (``Geofence.check`` and
``Geofence.check_many`` must give the same answers, including on a boundary), so both use numpy's
trigonometric functions and the same arithmetic in the same order. Keep it that way when editing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = [
    "E2",
    "FRAME_WIDTH",
    "A",
    "Frame",
    "ecef_arrays",
    "ecef_point",
    "frames_for",
    "ground_distance_m",
    "project_arrays",
    "project_point",
]

FloatArray = npt.NDArray[np.float64]

A: Final = 6378137.0
"""WGS 84 semi-major axis, metres."""
F: Final = 1.0 / 298.257223563
E2: Final = F * (2.0 - F)
"""WGS 84 first eccentricity squared."""
_ONE_MINUS_E2: Final = 1.0 - E2
RAD: Final = math.pi / 180.0
_HALF_PI: Final = math.pi / 2.0

# asin(x)/x = 1 + x²/6 + 3x⁴/40 + 5x⁶/112 + 35x⁸/1152 + 63x¹⁰/2816 + …, used for x² < 0.01
# (chords under about 1,270 km); the first omitted term is below 3e-13 there.
_S1: Final = 1.0 / 6.0
_S2: Final = 3.0 / 40.0
_S3: Final = 5.0 / 112.0
_S4: Final = 35.0 / 1152.0
_S5: Final = 63.0 / 2816.0
_SERIES_LIMIT: Final = 0.01

Frame = tuple[
    float, float, float, float, float, float, float, float, float, float, float, float, float
]
"""(X0, Y0, Z0, east x/y, north x/y/z, up x/y/z, 1/M, 1/N) of one origin, as plain floats."""
FRAME_WIDTH: Final = 13


def ecef_point(lat: float, lon: float) -> tuple[float, float, float]:
    """Earth-centred coordinates (metres) of a point on the ellipsoid surface."""
    phi = lat * RAD
    lam = lon * RAD
    # One ufunc call for all four values (cos x = sin(x + π/2)); see the module docstring for why
    # numpy and not math.
    sphi, slam, cphi, clam = np.sin(np.array((phi, lam, phi + _HALF_PI, lam + _HALF_PI))).tolist()
    nphi = A / math.sqrt(1.0 - E2 * sphi * sphi)
    return nphi * cphi * clam, nphi * cphi * slam, nphi * _ONE_MINUS_E2 * sphi


def ecef_arrays(
    lats: npt.ArrayLike, lons: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Vectorised :func:`ecef_point` (same arithmetic, same results bit for bit)."""
    phi = np.asarray(lats, dtype=np.float64) * RAD
    lam = np.asarray(lons, dtype=np.float64) * RAD
    sphi, slam, cphi, clam = np.sin(np.stack((phi, lam, phi + _HALF_PI, lam + _HALF_PI)))
    nphi = A / np.sqrt(1.0 - E2 * sphi * sphi)
    return nphi * cphi * clam, nphi * cphi * slam, nphi * _ONE_MINUS_E2 * sphi


def frames_for(lats: npt.ArrayLike, lons: npt.ArrayLike) -> FloatArray:
    """Local frames (one row of :data:`FRAME_WIDTH` numbers each) centred on the given origins."""
    lat = np.asarray(lats, dtype=np.float64)
    lon = np.asarray(lons, dtype=np.float64)
    x0, y0, z0 = ecef_arrays(lat, lon)
    sphi = np.sin(lat * RAD)
    cphi = np.cos(lat * RAD)
    slam = np.sin(lon * RAD)
    clam = np.cos(lon * RAD)
    w2 = 1.0 - E2 * sphi * sphi
    inv_n = np.sqrt(w2) / A  # 1 / prime-vertical radius of curvature
    inv_m = w2 * np.sqrt(w2) / (A * _ONE_MINUS_E2)  # 1 / meridional radius of curvature
    return np.stack(
        [
            x0,
            y0,
            z0,
            -slam,
            clam,
            -sphi * clam,
            -sphi * slam,
            cphi,
            cphi * clam,
            cphi * slam,
            sphi,
            inv_m,
            inv_n,
        ],
        axis=1,
    )


def _arc_ratio_scalar(q: float) -> float:
    """asin(√q)/√q: the ratio of a ground arc to its chord, q = (chord / 2R)²."""
    if q < _SERIES_LIMIT:
        return 1.0 + q * (_S1 + q * (_S2 + q * (_S3 + q * (_S4 + q * _S5))))
    r = math.sqrt(min(q, 1.0))
    return float(np.arcsin(r)) / r


def project_point(x: float, y: float, z: float, frame: Frame) -> tuple[float, float]:
    """Metres east and north of the frame's origin for an ECEF point (see the module docstring)."""
    x0, y0, z0, ex, ey, nx, ny, nz, ux, uy, uz, inv_m, inv_n = frame
    dx = x - x0
    dy = y - y0
    dz = z - z0
    e = ex * dx + ey * dy
    n = nx * dx + ny * dy + nz * dz
    u = ux * dx + uy * dy + uz * dz
    h2 = e * e + n * n
    if h2 == 0.0:
        h2 = 1.0  # the origin itself: e = n = 0 whatever the scale
    c2 = h2 + u * u
    k = (n * n * inv_m + e * e * inv_n) / h2
    scale = math.sqrt(c2 / h2) * _arc_ratio_scalar(c2 * k * k * 0.25)
    return e * scale, n * scale


def project_arrays(
    x: FloatArray, y: FloatArray, z: FloatArray, frames: Sequence[FloatArray]
) -> tuple[FloatArray, FloatArray]:
    """Vectorised :func:`project_point`; ``frames`` holds the 13 frame columns, one row per point
    (columns rather than a 2-D array: gathering them one by one is faster than gathering rows)."""
    x0, y0, z0, ex, ey, nx, ny, nz, ux, uy, uz, inv_m, inv_n = frames
    dx = x - x0
    dy = y - y0
    dz = z - z0
    e = ex * dx + ey * dy
    n = nx * dx + ny * dy + nz * dz
    u = ux * dx + uy * dy + uz * dz
    h2 = e * e + n * n
    h2[h2 == 0.0] = 1.0
    c2 = h2 + u * u
    k = (n * n * inv_m + e * e * inv_n) / h2
    q = c2 * k * k * 0.25
    ratio = 1.0 + q * (_S1 + q * (_S2 + q * (_S3 + q * (_S4 + q * _S5))))
    far = q >= _SERIES_LIMIT
    if far.any():
        r = np.sqrt(np.minimum(q[far], 1.0))
        ratio[far] = np.arcsin(r) / r
    scale = np.sqrt(c2 / h2) * ratio
    return e * scale, n * scale


def ground_distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Ground distance in metres between two points on the WGS 84 ellipsoid.

    Accurate to well under a millimetre at 1 km and to about a metre at 1,000 km (see the module
    docstring); use a full geodesic library for intercontinental distances.
    """
    x, y = project_point(*_ecef_math(lat2, lon2), _frame_math(lat1, lon1))
    return math.sqrt(x * x + y * y)


# ground_distance_m decides no geofence (plausibility checks and audits only), so it need not
# agree bit for bit with the vectorised code: plain `math` instead of numpy on one-element
# arrays, which cost ~100 µs per call — a tenth of a check-in's CPU (docs/performance.md).
def _ecef_math(lat: float, lon: float) -> tuple[float, float, float]:
    phi = lat * RAD
    lam = lon * RAD
    sphi, cphi = math.sin(phi), math.cos(phi)
    nphi = A / math.sqrt(1.0 - E2 * sphi * sphi)
    return nphi * cphi * math.cos(lam), nphi * cphi * math.sin(lam), nphi * _ONE_MINUS_E2 * sphi


def _frame_math(lat: float, lon: float) -> Frame:
    """:func:`frames_for` of one origin, with `math`."""
    x0, y0, z0 = _ecef_math(lat, lon)
    sphi, cphi = math.sin(lat * RAD), math.cos(lat * RAD)
    slam, clam = math.sin(lon * RAD), math.cos(lon * RAD)
    w2 = 1.0 - E2 * sphi * sphi
    inv_n = math.sqrt(w2) / A
    inv_m = w2 * math.sqrt(w2) / (A * _ONE_MINUS_E2)
    return (
        x0,
        y0,
        z0,
        -slam,
        clam,
        -sphi * clam,
        -sphi * slam,
        cphi,
        cphi * clam,
        cphi * slam,
        sphi,
        inv_m,
        inv_n,
    )
