"""The geofence: office polygons in, verdicts on GPS fixes out.

A phone reports a position and an accuracy radius r (metres, the browser's
``coords.accuracy``). The fix is judged by its accuracy circle, not by its centre: with d the
signed distance (metres, negative inside) from the centre to the nearest allowed office and t the
tolerance,

* inside     if d − t ≤ −r  (the whole circle lies inside the office grown by t),
* outside    if d − t > r   (the circle does not touch it),
* uncertain  otherwise (the circle straddles the boundary), and always when r exceeds the
  accuracy limit — a fix that vague proves nothing either way.
"""

from __future__ import annotations

import math
import numbers
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from geo._geojson import parse_feature_collection
from geo._kernel import OfficeTable, build_table
from geo._search import BRUTE_MAX, BruteIndex, GridIndex, Index
from geo.errors import GeofenceError

__all__ = ["Geofence", "Status", "Verdict", "VerdictColumns"]

FloatArray = npt.NDArray[np.float64]

# Reach of the near search grid: the accuracy limit plus the tolerance, so that every fix whose
# verdict depends on where it is gets answered from the near grid, but at least 250 m so that near
# misses do too (measured: 100 m → 750k fixes/s, 250 m → 930k/s in bench/geo_bench.py).
_REACH_MIN_M: Final = 250.0
_REACH_MAX_M: Final = 2000.0
# Fixes per batch in check_many: the arrays stay in cache (measured best between 1k and 32k).
_CHUNK: Final = 8192
_RESTRICTION_CACHE: Final = 256


class Status(StrEnum):
    """A verdict's status; a ``str``, so ``Status.INSIDE == "inside"``."""

    INSIDE = "inside"
    OUTSIDE = "outside"
    UNCERTAIN = "uncertain"


_STATUSES: Final = (Status.INSIDE, Status.OUTSIDE, Status.UNCERTAIN)
_STATUS_NAMES: Final = np.array([s.value for s in _STATUSES])


def _reason(
    code: int, office_id: str, d: float, r: float, tolerance_m: float, max_accuracy_m: float
) -> str:
    if abs(d) < 0.05:
        where = "on the boundary"
    else:
        size = f"{abs(d):.1f} m" if abs(d) < 1000.0 else f"{abs(d) / 1000.0:.1f} km"
        where = f"{size} inside" if d < 0.0 else f"{size} outside"
    grown = f" (tolerance {tolerance_m:g} m)" if tolerance_m else ""
    if r > max_accuracy_m:
        return (
            f"accuracy {r:.0f} m is worse than the {max_accuracy_m:g} m limit "
            f"(nearest office {office_id!r}, {where})"
        )
    if code == 0:
        return f"accuracy circle ({r:.0f} m) lies inside office {office_id!r}{grown}; {where}"
    if code == 1:
        return (
            f"accuracy circle ({r:.0f} m) does not reach office {office_id!r}{grown}, the nearest; "
            f"{where}"
        )
    return (
        f"accuracy circle ({r:.0f} m) straddles the boundary of office {office_id!r}{grown}; "
        f"{where}"
    )


@dataclass(frozen=True, slots=True)
class Verdict:
    """The judgement of one fix.

    ``office_id`` is the office that decided: for inside/uncertain the office concerned, for
    outside the nearest allowed office. ``distance_m`` is from the fix to that office's boundary,
    negative inside. ``reason`` is a short English explanation for logs and supervisors; the
    status is the machine-readable part.
    """

    status: Status
    office_id: str
    distance_m: float
    accuracy_m: float
    reason: str


@dataclass(frozen=True, slots=True, eq=False)
class VerdictColumns:
    """The verdicts of many fixes as equal-length arrays (row i = fix i)."""

    status: npt.NDArray[np.str_]  # "inside" | "outside" | "uncertain"
    office_id: npt.NDArray[np.object_]  # str
    distance_m: FloatArray
    accuracy_m: FloatArray
    tolerance_m: float
    max_accuracy_m: float

    def __len__(self) -> int:
        return len(self.distance_m)

    def verdict(self, i: int) -> Verdict:
        """Row i as a :class:`Verdict` (the same object ``Geofence.check`` returns)."""
        status = Status(str(self.status[i]))
        office_id = str(self.office_id[i])
        d = float(self.distance_m[i])
        r = float(self.accuracy_m[i])
        code = _STATUSES.index(status)
        return Verdict(
            status,
            office_id,
            d,
            r,
            _reason(code, office_id, d, r, self.tolerance_m, self.max_accuracy_m),
        )

    def __iter__(self) -> Iterator[Verdict]:
        return (self.verdict(i) for i in range(len(self)))


