"""Benchmark: geo.Geofence against a bare shapely STRtree point-in-polygon query.

Builds N small offices (rectangles, L-shapes, courtyards with a hole, two-block campuses) spread
over Peninsular Malaysia and Borneo, and M fixes with accuracies of 5–60 m (most near an office,
some anywhere), then prints side by side:

* one ``Geofence.check()`` (median of single calls) vs one bare
  ``STRtree.query(Point, predicate="within")`` on the same lon/lat polygons;
* ``Geofence.check_many()`` throughput vs the bare vectorised
  ``STRtree.query(points, predicate="within")``;

and the ratios against the goals (single ≤ 2× bare, moonshot ≤ 20 µs; vectorised ≥ 0.5× bare,
moonshot ≥ 1 M fixes/s). Point construction is counted on both sides: ``check`` receives floats,
``check_many`` receives arrays. Not a pass/fail test.

    .venv/bin/python bench/geo_bench.py [--offices 10000] [--fixes 200000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import shapely

import geo

# Land areas to scatter offices over: (min lon, min lat, max lon, max lat).
REGIONS = [
    (100.2, 1.5, 103.8, 6.4),  # Peninsular Malaysia
    (110.2, 1.2, 113.5, 3.2),  # Sarawak (Kuching–Sibu–Bintulu)
    (115.9, 4.8, 118.3, 6.5),  # Sabah
]
M_PER_DEG_LAT = 110_600.0


def _offset(lat: float, lon: float, east_m: float, north_m: float) -> list[float]:
    return [
        lon + east_m / (M_PER_DEG_LAT * math.cos(math.radians(lat))),
        lat + north_m / M_PER_DEG_LAT,
    ]


def _ring(
    lat: float, lon: float, pts: list[tuple[float, float]], angle: float
) -> list[list[float]]:
    c, s = math.cos(angle), math.sin(angle)
    ring = [_offset(lat, lon, x * c - y * s, x * s + y * c) for x, y in pts]
    return [*ring, ring[0]]


def make_offices(n: int, rng: np.random.Generator) -> dict[str, Any]:
    """n small offices: 40–300 m across, of four kinds, with ids OFF-00000 …"""
    features = []
    weights = np.array([(r[2] - r[0]) * (r[3] - r[1]) for r in REGIONS])
    region_of = rng.choice(len(REGIONS), size=n, p=weights / weights.sum())
    for i in range(n):
        r = REGIONS[region_of[i]]
        lat = float(rng.uniform(r[1], r[3]))
        lon = float(rng.uniform(r[0], r[2]))
        w = float(rng.uniform(40, 300)) / 2
        h = float(rng.uniform(40, 300)) / 2
        angle = float(rng.uniform(0, math.pi))
        kind = i % 4
        if kind == 0:  # rectangle
            geometry = {
                "type": "Polygon",
                "coordinates": [_ring(lat, lon, [(-w, -h), (w, -h), (w, h), (-w, h)], angle)],
            }
        elif kind == 1:  # L-shape
            pts = [(-w, -h), (w, -h), (w, 0), (0, 0), (0, h), (-w, h)]
            geometry = {"type": "Polygon", "coordinates": [_ring(lat, lon, pts, angle)]}
        elif kind == 2:  # courtyard
            outer = _ring(lat, lon, [(-w, -h), (w, -h), (w, h), (-w, h)], angle)
            hole = _ring(
                lat,
                lon,
                [(-w / 3, -h / 3), (-w / 3, h / 3), (w / 3, h / 3), (w / 3, -h / 3)],
                angle,
            )
            geometry = {"type": "Polygon", "coordinates": [outer, hole]}
        else:  # two-block campus
            a = _ring(lat, lon, [(-w, -h), (-w / 4, -h), (-w / 4, h), (-w, h)], angle)
            b = _ring(lat, lon, [(w / 4, -h), (w, -h), (w, h), (w / 4, h)], angle)
            geometry = {"type": "MultiPolygon", "coordinates": [[a], [b]]}
        features.append(
            {"type": "Feature", "id": f"OFF-{i:05d}", "properties": {}, "geometry": geometry}
        )
    return {"type": "FeatureCollection", "features": features}


def make_fixes(
    n: int, centres: np.ndarray, rng: np.random.Generator, near_share: float = 0.8
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n fixes: near_share of them within a few hundred metres of an office, the rest anywhere."""
    near = int(n * near_share)
    pick = rng.integers(0, len(centres), size=near)
    lat0 = centres[pick, 1]
    lon0 = centres[pick, 0]
    north = rng.normal(0, 120, size=near)
    east = rng.normal(0, 120, size=near)
    lats_near = lat0 + north / M_PER_DEG_LAT
    lons_near = lon0 + east / (M_PER_DEG_LAT * np.cos(np.radians(lat0)))
    r = rng.choice(len(REGIONS), size=n - near)
    box = np.array(REGIONS)[r]
    lats_far = rng.uniform(box[:, 1], box[:, 3])
    lons_far = rng.uniform(box[:, 0], box[:, 2])
    lats = np.concatenate([lats_near, lats_far])
    lons = np.concatenate([lons_near, lons_far])
    order = rng.permutation(n)
    acc = rng.uniform(5, 60, size=n)
    return lats[order], lons[order], acc


