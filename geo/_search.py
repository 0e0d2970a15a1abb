"""Finding the nearest office to a fix: exact answers, found quickly.

"Nearest" means the smallest signed distance (so the office a fix is deepest inside wins), ties
going to the office listed first in the FeatureCollection. Every path below returns exactly that
office and distance; the structures only decide how few offices need to be measured.

* :class:`GridIndex` — uniform grids over longitude/latitude. Each office is registered in every
  cell that its bounding box, widened by the grid's reach (metres), touches. So every office
  within reach of a fix is in the fix's cell list; if the best office in the list is within
  reach, no office outside the list can beat it and the answer is final. A *near* grid (reach at
  least the accuracy limit plus the tolerance, so every fix whose verdict depends on where it is
  gets answered there), a *wide* grid (≥ 5 km) for fixes away from every office, and beyond that
  an STRtree: some office gives an upper bound D, and every office whose envelope meets the
  bounding box of the D-circle is measured.
* :class:`BruteIndex` — a few offices (an officer's assigned offices): measure them all.

Both have a scalar method (one fix, plain Python floats: no per-call numpy overhead besides the
trigonometry) and a vectorised one; they return the same answers bit for bit (see
:mod:`geo._kernel`).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import shapely

from geo._kernel import OfficeTable, project_pairs, signed_distance, signed_distance_pairs
from geo.projection import E2, RAD, A, ecef_arrays, ecef_point, project_point

__all__ = ["BRUTE_MAX", "BruteIndex", "GridIndex", "Index"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

BRUTE_MAX: Final = 16
"""Restrictions to at most this many offices are searched by measuring each one."""

_MAX_CELLS: Final = 1024
"""An office that would cover more grid cells than this is tested by its bounding box instead."""

_M_MIN: Final = A * (1.0 - E2)
"""The smallest radius of curvature of the WGS 84 ellipsoid (meridian at the equator), metres:
dividing a distance by it over-estimates the angle it spans, which keeps search boxes wide enough.
"""

_PRUNE_SLACK_M: Final = 1e-6
_CELL_FACTOR: Final = 1.0
"""Grid cell size as a fraction of the median widened office extent (measured: 0.25–1.5 differ by
less than the noise; larger cells mean fewer keys to search)."""
_LOWER: Final = 1.0 - 1e-9
"""A chord is never longer than its ground arc; this factor only leaves room for rounding."""
_BIG_POLYGON: Final = 64
"""Offices with more edges than this are measured with numpy even for a single fix."""
_NO_OFFICE: Final = -1


def _degrees_around(lat: float, radius_m: float) -> tuple[float, float]:
    """Half-height and half-width, in degrees, of a box certain to hold the circle of that radius.

    The width is the longitude span of a spherical cap of the same angular radius, taken at the
    box's latitude nearest a pole, with 1 % to spare; 360 when the cap reaches a pole.
    """
    theta = radius_m * 1.01 / _M_MIN
    dlat = theta / RAD + 1e-9
    far_lat = min(abs(lat) + dlat, 90.0)
    if theta >= math.pi / 2 or far_lat >= 89.9:
        return dlat, 360.0
    sin_dlon = math.sin(theta) / math.cos(far_lat * RAD)
    dlon = 360.0 if sin_dlon >= 1.0 else math.asin(sin_dlon) * 1.01 / RAD + 1e-9
    return dlat, dlon


def _lon_intervals(lon: float, dlon: float) -> list[tuple[float, float]]:
    """[lon − dlon, lon + dlon] as one or two intervals within −180..180 (split at ±180)."""
    lo, hi = lon - dlon, lon + dlon
    if dlon >= 180.0:
        return [(-180.0, 180.0)]
    if lo < -180.0:
        return [(-180.0, hi), (lo + 360.0, 180.0)]
    if hi > 180.0:
        return [(lo, 180.0), (-180.0, hi - 360.0)]
    return [(lo, hi)]


def _scan(
    table: OfficeTable,
    candidates: Any,
    x: float,
    y: float,
    z: float,
    best_o: int = _NO_OFFICE,
    best_d: float = math.inf,
) -> tuple[int, float]:
    """Measure candidates (any order) and keep the nearest, ties to the lower office index.

    An office whose local bounding box is already farther than the best distance so far cannot
    win and is not measured edge by edge.
    """
    frames = table.frame_tuples
    edges = table.edge_tuples
    bounds = table.local_bounds
    for o in candidates:
        px, py = project_point(x, y, z, frames[o])
        if best_o != _NO_OFFICE:
            xmin, ymin, xmax, ymax = bounds[o]
            gx = xmin - px if px < xmin else (px - xmax if px > xmax else 0.0)
            gy = ymin - py if py < ymin else (py - ymax if py > ymax else 0.0)
            if gx != 0.0 or gy != 0.0:
                limit = best_d + _PRUNE_SLACK_M
                if limit < 0.0 or gx * gx + gy * gy > limit * limit:
                    continue
        office_edges = edges[o]
        if len(office_edges) <= _BIG_POLYGON:
            d = signed_distance(px, py, office_edges)
        else:
            d = float(
                signed_distance_pairs(
                    np.array([px]), np.array([py]), np.array([o], dtype=np.intp), table
                )[0]
            )
        if d < best_d or (d == best_d and o < best_o):
            best_o, best_d = o, d
    return best_o, best_d


def _pairs_distance(
    table: OfficeTable,
    fix: IntArray,
    office: IntArray,
    xyz: tuple[FloatArray, FloatArray, FloatArray],
) -> FloatArray:
    x, y, z = xyz
    px, py = project_pairs(x[fix], y[fix], z[fix], office, table)
    return signed_distance_pairs(px, py, office, table)


def _best_per_fix(
    fix: IntArray, office: IntArray, dist: FloatArray, n: int, grouped: bool
) -> tuple[IntArray, FloatArray]:
    """For each of n fixes, the pair with the smallest distance (ties: lowest office).

    ``grouped``: pairs are already sorted by fix, and by office within a fix (cheaper path).
    Fixes without pairs get office −1 and distance +inf.
    """
    best_o = np.full(n, _NO_OFFICE, dtype=np.intp)
    best_d = np.full(n, np.inf)
    if len(fix) == 0:
        return best_o, best_d
    if not grouped:
        order = np.lexsort((office, dist, fix))
        fix, office, dist = fix[order], office[order], dist[order]
        first = np.flatnonzero(np.r_[True, fix[1:] != fix[:-1]])
        best_o[fix[first]] = office[first]
        best_d[fix[first]] = dist[first]
        return best_o, best_d
    starts = np.flatnonzero(np.r_[True, fix[1:] != fix[:-1]])
    mins = np.minimum.reduceat(dist, starts)
    sizes = np.diff(np.r_[starts, len(fix)])
    hits = np.flatnonzero(dist == np.repeat(mins, sizes))
    hit_fix = fix[hits]
    first = hits[np.r_[True, hit_fix[1:] != hit_fix[:-1]]]
    best_o[fix[first]] = office[first]
    best_d[fix[starts]] = mins
    return best_o, best_d


class Index(ABC):
    """The nearest office among ``members`` (sorted global office indices)."""

    def __init__(self, table: OfficeTable, members: IntArray) -> None:
        self.table = table
        self.members = members

    @abstractmethod
    def nearest(self, lat: float, lon: float) -> tuple[int, float]:
        """(office index, signed distance in metres) for one fix."""

    @abstractmethod
    def nearest_many(self, lats: FloatArray, lons: FloatArray) -> tuple[IntArray, FloatArray]:
        """Vectorised :meth:`nearest`."""


class BruteIndex(Index):
    """Measure every member: the right thing for an officer's two or three offices."""

    def __init__(self, table: OfficeTable, members: IntArray) -> None:
        super().__init__(table, members)
        self._member_list = tuple(members.tolist())

    def nearest(self, lat: float, lon: float) -> tuple[int, float]:
        return _scan(self.table, self._member_list, *ecef_point(lat, lon))

    def nearest_many(self, lats: FloatArray, lons: FloatArray) -> tuple[IntArray, FloatArray]:
        n = len(lats)
        k = len(self.members)
        fix = np.repeat(np.arange(n), k)
        office = np.tile(self.members, n)
        dist = _pairs_distance(self.table, fix, office, ecef_arrays(lats, lons))
        return _best_per_fix(fix, office, dist, n, grouped=True)


