"""Bad office data: a GeofenceError (a ValueError) naming the feature and the problem."""

from __future__ import annotations

import json
from typing import Any

import pytest
from geo_helpers import PUTRAJAYA, collection, feature, polygon, rectangle, ring

import geo

LAT, LON = PUTRAJAYA
GOOD = rectangle(LAT, LON, 50, 30)


def fails(data: Any, *fragments: str, **kw: Any) -> geo.GeofenceError:
    with pytest.raises(geo.GeofenceError) as caught:
        geo.Geofence.from_geojson(data, **kw)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, message
    assert isinstance(caught.value, ValueError)
    return caught.value


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (feature("A", polygon(GOOD)), "got a Feature"),
        (polygon(GOOD), "got a Polygon"),
        ([feature("A", polygon(GOOD))], "got an array"),
        (None, "got null"),
        (42, "got a number"),
        ({"type": "FeatureCollection"}, "no 'features' array"),
        ({"type": "FeatureCollection", "features": {"0": 1}}, "no 'features' array"),
        ('{"type": "FeatureCollection", "features": [', "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        ("", "not valid JSON"),
    ],
)
def test_not_a_feature_collection(data: Any, said: str) -> None:
    fails(data, said)


def test_no_features() -> None:
    fails(collection(), "no features")
    fails('{"type": "FeatureCollection", "features": []}', "no features")


def test_a_feature_that_is_not_a_feature() -> None:
    fails(
        collection(feature("A", polygon(GOOD)), {"type": "Polygon"}), "feature 1:", "got a Polygon"
    )
    fails(collection("A"), "feature 0:", "got a string")


@pytest.mark.parametrize(
    "office",
    [
        {"type": "Feature", "properties": {}, "geometry": polygon(GOOD)},
        {"type": "Feature", "properties": None, "geometry": polygon(GOOD)},
        {"type": "Feature", "geometry": polygon(GOOD)},
    ],
)
def test_a_feature_without_an_id(office: dict[str, Any]) -> None:
    fails(collection(feature("A", polygon(GOOD)), office), "feature 1:", "no office id")


@pytest.mark.parametrize(
    ("office", "said"),
    [
        (feature("", polygon(GOOD)), "not a non-empty string or a number"),
        (feature(True, polygon(GOOD)), "not a non-empty string or a number"),
        (feature(["A"], polygon(GOOD)), "not a non-empty string or a number"),
        (feature(None, polygon(GOOD), id="  "), "properties.id '  '"),
        (feature("A", polygon(GOOD), id="B"), "feature.id 'A' and properties.id 'B' disagree"),
        (
            {"type": "Feature", "id": "A", "properties": [1], "geometry": polygon(GOOD)},
            "'properties'",
        ),
    ],
)
def test_unusable_ids(office: dict[str, Any], said: str) -> None:
    fails(collection(office), "feature 0", said)


def test_absurd_values_still_give_a_readable_error() -> None:
    huge = 10**5000  # more digits than Python will turn into a string
    fails(collection(feature(huge, polygon(GOOD))), "feature 0: id <int> is not")
    bad = [[huge, 3.0], *GOOD[1:-1], [huge, 3.0]]
    fails(collection(feature("X", polygon(bad))), "position [<int>, 3.0] is out of range")
    long_id = "X" * 500
    error = fails(collection(feature(long_id, {"type": "Point"})), "geometry type 'Point'")
    assert len(str(error)) < 200


def test_office_ids_that_are_not_ids() -> None:
    fence = geo.Geofence.from_geojson(collection(feature("A", polygon(GOOD))))
    with pytest.raises(geo.GeofenceError, match="office_ids must be"):
        fence.check(LAT, LON, 5, office_ids=[["A"]])  # type: ignore[list-item]
    with pytest.raises(geo.GeofenceError, match="office_ids must be"):
        fence.check(LAT, LON, 5, office_ids=42)  # type: ignore[arg-type]


def test_ids_may_be_numbers_and_come_back_as_strings() -> None:
    fence = geo.Geofence.from_geojson(
        collection(
            feature(7, polygon(GOOD)), feature(None, polygon(rectangle(LAT, LON + 1, 9, 9)), id=8.0)
        )
    )
    assert fence.office_ids == ("7", "8")
    assert fence.check(LAT, LON, 5, office_ids=[7]).office_id == "7"


def test_duplicate_ids() -> None:
    other = rectangle(LAT, LON + 0.01, 50, 30)
    fails(
        collection(
            feature("A", polygon(GOOD)), feature("B", polygon(other)), feature("A", polygon(other))
        ),
        "feature 2 (id 'A'): duplicate id, already used by feature 0",
    )
    fails(collection(feature(1, polygon(GOOD)), feature("1", polygon(other))), "duplicate id")


@pytest.mark.parametrize(
    ("geometry", "said"),
    [
        ({"type": "Point", "coordinates": [LON, LAT]}, "geometry type 'Point' is not a Polygon"),
        ({"type": "LineString", "coordinates": GOOD}, "'LineString'"),
        ({"type": "GeometryCollection", "geometries": [polygon(GOOD)]}, "'GeometryCollection'"),
        (None, "geometry must be a Polygon or MultiPolygon, not null"),
        ({"coordinates": [GOOD]}, "geometry type 'null'"),
    ],
)
def test_geometry_that_is_not_a_polygon(geometry: Any, said: str) -> None:
    fails(collection(feature("PJY-1", geometry)), "feature 0 (id 'PJY-1')", said)


