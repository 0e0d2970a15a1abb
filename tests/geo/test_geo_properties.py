"""Property-based tests (hypothesis) for the geofence rule and the GeoJSON reader."""

from __future__ import annotations

import itertools
import json
import math
from typing import Any

from geo_helpers import collection, feature, offset, polygon, ring
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import geo

# Moderate example counts keep the whole tests/geo run to a few seconds; no deadline because the
# first examples pay numpy's and shapely's warm-up; generating nested JSON can be slow or large.
TOLERATED = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=TOLERATED)
MAX_ACCURACY = 100.0

latitudes = st.floats(-70, 70)
longitudes = st.floats(-179.9, 179.9)
tolerances = st.sampled_from([0.0, 0.0, 2.5, 10.0])


def _rotate(points: list[tuple[float, float]], angle: float) -> list[tuple[float, float]]:
    c, s = math.cos(angle), math.sin(angle)
    return [(x * c - y * s, x * s + y * c) for x, y in points]


@st.composite
def rectangles(draw: st.DrawFn) -> dict[str, Any]:
    """A rotated rectangle office somewhere on Earth, with its frame for placing fixes."""
    lat, lon = draw(latitudes), draw(longitudes)
    w, h = draw(st.floats(15, 400)), draw(st.floats(15, 400))
    angle = draw(st.floats(0, math.pi))
    corners = _rotate([(-w, -h), (w, -h), (w, h), (-w, h)], angle)
    return {"lat": lat, "lon": lon, "w": w, "h": h, "angle": angle, "ring": ring(lat, lon, corners)}


def _place(office: dict[str, Any], a: float, b: float) -> tuple[float, float]:
    """The point at (a, b) metres in the rectangle's own (rotated) axes."""
    ((east, north),) = _rotate([(a, b)], office["angle"])
    return offset(office["lat"], office["lon"], east, north)


def _fence(office: dict[str, Any], tolerance: float) -> geo.Geofence:
    return geo.Geofence.from_geojson(
        collection(feature("office", polygon(office["ring"]))),
        tolerance_m=tolerance,
        max_accuracy_m=MAX_ACCURACY,
    )


@SETTINGS
@given(
    office=rectangles(),
    tolerance=tolerances,
    r=st.floats(0, 150),
    u=st.floats(-1, 1),
    v=st.floats(-1, 1),
)
def test_a_fix_far_inside_is_never_outside(
    office: dict[str, Any], tolerance: float, r: float, u: float, v: float
) -> None:
    # Keep the whole accuracy circle (plus 1 m for drawing error) inside the rectangle.
    margin = r + 1.0
    assume(office["w"] > margin and office["h"] > margin)
    a = u * (office["w"] - margin)
    b = v * (office["h"] - margin)
    verdict = _fence(office, tolerance).check(*_place(office, a, b), r)
    assert verdict.status != "outside"
    assert verdict.status == ("uncertain" if r > MAX_ACCURACY else "inside")
    assert verdict.distance_m <= -margin + 1.0 + 1e-6


@SETTINGS
@given(
    office=rectangles(),
    tolerance=tolerances,
    r=st.floats(0, 150),
    beyond=st.floats(1, 5000),
    side=st.sampled_from([(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1)]),
    along=st.floats(-1, 1),
)
def test_a_fix_far_outside_is_never_inside(
    office: dict[str, Any],
    tolerance: float,
    r: float,
    beyond: float,
    side: tuple[int, int],
    along: float,
) -> None:
    gap = r + tolerance + beyond  # distance from the rectangle, at least
    w, h = office["w"], office["h"]
    a = side[0] * (w + gap) if side[0] else along * w
    b = side[1] * (h + gap) if side[1] else along * h
    verdict = _fence(office, tolerance).check(*_place(office, a, b), r)
    assert verdict.status != "inside"
    assert verdict.status == ("uncertain" if r > MAX_ACCURACY else "outside")
    # The test places the fix with a local offset whose own error grows with distance (about
    # 0.1 m per km); the library's distances are exact to well under that.
    assert verdict.distance_m >= gap - 1.0 - gap * 1e-3


