"""An agency's attendance settings: whether check-ins must be confirmed with a passkey, how
long after the end of its own day an offline tap may arrive before the supervisor must look at
it (the late-sync grace), and its policy: grace minutes before a check-in is late, working days
before an unanswered item turns yellow and red, how many days raw coordinates are kept, and the
accuracy limit beyond which a fix is always uncertain.

Each setting has its default and its range here (`POLICY_FIELDS`); a value out of range is a
422 naming the field, and a change is audited with the value before and after. The rules read
them: `api.attendance.policy` (grace, escalation), `services.erase_old_coordinates`
(retention), `api.attendance.fences` (accuracy limit).

Read on every check-in, so the settings are cached per agency for `TTL_SECONDS` like the
geofences (`api.attendance.fences`): a warm check-in reads no table for them. A change by the
administrator is used at once in the process that made it and by every other process within
that time. All of an agency's settings live in this one structure (one row per agency, the
defaults for an agency without a row), so a policy screen can add to it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import msgspec

from api.accounts import audit
from api.accounts.authz import Principal
from api.accounts.tables import Passkey
from api.attendance.tables import AttendanceSetting
from api.config import get_settings
from api.core.errors import FieldError, Invalid, NotFound
from api.db import write_transaction

TTL_SECONDS = 30.0
CACHE_MAX = 10_000
DEFAULT_LATE_SYNC_GRACE_MINUTES = 120
# At most two days: a tap synced later than that after its day is always worth a look.
MAX_LATE_SYNC_GRACE_MINUTES = 48 * 60
DEFAULT_LATE_GRACE_MINUTES = 0
MAX_LATE_GRACE_MINUTES = 60
DEFAULT_YELLOW_AFTER_DAYS = 3
DEFAULT_RED_AFTER_DAYS = 5
MAX_ESCALATION_DAYS = 30
DEFAULT_COORDINATE_RETENTION_DAYS = 90
# PDPA: keep raw positions no longer than needed; a supervisor decides within weeks.
MIN_COORDINATE_RETENTION_DAYS, MAX_COORDINATE_RETENTION_DAYS = 7, 365
DEFAULT_ACCURACY_LIMIT_M = 100
MIN_ACCURACY_LIMIT_M, MAX_ACCURACY_LIMIT_M = 10, 1000


@dataclass(frozen=True, slots=True)
class AgencySettings:
    passkey_required: bool = False
    late_sync_grace_minutes: int = DEFAULT_LATE_SYNC_GRACE_MINUTES
    late_grace_minutes: int = DEFAULT_LATE_GRACE_MINUTES
    yellow_after_days: int = DEFAULT_YELLOW_AFTER_DAYS
    red_after_days: int = DEFAULT_RED_AFTER_DAYS
    coordinate_retention_days: int = DEFAULT_COORDINATE_RETENTION_DAYS
    accuracy_limit_m: int = DEFAULT_ACCURACY_LIMIT_M

    @property
    def late_sync_grace(self) -> timedelta:
        return timedelta(minutes=self.late_sync_grace_minutes)

    @property
    def late_grace(self) -> timedelta:
        return timedelta(minutes=self.late_grace_minutes)

    @property
    def coordinate_retention(self) -> timedelta:
        return timedelta(days=self.coordinate_retention_days)


# Every stored setting: attribute (= column) → camelCase name used by the API and the audit.
POLICY_FIELDS: dict[str, str] = {
    "passkey_required": "passkeyRequired",
    "late_sync_grace_minutes": "lateSyncGraceMinutes",
    "late_grace_minutes": "lateGraceMinutes",
    "yellow_after_days": "yellowAfterDays",
    "red_after_days": "redAfterDays",
    "coordinate_retention_days": "coordinateRetentionDays",
    "accuracy_limit_m": "accuracyLimitM",
}


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
    late_grace_minutes: int = DEFAULT_LATE_GRACE_MINUTES
    yellow_after_days: int = DEFAULT_YELLOW_AFTER_DAYS
    red_after_days: int = DEFAULT_RED_AFTER_DAYS
    coordinate_retention_days: int = DEFAULT_COORDINATE_RETENTION_DAYS
    accuracy_limit_m: int = DEFAULT_ACCURACY_LIMIT_M


GraceMinutes = Annotated[int, msgspec.Meta(ge=0, le=MAX_LATE_SYNC_GRACE_MINUTES)]
LateGraceMinutes = Annotated[int, msgspec.Meta(ge=0, le=MAX_LATE_GRACE_MINUTES)]
EscalationDays = Annotated[int, msgspec.Meta(ge=1, le=MAX_ESCALATION_DAYS)]
RetentionDays = Annotated[
    int, msgspec.Meta(ge=MIN_COORDINATE_RETENTION_DAYS, le=MAX_COORDINATE_RETENTION_DAYS)
]
AccuracyLimit = Annotated[int, msgspec.Meta(ge=MIN_ACCURACY_LIMIT_M, le=MAX_ACCURACY_LIMIT_M)]


class SettingsIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """The settings to change; a field left out keeps its value."""

    passkey_required: bool | msgspec.UnsetType = msgspec.UNSET
    late_sync_grace_minutes: GraceMinutes | msgspec.UnsetType = msgspec.UNSET
    late_grace_minutes: LateGraceMinutes | msgspec.UnsetType = msgspec.UNSET
    yellow_after_days: EscalationDays | msgspec.UnsetType = msgspec.UNSET
    red_after_days: EscalationDays | msgspec.UnsetType = msgspec.UNSET
    coordinate_retention_days: RetentionDays | msgspec.UnsetType = msgspec.UNSET
    accuracy_limit_m: AccuracyLimit | msgspec.UnsetType = msgspec.UNSET


async def for_agency(agency_id: int) -> AgencySettings:
    """The agency's settings (cached; the defaults when it has none)."""
    cached = _cache.get(agency_id)
    if cached is not None and time.monotonic() - cached[0] < TTL_SECONDS:
        return cached[1]
    loaded_at = time.monotonic()
    row = (
        await AttendanceSetting.select(*_COLUMNS)
        .where(AttendanceSetting.agency == agency_id)
        .first()
    )
    settings = _from_row(row)
    if len(_cache) >= CACHE_MAX:
        _cache.clear()
    _cache[agency_id] = (loaded_at, settings)
    return settings