def test_unclosed_ring() -> None:
    fails(
        collection(feature("PJY-1", polygon(GOOD[:-1]))),
        "feature 0 (id 'PJY-1'), outer ring: ring is not closed",
    )
    hole = ring(LAT, LON, [(-5, -5), (-5, 5), (5, 5), (5, -5)])[:-1]
    fails(collection(feature("PJY-1", polygon(GOOD, hole))), "hole 1: ring is not closed")


def test_ring_too_short() -> None:
    fails(
        collection(feature("X", polygon([GOOD[0], GOOD[1], GOOD[0]]))),
        "needs at least 4 positions",
        "got 3",
    )


def test_latitude_and_longitude_swapped() -> None:
    swapped = [[lat, lon] for lon, lat in GOOD]
    error = fails(
        collection(feature("PJY-1", polygon(swapped))), "feature 0 (id 'PJY-1')", "out of range"
    )
    assert "swapped" in str(error)


@pytest.mark.parametrize(
    "position",
    [[181.0, 3.0], [101.0, -91.0], [float("nan"), 3.0], [101.0, float("inf")], [10**400, 3.0]],
)
def test_coordinates_out_of_range(position: list[float]) -> None:
    bad = [position, *GOOD[1:-1], position]
    fails(collection(feature("X", polygon(bad))), "feature 0 (id 'X')", "out of range")


@pytest.mark.parametrize(
    "position",
    [
        ["101.7", 2.9],
        [101.7, None],
        [True, 2.9],
        [101.7],
        [101.7, 2.9, 0, 0],
        "101.7,2.9",
        {"x": 1},
    ],
)
def test_positions_that_are_not_positions(position: Any) -> None:
    bad = [*GOOD[:2], position, *GOOD[2:]]
    fails(collection(feature("X", polygon(bad))), "feature 0 (id 'X')", "position")


def test_altitude_is_allowed_and_ignored() -> None:
    with_altitude = [[lon, lat, 30.0] for lon, lat in GOOD]
    assert len(geo.Geofence.from_geojson(collection(feature("X", polygon(with_altitude))))) == 1


def test_self_intersecting_polygon_says_where() -> None:
    bow_tie = ring(LAT, LON, [(-50, -50), (50, 50), (50, -50), (-50, 50)])
    error = fails(
        collection(feature("PJY-9", polygon(bow_tie))), "feature 0 (id 'PJY-9')", "invalid polygon"
    )
    assert "self-intersection at [101.69" in str(error)


@pytest.mark.parametrize(
    ("geometry", "said"),
    [
        (  # hole outside its shell
            polygon(GOOD, rectangle(LAT, LON + 0.01, 5, 5)[::-1]),
            "hole lies outside shell",
        ),
        (  # two parts overlapping
            {
                "type": "MultiPolygon",
                "coordinates": [[GOOD], [rectangle(LAT, LON + 0.0003, 50, 30)]],
            },
            "self-intersection",
        ),
        (polygon([[LON, LAT], [LON, LAT], [LON, LAT], [LON, LAT]]), "too few points"),
        (  # no area: all on one parallel
            polygon([[LON, LAT], [LON + 0.001, LAT], [LON + 0.002, LAT], [LON, LAT]]),
            "invalid polygon",
        ),
    ],
)
def test_otherwise_invalid_polygons(geometry: dict[str, Any], said: str) -> None:
    fails(collection(feature("X", geometry)), "feature 0 (id 'X'): invalid polygon", said)


@pytest.mark.parametrize(
    "coordinates",
    [[], "x", [[]], [[GOOD]], {"a": 1}, None, [GOOD, "hole"]],
)
def test_malformed_polygon_coordinates(coordinates: Any) -> None:
    fails(
        collection(feature("X", {"type": "Polygon", "coordinates": coordinates})),
        "feature 0 (id 'X')",
    )


@pytest.mark.parametrize("coordinates", [[], None, [GOOD], [[GOOD], []]])
def test_malformed_multipolygon_coordinates(coordinates: Any) -> None:
    fails(
        collection(feature("X", {"type": "MultiPolygon", "coordinates": coordinates})),
        "feature 0 (id 'X')",
    )


def test_the_problem_feature_is_named_among_many() -> None:
    features = [feature(f"F{i}", polygon(rectangle(LAT + i * 0.01, LON, 20, 20))) for i in range(5)]
    features[3]["geometry"]["coordinates"][0][2] = [LAT, LON]  # swapped position in feature 3
    fails(json.dumps(collection(*features)), "feature 3 (id 'F3')")


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"tolerance_m": -1.0}, "tolerance_m"),
        ({"tolerance_m": float("nan")}, "tolerance_m"),
        ({"max_accuracy_m": 0.0}, "max_accuracy_m"),
        ({"max_accuracy_m": float("nan")}, "max_accuracy_m"),
        ({"max_accuracy_m": "100"}, "max_accuracy_m"),
    ],
)
def test_bad_options(options: dict[str, Any], said: str) -> None:
    with pytest.raises(ValueError, match=said):
        geo.Geofence.from_geojson(collection(feature("A", polygon(GOOD))), **options)
