"""What a scheduled job is and when it is due; `api.ops.scheduler` runs them (at most once per
period across workers) and each area declares its own in its `jobs.py`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Job:
    name: str
    # The period key if the job is due at this local time, else None.
    due: Callable[[datetime], str | None]
    run: Callable[[], Awaitable[str]]


def every_minutes(minutes: int) -> Callable[[datetime], str | None]:
    """Due once in every `minutes`-long slot of the hour (the slot is the period key)."""

    def due(now_local: datetime) -> str | None:
        slot = now_local.minute // minutes * minutes
        return now_local.strftime("%Y-%m-%dT%H:") + f"{slot:02d}"

    return due


def daily_at(hour: int) -> Callable[[datetime], str | None]:
    def due(now_local: datetime) -> str | None:
        return now_local.date().isoformat() if now_local.hour >= hour else None

    return due


def daily_at_minute(hour: int, minute: int) -> Callable[[datetime], str | None]:
    def due(now_local: datetime) -> str | None:
        reached = (now_local.hour, now_local.minute) >= (hour, minute)
        return now_local.date().isoformat() if reached else None

    return due
