"""geo.office_outline: an office's outline simplified for a small drawing."""

from __future__ import annotations

import math

import geo


def _fence(geometry: dict) -> geo.Geofence:  # type: ignore[type-arg]
    return geo.Geofence.from_geojson(
        {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "id": "A", "geometry": geometry, "properties": {}}],
        }
    )


def test_a_dense_outline_becomes_a_few_points_and_keeps_its_hole() -> None:
    outer = [
        [
            101.69675 + 0.0007 * math.cos(2 * math.pi * i / 3000),
            2.9266 + 0.0006 * math.sin(2 * math.pi * i / 3000),
        ]
        for i in range(3000)
    ]
    outer.append(outer[0])
    hole = [
        [101.6967, 2.9265],
        [101.6967, 2.9267],
        [101.6968, 2.9267],
        [101.6968, 2.9265],
        [101.6967, 2.9265],
    ]
    outline = geo.office_outline(_fence({"type": "Polygon", "coordinates": [outer, hole]}), "A")
    assert outline["type"] == "Polygon"
    shell, kept_hole = outline["coordinates"]
    assert len(shell) < 150 and shell[0] == shell[-1]
    assert len(kept_hole) == 5


def test_several_parts_stay_several() -> None:
    square = [[0.0, 0.0], [0.001, 0.0], [0.001, 0.001], [0.0, 0.001], [0.0, 0.0]]
    other = [[x + 0.01, y] for x, y in square]
    fence = _fence({"type": "MultiPolygon", "coordinates": [[square], [other]]})
    outline = geo.office_outline(fence, "A")
    assert outline["type"] == "MultiPolygon" and len(outline["coordinates"]) == 2