def _degrees_around_arrays(lats: FloatArray, radius_m: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Vectorised :func:`_degrees_around`."""
    theta = radius_m * 1.01 / _M_MIN
    dlat = theta / RAD + 1e-9
    far_lat = np.minimum(np.abs(lats) + dlat, 90.0)
    sin_dlon = np.sin(np.minimum(theta, math.pi / 2)) / np.maximum(np.cos(far_lat * RAD), 1e-300)
    full = (theta >= math.pi / 2) | (far_lat >= 89.9) | (sin_dlon >= 1.0)
    dlon = np.arcsin(np.minimum(sin_dlon, 1.0)) * 1.01 / RAD + 1e-9
    return dlat, np.where(full, 360.0, dlon)


def _search_boxes(lats: FloatArray, lons: FloatArray, radius_m: FloatArray) -> tuple[IntArray, Any]:
    """Boxes certain to hold each circle; (owner row of each box, shapely boxes).

    A circle across the antimeridian gets two boxes.
    """
    dlat, dlon = _degrees_around_arrays(lats, radius_m)
    lo_lat = np.maximum(lats - dlat, -90.0)
    hi_lat = np.minimum(lats + dlat, 90.0)
    lo = lons - dlon
    hi = lons + dlon
    full = dlon >= 180.0
    west = ~full & (lo < -180.0)  # also needs [lo + 360, 180]
    east = ~full & (hi > 180.0)  # also needs [-180, hi - 360]
    rows = np.arange(len(lats))
    owner = np.concatenate([rows, rows[west], rows[east]])
    xmin = np.concatenate(
        [
            np.where(full, -180.0, np.maximum(lo, -180.0)),
            lo[west] + 360.0,
            np.full(int(east.sum()), -180.0),
        ]
    )
    xmax = np.concatenate(
        [
            np.where(full, 180.0, np.minimum(hi, 180.0)),
            np.full(int(west.sum()), 180.0),
            hi[east] - 360.0,
        ]
    )
    ymin = np.concatenate([lo_lat, lo_lat[west], lo_lat[east]])
    ymax = np.concatenate([hi_lat, hi_lat[west], hi_lat[east]])
    return owner, shapely.box(xmin, ymin, xmax, ymax)


class _Cells:
    """One grid level: each office listed in every cell its widened bounding box touches.

    Cells are square in degrees, about the median widened office size, so an office sits in a few
    cells and a cell lists a few offices. Offices that would fill too many cells (or whose widened
    box crosses the antimeridian or reaches a pole) are kept aside and tested by bounding box.
    """

    def __init__(self, table: OfficeTable, members: IntArray, reach_m: float) -> None:
        self.reach_m = reach_m
        widened = np.array(
            [_widen(b, reach_m) for b in table.lonlat_bounds[members].tolist()], dtype=np.float64
        )
        extent = np.maximum(widened[:, 2] - widened[:, 0], widened[:, 3] - widened[:, 1])
        cell = float(np.clip(_CELL_FACTOR * np.median(extent), 1e-4, 1.0))
        inv = self._inv_cell = 1.0 / cell
        width = self._width = math.floor(360.0 * inv) + 2  # cell keys: row * width + column

        cells: dict[int, list[int]] = {}
        big: list[tuple[int, float, float, float, float]] = []
        for o, (lo_lon, lo_lat, hi_lon, hi_lat) in zip(
            members.tolist(), widened.tolist(), strict=True
        ):
            iy0 = math.floor((max(lo_lat, -90.0) + 90.0) * inv)
            iy1 = math.floor((min(hi_lat, 90.0) + 90.0) * inv)
            ix0 = math.floor((lo_lon + 180.0) * inv)
            ix1 = math.floor((hi_lon + 180.0) * inv)
            if lo_lon < -180.0 or hi_lon > 180.0 or (iy1 - iy0 + 1) * (ix1 - ix0 + 1) > _MAX_CELLS:
                big.append((o, lo_lon, lo_lat, hi_lon, hi_lat))
                continue
            for iy in range(iy0, iy1 + 1):
                row = iy * width
                for ix in range(ix0, ix1 + 1):
                    cells.setdefault(row + ix, []).append(o)  # members ascend: lists stay sorted
        self._cells = {key: tuple(offices) for key, offices in cells.items()}
        self._big = tuple(big)

        keys = sorted(cells)
        self._keys = np.array(keys, dtype=np.int64)
        self._counts = np.array([len(cells[k]) for k in keys], dtype=np.intp)
        self._starts = (np.cumsum(self._counts) - self._counts).astype(np.intp)
        self._flat = np.array([o for k in keys for o in cells[k]], dtype=np.intp)

    def candidates(self, lat: float, lon: float) -> tuple[int, ...] | list[int]:
        """Offices listed for the fix's cell, ascending; includes every office within reach."""
        key = math.floor((lat + 90.0) * self._inv_cell) * self._width + math.floor(
            (lon + 180.0) * self._inv_cell
        )
        found = self._cells.get(key, ())
        if not self._big:
            return found
        extra = [
            o
            for o, lo_lon, lo_lat, hi_lon, hi_lat in self._big
            if lo_lat <= lat <= hi_lat and (lon - lo_lon) % 360.0 <= hi_lon - lo_lon
        ]
        return sorted({*found, *extra}) if extra else found

    def pairs(self, lats: FloatArray, lons: FloatArray) -> tuple[IntArray, IntArray, bool]:
        """Vectorised :meth:`candidates`: (fix row, office) pairs, and whether they are grouped
        by fix with offices ascending (they are unless set-aside offices were added)."""
        n = len(lats)
        if len(self._keys):
            keys = np.floor((lats + 90.0) * self._inv_cell).astype(np.int64) * self._width
            keys += np.floor((lons + 180.0) * self._inv_cell).astype(np.int64)
            pos = np.searchsorted(self._keys, keys)
            np.minimum(pos, len(self._keys) - 1, out=pos)
            counts = np.where(self._keys[pos] == keys, self._counts[pos], 0)
            ends = np.cumsum(counts)
            total = int(ends[-1]) if n else 0
            fix = np.repeat(np.arange(n), counts)
            office = self._flat[
                np.repeat(self._starts[pos] - (ends - counts), counts) + np.arange(total)
            ]
        else:
            fix = office = np.empty(0, dtype=np.intp)
        if not self._big:
            return fix, office, True
        fixes = [fix]
        offices = [office]
        for o, lo_lon, lo_lat, hi_lon, hi_lat in self._big:
            hit = np.flatnonzero(
                (lats >= lo_lat) & (lats <= hi_lat) & ((lons - lo_lon) % 360.0 <= hi_lon - lo_lon)
            )
            fixes.append(hit)
            offices.append(np.full(len(hit), o, dtype=np.intp))
        return np.concatenate(fixes), np.concatenate(offices), False


def _widen(b: list[float], reach_m: float) -> tuple[float, float, float, float]:
    """An office's lon/lat bounding box grown by reach_m metres on every side."""
    lo_lon, lo_lat, hi_lon, hi_lat = b
    dlat, dlon = _degrees_around(max(abs(lo_lat), abs(hi_lat)), reach_m)
    if dlon >= 360.0:
        return -540.0, lo_lat - dlat, 540.0, hi_lat + dlat
    return lo_lon - dlon, lo_lat - dlat, hi_lon + dlon, hi_lat + dlat


class GridIndex(Index):
    """Two grid levels and an STRtree, each exact within its reach.

    1. *near* cells (reach ≥ the accuracy limit + tolerance): every fix whose verdict can depend
       on its position is answered here, from a handful of offices;
    2. *wide* cells (reach ≥ 5 km): fixes away from every office; offices that cannot beat the
       best upper bound (by their bounding disks) are skipped before measuring;
    3. beyond that, an STRtree: some nearby office gives an upper bound D, then every office whose
       envelope meets the bounding box of the D-circle is measured.
    """

    def __init__(self, table: OfficeTable, members: IntArray, reach_m: float) -> None:
        super().__init__(table, members)
        self.reach_m = reach_m
        self._near = _Cells(table, members, reach_m)
        self._wide = _Cells(table, members, max(20.0 * reach_m, 5000.0))
        self._tree: Any = None  # STRtree over the members, built on the first need

    def _tree_members(self) -> Any:
        if self._tree is None:
            self._tree = shapely.STRtree(self.table.geometries[self.members])
        return self._tree

    # --- one fix ---------------------------------------------------------------------------

    def nearest(self, lat: float, lon: float) -> tuple[int, float]:
        x, y, z = ecef_point(lat, lon)
        o, d = _scan(self.table, self._near.candidates(lat, lon), x, y, z)
        if d > self._near.reach_m:
            o, d = self._scan_by_disk(self._wide.candidates(lat, lon), x, y, z, o, d)
            if d > self._wide.reach_m:
                o, d = self._far(lat, lon, x, y, z, o, d)
        return o, d

    def _scan_by_disk(
        self, candidates: Any, x: float, y: float, z: float, o: int, d: float
    ) -> tuple[int, float]:
        """Measure candidates nearest-first by a lower bound, stopping when none can win.

        Lower bound: the chord to the office's frame origin (never longer than the ground
        distance) minus the radius of its bounding disk.
        """
        frames = self.table.frame_tuples
        radius = self.table.radius_tuple
        bounds = []
        for c in candidates:
            f = frames[c]
            dx = x - f[0]
            dy = y - f[1]
            dz = z - f[2]
            bounds.append((math.sqrt(dx * dx + dy * dy + dz * dz) * _LOWER - radius[c] - 1e-3, c))
        bounds.sort()
        best_o, best_d = o, d
        for low, c in bounds:
            if low > best_d:
                break
            best_o, best_d = _scan(self.table, (c,), x, y, z, best_o, best_d)
        return best_o, best_d

    def _far(
        self, lat: float, lon: float, x: float, y: float, z: float, o: int, d: float
    ) -> tuple[int, float]:
        tree = self._tree_members()
        if o == _NO_OFFICE:
            nearest = tree.query_nearest(shapely.Point(lon, lat), all_matches=False)
            o, d = _scan(self.table, self.members[nearest].tolist(), x, y, z)
        dlat, dlon = _degrees_around(lat, d)
        boxes = [
            shapely.box(lo, max(lat - dlat, -90.0), hi, min(lat + dlat, 90.0))
            for lo, hi in _lon_intervals(lon, dlon)
        ]
        hits = tree.query(boxes)[1]
        return _scan(self.table, self.members[hits].tolist(), x, y, z, o, d)

    # --- many fixes ------------------------------------------------------------------------

    def nearest_many(self, lats: FloatArray, lons: FloatArray) -> tuple[IntArray, FloatArray]:
        n = len(lats)
        xyz = ecef_arrays(lats, lons)
        fix, office, grouped = self._near.pairs(lats, lons)
        dist = _pairs_distance(self.table, fix, office, xyz)
        best_o, best_d = _best_per_fix(fix, office, dist, n, grouped)

        rows = np.flatnonzero(best_d > self._near.reach_m)
        if len(rows):
            o, d = self._wide_many(rows, lats[rows], lons[rows], xyz, best_o[rows], best_d[rows])
            best_o[rows] = o
            best_d[rows] = d
            far = d > self._wide.reach_m
            if far.any():
                rows = rows[far]
                o, d = self._far_many(rows, lats[rows], lons[rows], xyz, best_o[rows], best_d[rows])
                best_o[rows] = o
                best_d[rows] = d
        return best_o, best_d

    def _wide_many(
        self,
        rows: IntArray,
        lats: FloatArray,
        lons: FloatArray,
        xyz: tuple[FloatArray, FloatArray, FloatArray],
        best_o: IntArray,
        best_d: FloatArray,
    ) -> tuple[IntArray, FloatArray]:
        """The wide level for fixes ``rows``; measures only offices whose bounding disk could
        beat the best upper bound of their fix."""
        n = len(rows)
        fix, office, grouped = self._wide.pairs(lats, lons)
        if not grouped:
            order = np.lexsort((office, fix))
            fix, office = fix[order], office[order]
        x, y, z = xyz
        g = rows[fix]
        x0, y0, z0 = self.table.frame_columns[:3]
        dx = x[g] - np.take(x0, office)
        dy = y[g] - np.take(y0, office)
        dz = z[g] - np.take(z0, office)
        chord = np.sqrt(dx * dx + dy * dy + dz * dz)
        radius = self.table.radius_m[office]
        upper = best_d.copy()
        if len(fix):
            # Ground arc ≤ chord·(1 + 0.2·x²) with x = chord / 2R ≤ 0.5 (asin x / x ≤ 1 + 0.2 x²
            # there), R ≥ the smallest radius of curvature.
            x2 = chord * chord * (0.25 / (_M_MIN * _M_MIN))
            arc = np.where(x2 <= 0.25, chord * (1.0 + 0.2 * x2) * (1.0 + 1e-9), np.inf)
            starts = np.flatnonzero(np.r_[True, fix[1:] != fix[:-1]])
            ub = np.minimum.reduceat(arc + radius + 1e-3, starts)
            upper[fix[starts]] = np.minimum(upper[fix[starts]], ub)
        keep = chord * _LOWER - radius - 1e-3 <= upper[fix]
        fix, office = fix[keep], office[keep]
        dist = _pairs_distance(self.table, rows[fix], office, xyz)
        has = best_o != _NO_OFFICE
        local = np.flatnonzero(has)
        return _best_per_fix(
            np.concatenate([fix, local]),
            np.concatenate([office, best_o[has]]),
            np.concatenate([dist, best_d[has]]),
            n,
            grouped=False,
        )

    def _far_many(
        self,
        rows: IntArray,
        lats: FloatArray,
        lons: FloatArray,
        xyz: tuple[FloatArray, FloatArray, FloatArray],
        best_o: IntArray,
        best_d: FloatArray,
    ) -> tuple[IntArray, FloatArray]:
        """The STRtree search for fixes ``rows`` (lats/lons are theirs alone)."""
        tree = self._tree_members()
        n = len(rows)
        has = np.flatnonzero(best_o != _NO_OFFICE)
        fix_parts = [has]
        office_parts = [best_o[has]]
        dist_parts = [best_d[has]]
        missing = np.flatnonzero(best_o == _NO_OFFICE)
        if len(missing):
            q_in, q_tree = tree.query_nearest(
                shapely.points(lons[missing], lats[missing]), all_matches=False
            )
            f = missing[q_in]
            o = self.members[q_tree]
            d = _pairs_distance(self.table, rows[f], o, xyz)
            best_d = best_d.copy()
            best_d[f] = d  # one match per fix (all_matches=False)
            fix_parts.append(f)
            office_parts.append(o)
            dist_parts.append(d)
        owner, boxes = _search_boxes(lats, lons, best_d)
        b_in, b_tree = tree.query(boxes)
        f = owner[b_in]
        o = self.members[b_tree]
        fix_parts.append(f)
        office_parts.append(o)
        dist_parts.append(_pairs_distance(self.table, rows[f], o, xyz))
        return _best_per_fix(
            np.concatenate(fix_parts),
            np.concatenate(office_parts),
            np.concatenate(dist_parts),
            n,
            grouped=False,
        )
