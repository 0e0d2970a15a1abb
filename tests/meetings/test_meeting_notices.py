"""Issue 16 defects 1 and 2, end to end: the notices reach a real SMTP server and a real Web
Push endpoint on loopback, and their calendar files are parsed with icalendar.

1. A representative (wakil) is told (invitation with DELEGATED-FROM), the member's calendar
   entry says DELEGATED-TO, the member is told, and the representative reads what the member
   reads, SULIT papers included.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import icalendar

from tests.meetings.conftest import Cmt, meeting_body
from tests.notifications.notif_helpers import FakePushService, SmtpSink
from tests.papers.conftest import upload
from tests.support.outbox import (
    Clock,
    add_subscription,
    make_dispatcher,
    outbox_settings,
    push_service,
    smtp_server,
)

# Fixtures, used by name as test parameters.
__all__ = ["make_dispatcher", "outbox_settings", "push_service", "smtp_server"]


async def _meeting(cmt: Cmt, **overrides: Any) -> int:
    sec = await cmt.client("sec")
    response = await sec.post("/api/meetings", json=meeting_body(cmt, **overrides))
    assert response.status_code == 201, response.text
    meeting_id = int(response.json()["id"])
    response = await sec.post(f"/api/meetings/{meeting_id}/invitations", json={})
    assert response.status_code == 200, response.text
    return meeting_id


def _mails_to(sink: SmtpSink, address: str) -> list[EmailMessage]:
    return [
        message
        for envelope, message in sink.messages
        if address.lower() in [r.lower() for r in envelope.rcpt_tos]
    ]


def _calendar_event(message: EmailMessage) -> icalendar.Event:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            [event] = icalendar.Calendar.from_ical(part.get_payload(decode=True)).events
            return event
    raise AssertionError("no calendar part")


def _attendee(event: icalendar.Event, address: str) -> Any:
    return next(a for a in event.attendees if str(a).lower() == f"mailto:{address}".lower())


async def test_the_representative_is_invited_reads_sulit_papers_and_the_member_is_told(
    cmt: Cmt, push_service: FakePushService, smtp_server: SmtpSink, make_dispatcher: Any
) -> None:
    meeting_id = await _meeting(cmt, classification="SULIT")
    sec = await cmt.client("sec")
    paper = await upload(sec, meeting_id, title="Kertas sulit")
    assert paper.status_code == 201, paper.text
    colleague = await cmt.client("colleague")
    # Before being named, the colleague knows nothing of the meeting.
    assert (await colleague.get(f"/api/meetings/{meeting_id}")).status_code == 404
    await add_subscription(push_service, cmt.users["colleague"], "colleague-phone")
    await add_subscription(push_service, cmt.users["member"], "member-phone")
    clock = Clock()
    dispatcher = await make_dispatcher(smtp_port=smtp_server.port, clock=clock)
    await dispatcher.run_until_idle()
    smtp_server.messages.clear()
    push_service.received.clear()

    member = await cmt.client("member")
    response = await member.put(
        f"/api/meetings/{meeting_id}/rsvp",
        json={"response": "delegated", "representativeId": cmt.users["colleague"]},
    )
    assert response.status_code == 200, response.text
    clock.advance(seconds=5)
    await dispatcher.run_until_idle()

    # The representative: an e-mail with the REQUEST naming them DELEGATED-FROM the member,
    # and a push (neutral for SULIT).
    [to_rep] = _mails_to(smtp_server, "mc_colleague@example.gov.my")
    event = _calendar_event(to_rep)
    rep = _attendee(event, "mc_colleague@example.gov.my")
    assert rep.params["DELEGATED-FROM"].lower() == "mailto:officer_a@example.gov.my"
    assert rep.params["PARTSTAT"] == "ACCEPTED"
    assert "wakil" in str(to_rep["Subject"]).lower()
    # The member: told, with a REQUEST that records PARTSTAT=DELEGATED;DELEGATED-TO.
    [to_member] = _mails_to(smtp_server, "officer_a@example.gov.my")
    mine = _attendee(_calendar_event(to_member), "officer_a@example.gov.my")
    assert mine.params["PARTSTAT"] == "DELEGATED"
    assert mine.params["DELEGATED-TO"].lower() == "mailto:mc_colleague@example.gov.my"
    assert {r.sub_id for r in push_service.received} == {"colleague-phone", "member-phone"}
    assert all(r.json["classified"] is True for r in push_service.received)

    # The representative sees what the member sees: the notice and the SULIT paper.
    detail = await colleague.get(f"/api/meetings/{meeting_id}")
    assert detail.status_code == 200 and detail.json()["canReadContent"] is True
    papers = await colleague.get(f"/api/meetings/{meeting_id}/papers")
    assert papers.status_code == 200, papers.text
    [listed] = papers.json()["papers"]
    assert listed["title"] == "Kertas sulit"
    assert (await colleague.get(listed["url"])).status_code == 200
    # Naming the same representative again tells nobody twice.
    again = await member.put(
        f"/api/meetings/{meeting_id}/rsvp",
        json={"response": "delegated", "representativeId": cmt.users["colleague"]},
    )
    assert again.status_code == 200
    before = len(smtp_server.messages)
    clock.advance(seconds=5)
    await dispatcher.run_until_idle()
    assert len(smtp_server.messages) == before
    # When the member attends after all, the colleague loses the access.
    await member.put(f"/api/meetings/{meeting_id}/rsvp", json={"response": "accepted"})
    assert (await colleague.get(f"/api/meetings/{meeting_id}/papers")).status_code == 404


async def test_a_guests_representative_reads_no_sulit_content(cmt: Cmt) -> None:
    meeting_id = await _meeting(cmt, classification="SULIT")
    sec = await cmt.client("sec")
    await sec.post(
        f"/api/meetings/{meeting_id}/invitations", json={"guestIds": [cmt.users["colleague"]]}
    )
    guest = await cmt.client("colleague")
    response = await guest.put(
        f"/api/meetings/{meeting_id}/rsvp",
        json={"response": "delegated", "representativeId": cmt.users["admin_a"]},
    )
    assert response.status_code == 200, response.text
    admin = await cmt.client("admin_a")
    detail = await admin.get(f"/api/meetings/{meeting_id}")
    assert detail.status_code == 200 and detail.json()["canReadContent"] is False
    assert (await admin.get(f"/api/meetings/{meeting_id}/papers")).status_code == 404
