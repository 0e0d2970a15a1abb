"""A person's notification preferences: channels per kind, quiet hours, the digest."""

from __future__ import annotations

from api.accounts.authz import Principal
from api.core.errors import FieldError, Invalid, NotFound
from api.db import write_transaction
from api.outbox import schemas
from api.outbox.digest import digest_available
from api.outbox.services import _now, personal_settings, recipient
from api.outbox.tables import (
    NotificationPreference,
    NotificationSetting,
)
from notifications.kinds import REGISTRY, Channel, Kind, resolve_channels, spec
from notifications.templates import (
    label,
)


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
