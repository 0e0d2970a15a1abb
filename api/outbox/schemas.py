"""Request and response shapes of the push-subscription and preference API (camelCase)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from notifications.kinds import Kind

LocalTime = Annotated[str, msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
B64Url = Annotated[str, msgspec.Meta(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+=*$")]


class PublicKeyOut(msgspec.Struct, rename="camel"):
    """The VAPID public key: the PWA passes it to pushManager.subscribe()."""

    public_key: str


class SubscriptionKeys(msgspec.Struct, forbid_unknown_fields=True):
    p256dh: B64Url
    auth: B64Url


class SubscriptionIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """What `PushSubscription.toJSON()` gives, plus the browser's description of itself."""

    endpoint: Annotated[str, msgspec.Meta(min_length=10, max_length=2048)]
    keys: SubscriptionKeys
    # Milliseconds since the epoch (DOMTimeStamp): within what JavaScript numbers hold exactly.
    expiration_time: Annotated[int, msgspec.Meta(ge=0, le=2**53 - 1)] | None = None
    user_agent: Annotated[str, msgspec.Meta(max_length=255)] = ""
    # Sent by the service worker on `pushsubscriptionchange`: the browser's previous endpoint
    # for this device, forgotten in the same transaction (only if it is the caller's own).
    replaces_endpoint: Annotated[str, msgspec.Meta(max_length=2048)] | None = None


class SubscriptionOut(msgspec.Struct, rename="camel"):
    id: int
    endpoint: str
    user_agent: str
    created_at: datetime
    updated_at: datetime
    last_success_at: datetime | None


class KindPreferenceIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    kind: Kind
    push: bool
    email: bool


class KindPreferenceOut(msgspec.Struct, rename="camel"):
    kind: Kind
    label: str
    essential: bool
    digestible: bool
    push_available: bool
    email_available: bool
    push: bool
    email: bool


class QuietHours(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """Local times in the agency's time zone; may cross midnight (22:00 to 07:00)."""

    start: LocalTime
    end: LocalTime


class PreferencesIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """Replaces the person's preferences: kinds not listed go back to their defaults."""

    kinds: list[KindPreferenceIn] = []
    quiet_hours: QuietHours | None = None
    digest: bool = False


class PreferencesOut(msgspec.Struct, rename="camel"):
    kinds: list[KindPreferenceOut]
    quiet_hours: QuietHours | None
    digest: bool
    digest_available: bool
    timezone: str


class FeedItemOut(msgspec.Struct, rename="camel"):
    """One item of the in-app feed, its text in the reader's language (SULIT: neutral title,
    empty body, as a push)."""

    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read: bool


class FeedOut(msgspec.Struct, rename="camel"):
    items: list[FeedItemOut]
    unread: int
    more: bool


class MarkedReadOut(msgspec.Struct, rename="camel"):
    marked: int
