"""Scheduled jobs (daily backup; later: imports, reminders, escalations).

Runs inside the web process in the embedded default, or in the `worker` process when several
web instances run (they set HADIR_SCHEDULER=false). A job runs at most once per period even with
several workers: claiming a period is inserting its unique `ScheduledRun` row.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import structlog

from api.config import Settings
from api.ops.tables import ScheduledRun

log = structlog.get_logger("hadir.scheduler")

TICK_SECONDS = 30


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


def default_jobs(settings: Settings) -> list[Job]:
    from api.ops.backup import create_backup, local_files_dir, prune_backups

    async def backup() -> str:
        folder = await create_backup(
            settings.database_url,
            settings.backup_dir,
            files_dir=local_files_dir(settings),
            encrypt=settings.backup_encrypt,
        )
        pruned = prune_backups(settings.backup_dir, settings.backup_keep)
        return f"{folder.name}; pruned {len(pruned)}"

    async def inactive_accounts() -> str:
        from api.accounts.lifecycle import disable_inactive

        frozen = await disable_inactive()
        return f"froze {len(frozen)} inactive account(s)"

    async def attendance_issues() -> str:
        from api.attendance.issues import open_issues_for_day
        from api.attendance.rules import local_day

        yesterday = local_day(datetime.now(UTC)) - timedelta(days=1)
        opened = await open_issues_for_day(yesterday)
        return f"opened {opened} attendance issue(s) for {yesterday}"

    async def attendance_escalation() -> str:
        from api.attendance.escalation import send_escalation_notices

        run = await send_escalation_notices()
        return (
            f"reminded {run.reminded_officers} officer(s), told {run.notified_supervisors} "
            f"supervisor(s), {run.escalated_up} item(s) sent one level up"
        )

    async def location_retention() -> str:
        from api.attendance.services import erase_old_coordinates

        erased = await erase_old_coordinates()
        return f"erased the coordinates of {erased} check-in(s)"

    async def issue_recompute() -> str:
        from api.attendance.pattern_admin import run_queued_recomputes

        run = await run_queued_recomputes()
        return (
            f"recomputed issues: {run.opened} opened, {run.closed} closed, {run.reopened} reopened"
        )

    async def check_in_seal() -> str:
        from api.attendance.sealing import seal_check_ins

        return f"sealed {await seal_check_ins()} check-in(s) in the audit trail"

    async def audit_anchor() -> str:
        from api.accounts.audit import ANCHOR_FILE, anchor_head

        head = await anchor_head("scheduled", settings.var_dir / ANCHOR_FILE)
        return f"anchored the audit trail at event {head.seq}" if head else "empty audit trail"

    async def meeting_reminders() -> str:
        from api.meetings.reminders import send_reminders, send_rsvp_chasers

        queued = await send_reminders(settings.meeting_reminder_offsets)
        chased = await send_rsvp_chasers(settings.meeting_rsvp_chaser_offsets)
        return f"queued {queued} meeting reminder(s), {chased} RSVP chaser(s)"

    async def punch_import() -> str:
        from api.attendance.imports import import_folder

        assert settings.punch_import_dir is not None
        done = await import_folder(settings.punch_import_dir)
        return "; ".join(done) or "no files"

    punch_jobs = [
        Job(f"punch-import-{hour:02d}{minute:02d}", daily_at_minute(hour, minute), punch_import)
        for hour, minute in settings.punch_import_times
    ]

    return [
        *punch_jobs,
        Job("meeting-reminders", every_minutes(5), meeting_reminders),
        Job("check-in-seal", every_minutes(5), check_in_seal),
        # Closed days whose working pattern or early leave changed (pattern_admin).
        Job("issue-recompute", every_minutes(5), issue_recompute),
        # The audit chain's head outside the database: cutting events off after it is detected.
        Job("audit-anchor", every_minutes(15), audit_anchor),
        Job("backup", daily_at(settings.backup_hour), backup),
        Job("attendance-issues", daily_at(1), attendance_issues),
        Job("location-retention", daily_at(3), location_retention),
        # After the morning rush, when supervisors look at their tablets.
        Job("attendance-escalation", daily_at(10), attendance_escalation),
        Job("disable-inactive-accounts", daily_at(1), inactive_accounts),
    ]


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


async def run_forever(settings: Settings, jobs: list[Job] | None = None) -> None:
    jobs = jobs if jobs is not None else default_jobs(settings)
    tz = ZoneInfo(settings.timezone)
    while True:
        try:
            await run_due_jobs(jobs, datetime.now(UTC), tz)
        except Exception:
            log.exception("scheduler tick failed")
        await asyncio.sleep(TICK_SECONDS)


@contextlib.asynccontextmanager
async def running(settings: Settings):  # type: ignore[no-untyped-def]
    task = asyncio.create_task(run_forever(settings))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
