"""Web Push subscriptions of a person's devices, and the server's VAPID keys."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from api.accounts.authz import Principal
from api.config import Settings, get_settings
from api.core.errors import FieldError, Invalid, NotFound
from api.db import for_update, write_transaction
from api.outbox import schemas
from api.outbox.services import MAX_SUBSCRIPTIONS_PER_USER, _now
from api.outbox.tables import (
    PushSubscriptionRecord,
)
from notifications.push import (
    DEFAULT_PUSH_HOSTS,
    InvalidSubscription,
    PushSubscription,
    VapidKeys,
    check_endpoint,
    load_or_create_vapid_keys,
)


@cache
def _vapid_keys(path: Path, env_value: str | None) -> VapidKeys:
    return load_or_create_vapid_keys(path, env_value=env_value)


def vapid_keys(settings: Settings | None = None) -> VapidKeys:
    """The VAPID key pair: HADIR_VAPID_PRIVATE_KEY, else var/vapid.pem (made on first use)."""
    settings = settings or get_settings()
    return _vapid_keys(settings.var_dir / "vapid.pem", settings.vapid_private_key)


def push_hosts(settings: Settings) -> tuple[str, ...]:
    return settings.push_hosts or DEFAULT_PUSH_HOSTS


def subscription_out(row: dict[str, Any]) -> schemas.SubscriptionOut:
    return schemas.SubscriptionOut(
        id=row["id"],
        endpoint=row["endpoint"],
        user_agent=row["user_agent"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        last_success_at=row["last_success_at"],
    )


async def subscribe(
    principal: Principal, data: schemas.SubscriptionIn, user_agent: str
) -> tuple[schemas.SubscriptionOut, bool]:
    """Store (or update) a device's subscription; returns it and whether it is new.

    An endpoint belongs to one person: re-posting it from another account (a shared office
    PC) moves it, so the previous person's notifications stop going to that device.
    """
    settings = get_settings()
    try:
        subscription = PushSubscription(data.endpoint, data.keys.p256dh, data.keys.auth)
        check_endpoint(
            subscription.endpoint,
            allowed_hosts=push_hosts(settings),
            allow_insecure=settings.push_allow_http,
        )
    except InvalidSubscription as exc:
        raise Invalid(
            "push_subscription_invalid",
            params={"reason": str(exc)},
            errors=[FieldError("endpoint", "push_subscription_invalid")],
        ) from None
    agent = (data.user_agent or user_agent)[:255]
    now = _now()
    async with write_transaction():
        existing = await for_update(
            PushSubscriptionRecord.select(PushSubscriptionRecord.id).where(
                PushSubscriptionRecord.endpoint == subscription.endpoint
            )
        ).first()
        row = (
            await PushSubscriptionRecord.insert(
                PushSubscriptionRecord(
                    user=principal.user_id,
                    endpoint=subscription.endpoint,
                    p256dh=subscription.p256dh,
                    auth=subscription.auth,
                    user_agent=agent,
                    created_at=now,
                    updated_at=now,
                )
            )
            .on_conflict(
                target=PushSubscriptionRecord.endpoint,
                action="DO UPDATE",
                values=[
                    (PushSubscriptionRecord.user, principal.user_id),
                    (PushSubscriptionRecord.p256dh, subscription.p256dh),
                    (PushSubscriptionRecord.auth, subscription.auth),
                    (PushSubscriptionRecord.user_agent, agent),
                    (PushSubscriptionRecord.updated_at, now),
                ],
            )
            .returning(*PushSubscriptionRecord.all_columns())
        )[0]
        if data.replaces_endpoint and data.replaces_endpoint != subscription.endpoint:
            await PushSubscriptionRecord.delete().where(
                (PushSubscriptionRecord.endpoint == data.replaces_endpoint)
                & (PushSubscriptionRecord.user == principal.user_id)
            )
        # Bound the fan-out per person: forget the least recently refreshed devices.
        devices = (
            await PushSubscriptionRecord.select(PushSubscriptionRecord.id)
            .where(PushSubscriptionRecord.user == principal.user_id)
            .order_by(PushSubscriptionRecord.updated_at, ascending=False)
            .order_by(PushSubscriptionRecord.id, ascending=False)
        )
        stale = [d["id"] for d in devices[MAX_SUBSCRIPTIONS_PER_USER:]]
        if stale:
            await PushSubscriptionRecord.delete().where(PushSubscriptionRecord.id.is_in(stale))
    return subscription_out(row), existing is None


async def list_subscriptions(principal: Principal) -> list[schemas.SubscriptionOut]:
    rows = (
        await PushSubscriptionRecord.select()
        .where(PushSubscriptionRecord.user == principal.user_id)
        .order_by(PushSubscriptionRecord.created_at)
    )
    return [subscription_out(r) for r in rows]


async def unsubscribe_device(principal: Principal, endpoint: str) -> None:
    """Forget one of the caller's own devices (404 for anyone else's endpoint)."""
    async with write_transaction():
        deleted = (
            await PushSubscriptionRecord.delete()
            .where(
                (PushSubscriptionRecord.endpoint == endpoint)
                & (PushSubscriptionRecord.user == principal.user_id)
            )
            .returning(PushSubscriptionRecord.id)
        )
    if not deleted:
        raise NotFound()
