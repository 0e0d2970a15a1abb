"""Shared parameter types for controllers: record ids within what the databases can hold."""

from __future__ import annotations

from typing import Annotated

from litestar.params import PathParameter, QueryParameter

# Serial ids are positive 32-bit integers on PostgreSQL; anything else cannot exist, and a
# 20-digit number must get a 400, not a database overflow.
MAX_ID = 2_147_483_647

PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]


def query_id(name: str) -> QueryParameter:
    return QueryParameter(name=name, ge=1, le=MAX_ID)
