"""Operations bookkeeping: which scheduled job ran for which period."""

from __future__ import annotations

from piccolo.columns import Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class ScheduledRun(Table, tablename="scheduled_run"):
    """One row per job and period ("backup:2026-11-22"). Inserting it is the claim: with several
    workers, the unique key lets exactly one of them run the job for that period."""

    id = Serial(primary_key=True)
    key = Varchar(length=128, unique=True)
    job = Varchar(length=64, index=True)
    started_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
    status = Varchar(length=16, default="running")
    detail = Text(default="")
