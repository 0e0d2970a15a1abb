"""The in-app notification feed: the events that go by push or e-mail, kept for the person
to read in the app (read / unread, mark all read).

`enqueue` writes one feed item per event and person, in the caller's transaction, whatever
channels the person chose: the feed is where people without push (or with e-mail switched off)
still see what happened. Kinds that are never pushed are not in the feed: the password reset
(its link is a secret) and the daily digest (not an event of its own).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from api.accounts.authz import Principal
from api.core.errors import NotFound
from api.db import write_transaction
from api.outbox import schemas
from api.outbox.params import decode_params
from api.outbox.tables import FeedItem
from notifications.common import Classification, content_allowed_in_push
from notifications.kinds import Kind, spec
from notifications.templates import label, render_push_text

PAGE = 50


def belongs_in_feed(kind: Kind) -> bool:
    return spec(kind).push is not None


async def add(
    kind: Kind,
    user_id: int,
    stored_params: dict[str, Any],
    *,
    event_key: str,
    url: str,
    classification: Classification,
    now: datetime,
) -> None:
    """One item for the person; an event already in their feed writes nothing."""
    if not belongs_in_feed(kind):
        return
    await FeedItem.insert(
        FeedItem(
            idempotency_key=f"{event_key}:user:{user_id}",
            recipient=user_id,
            kind=kind.value,
            params=stored_params,
            url=url,
            classification=classification.value,
            created_at=now,
        )
    ).on_conflict(target=FeedItem.idempotency_key, action="DO NOTHING")


def _text(row: dict[str, Any], language: str) -> tuple[str, str]:
    """Title and body as the push shows them; SULIT: the kind's neutral title only."""
    kind = Kind(row["kind"])
    if not content_allowed_in_push(Classification(row["classification"])):
        return label(kind, language), ""
    return render_push_text(kind, language, decode_params(row["params"]))


async def unread_count(principal: Principal) -> int:
    return int(
        await FeedItem.count().where(
            (FeedItem.recipient == principal.user_id) & FeedItem.read_at.is_null()
        )
    )


async def items(principal: Principal, before: int | None = None) -> schemas.FeedOut:
    """The newest items first, `PAGE` at a time (`before`: the last id of the previous page)."""
    condition: Any = FeedItem.recipient == principal.user_id
    if before is not None:
        condition &= FeedItem.id < before
    rows = (
        await FeedItem.select()
        .output(load_json=True)
        .where(condition)
        .order_by(FeedItem.id, ascending=False)
        .limit(PAGE + 1)
    )
    out = []
    for row in rows[:PAGE]:
        title, body = _text(row, principal.language)
        out.append(
            schemas.FeedItemOut(
                id=row["id"],
                kind=row["kind"],
                title=title,
                body=body,
                url=row["url"],
                created_at=row["created_at"],
                read=row["read_at"] is not None,
            )
        )
    return schemas.FeedOut(items=out, unread=await unread_count(principal), more=len(rows) > PAGE)


async def mark_read(principal: Principal, item_id: int) -> None:
    """Marks one of the person's own items read (another person's item is 404)."""
    found = await FeedItem.exists().where(
        (FeedItem.id == item_id) & (FeedItem.recipient == principal.user_id)
    )
    if not found:
        raise NotFound()
    async with write_transaction():
        await FeedItem.update({FeedItem.read_at: datetime.now(UTC)}).where(
            (FeedItem.id == item_id) & FeedItem.read_at.is_null()
        )


async def mark_all_read(principal: Principal) -> int:
    """Marks every unread item of the person read; returns how many there were."""
    async with write_transaction():
        rows = (
            await FeedItem.update({FeedItem.read_at: datetime.now(UTC)})
            .where((FeedItem.recipient == principal.user_id) & FeedItem.read_at.is_null())
            .returning(FeedItem.id)
        )
    return len(rows)
