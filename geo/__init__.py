"""Hadir's geofencing library: GeoJSON office polygons in, verdicts on GPS fixes out.

    import geo
    fence = geo.Geofence.from_geojson(feature_collection, tolerance_m=0.0, max_accuracy_m=100.0)
    v = fence.check(2.9264, 101.6964, accuracy_m=12.0, office_ids=["PJY-01"])
    v.status, v.office_id, v.distance_m, v.reason

Pure computation: only the standard library, numpy and shapely. See geo/README.md.
"""

from geo.audit import STATE_BOUNDS, OfficeWarning, StateBounds, audit_office, audit_offices
from geo.errors import GeofenceError
from geo.export import office_outline, offices_geojson
from geo.fence import Geofence, Status, Verdict, VerdictColumns
from geo.plausibility import (
    ClockSkew,
    Finding,
    ImpossibleSpeed,
    MockAccuracy,
    PlausibilityLimits,
    RepeatedFix,
    StaleFix,
    TimedFix,
    assess,
    clock_skew,
    impossible_speed,
    mock_accuracy,
    repeated_fix,
    stale_fix,
)
from geo.projection import ground_distance_m

__all__ = [
    "STATE_BOUNDS",
    "ClockSkew",
    "Finding",
    "Geofence",
    "GeofenceError",
    "ImpossibleSpeed",
    "MockAccuracy",
    "OfficeWarning",
    "PlausibilityLimits",
    "RepeatedFix",
    "StaleFix",
    "StateBounds",
    "Status",
    "TimedFix",
    "Verdict",
    "VerdictColumns",
    "assess",
    "audit_office",
    "audit_offices",
    "clock_skew",
    "ground_distance_m",
    "impossible_speed",
    "mock_accuracy",
    "office_outline",
    "offices_geojson",
    "repeated_fix",
    "stale_fix",
]
