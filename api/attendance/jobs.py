"""The attendance area's scheduled jobs: punch imports, issues, escalation, seals, retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.attendance.escalation import send_escalation_notices
from api.attendance.imports import import_folder
from api.attendance.issues import open_issues_for_day
from api.attendance.pattern_admin import run_queued_recomputes
from api.attendance.report_exports import purge_expired
from api.attendance.rules import local_day
from api.attendance.sealing import seal_check_ins
from api.attendance.services import erase_old_coordinates
from api.config import Settings
from api.core.schedule import Job, daily_at, daily_at_minute, every_minutes


def scheduled_jobs(settings: Settings) -> list[Job]:
    async def attendance_issues() -> str:
        yesterday = local_day(datetime.now(UTC)) - timedelta(days=1)
        opened = await open_issues_for_day(yesterday)
        return f"opened {opened} attendance issue(s) for {yesterday}"

    async def attendance_escalation() -> str:
        run = await send_escalation_notices()
        return (
            f"reminded {run.reminded_officers} officer(s), told {run.notified_supervisors} "
            f"supervisor(s), {run.escalated_up} item(s) sent one level up"
        )

    async def location_retention() -> str:
        erased = await erase_old_coordinates()
        return f"erased the coordinates of {erased} check-in(s)"

    async def check_in_seal() -> str:
        return f"sealed {await seal_check_ins()} check-in(s) in the audit trail"

    async def punch_import() -> str:
        assert settings.punch_import_dir is not None
        done = await import_folder(settings.punch_import_dir)
        return "; ".join(done) or "no files"

    async def issue_recompute() -> str:
        run = await run_queued_recomputes()
        return (
            f"recomputed issues: {run.opened} opened, {run.closed} closed, {run.reopened} reopened"
        )

    async def report_exports() -> str:
        return f"deleted {purge_expired()} expired report export(s)"

    punch_jobs = [
        Job(f"punch-import-{hour:02d}{minute:02d}", daily_at_minute(hour, minute), punch_import)
        for hour, minute in settings.punch_import_times
    ]
    return [
        *punch_jobs,
        Job("check-in-seal", every_minutes(5), check_in_seal),
        # Closed days whose working pattern or early leave changed (pattern_admin).
        Job("issue-recompute", every_minutes(5), issue_recompute),
        # Generated report files are transient: deleted when they expire.
        Job("report-exports", every_minutes(15), report_exports),
        Job("attendance-issues", daily_at(1), attendance_issues),
        Job("location-retention", daily_at(3), location_retention),
        # After the morning rush, when supervisors look at their tablets.
        Job("attendance-escalation", daily_at(10), attendance_escalation),
    ]
