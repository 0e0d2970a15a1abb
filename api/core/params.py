"""Shared parameter types for controllers and request bodies: record ids within what the
databases can hold."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.params import PathParameter, QueryParameter

# Serial ids are positive 32-bit integers on PostgreSQL; anything else cannot exist, and a
# 20-digit number must get a 400, not a database overflow.
MAX_ID = 2_147_483_647

PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
# A record id in a request body (JSON or form field): outside 1..MAX_ID it is a 400 at decoding.
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]


def query_id(name: str) -> QueryParameter:
    return QueryParameter(name=name, ge=1, le=MAX_ID)
