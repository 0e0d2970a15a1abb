"""Reading office polygons from a GeoJSON FeatureCollection (RFC 7946), strictly.

Every problem becomes a :class:`~geo.errors.GeofenceError` whose message names the feature (by id
when it has one, else by its index) and says what is wrong, so that an agency administrator who
drew the polygon can fix it. Nothing from ``json`` or shapely escapes as another exception type.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
import shapely.errors

from geo.errors import GeofenceError

__all__ = ["ParsedOffice", "parse_feature_collection"]


@dataclass(frozen=True, slots=True)
class ParsedOffice:
    """One valid office: its id, its geometry in lon/lat and its rings as arrays."""

    id: str
    geometry: Any  # shapely Polygon or MultiPolygon, longitude/latitude
    rings: tuple[npt.NDArray[np.float64], ...]  # closed rings, (k, 2) lon/lat
    outer: tuple[bool, ...]  # per ring: an outer ring (True) or a hole (False)
    properties: Mapping[str, Any]


def _where(index: int, office_id: str | None) -> str:
    return f"feature {index}" if office_id is None else f"feature {index} (id {_show(office_id)})"


def _show(value: Any, limit: int = 60) -> str:
    """A short repr of a user's value for a message (never fails, never floods the log)."""
    try:
        text = repr(value)
    except ValueError:  # e.g. an integer with more digits than int → str allows
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _kind(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        kind = value.get("type")
        return f"a {kind}" if isinstance(kind, str) and kind else "an object"
    if isinstance(value, Sequence):
        return "an array"
    return type(value).__name__


def _normalise_id(value: Any) -> str | None:
    """Feature ids are strings or numbers in GeoJSON; Hadir keeps them as strings."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value) if abs(value) < 10**64 else None
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else repr(value)
    return None


def _feature_id(feature: Mapping[str, Any], index: int) -> str:
    props = feature.get("properties")
    if props is not None and not isinstance(props, Mapping):
        raise GeofenceError(
            f"{_where(index, None)}: 'properties' must be an object or null, not {_kind(props)}"
        )
    raw_top = feature.get("id")
    raw_prop = props.get("id") if props else None
    top = _normalise_id(raw_top)
    prop = _normalise_id(raw_prop)
    if raw_top is not None and top is None:
        raise GeofenceError(
            f"{_where(index, None)}: id {_show(raw_top)} is not a non-empty string or a number"
        )
    if raw_prop is not None and prop is None:
        raise GeofenceError(
            f"{_where(index, None)}: properties.id {_show(raw_prop)} is not a non-empty string "
            "or a number"
        )
    if top is not None and prop is not None and top != prop:
        raise GeofenceError(
            f"{_where(index, None)}: feature.id {top!r} and properties.id {prop!r} disagree"
        )
    office_id = top if top is not None else prop
    if office_id is None:
        raise GeofenceError(
            f"{_where(index, None)}: no office id (set feature.id or properties.id)"
        )
    return office_id


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:  # an integer too large for a float
        return math.inf


def _position(value: Any, where: str) -> tuple[float, float]:
    # Fast path for what json.loads produces: two or three floats in range (10× quicker than the
    # general checks below, which also explain what is wrong).
    if type(value) is list and 2 <= len(value) <= 3:
        lon, lat = value[0], value[1]
        if (
            type(lon) is float
            and type(lat) is float
            and -90.0 <= lat <= 90.0
            and -180.0 <= lon <= 180.0
            and (len(value) == 2 or type(value[2]) in (float, int))
        ):
            return lon, lat
    return _checked_position(value, where)


def _checked_position(value: Any, where: str) -> tuple[float, float]:
    if not isinstance(value, Sequence) or isinstance(value, str) or not 2 <= len(value) <= 3:
        raise GeofenceError(
            f"{where}: a position must be [longitude, latitude], got {_show(value)}"
        )
    lon = _number(value[0])
    lat = _number(value[1])
    if lon is None or lat is None or (len(value) == 3 and _number(value[2]) is None):
        raise GeofenceError(f"{where}: position {_show(value)} has a non-number coordinate")
    if not (-90.0 <= lat <= 90.0) or not (-180.0 <= lon <= 180.0):
        hint = ""
        if -90.0 <= lon <= 90.0 and -180.0 <= lat <= 180.0:
            hint = (
                " — are longitude and latitude swapped? GeoJSON positions are [longitude, latitude]"
            )
        raise GeofenceError(
            f"{where}: position [{_show(value[0], 24)}, {_show(value[1], 24)}] is out of range "
            f"(longitude must be within −180..180 and latitude within −90..90){hint}"
        )
    return lon, lat


def _ring(value: Any, where: str) -> npt.NDArray[np.float64]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise GeofenceError(f"{where}: a ring must be an array of positions, not {_kind(value)}")
    if len(value) < 4:
        raise GeofenceError(
            f"{where}: a ring needs at least 4 positions (a triangle plus the closing position), "
            f"got {len(value)}"
        )
    points = [_position(p, where) for p in value]
    if points[0] != points[-1]:
        raise GeofenceError(
            f"{where}: ring is not closed: the first position {list(points[0])} differs from the "
            f"last {list(points[-1])}"
        )
    return np.array(points, dtype=np.float64)


def _polygon_rings(value: Any, where: str) -> list[npt.NDArray[np.float64]]:
    if not isinstance(value, Sequence) or isinstance(value, str) or not value:
        raise GeofenceError(f"{where}: Polygon coordinates must be a non-empty array of rings")
    return [
        _ring(ring, f"{where}, {'outer ring' if k == 0 else f'hole {k}'}")
        for k, ring in enumerate(value)
    ]


_REASON = re.compile(r"^(?P<what>.*?)\s*\[(?P<x>\S+) (?P<y>\S+)\]$")


def _explain_invalid(reason: str) -> str:
    """GEOS says 'Self-intersection[101.69 2.93]'; say it in GeoJSON order."""
    match = _REASON.match(reason)
    if not match:
        return reason
    return f"{match['what'].lower()} at [{match['x']}, {match['y']}] (longitude, latitude)"


def _geometry(value: Any, where: str) -> tuple[Any, list[npt.NDArray[np.float64]], list[bool]]:
    if not isinstance(value, Mapping):
        raise GeofenceError(
            f"{where}: geometry must be a Polygon or MultiPolygon, not {_kind(value)}"
        )
    kind = value.get("type")
    coords = value.get("coordinates")
    try:
        if kind == "Polygon":
            rings = _polygon_rings(coords, where)
            geometry = shapely.Polygon(rings[0], rings[1:])
            all_rings = rings
            outer = [k == 0 for k in range(len(rings))]
        elif kind == "MultiPolygon":
            if not isinstance(coords, Sequence) or isinstance(coords, str) or not coords:
                raise GeofenceError(
                    f"{where}: MultiPolygon coordinates must be a non-empty array of polygons"
                )
            parts = [_polygon_rings(p, f"{where}, part {k}") for k, p in enumerate(coords)]
            geometry = shapely.MultiPolygon([shapely.Polygon(r[0], r[1:]) for r in parts])
            all_rings = [ring for part in parts for ring in part]
            outer = [k == 0 for part in parts for k in range(len(part))]
        else:
            shown = kind if isinstance(kind, str) else _kind(kind)
            raise GeofenceError(
                f"{where}: geometry type {_show(shown)} is not a Polygon or MultiPolygon"
            )
        reason = shapely.is_valid_reason(geometry)
    except shapely.errors.ShapelyError as exc:  # should not happen after the checks above
        raise GeofenceError(f"{where}: unusable polygon ({exc})") from None
    if reason != "Valid Geometry":
        raise GeofenceError(f"{where}: invalid polygon: {_explain_invalid(str(reason))}")
    return geometry, all_rings, outer


def _load(data: Any) -> Any:
    if isinstance(data, str | bytes | bytearray):
        try:
            return json.loads(data)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
            raise GeofenceError(f"not valid JSON: {exc}") from None
    return data


def parse_feature_collection(data: Any) -> list[ParsedOffice]:
    """Validate a FeatureCollection (a mapping, or JSON text) and return its offices in order."""
    collection = _load(data)
    if not isinstance(collection, Mapping) or collection.get("type") != "FeatureCollection":
        raise GeofenceError(f"expected a GeoJSON FeatureCollection, got {_kind(collection)}")
    features = collection.get("features")
    if not isinstance(features, Sequence) or isinstance(features, str):
        raise GeofenceError("the FeatureCollection has no 'features' array")
    if not features:
        raise GeofenceError("the FeatureCollection has no features: at least one office is needed")
    offices: list[ParsedOffice] = []
    seen: dict[str, int] = {}
    for index, feature in enumerate(features):
        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            raise GeofenceError(f"feature {index}: expected a Feature, got {_kind(feature)}")
        office_id = _feature_id(feature, index)
        where = _where(index, office_id)
        if office_id in seen:
            raise GeofenceError(f"{where}: duplicate id, already used by feature {seen[office_id]}")
        seen[office_id] = index
        geometry, rings, outer = _geometry(feature.get("geometry"), where)
        props = feature.get("properties") or {}
        offices.append(ParsedOffice(office_id, geometry, tuple(rings), tuple(outer), dict(props)))
    return offices