def median_single_us(
    fn: Callable[[float, float, float], object],
    lats: list[float],
    lons: list[float],
    accs: list[float],
) -> tuple[float, float]:
    """Median and mean time of one call, µs."""
    clock = time.perf_counter_ns
    times = []
    for la, lo, ac in zip(lats, lons, accs, strict=True):
        t0 = clock()
        fn(la, lo, ac)
        times.append(clock() - t0)
    return statistics.median(times) / 1000.0, statistics.fmean(times) / 1000.0


def best_rate(fn: Callable[[], object], n: int, repeat: int = 3) -> float:
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return n / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offices", type=int, default=10_000)
    parser.add_argument("--fixes", type=int, default=200_000)
    parser.add_argument("--single", type=int, default=20_000, help="fixes timed one by one")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    fc = make_offices(args.offices, rng)
    t0 = time.perf_counter()
    fence = geo.Geofence.from_geojson(fc)
    build_s = time.perf_counter() - t0

    polygons = shapely.from_geojson([json.dumps(f["geometry"]) for f in fc["features"]])
    tree = shapely.STRtree(polygons)
    centres = shapely.get_coordinates(shapely.centroid(polygons))
    lats, lons, accs = make_fixes(args.fixes, centres, rng)

    k = min(args.single, args.fixes)
    la, lo, ac = lats[:k].tolist(), lons[:k].tolist(), accs[:k].tolist()

    def bare_one(lat: float, lon: float, _acc: float) -> object:
        return tree.query(shapely.Point(lon, lat), predicate="within")

    def ours_one(lat: float, lon: float, acc: float) -> object:
        return fence.check(lat, lon, acc)

    assigned = [fc["features"][0]["id"], fc["features"][1]["id"]]

    def ours_assigned(lat: float, lon: float, acc: float) -> object:
        return fence.check(lat, lon, acc, office_ids=assigned)

    for fn in (bare_one, ours_one, ours_assigned):  # warm up
        median_single_us(fn, la[:500], lo[:500], ac[:500])
    bare_single, bare_mean = median_single_us(bare_one, la, lo, ac)
    ours_single, ours_mean = median_single_us(ours_one, la, lo, ac)
    ours_single_assigned, _ = median_single_us(ours_assigned, la, lo, ac)

    n = args.fixes
    bare_rate = best_rate(lambda: tree.query(shapely.points(lons, lats), predicate="within"), n)
    ours_rate = best_rate(lambda: fence.check_many(lats, lons, accs), n)

    cols = fence.check_many(lats, lons, accs)
    counts = {
        s: int(np.count_nonzero(cols.status == s)) for s in ("inside", "outside", "uncertain")
    }
    mismatches = 0
    for i in range(0, min(k, 5000)):
        v = fence.check(la[i], lo[i], ac[i])
        mismatches += cols.verdict(i) != v

    print(f"{args.offices:,} offices (built in {build_s:.2f} s), {n:,} fixes, accuracy 5–60 m")
    print(
        f"verdicts: {counts}; check vs check_many disagreements in {min(k, 5000)} fixes: "
        f"{mismatches}"
    )
    print()
    print(f"{'':34}{'geo':>14}{'bare STRtree':>16}{'ratio':>9}   goal")
    print(
        f"{'one fix, median':34}{ours_single:>11.1f} µs{bare_single:>13.1f} µs"
        f"{ours_single / bare_single:>8.2f}×   ≤ 2× (moonshot ≤ 20 µs)"
    )
    print(f"{'one fix, mean':34}{ours_mean:>11.1f} µs{bare_mean:>13.1f} µs")
    print(f"{'one fix, 2 assigned offices, median':34}{ours_single_assigned:>11.1f} µs")
    print(
        f"{'vectorised, fixes/s':34}{ours_rate:>14,.0f}{bare_rate:>16,.0f}"
        f"{ours_rate / bare_rate:>8.2f}×   ≥ 0.5× (moonshot ≥ 1,000,000/s)"
    )


if __name__ == "__main__":
    main()
