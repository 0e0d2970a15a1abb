"""An agency's attendance settings: whether check-ins must be confirmed with a passkey, and how
long after the end of its own day an offline tap may arrive before the supervisor must look at
it (the late-sync grace).

Read on every check-in, so the settings are cached per agency for `TTL_SECONDS` like the
geofences (`api.attendance.fences`): a warm check-in reads no table for them. A change by the
administrator is used at once in the process that made it and by every other process within
that time. All of an agency's settings live in this one structure (one row per agency, the
defaults for an agency without a row), so a policy screen can add to it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

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
DEFAULT_LATE_SYNC_GRACE_MINUTES = 120
# At most two days: a tap synced later than that after its day is always worth a look.
MAX_LATE_SYNC_GRACE_MINUTES = 48 * 60


@dataclass(frozen=True, slots=True)
class AgencySettings:
    passkey_required: bool = False
    late_sync_grace_minutes: int = DEFAULT_LATE_SYNC_GRACE_MINUTES

    @property
    def late_sync_grace(self) -> timedelta:
        return timedelta(minutes=self.late_sync_grace_minutes)


DEFAULTS = AgencySettings()

_cache: dict[int, tuple[float, AgencySettings]] = {}


class SettingsOut(msgspec.Struct, rename="camel"):
    """What the officer's app needs to confirm a check-in: whether the agency requires it, the
    WebAuthn relying-party id, and the ids of the officer's own passkeys (allowCredentials);
    and the late-sync grace in minutes."""

    passkey_required: bool
    rp_id: str
    passkey_credential_ids: list[str]
    late_sync_grace_minutes: int = DEFAULT_LATE_SYNC_GRACE_MINUTES


GraceMinutes = Annotated[int, msgspec.Meta(ge=0, le=MAX_LATE_SYNC_GRACE_MINUTES)]


class SettingsIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """The settings to change; a field left out keeps its value."""

    passkey_required: bool | msgspec.UnsetType = msgspec.UNSET
    late_sync_grace_minutes: GraceMinutes | msgspec.UnsetType = msgspec.UNSET


async def for_agency(agency_id: int) -> AgencySettings:
    """The agency's settings (cached; the defaults when it has none)."""
    cached = _cache.get(agency_id)
    if cached is not None and time.monotonic() - cached[0] < TTL_SECONDS:
        return cached[1]
    loaded_at = time.monotonic()
    row = (
        await AttendanceSetting.select(
            AttendanceSetting.passkey_required, AttendanceSetting.late_sync_grace_minutes
        )
        .where(AttendanceSetting.agency == agency_id)
        .first()
    )
    settings = _from_row(row)
    if len(_cache) >= CACHE_MAX:
        _cache.clear()
    _cache[agency_id] = (loaded_at, settings)
    return settings


def _from_row(row: dict[str, Any] | None) -> AgencySettings:
    if row is None:
        return DEFAULTS
    grace = row.get("late_sync_grace_minutes")
    return AgencySettings(
        passkey_required=bool(row.get("passkey_required")),
        late_sync_grace_minutes=DEFAULT_LATE_SYNC_GRACE_MINUTES if grace is None else int(grace),
    )


async def passkey_required(agency_id: int) -> bool:
    """Whether the agency requires passkey-confirmed check-ins (cached, default False)."""
    return (await for_agency(agency_id)).passkey_required


def forget(agency_id: int | None = None) -> None:
    """Drops the cached settings (all agencies, or one)."""
    if agency_id is None:
        _cache.clear()
    else:
        _cache.pop(agency_id, None)


async def settings_for(principal: Principal) -> SettingsOut:
    """The settings of the person's own agency, with their own passkeys' credential ids."""
    settings = await for_agency(principal.agency_id)
    ids = [
        str(r["credential_id"])
        for r in await Passkey.select(Passkey.credential_id).where(
            Passkey.user == principal.user_id
        )
    ]
    return SettingsOut(
        passkey_required=settings.passkey_required,
        rp_id=get_settings().webauthn_rp_id,
        passkey_credential_ids=ids,
        late_sync_grace_minutes=settings.late_sync_grace_minutes,
    )


async def set_settings(principal: Principal, data: SettingsIn, ip: str = "") -> SettingsOut:
    """The agency administrator changes their agency's settings (audited: each changed value
    with the one before)."""
    agency_id = principal.agency_id
    if not principal.can_administer(agency_id):
        raise NotFound()
    async with write_transaction():
        existing = (
            await AttendanceSetting.select(
                AttendanceSetting.id,
                AttendanceSetting.passkey_required,
                AttendanceSetting.late_sync_grace_minutes,
            )
            .where(AttendanceSetting.agency == agency_id)
            .first()
        )
        before = _from_row(existing)
        after = AgencySettings(
            passkey_required=before.passkey_required
            if isinstance(data.passkey_required, msgspec.UnsetType)
            else data.passkey_required,
            late_sync_grace_minutes=before.late_sync_grace_minutes
            if isinstance(data.late_sync_grace_minutes, msgspec.UnsetType)
            else data.late_sync_grace_minutes,
        )
        values: dict[Any, Any] = {
            AttendanceSetting.passkey_required: after.passkey_required,
            AttendanceSetting.late_sync_grace_minutes: after.late_sync_grace_minutes,
            AttendanceSetting.updated_by: principal.user_id,
            AttendanceSetting.updated_at: datetime.now(UTC),
        }
        if existing:
            await AttendanceSetting.update(values).where(AttendanceSetting.id == existing["id"])
        else:
            await AttendanceSetting.insert(
                AttendanceSetting(
                    agency=agency_id,
                    passkey_required=after.passkey_required,
                    late_sync_grace_minutes=after.late_sync_grace_minutes,
                    updated_by=principal.user_id,
                )
            )
        detail: dict[str, Any] = {}
        if not isinstance(data.passkey_required, msgspec.UnsetType):
            detail |= {"passkeyRequired": after.passkey_required, "before": before.passkey_required}
        if not isinstance(data.late_sync_grace_minutes, msgspec.UnsetType):
            detail |= {
                "lateSyncGraceMinutes": after.late_sync_grace_minutes,
                "lateSyncGraceMinutesBefore": before.late_sync_grace_minutes,
            }
        await audit.record(
            "attendance.settings.set",
            actor_id=principal.user_id,
            agency_id=agency_id,
            target_type="agency",
            target_id=agency_id,
            ip=ip,
            detail=detail,
        )
    forget(agency_id)
    return await settings_for(principal)
