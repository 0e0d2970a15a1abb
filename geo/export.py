"""GeoJSON export of offices, for the PWA's map preview."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

if TYPE_CHECKING:
    from geo.fence import Geofence

__all__ = ["office_outline", "offices_geojson"]


def _ring(coords: Any, precision: int) -> list[list[float]]:
    rounded: list[list[float]] = np.round(np.asarray(coords)[:, :2], precision).tolist()
    return rounded


def _polygon(polygon: Any, precision: int) -> list[list[list[float]]]:
    return [_ring(polygon.exterior.coords, precision)] + [
        _ring(hole.coords, precision) for hole in polygon.interiors
    ]


def offices_geojson(
    fence: Geofence,
    *,
    office_ids: list[str] | None = None,
    precision: int = 7,
    properties: bool = True,
) -> dict[str, Any]:
    """The offices as an RFC 7946 FeatureCollection, ready for a web map.

    Rings are re-oriented to the RFC's rule (outer rings counter-clockwise, holes clockwise),
    coordinates rounded to ``precision`` decimals (7 ≈ 1 cm) and every feature carries a
    ``bbox``. Each feature's properties are its original properties (unless ``properties`` is
    false) plus ``area_m2`` and ``label`` (a [lon, lat] point inside the office, for a marker or
    a name tag). The result can be read back with ``Geofence.from_geojson``.
    """
    table = fence.table
    wanted = range(len(table)) if office_ids is None else [table.index_of(i) for i in office_ids]
    features = []
    for i in wanted:
        geometry = shapely.orient_polygons(table.geometries[i])
        if geometry.geom_type == "Polygon":
            shape: dict[str, Any] = {
                "type": "Polygon",
                "coordinates": _polygon(geometry, precision),
            }
        else:
            shape = {
                "type": "MultiPolygon",
                "coordinates": [_polygon(part, precision) for part in geometry.geoms],
            }
        label = shapely.point_on_surface(geometry)
        props = dict(table.properties[i]) if properties else {}
        props.pop("id", None)  # the id is the feature's id
        props["area_m2"] = round(float(table.area_m2[i]), 1)
        props["label"] = [round(label.x, precision), round(label.y, precision)]
        features.append(
            {
                "type": "Feature",
                "id": table.ids[i],
                "bbox": np.round(table.lonlat_bounds[i], precision).tolist(),
                "geometry": shape,
                "properties": props,
            }
        )
    bounds = table.lonlat_bounds[list(wanted)]
    bbox = [
        float(bounds[:, 0].min()),
        float(bounds[:, 1].min()),
        float(bounds[:, 2].max()),
        float(bounds[:, 3].max()),
    ]
    return {
        "type": "FeatureCollection",
        "bbox": [round(v, precision) for v in bbox],
        "features": features,
    }


_METRES_PER_DEGREE = 111_320.0


def office_outline(
    fence: Geofence, office_id: str, *, tolerance_m: float = 2.0, precision: int = 6
) -> dict[str, Any]:
    """One office's outline, simplified for a small drawing (a verdict's sketch).

    Vertices closer than ``tolerance_m`` to the simplified line are dropped (topology kept, so
    holes stay holes) and coordinates are rounded to ``precision`` decimals (6 ≈ 10 cm): a few
    dozen points instead of a surveyed outline's hundreds. Not for judging fixes.
    """
    table = fence.table
    geometry = shapely.orient_polygons(table.geometries[table.index_of(office_id)])
    simplified = shapely.simplify(
        geometry, tolerance_m / _METRES_PER_DEGREE, preserve_topology=True
    )
    if simplified.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": _polygon(simplified, precision)}
    return {
        "type": "MultiPolygon",
        "coordinates": [_polygon(part, precision) for part in simplified.geoms],
    }
