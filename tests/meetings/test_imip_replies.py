"""RSVP from the calendar app (issue 16): the invitation's ORGANIZER is Hadir's iMIP mailbox,
the worker's SMTP listener (a real server on loopback, a real SMTP client) receives the REPLY
an invitee's calendar mails, and applies it with the checks of the manual .ics upload."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import icalendar
import msgspec
import pytest

from api.config import Settings, get_settings
from tests.meetings.conftest import Cmt
from tests.meetings.test_rsvp_invitations import _meeting, _outbox, _reply

IMIP = "rsvp@hadir.test"


@pytest.fixture
def imip_settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    from api.meetings import invitations

    settings = msgspec.structs.replace(
        get_settings(), imip_address=IMIP, imip_listen=("127.0.0.1", 0)
    )
    monkeypatch.setattr(invitations, "get_settings", lambda: settings)
    return settings


@pytest.fixture
async def listener(imip_settings: Settings) -> AsyncIterator[int]:
    from api.meetings.imip_listener import start

    server = await start(imip_settings)
    assert server is not None
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


def _mail(sender: str, ics: bytes, to: str = IMIP) -> EmailMessage:
    """As Outlook sends it: a text part and the REPLY as text/calendar; method=REPLY."""
    message = EmailMessage()
    message["From"] = f"Pegawai <{sender}>"
    message["To"] = to
    message["Subject"] = "Accepted: Mesyuarat"
    message.set_content("Accepted")
    message.add_alternative(ics, maintype="text", subtype="calendar", params={"method": "REPLY"})
    return message


async def _send(port: int, message: EmailMessage, sender: str) -> None:
    await aiosmtplib.send(
        message, hostname="127.0.0.1", port=port, sender=sender, recipients=[message["To"]]
    )


async def _answer(meeting_id: int, user_id: int) -> str:
    from api.meetings.tables import Invitation

    row = (
        await Invitation.select(Invitation.response)
        .where((Invitation.meeting == meeting_id) & (Invitation.user == user_id))
        .first()
    )
    return str(row["response"])


async def _audited(action: str, meeting_id: int) -> list[dict[str, Any]]:
    from api.accounts.tables import AuditEvent

    return await AuditEvent.select(AuditEvent.actor_id, AuditEvent.detail).where(
        (AuditEvent.action == action) & (AuditEvent.target_id == str(meeting_id))
    )


async def test_a_reply_mailed_by_the_calendar_updates_the_rsvp(
    cmt: Cmt, listener: int, imip_settings: Settings
) -> None:
    from api.meetings.invitations import uid_for

    meeting_id = await _meeting(cmt)
    # The invitation names Hadir's mailbox as ORGANIZER, so "Accept" reaches Hadir.
    [invitation] = [
        r for r in await _outbox("meeting_invitation") if r["recipient"] == cmt.users["member"]
    ]
    [event] = icalendar.Calendar.from_ical(invitation["calendar"]["ics"]).events
    assert str(event["ORGANIZER"]).lower() == f"mailto:{IMIP}"
    uid, member = uid_for(meeting_id), "officer_a@example.gov.my"
    now = datetime.now(UTC)

    await _send(listener, _mail(member, _reply(uid, 0, member, "ACCEPTED", now)), member)
    assert await _answer(meeting_id, cmt.users["member"]) == "accepted"
    [applied] = await _audited("meeting.rsvp_calendar", meeting_id)
    assert applied["actor_id"] == cmt.users["member"]

    # Someone else mailing a reply about the member changes nothing (and is audited).
    later = now + timedelta(minutes=1)
    spoof = _reply(uid, 0, member, "DECLINED", later, **{"x_ignored": "1"})
    await _send(listener, _mail("mc_member2@example.gov.my", spoof), "mc_member2@example.gov.my")
    assert await _answer(meeting_id, cmt.users["member"]) == "accepted"
    [refused] = await _audited("meeting.rsvp_calendar_refused", meeting_id)
    assert refused["actor_id"] == cmt.users["member2"]
    # A stranger, an unknown UID: ignored.
    stranger = "orang.luar@example.com"
    await _send(listener, _mail(stranger, _reply(uid, 0, stranger, "ACCEPTED", later)), stranger)
    other = _reply("meeting-999999@elsewhere", 0, member, "DECLINED", later)
    await _send(listener, _mail(member, other), member)
    assert await _answer(meeting_id, cmt.users["member"]) == "accepted"
    # After an update (SEQUENCE 1), a reply to the old version is stale; the current one counts.
    sec = await cmt.client("sec")
    assert (
        await sec.patch(f"/api/meetings/{meeting_id}", json={"room": "Bilik 9"})
    ).status_code == 200
    old = _reply(uid, 0, member, "ACCEPTED", now + timedelta(minutes=2))
    await _send(listener, _mail(member, old), member)
    assert await _answer(meeting_id, cmt.users["member"]) == "needs_action"
    current = _reply(uid, 1, member, "ACCEPTED", now + timedelta(minutes=3))
    await _send(listener, _mail(member, current), member)
    assert await _answer(meeting_id, cmt.users["member"]) == "accepted"
    assert len(await _audited("meeting.rsvp_calendar", meeting_id)) == 2


async def test_the_listener_takes_mail_for_its_mailbox_only(listener: int) -> None:
    message = _mail("officer_a@example.gov.my", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    message.replace_header("To", "someone@hadir.test")
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused):
        await _send(listener, message, "officer_a@example.gov.my")
