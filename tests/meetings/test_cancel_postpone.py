"""A secretariat cancels or postpones with a reason: the reason reaches every invitee in the
notice (a real SMTP server) and in the calendar file (COMMENT of the CANCEL / REQUEST); for a
SULIT meeting the notice says only to look in Hadir, and the reason is sealed at rest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.meetings.conftest import Cmt, later, meeting_body
from tests.meetings.test_meeting_notices import _calendar_event, _meeting
from tests.notifications.notif_helpers import SmtpSink
from tests.support.outbox import Clock, make_dispatcher, outbox_settings, smtp_server

# Fixtures, used by name as test parameters.
__all__ = ["make_dispatcher", "outbox_settings", "smtp_server"]


async def test_cancel_with_a_reason_in_the_notice_and_the_cancel(
    cmt: Cmt, smtp_server: SmtpSink, make_dispatcher: Any
) -> None:
    meeting_id = await _meeting(cmt)
    clock = Clock()
    dispatcher = await make_dispatcher(smtp_port=smtp_server.port, clock=clock)
    await dispatcher.run_until_idle()
    smtp_server.messages.clear()
    sec = await cmt.client("sec")
    response = await sec.post(
        f"/api/meetings/{meeting_id}/cancel", json={"reason": "Pengerusi bertugas di luar negara"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["statusReason"] == "Pengerusi bertugas di luar negara"
    clock.advance(seconds=5)
    await dispatcher.run_until_idle()
    assert len(smtp_server.messages) == 4
    for _, message in smtp_server.messages:
        assert (
            "Sebab: Pengerusi bertugas di luar negara"
            in message.get_body(preferencelist=("plain",)).get_content()
        )
        event = _calendar_event(message)
        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["COMMENT"]) == "Pengerusi bertugas di luar negara"


async def test_postpone_with_a_reason_and_sulit_stays_neutral(
    cmt: Cmt, smtp_server: SmtpSink, make_dispatcher: Any
) -> None:
    from api.meetings.tables import Meeting

    meeting_id = await _meeting(cmt, classification="SULIT")
    clock = Clock()
    dispatcher = await make_dispatcher(smtp_port=smtp_server.port, clock=clock)
    await dispatcher.run_until_idle()
    smtp_server.messages.clear()
    sec = await cmt.client("sec")
    start = later(days=14)
    secret = "Menunggu laporan audit kapal selam"
    response = await sec.patch(
        f"/api/meetings/{meeting_id}",
        json={
            "startsAt": start.isoformat(),
            "endsAt": (start + timedelta(hours=2)).isoformat(),
            "reason": secret,
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["statusReason"] == secret  # readable in the app
    clock.advance(seconds=5)
    await dispatcher.run_until_idle()
    assert len(smtp_server.messages) == 4
    for _, message in smtp_server.messages:
        assert secret not in message.as_string()
        assert "lihat dalam Hadir" in message.get_body(preferencelist=("plain",)).get_content()
        assert "lihat dalam Hadir" in str(_calendar_event(message)["COMMENT"])
    row = await Meeting.select(Meeting.status_reason).where(Meeting.id == meeting_id).first()
    assert row is not None and secret not in row["status_reason"]


async def test_cancel_without_a_body_still_works(cmt: Cmt) -> None:
    sec = await cmt.client("sec")
    created = await sec.post("/api/meetings", json=meeting_body(cmt))
    response = await sec.post(f"/api/meetings/{created.json()['id']}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
