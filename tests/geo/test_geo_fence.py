"""Geofence verdicts on realistic offices in Putrajaya (and a few far-away places).

Offices are drawn in metres east/north of a point; every expected distance below follows from the
drawing, and the library's distances are also compared with Vincenty's (independent) distances.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
import shapely
from geo_helpers import (
    PUTRAJAYA,
    boundary_distance,
    collection,
    feature,
    multipolygon,
    offset,
    polygon,
    rectangle,
    ring,
)

import geo
from geo.projection import ecef_arrays, frames_for, project_arrays

LAT, LON = PUTRAJAYA
# Office origins, 1 km apart along the parallel so that each test knows which office is nearest.
A_AT = (LAT, LON)  # rectangle 100 m × 60 m
L_AT = offset(LAT, LON, 1000, 0)  # L-shape 100 m × 100 m, notch in the north-east
C_AT = offset(LAT, LON, 2000, 0)  # courtyard: 120 m square with a 40 m square hole
K_AT = offset(LAT, LON, 3000, 0)  # campus: two 40 m × 60 m blocks, 40 m apart

L_CORNERS = [(0, 0), (100, 0), (100, 40), (40, 40), (40, 100), (0, 100)]

A_RING = rectangle(*A_AT, 50, 30)
L_RING = ring(*L_AT, L_CORNERS)
C_OUTER = rectangle(*C_AT, 60, 60)
C_HOLE = ring(*C_AT, [(-20, -20), (-20, 20), (20, 20), (20, -20)])
K_WEST = ring(*K_AT, [(-60, -30), (-20, -30), (-20, 30), (-60, 30)])
K_EAST = ring(*K_AT, [(20, -30), (60, -30), (60, 30), (20, 30)])

OFFICES = collection(
    feature("PJY-A", polygon(A_RING), name="Blok A"),
    {  # id in properties, as some exporters do
        "type": "Feature",
        "properties": {"id": "PJY-L", "name": "Blok L"},
        "geometry": polygon(L_RING),
    },
    feature("PJY-C", polygon(C_OUTER, C_HOLE)),
    feature("PJY-K", multipolygon([K_WEST], [K_EAST])),
)


@pytest.fixture(scope="module")
def fence() -> geo.Geofence:
    return geo.Geofence.from_geojson(OFFICES)


def at(origin: tuple[float, float], east: float, north: float) -> tuple[float, float]:
    return offset(*origin, east, north)


def agrees_with_check_many(
    fence: geo.Geofence, lat: float, lon: float, r: float, **kw: object
) -> geo.Verdict:
    v = fence.check(lat, lon, r, **kw)  # type: ignore[arg-type]
    cols = fence.check_many([lat], [lon], [r], **kw)  # type: ignore[arg-type]
    assert cols.verdict(0) == v
    return v


# --- the shapes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("east", "north", "r", "status", "distance"),
    [
        (0, 0, 10, "inside", -30.0),  # centre: 30 m from the long sides
        (40, 0, 5, "inside", -10.0),
        (40, 0, 9.9, "inside", -10.0),
        (40, 0, 15, "uncertain", -10.0),
        (50, 0, 10, "uncertain", 0.0),  # on the east edge
        (58, 0, 10, "uncertain", 8.0),
        (62, 0, 10, "outside", 12.0),
        (80, 50, 5, "outside", math.hypot(30, 20)),  # diagonal from the north-east corner
    ],
)
def test_convex_office(
    fence: geo.Geofence, east: float, north: float, r: float, status: str, distance: float
) -> None:
    v = agrees_with_check_many(fence, *at(A_AT, east, north), r)
    assert (v.status, v.office_id) == (status, "PJY-A")
    assert v.distance_m == pytest.approx(distance, abs=0.01)


@pytest.mark.parametrize(
    ("east", "north", "r", "status", "distance"),
    [
        (70, 70, 10, "outside", 30.0),  # in the notch: 30 m from both inner edges
        (70, 70, 29, "outside", 30.0),
        (70, 70, 31, "uncertain", 30.0),
        (45, 45, 3, "outside", 5.0),  # close to the inner corner
        (45, 45, 6, "uncertain", 5.0),
        (30, 30, 1, "inside", -math.hypot(10, 10)),  # nearest the inner corner
        (37, 37, 4, "inside", -math.hypot(3, 3)),
        (20, 80, 15, "inside", -20.0),  # in the north arm
        (80, 20, 19.9, "inside", -20.0),  # in the east arm
        (37, 37, 5, "uncertain", -math.hypot(3, 3)),
    ],
)
def test_concave_l_shaped_office(
    fence: geo.Geofence, east: float, north: float, r: float, status: str, distance: float
) -> None:
    v = agrees_with_check_many(fence, *at(L_AT, east, north), r)
    assert (v.status, v.office_id) == (status, "PJY-L")
    assert v.distance_m == pytest.approx(distance, abs=0.01)


@pytest.mark.parametrize(
    ("east", "north", "r", "status", "distance"),
    [
        (0, 0, 5, "outside", 20.0),  # middle of the courtyard
        (0, 0, 25, "uncertain", 20.0),
        (15, 0, 3, "outside", 5.0),
        (15, 0, 6, "uncertain", 5.0),
        (40, 0, 10, "inside", -20.0),  # in the building, between the hole and the outside
        (0, -40, 19, "inside", -20.0),
        (0, -40, 21, "uncertain", -20.0),
    ],
)
def test_courtyard_hole(
    fence: geo.Geofence, east: float, north: float, r: float, status: str, distance: float
) -> None:
    v = agrees_with_check_many(fence, *at(C_AT, east, north), r)
    assert (v.status, v.office_id) == (status, "PJY-C")
    assert v.distance_m == pytest.approx(distance, abs=0.01)


@pytest.mark.parametrize(
    ("east", "north", "r", "status", "distance"),
    [
        (0, 0, 5, "outside", 20.0),  # between the blocks
        (0, 0, 25, "uncertain", 20.0),
        (-40, 0, 10, "inside", -20.0),  # west block
        (40, 0, 10, "inside", -20.0),  # east block
        (40, 25, 10, "uncertain", -5.0),
        (-25, 0, 4, "inside", -5.0),
    ],
)
def test_two_block_campus(
    fence: geo.Geofence, east: float, north: float, r: float, status: str, distance: float
) -> None:
    v = agrees_with_check_many(fence, *at(K_AT, east, north), r)
    assert (v.status, v.office_id) == (status, "PJY-K")
    assert v.distance_m == pytest.approx(distance, abs=0.01)


def test_distances_match_vincenty_to_the_boundary(fence: geo.Geofence) -> None:
    cases = [
        (A_AT, [A_RING], [(0, 0), (62, 0), (80, 50), (-120, -90), (10, 29)]),
        (L_AT, [L_RING], [(70, 70), (45, 45), (20, 80), (150, 150)]),
        (C_AT, [C_OUTER, C_HOLE], [(0, 0), (40, 0), (3, 17)]),
        (K_AT, [K_WEST, K_EAST], [(0, 0), (-40, 0), (0, 31)]),
    ]
    for origin, rings, points in cases:
        for east, north in points:
            lat, lon = at(origin, east, north)
            v = fence.check(lat, lon, 5)
            assert abs(v.distance_m) == pytest.approx(boundary_distance(lat, lon, rings), abs=0.01)


# --- the rule -----------------------------------------------------------------------------------


def test_fixes_straddling_a_boundary(fence: geo.Geofence) -> None:
    east_edge = [(50 + dx, 0) for dx in (-12, -8, -0.5, 0.5, 8, 12)]
    statuses = [fence.check(*at(A_AT, e, n), 10).status for e, n in east_edge]
    assert statuses == ["inside", "uncertain", "uncertain", "uncertain", "uncertain", "outside"]


def test_poor_accuracy_is_uncertain_whatever_the_position(fence: geo.Geofence) -> None:
    deep_inside = fence.check(*A_AT, 150)
    assert (deep_inside.status, deep_inside.office_id) == ("uncertain", "PJY-A")
    assert deep_inside.distance_m == pytest.approx(-30, abs=0.01)
    assert "100 m limit" in deep_inside.reason
    far_away = fence.check(*at(A_AT, 0, -5000), 150)
    assert far_away.status == "uncertain"
    assert fence.check(*A_AT, 100).status == "uncertain"  # 100 m circle overlaps the boundary
    assert fence.check(*A_AT, 100).reason.startswith("accuracy circle")  # not the limit: r ≤ limit


def test_the_accuracy_limit_and_tolerance_are_configurable() -> None:
    fence = geo.Geofence.from_geojson(OFFICES, tolerance_m=5.0, max_accuracy_m=20.0)
    assert fence.check(*at(A_AT, 53, 0), 1).status == "inside"  # 3 m outside, within tolerance
    assert fence.check(*at(A_AT, 53, 0), 3).status == "uncertain"
    assert fence.check(*at(A_AT, 70, 0), 14).status == "outside"  # 20 − 5 > 14
    assert fence.check(*at(A_AT, 70, 0), 16).status == "uncertain"
    assert fence.check(*A_AT, 25).status == "uncertain"  # over the 20 m limit
    assert "tolerance 5 m" in fence.check(*A_AT, 10).reason
    unlimited = geo.Geofence.from_geojson(OFFICES, max_accuracy_m=math.inf)
    assert unlimited.check(*A_AT, 1e6).status == "uncertain"


def test_outside_names_the_nearest_office(fence: geo.Geofence) -> None:
    v = fence.check(*at(A_AT, 700, 0), 10)  # 650 m from A's east edge, 300 m from L's west edge
    assert (v.status, v.office_id) == ("outside", "PJY-L")
    assert v.distance_m == pytest.approx(300.0, abs=0.01)
    assert "PJY-L" in v.reason


def test_restriction_to_assigned_offices(fence: geo.Geofence) -> None:
    in_a = A_AT
    v = fence.check(*in_a, 10, office_ids=["PJY-L"])
    assert (v.status, v.office_id) == ("outside", "PJY-L")
    assert v.distance_m == pytest.approx(1000.0, abs=0.05)  # to L's south-west corner
    assert fence.check(*in_a, 10, office_ids=["PJY-L", "PJY-A"]).status == "inside"
    assert fence.check(*in_a, 10, office_ids="PJY-A").office_id == "PJY-A"  # one id as a str
    assert fence.check(*in_a, 10, office_ids={"PJY-K", "PJY-C"}).office_id == "PJY-C"
    cols = fence.check_many([in_a[0]] * 2, [in_a[1]] * 2, [10, 10], office_ids=("PJY-L",))
    assert list(cols.status) == ["outside", "outside"]
    assert list(cols.office_id) == ["PJY-L", "PJY-L"]
    with pytest.raises(geo.GeofenceError, match="unknown office id 'PJY-Z'"):
        fence.check(*in_a, 10, office_ids=["PJY-A", "PJY-Z"])
    with pytest.raises(geo.GeofenceError, match="empty"):
        fence.check(*in_a, 10, office_ids=[])
    with pytest.raises(ValueError, match="unknown office id"):
        fence.check_many([LAT], [LON], [5], office_ids=["nope"])


def test_overlapping_offices_pick_the_one_the_fix_is_deepest_in() -> None:
    fence = geo.Geofence.from_geojson(
        collection(
            feature("big", polygon(rectangle(LAT, LON, 100, 100))),
            feature("small", polygon(rectangle(LAT, LON, 20, 20))),
        )
    )
    assert fence.check(LAT, LON, 5).office_id == "big"  # 100 m deep in big, 20 m in small
    assert fence.check(*offset(LAT, LON, 90, 0), 5).office_id == "big"
    # Equally deep in both (same square twice): the first listed wins.
    twice = geo.Geofence.from_geojson(
        collection(feature("first", polygon(A_RING)), feature("second", polygon(A_RING)))
    )
    assert twice.check(*A_AT, 5).office_id == "first"
    assert twice.check_many([A_AT[0]], [A_AT[1]], [5]).office_id[0] == "first"


@pytest.mark.parametrize(
    ("lat", "lon"), [(59.91, 10.75), (60.17, 24.94), (-69.5, 76.3), (69.65, 18.96), (-33.9, 18.4)]
)
def test_offices_at_high_latitudes_are_measured_in_metres(lat: float, lon: float) -> None:
    rect = rectangle(lat, lon, 50, 30)
    fence = geo.Geofence.from_geojson(collection(feature(1, polygon(rect))))
    for east, north, expected in [(150, 0, 100.0), (0, 130, 100.0), (-250, 0, 200.0), (0, 0, -30)]:
        fix = offset(lat, lon, east, north)
        v = fence.check(*fix, 5)
        assert v.office_id == "1"
        assert v.distance_m == pytest.approx(expected, abs=0.02)
        assert abs(v.distance_m) == pytest.approx(boundary_distance(*fix, [rect]), abs=0.01)


@pytest.mark.parametrize("lat", [-70.0, -52.5, -35.0, -17.5, 0.0, 17.5, 35.0, 52.5, 70.0])
def test_distance_at_one_kilometre_is_within_half_a_metre_at_any_latitude(lat: float) -> None:
    rect = ring(lat, 13.4, [(-80, -50), (60, -70), (90, 40), (-50, 60)])  # a skewed quadrilateral
    fence = geo.Geofence.from_geojson(collection(feature("Q", polygon(rect))))
    for bearing in range(0, 360, 30):
        b = math.radians(bearing)
        fix = offset(lat, 13.4, 1070 * math.sin(b), 1070 * math.cos(b))  # about 1 km outside
        distance = fence.check(*fix, 10).distance_m
        assert 950 < distance < 1050
        assert distance == pytest.approx(boundary_distance(*fix, [rect]), abs=0.05)  # ≪ 0.5 m


def test_a_fix_hundreds_of_kilometres_away(fence: geo.Geofence) -> None:
    kuantan = (3.8077, 103.3260)
    v = fence.check(*kuantan, 20)
    assert (v.status, v.office_id) == ("outside", "PJY-K")  # the easternmost office
    expected = boundary_distance(*kuantan, [K_WEST, K_EAST])
    assert v.distance_m == pytest.approx(expected, abs=0.5)
    kota_kinabalu = (5.9804, 116.0735)
    v = fence.check(*kota_kinabalu, 20, office_ids=["PJY-A"])
    assert v.distance_m == pytest.approx(boundary_distance(*kota_kinabalu, [A_RING]), rel=1e-5)


def test_offices_across_the_antimeridian() -> None:
    lat = -16.8  # Fiji
    east = rectangle(lat, 179.9990, 30, 30)
    west = rectangle(lat, -179.9985, 30, 30)
    fence = geo.Geofence.from_geojson(
        collection(
            feature("east", polygon(east)),
            feature("west", polygon(west)),
            feature("far", polygon(rectangle(lat, 178.0, 30, 30))),
        )
    )
    fix = (lat, -179.99995)
    v = fence.check(*fix, 5)
    cols = fence.check_many([fix[0]], [fix[1]], [5])
    assert cols.verdict(0) == v
    expected = {
        "east": boundary_distance(*fix, [east]),
        "west": boundary_distance(*fix, [west]),
    }
    nearest = min(expected, key=expected.__getitem__)
    assert v.office_id == nearest
    assert v.distance_m == pytest.approx(expected[nearest], abs=0.01)


def test_an_office_with_many_vertices() -> None:
    corners = [
        (100 * math.cos(2 * math.pi * k / 256), 100 * math.sin(2 * math.pi * k / 256))
        for k in range(256)
    ]
    fence = geo.Geofence.from_geojson(
        collection(feature("round", polygon(ring(LAT, LON, corners))))
    )
    v = fence.check(LAT, LON, 10)
    assert v.status == "inside"
    assert v.distance_m == pytest.approx(-100 * math.cos(math.pi / 256), abs=0.01)
    assert fence.check_many([LAT], [LON], [10]).verdict(0) == v


# --- the results --------------------------------------------------------------------------------


def test_verdict_fields(fence: geo.Geofence) -> None:
    v = fence.check(*A_AT, 10)
    assert isinstance(v.status, str)
    assert v.status is geo.Status.INSIDE
    assert v.status == "inside"
    assert v.accuracy_m == 10.0
    assert v.reason == "accuracy circle (10 m) lies inside office 'PJY-A'; 30.0 m inside"
    with pytest.raises(AttributeError):
        v.status = geo.Status.OUTSIDE  # type: ignore[misc]


def test_check_many_columns(fence: geo.Geofence) -> None:
    fixes = [A_AT, at(L_AT, 70, 70), at(C_AT, 0, 0), at(K_AT, 40, 0), (3.8077, 103.3260)]
    lats = np.array([f[0] for f in fixes])
    lons = np.array([f[1] for f in fixes])
    cols = fence.check_many(lats, lons, 10.0)  # one accuracy for all
    assert len(cols) == 5
    assert list(cols.status) == ["inside", "outside", "outside", "inside", "outside"]
    assert list(cols.office_id) == ["PJY-A", "PJY-L", "PJY-C", "PJY-K", "PJY-K"]
    assert cols.distance_m.dtype == np.float64
    for i, v in enumerate(cols):
        assert v == fence.check(lats[i], lons[i], 10.0)
    empty = fence.check_many([], [], [])
    assert len(empty) == 0
    assert empty.status.shape == empty.office_id.shape == (0,)


@pytest.mark.parametrize(
    ("lat", "lon", "r", "what"),
    [
        (math.nan, LON, 5, "latitude"),
        (91.0, LON, 5, "latitude"),
        (LAT, -180.5, 5, "longitude"),
        (LAT, math.inf, 5, "longitude"),
        (LAT, LON, -1, "accuracy"),
        (LAT, LON, math.nan, "accuracy"),
        ("2.9", LON, 5, "lat"),
        (LAT, None, 5, "lon"),
    ],
)
def test_bad_fixes_raise_value_error(
    fence: geo.Geofence, lat: object, lon: object, r: object, what: str
) -> None:
    with pytest.raises(ValueError, match=what):
        fence.check(lat, lon, r)  # type: ignore[arg-type]


def test_bad_fixes_in_bulk_name_the_row(fence: geo.Geofence) -> None:
    with pytest.raises(ValueError, match="fix 2: latitude"):
        fence.check_many([LAT, LAT, 95.0], [LON] * 3, [5] * 3)
    with pytest.raises(ValueError, match="fix 1: accuracy_m"):
        fence.check_many([LAT, LAT], [LON] * 2, [5, -2])
    with pytest.raises(ValueError, match="same length"):
        fence.check_many([LAT, LAT], [LON], [5])
    with pytest.raises(ValueError, match="arrays of numbers"):
        fence.check_many(["a"], [LON], [5])


class _Reference:
    """Nearest office by brute force with shapely, in each office's frame: independent of geo's
    search structures and of its own distance kernel (it shares only the projection, which
    test_geo_projection checks against Vincenty)."""

    def __init__(self, fc: dict[str, Any]) -> None:
        self.ids = [str(f["id"]) for f in fc["features"]]
        geoms = [shapely.geometry.shape(f["geometry"]) for f in fc["features"]]
        bounds = shapely.bounds(geoms)
        self.frames = frames_for(
            (bounds[:, 1] + bounds[:, 3]) / 2, (bounds[:, 0] + bounds[:, 2]) / 2
        )
        local = []
        for geom, frame in zip(geoms, self.frames, strict=True):

            def proj(coords: np.ndarray, frame: np.ndarray = frame) -> np.ndarray:
                x, y, z = ecef_arrays(coords[:, 1], coords[:, 0])
                px, py = project_arrays(x, y, z, list(np.tile(frame, (len(coords), 1)).T))
                return np.stack([px, py], axis=1)

            local.append(shapely.transform(geom, proj))
        self.local = np.array(local, dtype=object)
        self.boundaries = shapely.boundary(self.local)

    def nearest(self, lat: float, lon: float) -> tuple[str, float]:
        n = len(self.ids)
        x, y, z = ecef_arrays(np.full(n, lat), np.full(n, lon))
        px, py = project_arrays(x, y, z, list(self.frames.T))
        d = shapely.distance(self.boundaries, shapely.points(px, py))
        d = np.where(shapely.contains_xy(self.local, px, py), -d, d)
        best = int(np.argmin(d))  # first of equals
        return self.ids[best], float(d[best])


def test_many_offices_against_brute_force() -> None:
    rng = np.random.default_rng(42)
    features = []
    for i in range(400):
        if i < 380:  # a dense cluster around Putrajaya and Cyberjaya
            lat, lon = LAT + rng.uniform(-0.1, 0.1), LON + rng.uniform(-0.1, 0.1)
        else:  # and a few in Sabah and Sarawak
            lat, lon = rng.uniform(1.5, 6.5), rng.uniform(110, 118)
        w, h = rng.uniform(20, 150, 2)
        features.append(feature(f"O{i}", polygon(rectangle(lat, lon, w, h))))
    # One enormous "office" in Sabah: too many grid cells, so the grid sets it aside.
    features.append(feature("O400", polygon(rectangle(5.5, 117.0, 50_000, 30_000))))
    fc = collection(*features)
    fence = geo.Geofence.from_geojson(json.dumps(fc))
    centres = [(LAT + rng.uniform(-0.12, 0.12), LON + rng.uniform(-0.12, 0.12)) for _ in range(150)]
    centres += [(rng.uniform(-5, 8), rng.uniform(95, 125)) for _ in range(30)]
    centres += [(5.5 + rng.uniform(-0.5, 0.5), 117.0 + rng.uniform(-0.6, 0.6)) for _ in range(20)]
    lats = np.array([c[0] for c in centres])
    lons = np.array([c[1] for c in centres])
    acc = rng.uniform(5, 60, len(lats))
    cols = fence.check_many(lats, lons, acc)
    reference = _Reference(fc)
    for i in range(len(lats)):
        v = fence.check(lats[i], lons[i], acc[i])
        assert cols.verdict(i) == v
        office, d = reference.nearest(lats[i], lons[i])
        assert (v.office_id, v.distance_m) == (office, pytest.approx(d, abs=1e-6))
    # Restrictions of every size: a handful (measured one by one) and many (own grid).
    for size in (1, 3, 16, 17, 120):
        chosen = sorted(rng.choice(len(features), size, replace=False).tolist())
        ids = [f"O{j}" for j in chosen]
        sub_reference = _Reference(collection(*(features[j] for j in chosen)))
        restricted = fence.check_many(lats, lons, acc, office_ids=ids)
        for i in range(0, len(lats), 3):
            v = fence.check(lats[i], lons[i], acc[i], office_ids=ids)
            assert restricted.verdict(i) == v
            office, d = sub_reference.nearest(lats[i], lons[i])
            assert (v.office_id, v.distance_m) == (office, pytest.approx(d, abs=1e-6))


def test_geofence_basics(fence: geo.Geofence) -> None:
    assert len(fence) == 4
    assert fence.office_ids == ("PJY-A", "PJY-L", "PJY-C", "PJY-K")
    assert "PJY-C" in fence
    assert "PJY-Z" not in fence
    assert repr(fence) == "Geofence(4 offices, tolerance_m=0, max_accuracy_m=100)"
    assert fence.area_m2("PJY-A") == pytest.approx(6000, rel=1e-4)
    assert fence.area_m2("PJY-L") == pytest.approx(100 * 100 - 60 * 60, rel=1e-4)
    assert fence.area_m2("PJY-C") == pytest.approx(120 * 120 - 40 * 40, rel=1e-4)
    assert fence.area_m2("PJY-K") == pytest.approx(2 * 40 * 60, rel=1e-4)
