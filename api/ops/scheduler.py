"""The scheduler: runs each area's scheduled jobs when they are due.

Each area declares its jobs in its own `jobs.py` (`scheduled_jobs(settings)`), and `api.jobs`
gathers them, as `api.piccolo_conf` gathers the areas' Piccolo apps; the scheduler itself knows
no area. It runs inside the web process in the embedded default, or in the `worker` process
when several web instances run (they set HADIR_SCHEDULER=false). A job runs at most once per
period even with several workers: claiming a period is inserting its unique `ScheduledRun` row.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import structlog

from api.config import Settings
from api.core.schedule import Job as Job
from api.core.schedule import daily_at as daily_at
from api.core.schedule import daily_at_minute as daily_at_minute
from api.core.schedule import every_minutes as every_minutes
from api.ops.tables import ScheduledRun

log = structlog.get_logger("hadir.scheduler")

TICK_SECONDS = 30


async def claim(job: Job, period: str) -> bool:
    key = f"{job.name}:{period}"
    if await ScheduledRun.exists().where(ScheduledRun.key == key):
        return False
    try:
        await ScheduledRun.insert(ScheduledRun(key=key, job=job.name))
    except Exception:
        return False
    return True


async def run_due_jobs(jobs: list[Job], now: datetime, tz: ZoneInfo) -> list[str]:
    ran: list[str] = []
    local = now.astimezone(tz)
    for job in jobs:
        period = job.due(local)
        if period is None or not await claim(job, period):
            continue
        key = f"{job.name}:{period}"
        try:
            detail = await job.run()
            status = "done"
        except Exception as error:
            log.exception("scheduled job failed", job=job.name)
            detail, status = f"{type(error).__name__}: {error}", "failed"
        await ScheduledRun.update(
            {
                ScheduledRun.status: status,
                ScheduledRun.detail: detail[:2000],
                ScheduledRun.finished_at: datetime.now(UTC),
            }
        ).where(ScheduledRun.key == key)
        log.info("scheduled job finished", job=job.name, period=period, status=status)
        ran.append(key)
    return ran


async def run_forever(settings: Settings, jobs: list[Job]) -> None:
    tz = ZoneInfo(settings.timezone)
    while True:
        try:
            await run_due_jobs(jobs, datetime.now(UTC), tz)
        except Exception:
            log.exception("scheduler tick failed")
        await asyncio.sleep(TICK_SECONDS)


@contextlib.asynccontextmanager
async def running(settings: Settings, jobs: list[Job]) -> AsyncIterator[None]:
    task = asyncio.create_task(run_forever(settings, jobs))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
