"""Blobs of the database file store (FILE_STORE=database): one row per stored file."""

from __future__ import annotations

from piccolo.columns import Bytea, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class StoredBlob(Table, tablename="stored_blob"):
    id = Serial(primary_key=True)
    key = Varchar(length=128, unique=True)
    data = Bytea()
    size = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
