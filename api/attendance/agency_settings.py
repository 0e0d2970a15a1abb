"""An agency's attendance settings: whether check-ins must be confirmed with a passkey.

Read on every check-in, so the setting is cached per agency for `TTL_SECONDS` like the
geofences (`api.attendance.fences`): a warm check-in reads no table for it. A change by the
administrator is used at once in the process that made it and by every other process within
that time.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import msgspec

from api.accounts import audit
from api.accounts.authz import Principal
from api.accounts.tables import Passkey
from api.attendance.tables import AttendanceSetting
from api.config import get_settings
from api.core.errors import NotFound
from api.db import write_transaction

TTL_SECONDS = 30.0
CACHE_MAX = 10_000

_cache: dict[int, tuple[float, bool]] = {}


class SettingsOut(msgspec.Struct, rename="camel"):
    """What the officer's app needs to confirm a check-in: whether the agency requires it, the
    WebAuthn relying-party id, and the ids of the officer's own passkeys (allowCredentials)."""

    passkey_required: bool
    rp_id: str
    passkey_credential_ids: list[str]


class SettingsIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    passkey_required: bool


async def passkey_required(agency_id: int) -> bool:
    """Whether the agency requires passkey-confirmed check-ins (cached, default False)."""
    cached = _cache.get(agency_id)
    if cached is not None and time.monotonic() - cached[0] < TTL_SECONDS:
        return cached[1]
    loaded_at = time.monotonic()
    row = (
        await AttendanceSetting.select(AttendanceSetting.passkey_required)
        .where(AttendanceSetting.agency == agency_id)
        .first()
    )
    required = bool(row and row["passkey_required"])
    if len(_cache) >= CACHE_MAX:
        _cache.clear()
    _cache[agency_id] = (loaded_at, required)
    return required


def forget(agency_id: int | None = None) -> None:
    """Drops the cached setting (all agencies, or one)."""
    if agency_id is None:
        _cache.clear()
    else:
        _cache.pop(agency_id, None)


async def settings_for(principal: Principal) -> SettingsOut:
    """The settings of the person's own agency, with their own passkeys' credential ids."""
    required = await passkey_required(principal.agency_id)
    ids = [
        str(r["credential_id"])
        for r in await Passkey.select(Passkey.credential_id).where(
            Passkey.user == principal.user_id
        )
    ]
    return SettingsOut(
        passkey_required=required, rp_id=get_settings().webauthn_rp_id, passkey_credential_ids=ids
    )


async def set_settings(principal: Principal, data: SettingsIn, ip: str = "") -> SettingsOut:
    """The agency administrator changes their agency's settings (audited)."""
    agency_id = principal.agency_id
    if not principal.can_administer(agency_id):
        raise NotFound()
    async with write_transaction():
        existing = (
            await AttendanceSetting.select(AttendanceSetting.id, AttendanceSetting.passkey_required)
            .where(AttendanceSetting.agency == agency_id)
            .first()
        )
        before = bool(existing and existing["passkey_required"])
        if existing:
            await AttendanceSetting.update(
                {
                    AttendanceSetting.passkey_required: data.passkey_required,
                    AttendanceSetting.updated_by: principal.user_id,
                    AttendanceSetting.updated_at: datetime.now(UTC),
                }
            ).where(AttendanceSetting.id == existing["id"])
        else:
            await AttendanceSetting.insert(
                AttendanceSetting(
                    agency=agency_id,
                    passkey_required=data.passkey_required,
                    updated_by=principal.user_id,
                )
            )
        await audit.record(
            "attendance.settings.set",
            actor_id=principal.user_id,
            agency_id=agency_id,
            target_type="agency",
            target_id=agency_id,
            ip=ip,
            detail={"passkeyRequired": data.passkey_required, "before": before},
        )
    forget(agency_id)
    return await settings_for(principal)
