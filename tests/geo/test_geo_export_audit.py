"""GeoJSON export for the map preview, and the suspicious-polygon helper."""

from __future__ import annotations

import json

import pytest
import shapely
from geo_helpers import PUTRAJAYA, collection, feature, multipolygon, polygon, rectangle, ring

import geo

LAT, LON = PUTRAJAYA
CAPITALS = {
    "JHR": (1.4927, 103.7414),  # Johor Bahru
    "KDH": (6.1248, 100.3678),  # Alor Setar
    "KTN": (6.1254, 102.2381),  # Kota Bharu
    "MLK": (2.1896, 102.2501),  # Melaka
    "NSN": (2.7297, 101.9381),  # Seremban
    "PHG": (3.8077, 103.3260),  # Kuantan
    "PRK": (4.5975, 101.0901),  # Ipoh
    "PLS": (6.4414, 100.1986),  # Kangar
    "PNG": (5.4141, 100.3288),  # George Town
    "SBH": (5.9804, 116.0735),  # Kota Kinabalu
    "SWK": (1.5535, 110.3593),  # Kuching
    "SGR": (3.0733, 101.5185),  # Shah Alam
    "TRG": (5.3302, 103.1408),  # Kuala Terengganu
    "KUL": (3.1390, 101.6869),  # Kuala Lumpur
    "LBN": (5.2831, 115.2308),  # Victoria, Labuan
    "PJY": (2.9264, 101.6964),  # Putrajaya
}

# Clockwise outer ring on purpose (RFC 7946 wants counter-clockwise; readers must accept both).
CLOCKWISE = rectangle(LAT, LON, 60, 60)[::-1]
HOLE = ring(LAT, LON, [(-20, -20), (20, -20), (20, 20), (-20, 20)])  # counter-clockwise hole
BLOCKS = multipolygon(
    [rectangle(LAT + 0.01, LON, 20, 30)], [rectangle(LAT + 0.01, LON + 0.001, 20, 30)]
)


@pytest.fixture(scope="module")
def fence() -> geo.Geofence:
    return geo.Geofence.from_geojson(
        collection(
            feature("PJY-1", polygon(CLOCKWISE, HOLE), name="Perdana Putra"),
            feature("PJY-2", BLOCKS, name="Kampus"),
            feature("tiny", polygon(rectangle(LAT - 0.01, LON, 4, 4))),
            feature("huge", polygon(rectangle(LAT - 0.05, LON, 1500, 1500))),
        )
    )


def test_export_follows_rfc_7946_and_reads_back(fence: geo.Geofence) -> None:
    out = fence.to_geojson()
    assert json.loads(json.dumps(out)) == out  # plain JSON types only
    assert out["type"] == "FeatureCollection"
    assert [f["id"] for f in out["features"]] == ["PJY-1", "PJY-2", "tiny", "huge"]
    first = out["features"][0]
    outer, hole = first["geometry"]["coordinates"]
    assert shapely.LinearRing(outer).is_ccw  # re-oriented
    assert not shapely.LinearRing(hole).is_ccw
    assert first["properties"]["name"] == "Perdana Putra"
    assert first["properties"]["area_m2"] == pytest.approx(120 * 120 - 40 * 40, rel=1e-4)
    label = shapely.Point(first["properties"]["label"])
    assert shapely.geometry.shape(first["geometry"]).contains(label)
    minx, miny, maxx, maxy = first["bbox"]
    assert minx < LON < maxx and miny < LAT < maxy
    assert out["features"][1]["geometry"]["type"] == "MultiPolygon"
    assert out["bbox"][1] == pytest.approx(out["features"][3]["bbox"][1])  # huge is southernmost

    again = geo.Geofence.from_geojson(json.dumps(out))
    assert again.office_ids == fence.office_ids
    for point in [(LAT, LON), (LAT + 0.0003, LON), (LAT + 0.01, LON + 0.0005), (LAT - 0.05, LON)]:
        a, b = fence.check(*point, 5), again.check(*point, 5)
        assert (a.status, a.office_id) == (b.status, b.office_id)
        assert a.distance_m == pytest.approx(b.distance_m, abs=0.02)  # rounding to ~1 cm


def test_export_options(fence: geo.Geofence) -> None:
    out = geo.offices_geojson(fence, office_ids=["PJY-2"], precision=5, properties=False)
    (only,) = out["features"]
    assert only["id"] == "PJY-2"
    assert set(only["properties"]) == {"area_m2", "label"}
    lon, lat = only["geometry"]["coordinates"][0][0][0]
    assert round(lon, 5) == lon and round(lat, 5) == lat
    with pytest.raises(geo.GeofenceError, match="unknown office id"):
        geo.offices_geojson(fence, office_ids=["nope"])


def test_state_table_has_the_sixteen_codes_and_their_capitals() -> None:
    assert set(geo.STATE_BOUNDS) == set(CAPITALS)
    for code, (lat, lon) in CAPITALS.items():
        assert geo.STATE_BOUNDS[code].contains(lat, lon), code
        assert geo.STATE_BOUNDS[code].distance_m(lat, lon) == 0.0


def test_audit_flags_small_large_and_far(fence: geo.Geofence) -> None:
    assert geo.audit_office(fence, "PJY-1", "PJY") == []
    assert geo.audit_office(fence, "PJY-1", "pjy") == []
    (small,) = geo.audit_office(fence, "tiny", "PJY")
    assert (small.code, small.office_id, small.limit) == ("too_small", "tiny", 100.0)
    assert small.value == pytest.approx(64, rel=1e-3)
    (large,) = geo.audit_office(fence, "huge")
    assert large.code == "too_large"
    assert large.value == pytest.approx(9e6, rel=1e-3)
    assert "9.00 km²" in large.message
    (far,) = geo.audit_office(fence, "PJY-1", "SBH")
    assert far.code == "far_from_state"
    assert far.value == pytest.approx(1450, rel=0.05)  # km from Putrajaya to the Sabah box
    assert "PJY" in far.message  # says which box it does lie in
    assert geo.audit_office(fence, "PJY-1", "SGR", far_km=5) == []  # inside the Selangor box
    near_but_outside = geo.audit_office(fence, "PJY-1", "NSN", far_km=5)
    assert [w.code for w in near_but_outside] == ["far_from_state"]
    assert geo.audit_office(fence, "PJY-1", "NSN") == []  # a few km: under the default 50


def test_audit_every_office(fence: geo.Geofence) -> None:
    found = geo.audit_offices(fence, "PJY")
    assert set(found) == {"tiny", "huge"}
    loose = geo.audit_offices(fence, None, min_area_m2=1, max_area_m2=1e7)
    assert loose == {}


def test_audit_rejects_unknown_state_and_office(fence: geo.Geofence) -> None:
    with pytest.raises(geo.GeofenceError, match="unknown state code 'XYZ'"):
        geo.audit_office(fence, "PJY-1", "XYZ")
    with pytest.raises(geo.GeofenceError, match="unknown office id"):
        geo.audit_office(fence, "PJY-9", "PJY")
