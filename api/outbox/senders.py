"""Who the e-mail comes from: the agency's sender identity."""

from __future__ import annotations

from api.config import Settings, get_settings
from api.org.tables import Agency
from api.outbox.tables import (
    AgencyMailSetting,
)
from notifications.email import MailIdentity


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
