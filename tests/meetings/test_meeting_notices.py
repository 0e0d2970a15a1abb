"""Issue 16 defects 1 and 2, end to end: the notices reach a real SMTP server and a real Web
Push endpoint on loopback, and their calendar files are parsed with icalendar.

1. A representative (wakil) is told (invitation with DELEGATED-FROM), the member's calendar
   entry says DELEGATED-TO, the member is told, and the representative reads what the member
   reads, SULIT papers included.
"""

from __future__ import annotations

import asyncio
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


MARKER = "Perolehan-Rahsia-Kapal-Selam"


async def test_a_sulit_subject_is_neutral_in_every_notice_and_sealed_at_rest(
    cmt: Cmt, push_service: FakePushService, smtp_server: SmtpSink, make_dispatcher: Any
) -> None:
    from tests.papers.test_confidentiality import _database_text

    sec = await cmt.client("sec")
    body = meeting_body(
        cmt,
        classification="SULIT",
        subject=f"Subjek {MARKER}",
        agenda=[{"title": f"Agenda {MARKER}", "description": f"Huraian {MARKER}"}],
    )
    response = await sec.post("/api/meetings", json=body)
    assert response.status_code == 201, response.text
    meeting = response.json()
    meeting_id, number = meeting["id"], meeting["number"]
    await add_subscription(push_service, cmt.users["colleague"], "guest-phone")
    invited = await sec.post(
        f"/api/meetings/{meeting_id}/invitations", json={"guestIds": [cmt.users["colleague"]]}
    )
    assert invited.status_code == 200, invited.text
    neutral = f"Mesyuarat (SULIT) {number}"
    assert neutral == f"Mesyuarat (SULIT) Bil. 1/{meeting['startsAt'][:4]}"

    # In the outbox, waiting to be sent: nothing of the subject or the agenda.
    from api.outbox.tables import Notification

    waiting = await Notification.select(Notification.params, Notification.calendar)
    assert waiting and MARKER not in str(waiting)

    dispatcher = await make_dispatcher(smtp_port=smtp_server.port)
    await dispatcher.run_until_idle()
    assert len(smtp_server.messages) == 5  # chair, two members, secretariat, the guest
    for _, message in smtp_server.messages:
        assert str(message["Subject"]) == f"Jemputan: {neutral}"
        assert MARKER not in message.as_string()
        event = _calendar_event(message)
        assert str(event["SUMMARY"]) == neutral
        assert str(event["CLASS"]) == "CONFIDENTIAL"
    [push] = push_service.received
    assert MARKER not in push.plaintext.decode()

    # At rest: sealed (subject, agenda title and description).
    everything = await _database_text()
    assert MARKER.encode() not in everything

    # Readable in the app by those allowed; search finds it for members, in memory only.
    member = await cmt.client("member")
    detail = (await member.get(f"/api/meetings/{meeting_id}")).json()
    assert detail["subject"] == f"Subjek {MARKER}"
    assert detail["agenda"][0]["title"] == f"Agenda {MARKER}"
    assert detail["agenda"][0]["description"] == f"Huraian {MARKER}"
    listed = (await member.get("/api/meetings")).json()
    assert [m["subject"] for m in listed] == [f"Subjek {MARKER}"]
    found = (await member.get("/api/search", params={"q": MARKER})).json()
    assert {h["kind"] for h in found["hits"]} == {"meeting", "agenda"}
    # Editing keeps it sealed; the chair lowering the classification opens it at rest.
    edited = await sec.put(
        f"/api/meetings/{meeting_id}/agenda/{detail['agenda'][0]['id']}",
        json={"title": f"Agenda baharu {MARKER}"},
    )
    assert edited.status_code == 200, edited.text
    from api.meetings.tables import AgendaItem, Meeting

    stored = await AgendaItem.select(AgendaItem.title).where(AgendaItem.meeting == meeting_id)
    assert all(MARKER not in r["title"] for r in stored)
    chair = await cmt.client("chair")
    lowered = await chair.put(
        f"/api/meetings/{meeting_id}/classification", json={"classification": "TERHAD"}
    )
    assert lowered.status_code == 200, lowered.text
    row = await Meeting.select(Meeting.title).where(Meeting.id == meeting_id).first()
    assert row is not None and row["title"] == f"Subjek {MARKER}"
    stored = await AgendaItem.select(AgendaItem.title).where(AgendaItem.meeting == meeting_id)
    assert [r["title"] for r in stored] == [f"Agenda baharu {MARKER}"]


