"""RSVP from the calendar app (iMIP, RFC 6047): an invitee presses Accept or Decline in
Outlook, Gmail or Apple Calendar, and the app mails a METHOD:REPLY to the invitation's
ORGANIZER. With HADIR_IMIP_ADDRESS set, that ORGANIZER is Hadir's own mailbox; the worker
receives its mail (`api.meetings.imip_listener`, HADIR_IMIP_LISTEN) and applies each reply here
with the checks of the manual .ics upload (`rsvp.respond_with_reply`):

* the meeting is found by the UID Hadir gave it (`invitations.uid_for`); any other UID is
  ignored;
* the sender (the From address) must be an active person of Hadir, invited, and the ATTENDEE
  the REPLY is about (a reply about someone else is refused);
* SEQUENCE must be the meeting's current one and DTSTAMP later than the last answer (older
  replies change nothing); a TENTATIVE answer is not an RSVP Hadir knows.

Applied replies and refused ones from a known person are audited (`meeting.rsvp_calendar`,
`meeting.rsvp_calendar_refused`). The From address is trusted as far as the receiving mail
gateway checked it (SPF/DKIM/DMARC): the listener belongs behind that gateway, not on the
open internet (docs/configuration.md).
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses

import icalendar

from api.accounts import audit
from api.accounts.authz import Principal
from api.core.errors import AppError
from api.db import is_sqlite
from api.meetings.invitations import uid_for
from api.meetings.rsvp import respond_with_reply
from api.meetings.tables import Meeting
from api.org.tables import User

log = logging.getLogger("hadir.imip")
UID = re.compile(r"^meeting-(\d{1,12})@")
MAX_CALENDAR_BYTES = 256 * 1024


@dataclass(frozen=True)
class Outcome:
    applied: bool
    reason: str  # "applied" or why the mail changed nothing
    meeting_id: int | None = None
    user_id: int | None = None


def _calendar_parts(message: EmailMessage) -> list[bytes]:
    parts = []
    for part in message.walk():
        name = (part.get_filename() or "").lower()
        if part.get_content_type() == "text/calendar" or name.endswith(".ics"):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and len(payload) <= MAX_CALENDAR_BYTES:
                parts.append(payload)
    return parts


def _reply_uid(data: bytes) -> str | None:
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError:
        return None
    if str(calendar.get("METHOD", "")).upper() != "REPLY" or len(calendar.events) != 1:
        return None
    return str(calendar.events[0].get("UID", "")) or None


async def _sender(message: EmailMessage) -> dict[str, object] | None:
    addresses = [a for _, a in getaddresses(message.get_all("From", [])) if a]
    if len(addresses) != 1:
        return None
    wanted = addresses[0].strip().casefold()
    like = User.email.like if is_sqlite() else User.email.ilike
    # LIKE pre-selects ("_" is a wildcard there); the exact comparison decides.
    rows = [
        r
        for r in await User.select(
            User.id, User.agency, User.login_id, User.name, User.language, User.email
        ).where(like(wanted) & (User.state == "active"))
        if (r["email"] or "").strip().casefold() == wanted
    ]
    return rows[0] if len(rows) == 1 else None


async def apply_reply_mail(raw: bytes) -> Outcome:
    """One received mail: applied when it is a valid REPLY from the invitee it is about."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    replies = [
        (data, uid) for data in _calendar_parts(message) if (uid := _reply_uid(data)) is not None
    ]
    if not replies:
        return Outcome(False, "no_reply")
    data, uid = replies[0]
    found = UID.match(uid)
    meeting_id = int(found.group(1)) if found else None
    if meeting_id is None or uid != uid_for(meeting_id):
        return Outcome(False, "unknown_uid")
    meeting = (
        await Meeting.select(Meeting.id, Meeting.committee.agency.as_alias("agency"))
        .where(Meeting.id == meeting_id)
        .first()
    )
    if meeting is None:
        return Outcome(False, "unknown_uid")
    person = await _sender(message)
    if person is None:
        log.info("iMIP reply for meeting %s from an unknown sender ignored", meeting_id)
        return Outcome(False, "unknown_sender", meeting_id)
    user_id = int(str(person["id"]))
    # The person's own reach, with no role: an RSVP needs none.
    principal = Principal(
        user_id=user_id,
        agency_id=int(str(person["agency"])),
        login_id=str(person["login_id"]),
        name=str(person["name"]),
        language=str(person["language"] or "ms"),
    )
    try:
        answer = await respond_with_reply(principal, meeting_id, data)
    except AppError as error:
        await audit.record(
            "meeting.rsvp_calendar_refused",
            actor_id=user_id,
            agency_id=meeting["agency"],
            target_type="meeting",
            target_id=meeting_id,
            detail={"code": error.code},
        )
        return Outcome(False, error.code, meeting_id, user_id)
    await audit.record(
        "meeting.rsvp_calendar",
        actor_id=user_id,
        agency_id=meeting["agency"],
        target_type="meeting",
        target_id=meeting_id,
        detail={"response": answer.response},
    )
    return Outcome(True, "applied", meeting_id, user_id)