_LAT_RANGE: Final = "is not within −90..90"
_LON_RANGE: Final = "is not within −180..180"
_ACCURACY_RANGE: Final = "is not a number ≥ 0"


def _scalar(value: object, name: str) -> float:
    """A real number as a float; strings, booleans and None are refused, not parsed."""
    if type(value) is float:
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            raise ValueError(f"{name} is far out of range") from None
    raise ValueError(f"{name} must be a number, got {type(value).__name__}")


class Geofence:
    """Offices and the rule that judges fixes against them. Build with :meth:`from_geojson`.

    Immutable after construction (search structures for ``office_ids`` restrictions are built on
    first use and cached) and safe to share between threads.
    """

    def __init__(self, table: OfficeTable, *, tolerance_m: float, max_accuracy_m: float) -> None:
        self._table = table
        self._tolerance_m = tolerance_m
        self._max_accuracy_m = max_accuracy_m
        self._position = {office_id: i for i, office_id in enumerate(table.ids)}
        self._ids = np.empty(len(table), dtype=object)
        self._ids[:] = table.ids
        reach = min(max(max_accuracy_m + tolerance_m, _REACH_MIN_M), _REACH_MAX_M)
        self._all = GridIndex(table, np.arange(len(table), dtype=np.intp), reach)
        self._restricted: dict[frozenset[Any], Index] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_geojson(
        cls,
        feature_collection: Mapping[str, Any] | str | bytes,
        tolerance_m: float = 0.0,
        max_accuracy_m: float = 100.0,
    ) -> Geofence:
        """Build a geofence from a GeoJSON FeatureCollection (a mapping, or JSON text).

        Each feature is one office: a Polygon or MultiPolygon (holes and several parts allowed)
        in longitude/latitude (RFC 7946), with its id in ``feature.id`` or ``properties.id``.
        ``tolerance_m`` grows every office by that many metres; fixes whose accuracy is worse
        than ``max_accuracy_m`` are always uncertain. Raises :class:`GeofenceError`.
        """
        tolerance = _scalar(tolerance_m, "tolerance_m")
        max_accuracy = _scalar(max_accuracy_m, "max_accuracy_m")
        if not (math.isfinite(tolerance) and tolerance >= 0.0):
            raise GeofenceError(f"tolerance_m must be a finite number ≥ 0, got {tolerance_m!r}")
        if not max_accuracy > 0.0:  # +inf allowed: no accuracy limit
            raise GeofenceError(f"max_accuracy_m must be > 0, got {max_accuracy_m!r}")
        table = build_table(parse_feature_collection(feature_collection))
        return cls(table, tolerance_m=tolerance, max_accuracy_m=max_accuracy)

    # --- introspection -------------------------------------------------------------------

    @property
    def office_ids(self) -> tuple[str, ...]:
        """Office ids in FeatureCollection order."""
        return self._table.ids

    @property
    def tolerance_m(self) -> float:
        return self._tolerance_m

    @property
    def max_accuracy_m(self) -> float:
        return self._max_accuracy_m

    def __len__(self) -> int:
        return len(self._table)

    def __contains__(self, office_id: object) -> bool:
        return office_id in self._position

    def __repr__(self) -> str:
        return (
            f"Geofence({len(self)} offices, tolerance_m={self._tolerance_m:g}, "
            f"max_accuracy_m={self._max_accuracy_m:g})"
        )

    # --- judging fixes -------------------------------------------------------------------

    def _index_for(self, office_ids: Iterable[str] | str | None) -> Index:
        if office_ids is None:
            return self._all
        try:
            key = frozenset((office_ids,)) if isinstance(office_ids, str) else frozenset(office_ids)
        except TypeError:
            raise GeofenceError(
                f"office_ids must be office ids (strings), got {type(office_ids).__name__}"
            ) from None
        index = self._restricted.get(key)
        if index is not None:
            return index
        positions = []
        for office_id in key:
            position = self._position.get(
                office_id if isinstance(office_id, str) else str(office_id)
            )
            if position is None:
                raise GeofenceError(f"unknown office id {office_id!r}")
            positions.append(position)
        if not positions:
            raise GeofenceError("office_ids is empty: there is no office to check against")
        members = np.array(sorted(positions), dtype=np.intp)
        index = (
            BruteIndex(self._table, members)
            if len(members) <= BRUTE_MAX
            else GridIndex(self._table, members, self._all.reach_m)
        )
        with self._lock:
            if len(self._restricted) >= _RESTRICTION_CACHE:
                self._restricted.pop(next(iter(self._restricted)))
            self._restricted[key] = index
        return index

    def check(
        self,
        lat: float,
        lon: float,
        accuracy_m: float,
        office_ids: Iterable[str] | str | None = None,
    ) -> Verdict:
        """Judge one fix (WGS 84 degrees, accuracy radius in metres).

        ``office_ids`` restricts the decision to those offices (an officer's assigned offices);
        an unknown id raises :class:`GeofenceError`. A bad fix (NaN or out-of-range position,
        negative or NaN accuracy) raises ``ValueError``.
        """
        lat = _scalar(lat, "lat")
        lon = _scalar(lon, "lon")
        r = _scalar(accuracy_m, "accuracy_m")
        if not -90.0 <= lat <= 90.0:
            raise ValueError(f"latitude {lat!r} {_LAT_RANGE}")
        if not -180.0 <= lon <= 180.0:
            raise ValueError(f"longitude {lon!r} {_LON_RANGE}")
        if not r >= 0.0:
            raise ValueError(f"accuracy_m {r!r} {_ACCURACY_RANGE}")
        o, d = self._index_for(office_ids).nearest(lat, lon)
        t = self._tolerance_m
        if r > self._max_accuracy_m:
            code = 2
        elif d - t <= -r:
            code = 0
        elif d - t > r:
            code = 1
        else:
            code = 2
        office_id = self._table.ids[o]
        return Verdict(
            _STATUSES[code],
            office_id,
            d,
            r,
            _reason(code, office_id, d, r, t, self._max_accuracy_m),
        )

    def check_many(
        self,
        lats: npt.ArrayLike,
        lons: npt.ArrayLike,
        accuracies_m: npt.ArrayLike,
        office_ids: Iterable[str] | str | None = None,
    ) -> VerdictColumns:
        """Judge many fixes at once; row i gives the same answer as ``check`` on fix i.

        ``accuracies_m`` may be one number for all fixes. Raises ``ValueError`` naming the first
        bad fix.
        """
        try:
            lat = np.asarray(lats, dtype=np.float64)
            lon = np.asarray(lons, dtype=np.float64)
            acc = np.asarray(accuracies_m, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"fixes must be arrays of numbers: {exc}") from None
        if lat.ndim != 1 or lon.shape != lat.shape:
            raise ValueError("lats and lons must be one-dimensional arrays of the same length")
        if acc.ndim == 0:
            acc = np.full(lat.shape, float(acc))
        if acc.shape != lat.shape:
            raise ValueError("accuracies_m must be one number or an array as long as lats")
        for name, values, ok, problem in (
            ("latitude", lat, (lat >= -90.0) & (lat <= 90.0), _LAT_RANGE),
            ("longitude", lon, (lon >= -180.0) & (lon <= 180.0), _LON_RANGE),
            ("accuracy_m", acc, acc >= 0.0, _ACCURACY_RANGE),
        ):
            if not ok.all():
                row = int(np.argmin(ok))
                raise ValueError(f"fix {row}: {name} {float(values[row])!r} {problem}")

        index = self._index_for(office_ids)
        n = len(lat)
        office = np.empty(n, dtype=np.intp)
        dist = np.empty(n, dtype=np.float64)
        for start in range(0, n, _CHUNK):
            part = slice(start, start + _CHUNK)
            office[part], dist[part] = index.nearest_many(lat[part], lon[part])

        t = self._tolerance_m
        code = np.full(n, 2, dtype=np.intp)
        code[dist - t <= -acc] = 0
        code[dist - t > acc] = 1
        code[acc > self._max_accuracy_m] = 2
        return VerdictColumns(
            status=_STATUS_NAMES[code],
            office_id=self._ids[office],
            distance_m=dist,
            accuracy_m=acc,
            tolerance_m=t,
            max_accuracy_m=self._max_accuracy_m,
        )

    # --- the offices themselves ------------------------------------------------------------

    @property
    def table(self) -> OfficeTable:
        """The parsed offices (internal layout; used by geo's own export and audit helpers)."""
        return self._table

    def area_m2(self, office_id: str) -> float:
        """The ground area of an office in square metres (holes excluded)."""
        return float(self._table.area_m2[self._table.index_of(office_id)])

    def to_geojson(self, **options: Any) -> dict[str, Any]:
        """The offices as a FeatureCollection for a map; see :func:`geo.export.offices_geojson`."""
        from geo.export import offices_geojson  # shapely loads only when a map is drawn

        return offices_geojson(self, **options)
