"""E-mail composition and SMTP delivery against a real aiosmtpd server on loopback."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import aiosmtplib
import icalendar
import pytest
from notif_helpers import REFUSE_PERMANENT, REFUSE_TEMPORARY, SmtpSink, free_port

from notifications.calendar import (
    Attendee,
    CalendarPart,
    MeetingInvite,
    Person,
    Role,
    build_cancel,
    build_request,
    meeting_uid,
)
from notifications.email import (
    MailIdentity,
    PermanentDeliveryError,
    Recipient,
    RetryableDeliveryError,
    SmtpConfigurationError,
    SmtpSecurity,
    SmtpSender,
    SmtpSettings,
    Unsubscribe,
    classify_smtp_error,
    compose_email,
    message_id_for,
    send_email,
)
from notifications.kinds import Kind
from notifications.templates import ParamValue, render

KL = ZoneInfo("Asia/Kuala_Lumpur")
IDENTITY = MailIdentity(
    from_address="hadir@jpm.gov.my",
    from_name="Hadir — Jabatan Perdana Menteri",
    reply_to="urusetia.jk@jpm.gov.my",
)
ALI = Recipient("ali@jpm.gov.my", "Ali bin Abu")
UNSUB = Unsubscribe("https://hadir.jpm.gov.my/u/tok123", mailto="unsub@jpm.gov.my")


def invite(sequence: int = 0) -> MeetingInvite:
    return MeetingInvite(
        uid=meeting_uid(42, "hadir.jpm.gov.my"),
        sequence=sequence,
        title="Mesyuarat Jawatankuasa ICT Bil. 2/2026",
        start=datetime(2026, 3, 2, 9, 0, tzinfo=KL),
        end=datetime(2026, 3, 2, 11, 0, tzinfo=KL),
        organizer=Person("urusetia.jk@jpm.gov.my", "Urus Setia JK ICT"),
        attendees=[
            Attendee("pengerusi@jpm.gov.my", "Dato' Pengerusi", role=Role.CHAIR),
            Attendee("ali@jpm.gov.my", "Ali bin Abu"),
        ],
        location="Bilik Mesyuarat Aras 3",
        url="https://hadir.jpm.gov.my/mesyuarat/42",
    )


MEETING_PARAMS: dict[str, ParamValue] = {
    "meeting_title": "Mesyuarat Jawatankuasa ICT Bil. 2/2026",
    "start": datetime(2026, 3, 2, 9, 0, tzinfo=KL),
    "location": "Bilik Mesyuarat Aras 3",
    "reason": "Pengerusi bertugas luar",
    "action_url": "https://hadir.jpm.gov.my/mesyuarat/42",
    "recipient_name": "Ali bin Abu",
}


def plain(sink: SmtpSink) -> SmtpSettings:
    return SmtpSettings(host=sink.host, port=sink.port, security=SmtpSecurity.NONE, timeout=5)


def invitation_email(lang: str = "ms", sequence: int = 0) -> EmailMessage:
    rendered = render(Kind.MEETING_INVITATION, lang, MEETING_PARAMS)
    return compose_email(
        rendered,
        identity=IDENTITY,
        recipient=ALI,
        calendar=build_request(invite(sequence)),
        message_id=message_id_for("evt-1:user-7", "hadir.jpm.gov.my"),
        date=datetime(2026, 2, 20, 1, 0, tzinfo=UTC),
    )


def parts_tree(msg: EmailMessage) -> list[str]:
    return [part.get_content_type() for part in msg.walk()]


# --------------------------------------------------------------------------- over SMTP


async def test_invitation_arrives_with_calendar_parts(smtp_server: SmtpSink) -> None:
    receipt = await send_email(plain(smtp_server), invitation_email("ms", sequence=3))
    [(envelope, msg)] = smtp_server.messages
    assert envelope.mail_from == "hadir@jpm.gov.my"
    assert envelope.rcpt_tos == ["ali@jpm.gov.my"]
    assert receipt.refused == {}
    assert receipt.message_id == msg["Message-ID"]

    assert parts_tree(msg) == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/ics",
    ]
    assert msg["Subject"] == "Jemputan: Mesyuarat Jawatankuasa ICT Bil. 2/2026"
    assert msg["From"].addresses[0].display_name == "Hadir — Jabatan Perdana Menteri"
    assert msg["From"].addresses[0].addr_spec == "hadir@jpm.gov.my"
    assert msg["To"].addresses[0].addr_spec == "ali@jpm.gov.my"
    assert msg["Reply-To"] == "urusetia.jk@jpm.gov.my"
    assert msg["Message-ID"] == message_id_for("evt-1:user-7", "hadir.jpm.gov.my")
    assert msg["Date"].datetime == datetime(2026, 2, 20, 1, 0, tzinfo=UTC)
    assert msg["Content-Language"] == "ms"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert "List-Unsubscribe" not in msg  # essential: cannot be switched off

    text = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert text is not None and html is not None
    assert "Salam sejahtera Ali bin Abu," in text.get_content()
    assert "Isnin, 2 Mac 2026, 9.00 pagi" in text.get_content()
    assert '<html lang="ms">' in html.get_content()

    inline = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    assert inline.get_param("method") == "REQUEST"
    assert inline.get_content_charset() == "utf-8"
    attachment = next(p for p in msg.walk() if p.get_content_type() == "application/ics")
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_param("name") == "invite.ics"
    assert attachment.get_content_disposition() == "attachment"
    ics = attachment.get_payload(decode=True)
    assert isinstance(ics, bytes)
    assert inline.get_content().replace("\r\n", "\n") == ics.decode().replace("\r\n", "\n")

    cal = icalendar.Calendar.from_ical(ics)
    assert cal.method == "REQUEST"
    [event] = cal.events
    assert event.uid == "meeting-42@hadir.jpm.gov.my"
    assert event.sequence == 3
    attendees = {str(a): a.params for a in event.attendees}
    assert attendees["mailto:ali@jpm.gov.my"]["ROLE"] == "REQ-PARTICIPANT"
    assert attendees["mailto:ali@jpm.gov.my"]["RSVP"] == "TRUE"
    assert attendees["mailto:pengerusi@jpm.gov.my"]["ROLE"] == "CHAIR"


async def test_cancellation_in_english_carries_method_cancel(smtp_server: SmtpSink) -> None:
    rendered = render(Kind.MEETING_CANCELLED, "en", MEETING_PARAMS)
    msg = compose_email(
        rendered,
        identity=IDENTITY,
        recipient=ALI,
        calendar=build_cancel(invite(sequence=4)),
    )
    await send_email(plain(smtp_server), msg)
    [(_, got)] = smtp_server.messages
    assert got["Content-Language"] == "en"
    assert got["Subject"] == "Cancelled: Mesyuarat Jawatankuasa ICT Bil. 2/2026"
    body = got.get_body(("plain",))
    assert body is not None and "Dear Ali bin Abu," in body.get_content()
    inline = next(p for p in got.walk() if p.get_content_type() == "text/calendar")
    assert inline.get_param("method") == "CANCEL"
    cal = icalendar.Calendar.from_ical(inline.get_content())
    assert cal.method == "CANCEL"
    assert cal.events[0].sequence == 4
    assert str(cal.events[0]["STATUS"]) == "CANCELLED"


async def test_non_essential_mail_has_one_click_unsubscribe(smtp_server: SmtpSink) -> None:
    rendered = render(
        Kind.MINUTES_DISTRIBUTED,
        "en",
        {"meeting_title": "JK ICT 2/2026", "action_url": "https://hadir.jpm.gov.my/minit/9"},
        unsubscribe_url=UNSUB.url,
    )
    msg = compose_email(rendered, identity=IDENTITY, recipient=ALI, unsubscribe=UNSUB)
    await send_email(plain(smtp_server), msg)
    [(_, got)] = smtp_server.messages
    assert parts_tree(got) == ["multipart/alternative", "text/plain", "text/html"]
    # The value may be folded onto a continuation line (81 > 78 characters): compare unfolded.
    assert got["List-Unsubscribe"].strip() == (
        "<https://hadir.jpm.gov.my/u/tok123>, <mailto:unsub@jpm.gov.my>"
    )
    assert got["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = got.get_body(("html",))
    assert html is not None
    assert '<a href="https://hadir.jpm.gov.my/u/tok123">' in html.get_content()


async def test_connection_is_reused_across_messages(smtp_server: SmtpSink) -> None:
    async with SmtpSender(plain(smtp_server)) as smtp:
        await smtp.send(invitation_email("ms"))
        await smtp.send(invitation_email("en"))
    assert len(smtp_server.messages) == 2
    assert smtp_server.handler.ehlo_count == 1


async def test_idle_connection_is_probed_and_a_dead_one_replaced(smtp_server: SmtpSink) -> None:
    clock = [0.0]
    async with SmtpSender(plain(smtp_server), clock=lambda: clock[0]) as smtp:
        await smtp.send(invitation_email("ms"))
        clock[0] = 120.0  # idle past idle_probe_after: NOOP, still alive, reused
        await smtp.send(invitation_email("ms"))
        assert smtp_server.handler.ehlo_count == 1
        assert smtp._client is not None
        smtp._client.close()  # the connection died while idle
        clock[0] = 240.0
        await smtp.send(invitation_email("ms"))
    assert len(smtp_server.messages) == 3
    assert smtp_server.handler.ehlo_count == 2


async def test_nothing_listening_is_retryable() -> None:
    settings = SmtpSettings(
        host="127.0.0.1", port=free_port(), security=SmtpSecurity.NONE, timeout=2
    )
    with pytest.raises(RetryableDeliveryError) as info:
        await send_email(settings, invitation_email())
    assert info.value.retryable is True


@pytest.mark.parametrize(
    ("address", "error", "code"),
    [
        (REFUSE_PERMANENT, PermanentDeliveryError, 550),
        (REFUSE_TEMPORARY, RetryableDeliveryError, 451),
    ],
)
async def test_recipient_refusals(
    smtp_server: SmtpSink, address: str, error: type[Exception], code: int
) -> None:
    rendered = render(Kind.MEETING_INVITATION, "ms", MEETING_PARAMS)
    msg = compose_email(
        rendered,
        identity=IDENTITY,
        recipient=Recipient(address),
        calendar=build_request(invite()),
    )
    with pytest.raises(error) as info:
        await send_email(plain(smtp_server), msg)
    assert getattr(info.value, "code", None) == code
    assert smtp_server.messages == []


async def test_starttls_with_auth(smtp_tls_server: SmtpSink) -> None:
    assert smtp_tls_server.cert_file is not None
    settings = SmtpSettings(
        host=smtp_tls_server.host,
        port=smtp_tls_server.port,
        security=SmtpSecurity.STARTTLS,
        username="hadir",
        password="s3cret",
        ca_file=str(smtp_tls_server.cert_file),
        timeout=5,
    )
    await send_email(settings, invitation_email())
    assert len(smtp_tls_server.messages) == 1
    assert "s3cret" not in repr(settings)

    wrong = SmtpSettings(
        host=settings.host,
        port=settings.port,
        username="hadir",
        password="wrong",
        ca_file=settings.ca_file,
        timeout=5,
    )
    with pytest.raises(SmtpConfigurationError) as info:
        await send_email(wrong, invitation_email())
    assert info.value.retryable is True  # fixed by an administrator, not by dropping mail

    plain_text = SmtpSettings(
        host=settings.host, port=settings.port, security=SmtpSecurity.NONE, timeout=5
    )
    with pytest.raises(PermanentDeliveryError):  # 530 STARTTLS required
        await send_email(plain_text, invitation_email())


async def test_untrusted_certificate_is_a_configuration_error(smtp_tls_server: SmtpSink) -> None:
    settings = SmtpSettings(
        host=smtp_tls_server.host,
        port=smtp_tls_server.port,
        security=SmtpSecurity.STARTTLS,
        username="hadir",
        password="s3cret",
        timeout=5,
    )
    with pytest.raises(SmtpConfigurationError) as info:
        await send_email(settings, invitation_email())
    assert info.value.retryable is True
    assert smtp_tls_server.messages == []


async def test_implicit_tls(smtps_server: SmtpSink) -> None:
    assert smtps_server.cert_file is not None
    settings = SmtpSettings(
        host=smtps_server.host,
        port=smtps_server.port,
        security=SmtpSecurity.TLS,
        ca_file=str(smtps_server.cert_file),
        timeout=5,
    )
    await send_email(settings, invitation_email())
    assert len(smtps_server.messages) == 1
    untrusted = SmtpSettings(
        host=smtps_server.host, port=smtps_server.port, security=SmtpSecurity.TLS, timeout=5
    )
    with pytest.raises(SmtpConfigurationError):
        await send_email(untrusted, invitation_email())


# --------------------------------------------------------------------------- pure rules


def test_composition_rules() -> None:
    invitation = render(Kind.MEETING_INVITATION, "ms", MEETING_PARAMS)
    with pytest.raises(ValueError, match="essential"):
        compose_email(
            invitation,
            identity=IDENTITY,
            recipient=ALI,
            calendar=build_request(invite()),
            unsubscribe=UNSUB,
        )
    with pytest.raises(ValueError, match="calendar"):
        compose_email(invitation, identity=IDENTITY, recipient=ALI)
    with pytest.raises(ValueError, match="calendar"):
        compose_email(
            invitation, identity=IDENTITY, recipient=ALI, calendar=build_cancel(invite(1))
        )
    minutes = render(
        Kind.MINUTES_DISTRIBUTED,
        "ms",
        {"meeting_title": "x", "action_url": "https://hadir.jpm.gov.my/m"},
    )
    with pytest.raises(ValueError, match="List-Unsubscribe"):
        compose_email(minutes, identity=IDENTITY, recipient=ALI)
    with pytest.raises(ValueError):
        Unsubscribe("http://hadir.jpm.gov.my/u/x")  # RFC 8058 wants https
    fake = CalendarPart("REQUEST", b"", "u", 0)
    with pytest.raises(ValueError, match="calendar"):
        compose_email(minutes, identity=IDENTITY, recipient=ALI, unsubscribe=UNSUB, calendar=fake)


def test_message_id_is_deterministic_per_idempotency_key() -> None:
    a = message_id_for("event-9:user-1", "jpm.gov.my")
    assert a == message_id_for("event-9:user-1", "jpm.gov.my")
    assert a != message_id_for("event-9:user-2", "jpm.gov.my")
    assert a.startswith("<") and a.endswith("@jpm.gov.my>")
    msg = compose_email(
        render(
            Kind.PASSWORD_RESET,
            "ms",
            {"expires_at": datetime.now(UTC), "action_url": "https://h.my/r"},
        ),
        identity=IDENTITY,
        recipient=ALI,
    )
    assert msg["Message-ID"].endswith("@jpm.gov.my>")


def test_smtp_settings_default_ports() -> None:
    """The relay's port follows the security mode unless one is given (the settings themselves
    are read from HADIR_SMTP_* by api.config: tests/api/test_outbox_config.py)."""
    assert SmtpSettings(host="h", security=SmtpSecurity.TLS).effective_port == 465
    assert SmtpSettings(host="h").effective_port == 587
    assert SmtpSettings(host="h", port=2525).effective_port == 2525


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (aiosmtplib.SMTPServerDisconnected("gone"), RetryableDeliveryError),
        (aiosmtplib.SMTPConnectError("refused"), RetryableDeliveryError),
        (aiosmtplib.SMTPReadTimeoutError("slow"), RetryableDeliveryError),
        (ConnectionRefusedError(), RetryableDeliveryError),
        (aiosmtplib.SMTPDataError(452, "storage"), RetryableDeliveryError),
        (aiosmtplib.SMTPDataError(552, "too big"), PermanentDeliveryError),
        (aiosmtplib.SMTPSenderRefused(553, "no", "x@y"), PermanentDeliveryError),
        (aiosmtplib.SMTPResponseException(421, "closing"), RetryableDeliveryError),
        (aiosmtplib.SMTPAuthenticationError(535, "bad"), SmtpConfigurationError),
        (aiosmtplib.SMTPNotSupported("STARTTLS"), SmtpConfigurationError),
        (
            aiosmtplib.SMTPRecipientsRefused(
                [
                    aiosmtplib.SMTPRecipientRefused(550, "no", "a@x"),
                    aiosmtplib.SMTPRecipientRefused(451, "later", "b@x"),
                ]
            ),
            RetryableDeliveryError,
        ),
    ],
)
def test_classify_smtp_error(exc: BaseException, expected: type[Exception]) -> None:
    mapped = classify_smtp_error(exc)
    assert type(mapped) is expected


def test_unknown_errors_are_not_swallowed() -> None:
    assert classify_smtp_error(KeyError("bug")) is None
