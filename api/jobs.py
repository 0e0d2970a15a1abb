"""Every area's scheduled jobs, gathered as `api.piccolo_conf` gathers their Piccolo apps.

An area with work to do on a clock declares it in its own `jobs.py`; the entry points (the app's
lifespan, `python -m api worker`) hand this list to `api.ops.scheduler`, which knows no area.
"""

from __future__ import annotations

from api.accounts import jobs as accounts
from api.attendance import jobs as attendance
from api.config import Settings
from api.core.schedule import Job
from api.meetings import jobs as meetings
from api.ops import jobs as ops

AREAS = (ops, accounts, attendance, meetings)


def default_jobs(settings: Settings) -> list[Job]:
    return [job for area in AREAS for job in area.scheduled_jobs(settings)]
