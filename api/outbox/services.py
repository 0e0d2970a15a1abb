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
  a day (:func:`build_digests`) instead of being sent one by one;
* the parameters are rendered once at enqueue time, so a missing parameter fails the calling
  service's transaction instead of dead-lettering later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from api.accounts.authz import Principal
from api.config import Settings, get_settings
from api.core.errors import AppError, FieldError, Invalid, NotFound
from api.core.hooks import UserCheck
from api.db import engine, for_update, write_transaction
from api.org.tables import Agency, User
from api.outbox import feed, schemas
from api.outbox.params import decode_params, encode_params
from api.outbox.tables import (
    AgencyMailSetting,
    Notification,
    NotificationPreference,
    NotificationSetting,
    PushSubscriptionRecord,
)
from notifications.calendar import CalendarPart
from notifications.common import Classification, normalize_lang
from notifications.email import MailIdentity
from notifications.kinds import REGISTRY, Channel, Kind, KindSpec, Urgency, resolve_channels, spec
from notifications.push import (
    DEFAULT_PUSH_HOSTS,
    InvalidSubscription,
    PushSubscription,
    VapidKeys,
    check_endpoint,
    encode_payload,
    load_or_create_vapid_keys,
    make_payload,
)
from notifications.templates import (
    ParamValue,
    RenderedMessage,
    label,
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
    if not EVENT_KEY.match(event_key):
        raise ValueError(f"event_key must be 1-160 characters of [A-Za-z0-9:_.-]: {event_key!r}")
    _check_app_path(url)
    url = app_link(url)
    if item_key is not None and not ITEM_KEY.match(item_key):
        raise ValueError(f"item_key must be 1-64 characters of [A-Za-z0-9:_.-]: {item_key!r}")
    if kind_spec.push is not None and kind_spec.push.topic_per_item and not item_key:
        raise ValueError(f"{k.value} needs an item_key (its push topic is per item)")
    if (calendar.method if calendar else None) != kind_spec.calendar_method:
        raise ValueError(f"{k.value}: calendar part must be {kind_spec.calendar_method or 'none'}")
    stored = encode_params(params)
    calendar_json: dict[str, Any] = {}
    if calendar is not None:
        calendar_json = {
            "method": calendar.method,
            "uid": calendar.uid,
            "sequence": calendar.sequence,
            "ics": calendar.ics.decode("utf-8"),
        }

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
    defaults = not await NotificationPreference.exists().where(
        (NotificationPreference.user == person.user_id) & (NotificationPreference.kind == k)
    )
    mine = await personal_settings(person.user_id)
    if (
        kind_spec.digestible
        and mine.digest
        and Channel.EMAIL in await channels_for(Kind.DAILY_DIGEST, person.user_id)
    ):
        channels = {DIGEST}
    if Channel.PUSH in channels and not await PushSubscriptionRecord.exists().where(
        PushSubscriptionRecord.user == person.user_id
    ):
        channels.discard(Channel.PUSH)
        if kind_spec.email_without_push and defaults and Channel.EMAIL in kind_spec.channels:
            channels.add(Channel.EMAIL)
        if not channels and await _digest_instead_of_push(kind_spec, person.user_id):
            channels = {DIGEST}
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


# --------------------------------------------------------------------------- daily digest


# Besides supervisors, the areas whose people get many notices register here (committee
# secretariats: api.meetings.invitations).
DIGEST_AUDIENCE = UserCheck("may choose the daily digest")


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


# --------------------------------------------------------------------------- unsubscribe links


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


def _now() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------- preferences


async def get_preferences(principal: Principal) -> schemas.PreferencesOut:
    user_id = principal.user_id
    person = await recipient(user_id)
    if person is None:
        raise NotFound()
    stored = {
        r["kind"]: r
        for r in await NotificationPreference.select().where(NotificationPreference.user == user_id)
    }
    kinds = []
    for kind, kind_spec in REGISTRY.items():
        row = stored.get(kind.value)
        if kind_spec.essential or row is None:
            chosen = kind_spec.default_channels
        else:
            chosen = resolve_channels(
                kind,
                enabled={
                    c
                    for c, on in ((Channel.PUSH, row["push"]), (Channel.EMAIL, row["email"]))
                    if on
                },
            )
        kinds.append(
            schemas.KindPreferenceOut(
                kind=kind,
                label=label(kind, principal.language),
                essential=kind_spec.essential,
                digestible=kind_spec.digestible,
                push_available=Channel.PUSH in kind_spec.channels,
                email_available=Channel.EMAIL in kind_spec.channels,
                push=Channel.PUSH in chosen,
                email=Channel.EMAIL in chosen,
            )
        )
    mine = await personal_settings(user_id)
    quiet = (
        schemas.QuietHours(start=mine.quiet_start, end=mine.quiet_end)
        if mine.quiet_start and mine.quiet_end
        else None
    )
    return schemas.PreferencesOut(
        kinds=kinds,
        quiet_hours=quiet,
        digest=mine.digest,
        digest_available=await digest_available(user_id),
        timezone=person.timezone,
    )


def _check_preferences(data: schemas.PreferencesIn, language: str) -> None:
    errors: list[FieldError] = []
    seen: set[Kind] = set()
    code = ""
    params: dict[str, str] = {}
    for index, choice in enumerate(data.kinds):
        kind_spec = spec(choice.kind)
        if choice.kind in seen:
            code, params = "notification_kind_repeated", {"kind": choice.kind.value}
            errors.append(FieldError(f"kinds[{index}].kind", code))
            continue
        seen.add(choice.kind)
        for channel, on in ((Channel.PUSH, choice.push), (Channel.EMAIL, choice.email)):
            field = f"kinds[{index}].{channel.value}"
            if kind_spec.essential and channel in kind_spec.default_channels and not on:
                code = "notification_essential"
            elif on and channel not in kind_spec.channels:
                code = "notification_channel_unavailable"
            else:
                continue
            params = {"label": label(choice.kind, language)}
            errors.append(FieldError(field, code))
    if data.quiet_hours is not None and data.quiet_hours.start == data.quiet_hours.end:
        code = "quiet_hours_invalid"
        errors.append(FieldError("quietHours", code))
    if errors:
        raise Invalid(code, params=params, errors=errors)


async def put_preferences(
    principal: Principal, data: schemas.PreferencesIn
) -> schemas.PreferencesOut:
    user_id = principal.user_id
    _check_preferences(data, principal.language)
    if data.digest and not await digest_available(user_id):
        raise Invalid("digest_not_available", errors=[FieldError("digest", "digest_not_available")])
    now = _now()
    async with write_transaction():
        await NotificationPreference.delete().where(NotificationPreference.user == user_id)
        rows = [
            NotificationPreference(
                user=user_id, kind=c.kind.value, push=c.push, email=c.email, updated_at=now
            )
            for c in data.kinds
            if not spec(c.kind).essential
        ]
        if rows:
            await NotificationPreference.insert(*rows)
        quiet = data.quiet_hours
        values = {
            NotificationSetting.quiet_start: quiet.start if quiet else "",
            NotificationSetting.quiet_end: quiet.end if quiet else "",
            NotificationSetting.digest: data.digest,
            NotificationSetting.updated_at: now,
        }
        await NotificationSetting.insert(
            NotificationSetting(
                user=user_id,
                quiet_start=quiet.start if quiet else "",
                quiet_end=quiet.end if quiet else "",
                digest=data.digest,
                updated_at=now,
            )
        ).on_conflict(
            target=NotificationSetting.user, action="DO UPDATE", values=list(values.items())
        )
    return await get_preferences(principal)


# --------------------------------------------------------------------------- push subscriptions


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


# --------------------------------------------------------------------------- senders


async def mail_identity(agency_id: int, settings: Settings | None = None) -> MailIdentity:
    """The agency's own sender if it has one, else HADIR_MAIL_FROM as "Hadir — <agency>"."""
    settings = settings or get_settings()
    row = await AgencyMailSetting.select().where(AgencyMailSetting.agency == agency_id).first()
    if row is not None:
        return MailIdentity(
            from_address=row["from_address"],
            from_name=row["from_name"],
            reply_to=row["reply_to"] or settings.mail_reply_to,
        )
    agency = await Agency.select(Agency.name).where(Agency.id == agency_id).first()
    name = settings.mail_from_name
    if agency is not None:
        name = f"{name} — {agency['name']}"
    return MailIdentity(
        from_address=settings.mail_from, from_name=name, reply_to=settings.mail_reply_to
    )
