"""The accounts area's scheduled jobs: inactive accounts, the audit trail's anchor."""

from __future__ import annotations

from api.accounts.audit import ANCHOR_FILE, anchor_head
from api.accounts.lifecycle import disable_inactive
from api.config import Settings
from api.core.schedule import Job, daily_at, every_minutes


def scheduled_jobs(settings: Settings) -> list[Job]:
    async def inactive_accounts() -> str:
        frozen = await disable_inactive()
        return f"froze {len(frozen)} inactive account(s)"

    async def audit_anchor() -> str:
        head = await anchor_head("scheduled", settings.var_dir / ANCHOR_FILE)
        return f"anchored the audit trail at event {head.seq}" if head else "empty audit trail"

    return [
        # The audit chain's head outside the database: cutting events off after it is detected.
        Job("audit-anchor", every_minutes(15), audit_anchor),
        Job("disable-inactive-accounts", daily_at(1), inactive_accounts),
    ]