@st.composite
def scenes(draw: st.DrawFn) -> dict[str, Any]:
    """A few offices (possibly touching or overlapping each other) and fixes around them."""
    lat, lon = draw(latitudes), draw(longitudes)
    features = []
    for i in range(draw(st.integers(1, 6))):
        east, north = draw(st.floats(-1500, 1500)), draw(st.floats(-1500, 1500))
        w, h = draw(st.floats(10, 300)), draw(st.floats(10, 300))
        c_lat, c_lon = offset(lat, lon, east, north)
        square = ring(
            c_lat, c_lon, _rotate([(-w, -h), (w, -h), (w, h), (-w, h)], draw(st.floats(0, 3)))
        )
        features.append(feature(f"O{i}", polygon(square)))
    fixes = []
    for _ in range(draw(st.integers(1, 12))):
        if draw(st.booleans()):
            spread = draw(st.sampled_from([100.0, 2000.0, 20000.0, 300000.0]))
            fix = offset(
                lat, lon, draw(st.floats(-spread, spread)), draw(st.floats(-spread, spread))
            )
        else:  # on a vertex of an office, exactly
            office = draw(st.sampled_from(features))
            fix_lon, fix_lat = draw(st.sampled_from(office["geometry"]["coordinates"][0]))
            fix = (fix_lat, fix_lon)
        if not (-90 <= fix[0] <= 90 and -180 <= fix[1] <= 180):
            continue
        fixes.append((*fix, draw(st.sampled_from([0.0, 5.0, 20.0, 60.0, 99.0, 120.0]))))
    ids = [f["id"] for f in features]
    restriction = draw(st.none() | st.lists(st.sampled_from(ids), min_size=1, unique=True))
    return {"features": features, "fixes": fixes, "office_ids": restriction}


@settings(max_examples=80, deadline=None, suppress_health_check=TOLERATED)
@given(scene=scenes(), tolerance=tolerances)
def test_check_many_agrees_with_check(scene: dict[str, Any], tolerance: float) -> None:
    fence = geo.Geofence.from_geojson(collection(*scene["features"]), tolerance_m=tolerance)
    fixes = scene["fixes"]
    assume(fixes)
    lats, lons, accs = zip(*fixes, strict=True)
    cols = fence.check_many(lats, lons, accs, office_ids=scene["office_ids"])
    assert len(cols) == len(fixes)
    for i, (lat, lon, r) in enumerate(fixes):
        verdict = fence.check(lat, lon, r, office_ids=scene["office_ids"])
        assert cols.status[i] == verdict.status
        assert cols.office_id[i] == verdict.office_id
        assert cols.distance_m[i] == verdict.distance_m  # bit for bit
        assert cols.verdict(i) == verdict


_RANK = {"inside": 0, "uncertain": 1, "outside": 2}


@SETTINGS
@given(
    office=rectangles(),
    tolerance=tolerances,
    a=st.floats(-3, 3),
    b=st.floats(-3, 3),
    radii=st.lists(st.floats(0, 200), min_size=2, max_size=6),
)
def test_growing_the_accuracy_only_moves_towards_uncertain(
    office: dict[str, Any], tolerance: float, a: float, b: float, radii: list[float]
) -> None:
    fence = _fence(office, tolerance)
    fix = _place(office, a * office["w"], b * office["h"])
    statuses = [fence.check(*fix, r).status for r in sorted(radii)]
    for smaller, larger in itertools.pairwise(statuses):
        if smaller == "uncertain":
            assert larger == "uncertain"
        else:
            assert larger in (smaller, "uncertain")
    assert all(s in _RANK for s in statuses)


# --- any JSON ------------------------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)
numbers = st.floats(-200, 200) | st.integers(-200, 200) | st.floats(allow_nan=True) | json_scalars
positions = st.lists(numbers, min_size=0, max_size=4) | json_values


@st.composite
def rings_(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 4)) == 0:
        return draw(json_values)
    base_lat, base_lon = draw(st.floats(-89, 89)), draw(st.floats(-179, 179))
    points = draw(
        st.lists(
            st.tuples(st.floats(-0.01, 0.01), st.floats(-0.01, 0.01)).map(
                lambda d: [base_lon + d[1], base_lat + d[0]]
            )
            | positions,
            min_size=0,
            max_size=7,
        )
    )
    if points and draw(st.booleans()):
        points.append(points[0])  # usually closed
    return points


