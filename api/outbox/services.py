"""Notification rules: what goes into the outbox, for whom, on which channel and when.

Other areas call :func:`enqueue` inside their own `write_transaction()`, in the same
transaction as the change that causes the notification, so a rolled-back change leaves no
notification behind and a committed one always has its notification (the transactional outbox
pattern). The dispatcher (`api.outbox.dispatcher`) delivers the rows later.

Rules decided here:

* channels come from the kind registry (`notifications.kinds`) and the person's preferences;
  essential kinds cannot be switched off (the API refuses, and `resolve_channels` ignores any
  stored choice);
* one row per (event, recipient, channel), keyed "<event key>:user:<id>:<channel>"; enqueueing
  the same event again writes nothing;
* a push row is only written when the person has at least one push subscription;
* non-urgent pushes enqueued during quiet hours wait until the quiet hours end (agency time);
* digestible kinds of people who chose the daily digest are held and folded into one e-mail
  a day (`api.outbox.digest.build_digests`) instead of being sent one by one;
* the parameters are rendered once at enqueue time, so a missing parameter fails the calling
  service's transaction instead of dead-lettering later.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from api.config import Settings, get_settings
from api.db import engine
from api.org.tables import User
from api.outbox import feed
from api.outbox.params import decode_params, encode_params
from api.outbox.tables import (
    Notification,
    NotificationPreference,
    NotificationSetting,
    PushSubscriptionRecord,
)
from notifications.calendar import CalendarPart
from notifications.common import Classification, normalize_lang
from notifications.kinds import Channel, Kind, KindSpec, Urgency, resolve_channels, spec
from notifications.push import (
    encode_payload,
    make_payload,
)
from notifications.templates import (
    ParamValue,
    RenderedMessage,
    render,
    render_digest,
    render_digest_line,
)

DIGEST = "digest"
"""The channel of an item held for the daily digest (not a delivery channel)."""
MAX_SUBSCRIPTIONS_PER_USER = 10
SECRET_BEARING = frozenset({Kind.PASSWORD_RESET})
"""Kinds whose link carries a secret (the reset token): the row's URL and parameters are
emptied once it is final (sent, failed or dead), so the outbox does not keep live links."""
EVENT_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:_.-]{0,159}$")
ITEM_KEY = re.compile(r"^[A-Za-z0-9:_.-]{1,64}$")


class Status(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"
    HELD = "held"
    DIGESTED = "digested"


def idempotency_key(event_key: str, user_id: int, channel: str) -> str:
    """ "checkin-decision:1234" → "checkin-decision:1234:user:56:push"."""
    return f"{event_key}:user:{user_id}:{channel}"


# --------------------------------------------------------------------------- the recipient


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    name: str
    email: str
    language: str
    state: str
    agency_id: int
    timezone: str


async def recipient(user_id: int) -> Recipient | None:
    row = (
        await User.select(
            User.id,
            User.name,
            User.email,
            User.language,
            User.state,
            User.agency,
            User.agency.timezone.as_alias("timezone"),
        )
        .where(User.id == user_id)
        .first()
    )
    if row is None:
        return None
    return Recipient(
        user_id=row["id"],
        name=row["name"],
        email=row["email"] or "",
        language=normalize_lang(row["language"]),
        state=row["state"],
        agency_id=row["agency"],
        timezone=row["timezone"] or "Asia/Kuala_Lumpur",
    )


@dataclass(frozen=True, slots=True)
class PersonalSettings:
    quiet_start: str = ""
    quiet_end: str = ""
    digest: bool = False


async def personal_settings(user_id: int) -> PersonalSettings:
    row = await NotificationSetting.select().where(NotificationSetting.user == user_id).first()
    if row is None:
        return PersonalSettings()
    return PersonalSettings(row["quiet_start"], row["quiet_end"], row["digest"])


async def channels_for(kind: Kind, user_id: int) -> frozenset[Channel]:
    """The channels one person gets `kind` on: the registry's rule applied to their choice."""
    row = (
        await NotificationPreference.select(
            NotificationPreference.push, NotificationPreference.email
        )
        .where((NotificationPreference.user == user_id) & (NotificationPreference.kind == kind))
        .first()
    )
    if row is None:
        return resolve_channels(kind)
    enabled = {c for c, on in ((Channel.PUSH, row["push"]), (Channel.EMAIL, row["email"])) if on}
    return resolve_channels(kind, enabled=enabled)


