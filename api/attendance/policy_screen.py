"""What the agency policy screen shows and saves besides the attendance settings: each
setting's value with its default and range, and the agency's mail sender (the
`agency_mail_setting` row the outbox reads; without one, HADIR_MAIL_FROM and the agency name).
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from api.accounts import audit
from api.accounts.authz import Principal
from api.attendance import agency_settings as settings_module
from api.core.errors import NotFound
from api.db import write_transaction
from api.outbox.tables import AgencyMailSetting


class Bounds(msgspec.Struct, rename="camel"):
    default: int | bool
    min: int | None = None
    max: int | None = None


BOUNDS: dict[str, Bounds] = {
    "passkeyRequired": Bounds(default=False),
    "lateSyncGraceMinutes": Bounds(
        settings_module.DEFAULT_LATE_SYNC_GRACE_MINUTES,
        0,
        settings_module.MAX_LATE_SYNC_GRACE_MINUTES,
    ),
    "lateGraceMinutes": Bounds(
        settings_module.DEFAULT_LATE_GRACE_MINUTES, 0, settings_module.MAX_LATE_GRACE_MINUTES
    ),
    "yellowAfterDays": Bounds(
        settings_module.DEFAULT_YELLOW_AFTER_DAYS, 1, settings_module.MAX_ESCALATION_DAYS
    ),
    "redAfterDays": Bounds(
        settings_module.DEFAULT_RED_AFTER_DAYS, 1, settings_module.MAX_ESCALATION_DAYS
    ),
    "coordinateRetentionDays": Bounds(
        settings_module.DEFAULT_COORDINATE_RETENTION_DAYS,
        settings_module.MIN_COORDINATE_RETENTION_DAYS,
        settings_module.MAX_COORDINATE_RETENTION_DAYS,
    ),
    "accuracyLimitM": Bounds(
        settings_module.DEFAULT_ACCURACY_LIMIT_M,
        settings_module.MIN_ACCURACY_LIMIT_M,
        settings_module.MAX_ACCURACY_LIMIT_M,
    ),
}

Email = Annotated[
    str, msgspec.Meta(max_length=255, pattern=r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
]


class MailSender(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    from_address: Email
    from_name: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    reply_to: Email | None = None


class PolicyOut(msgspec.Struct, rename="camel"):
    settings: settings_module.SettingsOut
    bounds: dict[str, Bounds]
    # None: the platform's sender with the agency's name.
    mail_sender: MailSender | None


def _admin_agency(principal: Principal) -> int:
    if not principal.can_administer(principal.agency_id):
        raise NotFound()
    return principal.agency_id


async def _sender(agency_id: int) -> MailSender | None:
    row = await AgencyMailSetting.select().where(AgencyMailSetting.agency == agency_id).first()
    if row is None:
        return None
    return MailSender(
        from_address=row["from_address"],
        from_name=row["from_name"],
        reply_to=row["reply_to"] or None,
    )


async def policy_for(principal: Principal) -> PolicyOut:
    agency_id = _admin_agency(principal)
    return PolicyOut(
        settings=await settings_module.settings_for(principal),
        bounds=BOUNDS,
        mail_sender=await _sender(agency_id),
    )


async def set_mail_sender(
    principal: Principal, data: MailSender | None, ip: str = ""
) -> MailSender | None:
    """Sets (or, with None, removes) the agency's sender; audited with the one before."""
    agency_id = _admin_agency(principal)
    async with write_transaction():
        before = await _sender(agency_id)
        await AgencyMailSetting.delete().where(AgencyMailSetting.agency == agency_id)
        if data is not None:
            await AgencyMailSetting.insert(
                AgencyMailSetting(
                    agency=agency_id,
                    from_address=data.from_address.strip(),
                    from_name=data.from_name.strip(),
                    reply_to=(data.reply_to or "").strip(),
                )
            )
        detail: dict[str, Any] = {
            "mailSender": msgspec.to_builtins(data),
            "mailSenderBefore": msgspec.to_builtins(before),
        }
        await audit.record(
            "attendance.mail_sender.set",
            actor_id=principal.user_id,
            agency_id=agency_id,
            target_type="agency",
            target_id=agency_id,
            ip=ip,
            detail=detail,
        )
    return data
