"""One-click unsubscribe links (RFC 8058): signed tokens and what they switch off."""

from __future__ import annotations

import base64
import hashlib
import hmac

from api.config import Settings, get_settings
from api.core.errors import AppError
from api.db import write_transaction
from api.outbox.services import _now, recipient
from api.outbox.tables import (
    NotificationPreference,
)
from notifications.kinds import Channel, Kind, spec
from notifications.templates import (
    label,
)


def _unsubscribe_key(settings: Settings) -> bytes:
    return hmac.new(settings.secret_key.encode(), b"hadir/unsubscribe/v1", hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unsubscribe_token(user_id: int, kind: Kind, settings: Settings | None = None) -> str:
    """ "<user>.<kind>.<HMAC>": identifies person and kind on its own (no sign-in, RFC 8058)."""
    payload = f"{user_id}.{kind.value}"
    mac = hmac.new(_unsubscribe_key(settings or get_settings()), payload.encode(), "sha256")
    return f"{payload}.{_b64(mac.digest()[:16])}"


def unsubscribe_url(user_id: int, kind: Kind, settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    token = unsubscribe_token(user_id, kind, settings)
    return f"{settings.base_url}/api/notifications/unsubscribe?token={token}"


def read_unsubscribe_token(token: str) -> tuple[int, Kind]:
    """The person and kind of a valid token; AppError (400) for anything else."""
    invalid = AppError("unsubscribe_token_invalid", status_code=400)
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or len(token) > 200:
        raise invalid
    try:
        kind = Kind(parts[1])
    except ValueError:
        raise invalid from None
    if spec(kind).essential:
        raise invalid
    good = unsubscribe_token(int(parts[0]), kind)
    if not hmac.compare_digest(good.encode(), token.encode()):
        raise invalid
    return int(parts[0]), kind


async def unsubscribe_preview(token: str) -> tuple[str, str]:
    """(language, kind label) for the confirmation page; checks the token only."""
    user_id, kind = read_unsubscribe_token(token)
    person = await recipient(user_id)
    if person is None:
        raise AppError("unsubscribe_token_invalid", status_code=400)
    return person.language, label(kind, person.language)


async def unsubscribe(token: str) -> tuple[str, str]:
    """Switch e-mail off for the token's person and kind (push stays as it was)."""
    user_id, kind = read_unsubscribe_token(token)
    person = await recipient(user_id)
    if person is None:
        raise AppError("unsubscribe_token_invalid", status_code=400)
    now = _now()
    # Without a stored choice the kind's default push setting is kept.
    push_default = Channel.PUSH in spec(kind).default_channels
    async with write_transaction():
        await NotificationPreference.insert(
            NotificationPreference(
                user=user_id, kind=kind.value, push=push_default, email=False, updated_at=now
            )
        ).on_conflict(
            target=(NotificationPreference.user, NotificationPreference.kind),
            action="DO UPDATE",
            values=[
                (NotificationPreference.email, False),
                (NotificationPreference.updated_at, now),
            ],
        )
    return person.language, label(kind, person.language)