def quiet_until(now: datetime, tz: str, start: str, end: str) -> datetime | None:
    """The end of the quiet period `now` falls in (UTC), or None outside quiet hours.

    `start`/`end` are local "HH:MM" times in `tz`; a period may cross midnight (22:00-07:00).
    """
    if not start or not end or start == end:
        return None
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    begins, ends = time.fromisoformat(start), time.fromisoformat(end)
    wall = local.time().replace(tzinfo=None)
    if begins < ends:
        if not begins <= wall < ends:
            return None
        end_day = local.date()
    else:
        if ends <= wall < begins:
            return None
        end_day = local.date() + timedelta(days=1) if wall >= begins else local.date()
    return datetime.combine(end_day, ends, tzinfo=zone).astimezone(UTC)


def is_urgent(kind_spec: KindSpec) -> bool:
    """Urgent pushes (meeting cancelled, meeting about to start) ignore quiet hours."""
    return kind_spec.push is not None and kind_spec.push.urgency == Urgency.HIGH


# --------------------------------------------------------------------------- rendering


def action_url(settings: Settings, url: str) -> str:
    return f"{settings.base_url}{url}"


def render_email(
    kind: Kind,
    lang: str,
    params: Mapping[str, Any],
    *,
    unsubscribe_url: str | None,
    tz: str,
) -> RenderedMessage:
    """The e-mail of one row; the daily digest carries its items in "_entries"."""
    if kind == Kind.DAILY_DIGEST:
        entries = [(Kind(k), decode_params(p)) for k, p in params.get("_entries", [])]
        rest = decode_params({k: v for k, v in params.items() if k != "_entries"})
        return render_digest(lang, entries, rest, unsubscribe_url=unsubscribe_url, tz=tz)
    return render(kind, lang, decode_params(params), unsubscribe_url=unsubscribe_url, tz=tz)


def _check_renders(
    kind: Kind,
    lang: str,
    stored: Mapping[str, Any],
    channels: set[str],
    *,
    url: str,
    classification: Classification,
    tag: str | None,
    tz: str,
    settings: Settings,
) -> None:
    """Render now what the dispatcher will render later; raises on a missing parameter."""
    params = decode_params(stored)
    if Channel.PUSH in channels:
        encode_payload(
            make_payload(kind, lang, params, url=url, classification=classification, tag=tag, tz=tz)
        )
    if Channel.EMAIL in channels:
        placeholder = None if spec(kind).essential else f"{settings.base_url}/unsubscribe"
        render(
            kind,
            lang,
            {"action_url": action_url(settings, url), **params},
            unsubscribe_url=placeholder,
            tz=tz,
        )
    if DIGEST in channels:
        render_digest_line(kind, lang, params, tz=tz)


# --------------------------------------------------------------------------- enqueue


def _check_app_path(url: str) -> None:
    if (
        not url.startswith("/")
        or url.startswith("//")
        or len(url) > 512
        or any(c.isspace() for c in url)
    ):
        raise ValueError(f"url must be a path inside the app, like /mesyuarat/42: {url!r}")


def app_link(url: str) -> str:
    """The PWA routes on the fragment (`/#/meetings/42`); a screen given as a path
    (`/meetings/42`) is turned into that, so that the push and the e-mail's button open the
    screen: the server has no page at /meetings/42. API paths (downloads) stay as they are."""
    if url == "/" or url.startswith(("/#", "/api/")):
        return url
    return "/#" + url


