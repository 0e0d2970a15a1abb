"""Office table and the signed point-to-office distance, scalar and vectorised.

Each office is kept as the list of its ring edges in its own local metric frame
(:mod:`geo.projection`). The signed distance from a point to an office is the distance to the
nearest edge of any ring (outer rings and holes alike), negative when the point is inside, where
"inside" is decided by the even–odd crossing rule over all rings — which handles holes and
multi-part campuses without special cases, because a valid (Multi)Polygon's rings never cross.

Why not shapely here: for the handful of edges an office has, a loop over edges in Python beats
the overhead of calling GEOS for one point (``Geofence.check``), and the same arithmetic written
with numpy over all (fix, edge) pairs beats ``shapely.distance`` + ``contains_xy`` in bulk
(``Geofence.check_many``). Both versions below perform the same floating-point operations in the
same order, so they agree bit for bit. Keep them in step when editing either.

Points exactly on an edge have distance 0 whichever way the crossing test falls, so the sign
ambiguity of ray casting on the boundary never changes a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import shapely

from geo._geojson import ParsedOffice
from geo.errors import GeofenceError
from geo.projection import Frame, ecef_arrays, frames_for, project_arrays

__all__ = [
    "Edge",
    "OfficeTable",
    "build_table",
    "project_pairs",
    "signed_distance",
    "signed_distance_pairs",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

Edge = tuple[float, float, float, float, float, float, float]
"""(x0, y0, y1, dx, dy, 1/length², dx/dy or 0) of one ring edge, metres in the office frame."""


@dataclass(frozen=True, slots=True, eq=False)
class OfficeTable:
    """Everything the search needs about the offices, by office index (FeatureCollection order)."""

    ids: tuple[str, ...]
    geometries: npt.NDArray[np.object_]  # shapely (Multi)Polygons, longitude/latitude
    properties: tuple[dict[str, Any], ...]
    lonlat_bounds: FloatArray  # (n, 4): min lon, min lat, max lon, max lat
    frames: FloatArray  # (n, 13), see geo.projection.Frame
    frame_columns: tuple[FloatArray, ...]  # the same, one contiguous array per column
    frame_tuples: tuple[Frame, ...]
    edge_columns: tuple[FloatArray, ...]  # x0, y0, y1, dx, dy of every edge, grouped by office
    edge_start: IntArray  # (n,): first edge row of each office
    edge_count: IntArray  # (n,)
    edge_tuples: tuple[tuple[Edge, ...], ...]
    local_bounds: tuple[tuple[float, float, float, float], ...]  # xmin, ymin, xmax, ymax (m)
    radius_m: FloatArray  # (n,): farthest vertex from the frame origin (the office's bounding disk)
    radius_tuple: tuple[float, ...]
    area_m2: FloatArray  # (n,)

    def __len__(self) -> int:
        return len(self.ids)

    def index_of(self, office_id: str) -> int:
        """The index of an office; :class:`GeofenceError` for an unknown id."""
        try:
            return self.ids.index(office_id)
        except ValueError:
            raise GeofenceError(f"unknown office id {office_id!r}") from None


def build_table(offices: Sequence[ParsedOffice]) -> OfficeTable:
    """Project every office into its own frame and tabulate its edges."""
    geometries = np.empty(len(offices), dtype=object)
    geometries[:] = [o.geometry for o in offices]
    bounds = np.asarray(shapely.bounds(geometries), dtype=np.float64)
    frames = frames_for((bounds[:, 1] + bounds[:, 3]) * 0.5, (bounds[:, 0] + bounds[:, 2]) * 0.5)

    # All ring vertices of all offices at once: which office and which ring each belongs to.
    rings = [ring for o in offices for ring in o.rings]
    ring_office = np.repeat(np.arange(len(offices)), [len(o.rings) for o in offices])
    ring_len = np.array([len(r) for r in rings])
    lonlat = np.concatenate(rings)
    vertex_office = np.repeat(ring_office, ring_len)
    x, y = project_arrays(
        *ecef_arrays(lonlat[:, 1], lonlat[:, 0]), [c[vertex_office] for c in frames.T]
    )

    # Edges join consecutive vertices of the same ring (rings are closed, so the last vertex
    # repeats the first). Zero-length edges (repeated positions) are dropped.
    last_of_ring = np.cumsum(ring_len) - 1
    start = np.ones(len(x), dtype=bool)
    start[last_of_ring] = False
    i0 = np.flatnonzero(start)
    i1 = i0 + 1
    x0, y0, x1, y1 = x[i0], y[i0], x[i1], y[i1]
    dx = x1 - x0
    dy = y1 - y0
    keep = (dx != 0.0) | (dy != 0.0)
    cross = x0 * y1 - x1 * y0  # shoelace terms, for the area
    x0, y0, y1, dx, dy = x0[keep], y0[keep], y1[keep], dx[keep], dy[keep]
    edge_office = vertex_office[i0][keep]
    slope = np.zeros_like(dx)
    np.divide(dx, dy, out=slope, where=dy != 0.0)
    edges = np.stack([x0, y0, y1, dx, dy, 1.0 / (dx * dx + dy * dy), slope], axis=1)

    edge_count = np.bincount(edge_office, minlength=len(offices)).astype(np.intp)
    edge_start = (np.cumsum(edge_count) - edge_count).astype(np.intp)
    edge_rows = cast(list[Edge], [tuple(row) for row in edges.tolist()])
    edge_tuples = tuple(
        tuple(edge_rows[s : s + c])
        for s, c in zip(edge_start.tolist(), edge_count.tolist(), strict=True)
    )
    # Bounding box of each office in its frame (for pruning candidates in the scalar search).
    ymin = np.full(len(offices), np.inf)
    ymax = np.full(len(offices), -np.inf)
    np.minimum.at(ymin, vertex_office, y)
    np.maximum.at(ymax, vertex_office, y)
    xmin = np.full(len(offices), np.inf)
    xmax = np.full(len(offices), -np.inf)
    np.minimum.at(xmin, vertex_office, x)
    np.maximum.at(xmax, vertex_office, x)
    local_bounds = tuple(
        zip(xmin.tolist(), ymin.tolist(), xmax.tolist(), ymax.tolist(), strict=True)
    )
    radius = np.zeros(len(offices))
    np.maximum.at(radius, vertex_office, np.sqrt(x * x + y * y))
    # Shoelace area per edge (each edge contributes x0*y1 - x1*y0; holes run the other way
    # round from their outer ring in a valid polygon, but GeoJSON producers do not always follow
    # the winding rule, so take the absolute area per ring).
    edge_ring = np.repeat(np.arange(len(rings)), ring_len - 1)
    ring_area = np.abs(np.bincount(edge_ring, weights=cross, minlength=len(rings))) * 0.5
    is_outer = np.array([flag for o in offices for flag in o.outer], dtype=bool)
    signed_ring_area = np.where(is_outer, ring_area, -ring_area)
    area = np.bincount(ring_office, weights=signed_ring_area, minlength=len(offices)).astype(
        np.float64
    )

    return OfficeTable(
        ids=tuple(o.id for o in offices),
        geometries=geometries,
        properties=tuple(dict(o.properties) for o in offices),
        lonlat_bounds=bounds,
        frames=frames,
        frame_columns=tuple(np.ascontiguousarray(frames[:, k]) for k in range(frames.shape[1])),
        frame_tuples=cast(tuple[Frame, ...], tuple(tuple(f) for f in frames.tolist())),
        edge_columns=(x0, y0, y1, dx, dy),
        edge_start=edge_start,
        edge_count=edge_count,
        edge_tuples=edge_tuples,
        local_bounds=local_bounds,
        radius_m=radius,
        radius_tuple=tuple(radius.tolist()),
        area_m2=area,
    )


def signed_distance(px: float, py: float, edges: tuple[Edge, ...]) -> float:
    """Signed distance (m) from a point to an office given by its edges: negative inside."""
    best = math.inf
    inside = False
    for x0, y0, y1, dx, dy, inv, slope in edges:
        ax = px - x0
        ay = py - y0
        t = (ax * dx + ay * dy) * inv
        if t < 0.0:
            t = 0.0
        elif t > 1.0:
            t = 1.0
        qx = ax - t * dx
        qy = ay - t * dy
        d2 = qx * qx + qy * qy
        if d2 < best:
            best = d2
        if ((y0 > py) != (y1 > py)) and px < x0 + ay * slope:
            inside = not inside
    d = math.sqrt(best)
    return -d if inside else d


def signed_distance_pairs(
    px: FloatArray, py: FloatArray, office: IntArray, table: OfficeTable
) -> FloatArray:
    """Vectorised :func:`signed_distance` for many (point, office) pairs."""
    if len(office) == 0:
        return np.empty(0, dtype=np.float64)
    counts = table.edge_count[office]
    ends = np.cumsum(counts)
    seg = ends - counts
    pair_of_edge = np.repeat(np.arange(len(office)), counts)
    edge_idx = np.arange(int(ends[-1])) + np.repeat(table.edge_start[office] - seg, counts)
    # Gather only what cannot be recomputed: 1/length² and the slope are recomputed below (the
    # same expressions as in build_table, so the same values), which is cheaper than gathering.
    x0, y0, y1, dx, dy = (np.take(c, edge_idx) for c in table.edge_columns)
    inv = dx * dx
    inv += dy * dy
    np.divide(1.0, inv, out=inv)
    pxe = px[pair_of_edge]
    pye = py[pair_of_edge]
    ax = pxe - x0
    ay = pye - y0
    t = ax * dx
    t += ay * dy
    t *= inv
    np.maximum(t, 0.0, out=t)
    np.minimum(t, 1.0, out=t)
    qx = t * dx
    np.subtract(ax, qx, out=qx)
    qy = t * dy
    np.subtract(ay, qy, out=qy)
    qx *= qx
    qy *= qy
    qx += qy
    d = np.sqrt(np.minimum.reduceat(qx, seg))
    cross = (y0 > pye) != (y1 > pye)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Where dy == 0 the slope is ±inf or nan, but such an edge never crosses: y0 == y1.
        ay *= dx / dy
    ay += x0
    cross &= pxe < ay
    inside = np.add.reduceat(cross.view(np.uint8), seg) & 1  # parity; uint8 wrap-around keeps it
    return np.where(inside.astype(bool), -d, d)


def project_pairs(
    x: FloatArray, y: FloatArray, z: FloatArray, office: IntArray, table: OfficeTable
) -> tuple[FloatArray, FloatArray]:
    """Each ECEF point in the frame of its office (vectorised ``project_point``)."""
    # Gather 9 of the 13 frame columns and rebuild the others exactly as frames_for made them.
    c = table.frame_columns
    x0, y0, z0, ex, ey, nz, uz, inv_m, inv_n = (
        np.take(c[k], office) for k in (0, 1, 2, 3, 4, 7, 10, 11, 12)
    )
    neg_sin_lat = -uz
    sin_lon = -ex
    frame = (x0, y0, z0, ex, ey, neg_sin_lat * ey, neg_sin_lat * sin_lon, nz, nz * ey, nz * sin_lon)
    return project_arrays(x, y, z, (*frame, uz, inv_m, inv_n))