geometries = (
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Polygon", "MultiPolygon", "Point", "polygon"]),
            "coordinates": st.lists(rings_(), max_size=3)
            | st.lists(st.lists(rings_(), max_size=2), max_size=2)
            | json_values,
        }
    )
    | json_values
)
features = st.fixed_dictionaries(
    {"type": st.sampled_from(["Feature", "Feature", "feature"]), "geometry": geometries},
    optional={
        "id": st.text(max_size=3) | st.integers(0, 5) | st.floats() | json_values,
        "properties": st.none()
        | st.fixed_dictionaries({}, optional={"id": json_scalars})
        | json_values,
    },
)


@st.composite
def plausible_features(draw: st.DrawFn) -> dict[str, Any]:
    """Features that are often valid: random polygons of 3–7 vertices, often star-shaped (points
    sorted by angle), anywhere including the poles and the antimeridian, sometimes with a hole."""
    lat = draw(st.floats(-90, 90))
    lon = draw(st.floats(-180, 180))
    size = draw(st.sampled_from([1e-4, 1e-2, 1.0, 60.0]))
    offsets = draw(st.lists(st.tuples(st.floats(-1, 1), st.floats(-1, 1)), min_size=3, max_size=7))
    if draw(st.booleans()):
        offsets.sort(key=lambda d: math.atan2(d[1], d[0]))
    points = [
        [min(180.0, max(-180.0, lon + dx * size)), min(90.0, max(-90.0, lat + dy * size))]
        for dx, dy in offsets
    ]
    rings = [[*points, points[0]]]
    if draw(st.booleans()):  # a small square hole around the first point's neighbourhood
        hx, hy = (points[0][0] + lon) / 2, (points[0][1] + lat) / 2
        e = size / 50
        rings.append(
            [
                [hx - e, hy - e],
                [hx - e, hy + e],
                [hx + e, hy + e],
                [hx + e, hy - e],
                [hx - e, hy - e],
            ]
        )
    geometry = (
        {"type": "Polygon", "coordinates": rings}
        if draw(st.booleans())
        else {"type": "MultiPolygon", "coordinates": [rings]}
    )
    return feature(draw(st.text(min_size=1, max_size=3) | st.integers(0, 99)), geometry)


collections = st.fixed_dictionaries(
    {"type": st.sampled_from(["FeatureCollection", "FeatureCollection", "Feature"])},
    optional={
        "features": st.lists(
            plausible_features() | plausible_features() | features | json_values, max_size=4
        )
        | json_values
    },
)

mostly_valid_collections = st.lists(plausible_features(), min_size=1, max_size=4).map(
    lambda fs: collection(*fs)
)


def _only_geofence_or_geofence_error(data: Any) -> None:
    try:
        fence = geo.Geofence.from_geojson(data)
    except geo.GeofenceError:
        return
    assert isinstance(fence, geo.Geofence)
    # Whatever was accepted must also be usable.
    verdict = fence.check(0.0, 0.0, 10.0)
    cols = fence.check_many([0.0, 45.0], [0.0, 90.0], [10.0, 10.0])
    assert cols.verdict(0) == verdict
    assert json.loads(json.dumps(fence.to_geojson()))["type"] == "FeatureCollection"


@settings(max_examples=150, deadline=None, suppress_health_check=TOLERATED)
@given(data=json_values | collections | mostly_valid_collections)
def test_any_json_gives_a_geofence_or_a_geofence_error(data: Any) -> None:
    _only_geofence_or_geofence_error(data)


@settings(max_examples=100, deadline=None, suppress_health_check=TOLERATED)
@given(data=collections | mostly_valid_collections, as_bytes=st.booleans())
def test_any_json_text_gives_a_geofence_or_a_geofence_error(data: Any, as_bytes: bool) -> None:
    text = json.dumps(data, allow_nan=True)
    _only_geofence_or_geofence_error(text.encode() if as_bytes else text)


@settings(max_examples=50, deadline=None, suppress_health_check=TOLERATED)
@given(text=st.text(max_size=40))
def test_any_text_gives_a_geofence_or_a_geofence_error(text: str) -> None:
    _only_geofence_or_geofence_error(text)