_COLUMNS = [getattr(AttendanceSetting, name) for name in POLICY_FIELDS]


def _from_row(row: dict[str, Any] | None) -> AgencySettings:
    if row is None:
        return DEFAULTS
    values: dict[str, Any] = {}
    for name in POLICY_FIELDS:
        value = row.get(name)
        if value is not None:
            values[name] = bool(value) if name == "passkey_required" else int(value)
    return AgencySettings(**values)


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
        **{name: getattr(settings, name) for name in POLICY_FIELDS if name != "passkey_required"},
    )


async def set_settings(principal: Principal, data: SettingsIn, ip: str = "") -> SettingsOut:
    """The agency administrator changes their agency's settings (audited: each changed value
    with the one before, as ``<name>`` and ``<name>Before``)."""
    agency_id = principal.agency_id
    if not principal.can_administer(agency_id):
        raise NotFound()
    async with write_transaction():
        existing = (
            await AttendanceSetting.select(AttendanceSetting.id, *_COLUMNS)
            .where(AttendanceSetting.agency == agency_id)
            .first()
        )
        before = _from_row(existing)
        changes = {
            name: getattr(data, name)
            for name in POLICY_FIELDS
            if not isinstance(getattr(data, name), msgspec.UnsetType)
        }
        after = replace(before, **changes)
        if after.yellow_after_days > after.red_after_days:
            raise Invalid(
                "escalation_days_order",
                errors=[FieldError("yellowAfterDays", "escalation_days_order")],
            )
        values: dict[Any, Any] = {
            getattr(AttendanceSetting, name): getattr(after, name) for name in POLICY_FIELDS
        }
        values |= {
            AttendanceSetting.updated_by: principal.user_id,
            AttendanceSetting.updated_at: datetime.now(UTC),
        }
        if existing:
            await AttendanceSetting.update(values).where(AttendanceSetting.id == existing["id"])
        else:
            await AttendanceSetting.insert(
                AttendanceSetting(
                    agency=agency_id,
                    updated_by=principal.user_id,
                    **{name: getattr(after, name) for name in POLICY_FIELDS},
                )
            )
        detail: dict[str, Any] = {}
        for name in changes:
            key = POLICY_FIELDS[name]
            detail[key] = getattr(after, name)
            # The passkey setting kept its original audit key for the value before.
            detail["before" if name == "passkey_required" else f"{key}Before"] = getattr(
                before, name
            )
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
    if "accuracy_limit_m" in changes:
        # Imported here: fences imports this module (a circle).
        from api.attendance import fences

        fences.forget(agency_id)
    return await settings_for(principal)