async def test_a_withdrawn_representative_gets_a_cancel_and_the_member_is_told(
    cmt: Cmt, push_service: FakePushService, smtp_server: SmtpSink, make_dispatcher: Any
) -> None:
    """Issue 16: the member takes the delegation back, or names someone else."""
    meeting_id = await _meeting(cmt, classification="SULIT")
    clock = Clock()
    dispatcher = await make_dispatcher(smtp_port=smtp_server.port, clock=clock)
    member = await cmt.client("member")
    url = f"/api/meetings/{meeting_id}/rsvp"
    colleague_mail, member_mail = "mc_colleague@example.gov.my", "officer_a@example.gov.my"
    response = await member.put(
        url, json={"response": "delegated", "representativeId": cmt.users["colleague"]}
    )
    assert response.status_code == 200, response.text
    clock.advance(seconds=5)
    await dispatcher.run_until_idle()
    [invited] = _mails_to(smtp_server, colleague_mail)
    first_stamp = _calendar_event(invited).DTSTAMP
    smtp_server.messages.clear()

    # The member attends after all: the colleague's calendar entry is cancelled (CANCEL naming
    # only them, same UID and SEQUENCE, later DTSTAMP), neutral for SULIT.
    await asyncio.sleep(1.1)  # DTSTAMP has whole seconds
    assert (await member.put(url, json={"response": "accepted"})).status_code == 200
    clock.advance(seconds=5)
    await dispatcher.run_until_idle()
    [cancelled] = _mails_to(smtp_server, colleague_mail)
    calendar = _calendar_of(cancelled)
    assert str(calendar["METHOD"]) == "CANCEL"
    [event] = calendar.events
    assert str(event["UID"]) == str(_calendar_event(invited)["UID"])
    assert int(event["SEQUENCE"]) == int(_calendar_event(invited)["SEQUENCE"])
    assert first_stamp < event.DTSTAMP
    assert [str(a).lower() for a in event.attendees] == [f"mailto:{colleague_mail}"]
    assert str(event["SUMMARY"]).startswith("Mesyuarat (SULIT) Bil.")
    assert "Pegawai officer_a" in cancelled.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    # The member is told, with their calendar entry saying they attend.
    [told] = _mails_to(smtp_server, member_mail)
    mine = _attendee(_calendar_event(told), member_mail)
    assert mine.params["PARTSTAT"] == "ACCEPTED" and "DELEGATED-TO" not in mine.params
    assert "Zainab Rakan Sekerja" in told.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    colleague = await cmt.client("colleague")
    assert (await colleague.get(f"/api/meetings/{meeting_id}")).status_code == 404

    # Named again, then replaced by another colleague: each step reaches the person concerned.
    smtp_server.messages.clear()
    response = await member.put(
        url, json={"response": "delegated", "representativeId": cmt.users["colleague"]}
    )
    assert response.status_code == 200
    clock.advance(seconds=5)
    await dispatcher.run_until_idle()
    [again] = _mails_to(smtp_server, colleague_mail)
    assert str(_calendar_of(again)["METHOD"]) == "REQUEST"
    smtp_server.messages.clear()
    response = await member.put(
        url, json={"response": "delegated", "representativeId": cmt.users["admin_a"]}
    )
    assert response.status_code == 200
    clock.advance(seconds=5)
    await dispatcher.run_until_idle()
    [replaced] = _mails_to(smtp_server, colleague_mail)
    assert str(_calendar_of(replaced)["METHOD"]) == "CANCEL"
    to_member = _mails_to(smtp_server, member_mail)
    assert len(to_member) == 2  # the former told, the new one told
    [new_rep] = _mails_to(smtp_server, "admin_a@example.gov.my") or [None]
    assert new_rep is not None and str(_calendar_of(new_rep)["METHOD"]) == "REQUEST"


def _calendar_of(message: EmailMessage) -> icalendar.Calendar:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return icalendar.Calendar.from_ical(part.get_payload(decode=True))
    raise AssertionError("no calendar part")