async def enqueue(
    kind: Kind | str,
    recipient_user_id: int,
    params: Mapping[str, ParamValue],
    *,
    event_key: str,
    url: str,
    classification: Classification | str = Classification.TERBUKA,
    item_key: str | None = None,
    tag: str | None = None,
    calendar: CalendarPart | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Queue one notification for one person; returns the ids of the rows written.

    Call it inside the write transaction of the change that causes it::

        async with write_transaction():
            ...  # record the supervisor's decision
            await enqueue(
                Kind.CHECKIN_APPROVED,
                officer_id,
                {"checkin_time": checked_in_at, "supervisor_name": supervisor.name},
                event_key=f"checkin-decision:{checkin_id}",
                url=f"/kehadiran/{checkin_id}",
            )

    `event_key` names the event (not the person or channel) and must be the same when the same
    event is enqueued again: the rows are keyed "<event_key>:user:<id>:<channel>", so a
    repeat writes nothing. `url` is a path inside the PWA (the push opens it; the e-mail's
    button links to BASE_URL + url unless `params` has its own `action_url`). `item_key`
    (e.g. the meeting id) is required by kinds with a per-item push topic (meeting notices and
    reminders) so that a newer notice replaces an undelivered older one. `tag` replaces the
    device notification with the same tag. `calendar` is the recipient's iTIP part, required
    by the meeting invitation, change and cancellation. `classification` SULIT keeps the
    item's text out of push payloads. `now` is for tests.

    Writes nothing for people who are not active, who switched every channel of the kind
    off, or (push only) who have no push subscription. Raises ValueError (or a
    `notifications.templates.TemplateError`) for a programming error: unknown kind, bad key or
    URL, missing template parameter; RuntimeError outside a transaction.
    """
    if not engine().transaction_exists():
        raise RuntimeError("enqueue() must run inside the caller's write_transaction()")
    k = Kind(kind)
    kind_spec = spec(k)
    level = Classification(classification)
    _check_call(k, kind_spec, event_key, url, item_key, calendar)
    url = app_link(url)
    stored = encode_params(params)

    person = await recipient(recipient_user_id)
    if person is None:
        raise ValueError(f"no user {recipient_user_id}")
    if person.state != "active":
        return []
    now = now or datetime.now(UTC)
    await feed.add(
        k,
        person.user_id,
        stored,
        event_key=event_key,
        url=url,
        classification=level,
        now=now,
    )
    channels: set[str] = set(await channels_for(k, person.user_id))
    if not channels:
        return []
    channels, mine = await _delivery_channels(k, kind_spec, person.user_id, channels)
    if not channels:
        return []
    settings = get_settings()
    _check_renders(
        k,
        person.language,
        stored,
        channels,
        url=url,
        classification=level,
        tag=tag,
        tz=person.timezone,
        settings=settings,
    )
    calendar_json = _calendar_json(calendar)
    rows = []
    for channel in sorted(channels):
        due, status = now, Status.PENDING
        if channel == DIGEST:
            status = Status.HELD
        elif channel == Channel.PUSH and not is_urgent(kind_spec):
            due = quiet_until(now, person.timezone, mine.quiet_start, mine.quiet_end) or now
        rows.append(
            Notification(
                idempotency_key=idempotency_key(event_key, person.user_id, channel),
                event_key=event_key,
                kind=k.value,
                channel=channel,
                recipient=person.user_id,
                language=person.language,
                params=stored,
                url=url,
                classification=level.value,
                item_key=item_key or "",
                tag=tag or "",
                calendar=calendar_json,
                status=status,
                next_attempt_at=due,
                created_at=now,
            )
        )
    return await _insert_new(rows)


def _check_call(
    k: Kind,
    kind_spec: KindSpec,
    event_key: str,
    url: str,
    item_key: str | None,
    calendar: CalendarPart | None,
) -> None:
    """The programming errors `enqueue` refuses before it writes anything."""
    if not EVENT_KEY.match(event_key):
        raise ValueError(f"event_key must be 1-160 characters of [A-Za-z0-9:_.-]: {event_key!r}")
    _check_app_path(url)
    if item_key is not None and not ITEM_KEY.match(item_key):
        raise ValueError(f"item_key must be 1-64 characters of [A-Za-z0-9:_.-]: {item_key!r}")
    if kind_spec.push is not None and kind_spec.push.topic_per_item and not item_key:
        raise ValueError(f"{k.value} needs an item_key (its push topic is per item)")
    if (calendar.method if calendar else None) != kind_spec.calendar_method:
        raise ValueError(f"{k.value}: calendar part must be {kind_spec.calendar_method or 'none'}")


def _calendar_json(calendar: CalendarPart | None) -> dict[str, Any]:
    if calendar is None:
        return {}
    return {
        "method": calendar.method,
        "uid": calendar.uid,
        "sequence": calendar.sequence,
        "ics": calendar.ics.decode("utf-8"),
    }


async def _delivery_channels(
    k: Kind, kind_spec: KindSpec, user_id: int, channels: set[str]
) -> tuple[set[str], PersonalSettings]:
    """The person's `channels` for this kind as delivered: the digest instead when they chose
    it, and no push without a device to push to (e-mail or the digest instead, where the kind
    allows); with their personal settings (quiet hours)."""
    defaults = not await NotificationPreference.exists().where(
        (NotificationPreference.user == user_id) & (NotificationPreference.kind == k)
    )
    mine = await personal_settings(user_id)
    if (
        kind_spec.digestible
        and mine.digest
        and Channel.EMAIL in await channels_for(Kind.DAILY_DIGEST, user_id)
    ):
        channels = {DIGEST}
    if Channel.PUSH in channels and not await PushSubscriptionRecord.exists().where(
        PushSubscriptionRecord.user == user_id
    ):
        channels.discard(Channel.PUSH)
        if kind_spec.email_without_push and defaults and Channel.EMAIL in kind_spec.channels:
            channels.add(Channel.EMAIL)
        if not channels and await _digest_instead_of_push(kind_spec, user_id):
            channels = {DIGEST}
    return channels, mine


async def _digest_instead_of_push(kind_spec: KindSpec, user_id: int) -> bool:
    """A kind that must not be lost for want of a phone goes to the daily digest e-mail, unless
    the person switched that e-mail off."""
    return kind_spec.digest_without_push and Channel.EMAIL in await channels_for(
        Kind.DAILY_DIGEST, user_id
    )


async def hold_failed_push_for_digest(row: Mapping[str, Any], now: datetime) -> list[int]:
    """A push of a `digest_without_push` kind that failed for good (no device took it): the
    same notice is held for the person's daily digest e-mail (once per event)."""
    kind_spec = spec(row["kind"])
    if row["channel"] != Channel.PUSH or not await _digest_instead_of_push(
        kind_spec, row["recipient"]
    ):
        return []
    copy = Notification(
        idempotency_key=idempotency_key(row["event_key"], row["recipient"], DIGEST),
        event_key=row["event_key"],
        kind=row["kind"],
        channel=DIGEST,
        recipient=row["recipient"],
        language=row["language"],
        params=row["params"],
        url=row["url"],
        classification=row["classification"],
        item_key=row.get("item_key") or "",
        tag=row.get("tag") or "",
        calendar={},
        status=Status.HELD,
        next_attempt_at=now,
        created_at=now,
    )
    return await _insert_new([copy])


async def _insert_new(rows: list[Notification]) -> list[int]:
    """Insert, skipping rows whose idempotency key exists (ON CONFLICT DO NOTHING: on
    PostgreSQL a unique violation would abort the caller's whole transaction)."""
    inserted = (
        await Notification.insert(*rows)
        .on_conflict(target=Notification.idempotency_key, action="DO NOTHING")
        .returning(Notification.id)
    )
    return [r["id"] for r in inserted]


def _now() -> datetime:
    return datetime.now(UTC)
