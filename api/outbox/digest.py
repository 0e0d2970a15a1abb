"""The daily digest: who may choose it, and folding the held items into one e-mail."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from api.core.hooks import Question
from api.db import for_update, write_transaction
from api.org.tables import User
from api.outbox.services import Status, _insert_new, channels_for, idempotency_key, recipient
from api.outbox.tables import (
    Notification,
)
from notifications.kinds import Channel, Kind

# Besides supervisors, the areas whose people get many notices register here (committee
# secretariats: api/meetings/piccolo_app.py).
DIGEST_AUDIENCE = Question("may choose the daily digest")


async def digest_available(user_id: int) -> bool:
    """Supervisors (someone reports to them) and committee secretariats may choose it."""
    if await User.exists().where((User.supervisor == user_id) & (User.state == "active")):
        return True
    return await DIGEST_AUDIENCE.any(user_id)


async def build_digests(now: datetime | None = None) -> int:
    """Fold every held item into one daily-digest e-mail per person; returns how many
    digests were queued. One transaction per person (the held rows are locked, marked
    "digested" and the digest row written together)."""
    now = now or datetime.now(UTC)
    users = (
        await Notification.select(Notification.recipient)
        .where(Notification.status == Status.HELD)
        .distinct()
    )
    queued = 0
    for user_id in sorted({u["recipient"] for u in users}):
        async with write_transaction():
            held = await for_update(
                Notification.select(Notification.id, Notification.kind, Notification.params)
                .where((Notification.recipient == user_id) & (Notification.status == Status.HELD))
                .order_by(Notification.created_at)
                .order_by(Notification.id)
                .output(load_json=True)
            )
            if not held:
                continue
            ids = await _enqueue_digest(user_id, held, now)
            queued += bool(ids)
            await Notification.update(
                {
                    Notification.status: Status.DIGESTED,
                    Notification.digest_id: ids[0] if ids else None,
                    Notification.sent_at: now,
                }
            ).where(Notification.id.is_in([h["id"] for h in held]))
    return queued


async def _enqueue_digest(user_id: int, held: list[dict[str, Any]], now: datetime) -> list[int]:
    person = await recipient(user_id)
    if person is None or person.state != "active":
        return []
    if Channel.EMAIL not in await channels_for(Kind.DAILY_DIGEST, user_id):
        return []
    day = now.astimezone(ZoneInfo(person.timezone)).date()
    event_key = f"daily-digest:{day.isoformat()}"
    params: dict[str, Any] = {
        "date": {"$date": day.isoformat()},
        "_entries": [[h["kind"], h["params"]] for h in held],
    }
    row = Notification(
        idempotency_key=idempotency_key(event_key, user_id, Channel.EMAIL),
        event_key=event_key,
        kind=Kind.DAILY_DIGEST.value,
        channel=Channel.EMAIL.value,
        recipient=user_id,
        language=person.language,
        params=params,
        url="/",
        status=Status.PENDING,
        next_attempt_at=now,
        created_at=now,
    )
    return await _insert_new([row])
