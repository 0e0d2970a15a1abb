"""The operations area's scheduled jobs: the daily backup."""

from __future__ import annotations

from api.config import Settings
from api.core.schedule import Job, daily_at
from api.ops.backup import create_backup, local_files_dir, prune_backups


def scheduled_jobs(settings: Settings) -> list[Job]:
    async def backup() -> str:
        folder = await create_backup(
            settings.database_url,
            settings.backup_dir,
            files_dir=local_files_dir(settings),
            encrypt=settings.backup_encrypt,
        )
        pruned = prune_backups(settings.backup_dir, settings.backup_keep)
        return f"{folder.name}; pruned {len(pruned)}"

    return [Job("backup", daily_at(settings.backup_hour), backup)]
