"""RSVP chasers to invitees who have not answered, and reminders by e-mail for people without
push, delivered to a real SMTP server and a real Web Push endpoint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.meetings.conftest import Cmt
from tests.meetings.test_meeting_notices import _mails_to, _meeting
from tests.notifications.notif_helpers import FakePushService, SmtpSink
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


async def test_invitees_who_have_not_answered_are_chased_by_push_or_email(
    cmt: Cmt, push_service: FakePushService, smtp_server: SmtpSink, make_dispatcher: Any
) -> None:
    from api.meetings.reminders import send_reminders, send_rsvp_chasers
    from api.meetings.tables import Meeting

    meeting_id = await _meeting(cmt)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
    await Meeting.update(
        {Meeting.starts_at: start, Meeting.ends_at: start + timedelta(hours=2)}
    ).where(Meeting.id == meeting_id)
    member = await cmt.client("member")
    await member.put(f"/api/meetings/{meeting_id}/rsvp", json={"response": "accepted"})
    # The chair has a phone; member2 has none (e-mail instead); the member answered.
    await add_subscription(push_service, cmt.users["chair"], "chair-phone")
    clock = Clock(now=start - timedelta(days=2, hours=23))
    dispatcher = await make_dispatcher(smtp_port=smtp_server.port, clock=clock)
    await dispatcher.run_until_idle()
    smtp_server.messages.clear()

    offsets = (259_200, 86_400)
    assert await send_rsvp_chasers(offsets, now=start - timedelta(days=4)) == 0  # too early
    assert await send_rsvp_chasers(offsets, now=clock.now) == 2
    assert await send_rsvp_chasers(offsets, now=clock.now) == 0  # once per offset
    await dispatcher.run_until_idle()
    [pushed] = push_service.received
    assert pushed.sub_id == "chair-phone" and pushed.json["kind"] == "meeting_rsvp_chaser"
    [mail] = _mails_to(smtp_server, "mc_member2@example.gov.my")
    assert str(mail["Subject"]).startswith("Sila sahkan kehadiran:")
    # Neither the member who answered nor the secretariat is chased.
    assert not _mails_to(smtp_server, "officer_a@example.gov.my")
    assert not _mails_to(smtp_server, "mc_sec@example.gov.my")

    # A reminder to someone attending without a phone arrives by e-mail.
    smtp_server.messages.clear()
    clock.now = start - timedelta(hours=23)
    assert await send_reminders((86_400,), now=clock.now) == 1
    await dispatcher.run_until_idle()
    [reminder] = _mails_to(smtp_server, "officer_a@example.gov.my")
    assert str(reminder["Subject"]).startswith("Peringatan:")


def test_rsvp_chaser_offsets_setting(monkeypatch: Any) -> None:
    from api.config import _reminder_offsets

    monkeypatch.delenv("MEETING_RSVP_CHASER_OFFSETS", raising=False)
    assert _reminder_offsets("MEETING_RSVP_CHASER_OFFSETS", "3d,1d") == (259_200, 86_400)
    monkeypatch.setenv("MEETING_RSVP_CHASER_OFFSETS", "none")
    assert _reminder_offsets("MEETING_RSVP_CHASER_OFFSETS", "3d,1d") == ()
