"""The meetings area's scheduled jobs: reminders and RSVP chasers."""

from __future__ import annotations

from api.config import Settings
from api.core.schedule import Job, every_minutes
from api.meetings.reminders import send_reminders, send_rsvp_chasers


def scheduled_jobs(settings: Settings) -> list[Job]:
    async def meeting_reminders() -> str:
        queued = await send_reminders(settings.meeting_reminder_offsets)
        chased = await send_rsvp_chasers(settings.meeting_rsvp_chaser_offsets)
        return f"queued {queued} meeting reminder(s), {chased} RSVP chaser(s)"

    return [Job("meeting-reminders", every_minutes(5), meeting_reminders)]
