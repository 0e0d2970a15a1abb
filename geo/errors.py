"""The one exception type of the geo package."""

from __future__ import annotations

__all__ = ["GeofenceError"]


class GeofenceError(ValueError):
    """Office polygons (or a request about them) that cannot be used.

    A ``ValueError`` so that callers which already treat bad input as ``ValueError`` keep working.
    The message names the feature (by id, or by index when it has no usable id) and the problem,
    in words an agency administrator can act on.
    """
