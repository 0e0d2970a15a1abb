"""Distances are true ground distances: checked against Vincenty's inverse formula."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from geo_helpers import offset, vincenty

import geo
from geo.projection import ecef_arrays, ecef_point, frames_for, project_arrays, project_point


def test_reference_vincenty_matches_the_published_flinders_peak_buninyong_line() -> None:
    # Vincenty (1975) / Geoscience Australia test line: 54,972.271 m.
    flinders = (-(37 + 57 / 60 + 3.72030 / 3600), 144 + 25 / 60 + 29.52440 / 3600)
    buninyong = (-(37 + 39 / 60 + 10.15610 / 3600), 143 + 55 / 60 + 35.38390 / 3600)
    assert vincenty(*flinders, *buninyong) == pytest.approx(54972.271, abs=0.001)
    assert geo.ground_distance_m(*flinders, *buninyong) == pytest.approx(54972.271, abs=0.001)


@pytest.mark.parametrize("lat", [-70.0, -45.0, -10.0, 0.0, 2.93, 30.0, 60.0, 70.0])
def test_one_kilometre_is_right_to_the_millimetre_at_any_latitude(lat: float) -> None:
    rng = random.Random(lat)
    for _ in range(40):
        bearing = rng.uniform(0, 2 * math.pi)
        lat2, lon2 = offset(lat, 101.69, 1000 * math.sin(bearing), 1000 * math.cos(bearing))
        expected = vincenty(lat, 101.69, lat2, lon2)
        assert geo.ground_distance_m(lat, 101.69, lat2, lon2) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(
    ("distance_m", "tolerance_m"), [(10e3, 0.001), (100e3, 0.05), (1000e3, 2.0)]
)
def test_longer_distances_stay_close(distance_m: float, tolerance_m: float) -> None:
    rng = random.Random(distance_m)
    for _ in range(30):
        lat = rng.uniform(-60, 60)
        lon = rng.uniform(-180, 180)
        bearing = rng.uniform(0, 2 * math.pi)
        lat2, lon2 = offset(
            lat, lon, distance_m * math.sin(bearing), distance_m * math.cos(bearing)
        )
        lat2 = max(-89.0, min(89.0, lat2))
        lon2 = (lon2 + 180) % 360 - 180
        expected = vincenty(lat, lon, lat2, lon2)
        assert geo.ground_distance_m(lat, lon, lat2, lon2) == pytest.approx(
            expected, abs=tolerance_m
        )


@pytest.mark.parametrize("lat", [-70.0, -33.9, 0.0, 2.93, 45.0, 59.9, 70.0])
def test_distances_between_points_near_an_office_frame_are_exact(lat: float) -> None:
    """What the geofence measures: a fix and a boundary point, both within ~2 km of the origin."""
    rng = random.Random(int(lat * 100))
    frame = tuple(frames_for([lat], [-3.7])[0].tolist())
    for _ in range(50):
        p = offset(lat, -3.7, rng.uniform(-1500, 1500), rng.uniform(-1500, 1500))
        q = offset(lat, -3.7, rng.uniform(-1500, 1500), rng.uniform(-1500, 1500))
        px, py = project_point(*ecef_point(*p), frame)  # type: ignore[arg-type]
        qx, qy = project_point(*ecef_point(*q), frame)  # type: ignore[arg-type]
        assert math.hypot(px - qx, py - qy) == pytest.approx(vincenty(*p, *q), abs=0.005)


def test_scalar_and_vector_projection_agree_bit_for_bit() -> None:
    rng = np.random.default_rng(3)
    lats = rng.uniform(-70, 70, 500)
    lons = rng.uniform(-180, 180, 500)
    origin_lat = lats + rng.normal(0, 0.01, 500)
    origin_lon = lons + rng.normal(0, 0.01, 500)
    frames = frames_for(origin_lat, origin_lon)
    x, y, z = ecef_arrays(lats, lons)
    vx, vy = project_arrays(x, y, z, list(frames.T))
    for i in range(500):
        point = ecef_point(float(lats[i]), float(lons[i]))
        assert point == (x[i], y[i], z[i])
        sx, sy = project_point(*point, tuple(frames[i].tolist()))  # type: ignore[arg-type]
        assert (sx, sy) == (vx[i], vy[i])


def test_the_origin_projects_to_zero() -> None:
    frame = tuple(frames_for([2.93], [101.69])[0].tolist())
    assert project_point(*ecef_point(2.93, 101.69), frame) == (0.0, 0.0)  # type: ignore[arg-type]


def test_ground_distance_agrees_with_the_vectorised_frames() -> None:
    """ground_distance_m computes its frame with `math`; the numpy frames give the same
    distance to well under a micrometre."""
    rng = random.Random(17)
    for _ in range(500):
        lat, lon = rng.uniform(-70, 70), rng.uniform(-180, 180)
        lat2, lon2 = lat + rng.uniform(-0.5, 0.5), lon + rng.uniform(-0.5, 0.5)
        frame = tuple(frames_for([lat], [lon])[0].tolist())
        x, y = project_point(*ecef_point(lat2, lon2), frame)  # type: ignore[arg-type]
        assert geo.ground_distance_m(lat, lon, lat2, lon2) == pytest.approx(
            (x * x + y * y) ** 0.5, abs=1e-6
        )
