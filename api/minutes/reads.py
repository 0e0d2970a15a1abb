"""Who opened distributed minutes and when: one row per opening of the minutes' text once
they went out (the committee's working drafts are not counted). Read by the committee's usage
figures (`api.minutes.usage`); nothing of the minutes' content is stored here."""

from __future__ import annotations

from datetime import UTC, datetime

from piccolo.columns import ForeignKey, OnDelete, Serial, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from api.meetings.tables import Meeting
from api.org.tables import User

COUNTED_STATUSES = ("distributed", "confirmed")


class MinutesRead(Table, tablename="minutes_read"):
    id = Serial(primary_key=True)
    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, null=False, index=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    at = Timestamptz(default=TimestamptzNow())


async def record_read(meeting_id: int, user_id: int, status: str, version: int) -> None:
    """After the minutes' text was shown to `user_id` (version > 0)."""
    if version and status in COUNTED_STATUSES:
        await MinutesRead.insert(
            MinutesRead(meeting=meeting_id, user=user_id, at=datetime.now(UTC))
        )
