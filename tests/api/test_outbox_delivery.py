"""The dispatcher against real counterparts on loopback: a push service that checks VAPID and
decrypts, and an aiosmtpd SMTP server; faults, lost workers and concurrent dispatchers."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from api.db import engine, is_sqlite, write_transaction
from api.outbox import services
from api.outbox.services import Status
from api.outbox.tables import Notification, NotificationSetting, PushSubscriptionRecord
from notifications.calendar import (
    Attendee,
    MeetingInvite,
    Person,
    build_request,
    meeting_uid,
)
from notifications.common import Classification
from notifications.email import message_id_for
from notifications.kinds import Kind
from notifications.retry import RetryPolicy
from tests.fixtures import Org
from tests.notifications.notif_helpers import FakePushService, SmtpSink, free_port
from tests.support.outbox import (
    Clock,
    add_subscription,
    enqueue_approval,
    make_dispatcher,
    outbox_settings,
    push_service,
    rows,
    smtp_server,
    start_smtp,
)

# Fixtures, used by name as test parameters.
__all__ = ["make_dispatcher", "outbox_settings", "push_service", "smtp_server"]

KL = ZoneInfo("Asia/Kuala_Lumpur")


async def enqueue_issue_reminder(user_id: int, n: int) -> list[int]:
    """Attendance-issue reminder: push and e-mail by default, not essential."""
    async with write_transaction():
        return await services.enqueue(
            Kind.ATTENDANCE_ISSUE_REMINDER,
            user_id,
            {
                "count": 1,
                "issues": "Isnin, 2 Mac 2026 (lewat masuk)",
                "due_date": datetime(2026, 3, 5, tzinfo=UTC).date(),
            },
            event_key=f"attendance-issue:{n}",
            url=f"/isu/{n}",
        )


async def test_a_push_arrives_decrypted_with_a_valid_vapid_signature(
    org: Org, push_service: FakePushService, make_dispatcher: Any
) -> None:
    officer = org.users["officer_a"]
    sub = await add_subscription(push_service, officer, "phone")
    await enqueue_approval(officer, 1)
    dispatcher = await make_dispatcher()
    assert await dispatcher.run_until_idle() == 1

    [received] = push_service.received
    assert received.json == {
        "kind": "checkin_approved",
        "title": "Daftar masuk diluluskan",
        "body": received.json["body"],
        "url": "/#/kehadiran/1",
        "tag": "checkin_approved",
        "classified": False,
    }
    assert "Puan Aminah" in received.json["body"]
    assert received.headers["Urgency"] == "low" and int(received.headers["TTL"]) > 0
    assert received.claims["sub"] == "mailto:pentadbir@hadir.test"
    [row] = await rows()
    assert row["status"] == Status.SENT and row["attempts"] == 1 and row["sent_at"] is not None
    subscription = await PushSubscriptionRecord.select().where(PushSubscriptionRecord.id == sub)
    assert subscription[0]["last_success_at"] is not None
    assert await dispatcher.run_until_idle() == 0  # sent once, never again


async def test_a_sulit_item_never_puts_its_text_in_a_push(
    org: Org, push_service: FakePushService, make_dispatcher: Any
) -> None:
    officer = org.users["officer_a"]
    await add_subscription(push_service, officer, "phone")
    await enqueue_approval(officer, 1, classification=Classification.SULIT)
    await (await make_dispatcher()).run_until_idle()
    payload = push_service.received[0].json
    assert payload["classified"] is True and "body" not in payload
    assert "Aminah" not in push_service.received[0].plaintext.decode()


async def test_an_email_reaches_a_real_smtp_server_with_a_stable_message_id(
    org: Org, push_service: FakePushService, smtp_server: SmtpSink, make_dispatcher: Any
) -> None:
    officer = org.users["officer_a"]
    await enqueue_issue_reminder(officer, 1)  # no push subscription: e-mail only
    dispatcher = await make_dispatcher(smtp_port=smtp_server.port)
    await dispatcher.run_until_idle()

    [(envelope, mail)] = smtp_server.messages
    assert envelope.rcpt_tos == ["officer_a@example.gov.my"]
    assert mail["From"].addresses[0].addr_spec == "hadir@hadir.test"
    assert mail["Subject"] == "Hadir: 1 isu kehadiran belum dijawab"
    key = f"attendance-issue:1:user:{officer}:email"
    assert mail["Message-ID"] == message_id_for(key, "hadir.test")
    unsubscribe = str(mail["List-Unsubscribe"]).replace("\n", "").replace(" ", "")
    assert unsubscribe.startswith("<https://hadir.test/api/notifications/unsubscribe?token=")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "lewat masuk" in text and "https://hadir.test/#/isu/1" in text
    [row] = await rows()
    assert row["status"] == Status.SENT


async def test_a_meeting_invitation_carries_its_calendar_and_no_unsubscribe(
    org: Org, smtp_server: SmtpSink, make_dispatcher: Any
) -> None:
    officer = org.users["officer_a"]
    start = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    invite = MeetingInvite(
        uid=meeting_uid(42, "hadir.test"),
        sequence=0,
        title="Mesyuarat JK ICT Bil. 2/2026",
        start=start,
        end=start + timedelta(hours=2),
        organizer=Person("urusetia@example.gov.my", "Urus Setia"),
        attendees=[Attendee("officer_a@example.gov.my", "Pegawai officer_a")],
        location="Bilik Mesyuarat 1",
    )
    async with write_transaction():
        await services.enqueue(
            Kind.MEETING_INVITATION,
            officer,
            {"meeting_title": invite.title, "start": start, "location": "Bilik Mesyuarat 1"},
            event_key="meeting-invitation:42:seq:0",
            url="/mesyuarat/42",
            item_key="42",
            calendar=build_request(invite),
        )
    await (await make_dispatcher(smtp_port=smtp_server.port)).run_until_idle()
    [(_, mail)] = smtp_server.messages
    assert mail["List-Unsubscribe"] is None  # essential: cannot be switched off
    calendar = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "REQUEST"
    assert "meeting-42@hadir.test" in calendar.get_content()


async def test_a_reset_link_is_not_kept_in_the_outbox_once_sent(
    org: Org, smtp_server: SmtpSink, make_dispatcher: Any
) -> None:
    officer = org.users["officer_a"]
    async with write_transaction():
        await services.enqueue(
            Kind.PASSWORD_RESET,
            officer,
            {"expires_at": datetime(2026, 3, 2, 2, 0, tzinfo=UTC)},
            event_key="password-reset:1",
            url="/#/reset/s3cr3t-token",
        )
    await (await make_dispatcher(smtp_port=smtp_server.port)).run_until_idle()
    [(_, mail)] = smtp_server.messages
    assert "https://hadir.test/#/reset/s3cr3t-token" in mail.get_body(("plain",)).get_content()
    [row] = await rows()
    assert row["status"] == Status.SENT
    assert "s3cr3t" not in row["url"] + str(row["params"])


async def test_push_500_then_201_is_retried_and_delivered_once(
    org: Org, push_service: FakePushService, make_dispatcher: Any
) -> None:
    officer = org.users["officer_a"]
    await add_subscription(push_service, officer, "phone")
    push_service.script["phone"] = [500]
    await enqueue_approval(officer, 1)
    clock = Clock()
    dispatcher = await make_dispatcher(clock=clock)

    await dispatcher.run_until_idle()
    [row] = await rows()
    assert row["status"] == Status.PENDING and row["attempts"] == 1
    assert clock.now < row["next_attempt_at"] <= clock.now + timedelta(seconds=30)
    assert "500" in row["last_error"] and push_service.received == []
    await dispatcher.run_until_idle()  # not due yet
    assert push_service.requests == 1

    clock.advance(seconds=31)
    await dispatcher.run_until_idle()
    [row] = await rows()
    assert row["status"] == Status.SENT and row["attempts"] == 2
    assert len(push_service.received) == 1 and push_service.requests == 2


async def test_a_retry_only_goes_to_the_devices_that_missed_it(
    org: Org, push_service: FakePushService, make_dispatcher: Any
) -> None:
    officer = org.users["officer_a"]
    await add_subscription(push_service, officer, "phone")
    await add_subscription(push_service, officer, "laptop")
    push_service.script["laptop"] = [503]
    await enqueue_approval(officer, 1)
    clock = Clock()
    dispatcher = await make_dispatcher(clock=clock)
    await dispatcher.run_until_idle()
    clock.advance(minutes=5)
    await dispatcher.run_until_idle()
    assert Counter(r.sub_id for r in push_service.received) == {"phone": 1, "laptop": 1}
    [row] = await rows()
    assert row["status"] == Status.SENT


async def test_a_retry_falling_into_quiet_hours_waits_for_their_end(
    org: Org, push_service: FakePushService, make_dispatcher: Any
) -> None:
    officer = org.users["officer_a"]
    await add_subscription(push_service, officer, "phone")
    await NotificationSetting.insert(
        NotificationSetting(user=officer, quiet_start="22:00", quiet_end="07:00")
    )
    push_service.script["phone"] = [500]
    evening = datetime(2026, 3, 2, 21, 59, 59, tzinfo=KL).astimezone(UTC)

    class WholeDelay(RetryPolicy):
        """The longest jittered delay (30 s), so the retry surely falls after 22:00."""

        def decide(self, *args: Any, **kwargs: Any) -> Any:
            return super().decide(*args, **{**kwargs, "rand": lambda: 0.999})

    await enqueue_approval(officer, 1, now=evening)
    dispatcher = await make_dispatcher(
        clock=Clock(evening), policy=WholeDelay(base=30.0, max_attempts=4)
    )
    await dispatcher.run_until_idle()
    [row] = await rows()
    assert row["status"] == Status.PENDING
    assert row["next_attempt_at"] == datetime(2026, 3, 3, 7, 0, tzinfo=KL).astimezone(UTC)


async def test_push_410_deletes_the_subscription_and_is_not_retried(
    org: Org, push_service: FakePushService, make_dispatcher: Any
) -> None:
    officer = org.users["officer_a"]
    await add_subscription(push_service, officer, "phone")
    push_service.script["phone"] = [410]
    await enqueue_approval(officer, 1)
    clock = Clock()
    dispatcher = await make_dispatcher(clock=clock)
    await dispatcher.run_until_idle()
    [row] = await rows()
    assert row["status"] == Status.FAILED and "gone" in row["last_error"]
    assert await PushSubscriptionRecord.count() == 0
    clock.advance(hours=7)
    await dispatcher.run_until_idle()
    assert push_service.requests == 1


async def test_retries_end_in_the_dead_letter(
    org: Org, push_service: FakePushService, make_dispatcher: Any
) -> None:
    officer = org.users["officer_a"]
    await add_subscription(push_service, officer, "phone")
    push_service.script["phone"] = [503] * 10
    await enqueue_approval(officer, 1)
    clock = Clock()
    dispatcher = await make_dispatcher(clock=clock)  # RetryPolicy(max_attempts=4)
    for _ in range(6):
        await dispatcher.run_until_idle()
        clock.advance(hours=7)
    [row] = await rows()
    assert row["status"] == Status.DEAD and row["attempts"] == 4
    assert push_service.requests == 4


async def test_smtp_down_keeps_the_row_pending_until_the_server_is_back(
    org: Org, make_dispatcher: Any
) -> None:
    officer = org.users["officer_a"]
    port = free_port()  # nothing listens here yet
    await enqueue_issue_reminder(officer, 1)
    clock = Clock()
    dispatcher = await make_dispatcher(smtp_port=port, clock=clock)
    await dispatcher.run_until_idle()
    [row] = await rows()
    assert row["status"] == Status.PENDING and row["attempts"] == 1
    assert row["next_attempt_at"] > clock.now and row["last_error"]

    controller, sink = start_smtp(port)
    try:
        clock.advance(seconds=31)
        await dispatcher.run_until_idle()
        await dispatcher.run_until_idle()
    finally:
        controller.stop()
    assert len(sink.messages) == 1
    [row] = await rows()
    assert row["status"] == Status.SENT and row["attempts"] == 2


async def test_rows_of_a_killed_worker_are_delivered_once_by_another(
    org: Org, push_service: FakePushService, make_dispatcher: Any
) -> None:
    officer = org.users["officer_a"]
    await add_subscription(push_service, officer, "phone")
    for n in range(5):
        await enqueue_approval(officer, n)
    clock = Clock()
    killed = await make_dispatcher(clock=clock, owner="killed", lease_seconds=120)
    survivor = await make_dispatcher(clock=clock, owner="survivor", lease_seconds=120)

    claimed = await killed.claim()  # …and the process dies here, sending nothing
    assert len(claimed) == 5
    assert await survivor.run_until_idle() == 0  # leased rows are not taken over early
    clock.advance(seconds=121)
    assert await survivor.run_until_idle() == 5
    # The "killed" worker wakes up late: its lease is gone, it must not send or record.
    for row in claimed:
        await killed.deliver(row)
    urls = Counter(r.json["url"] for r in push_service.received)
    assert urls == {f"/#/kehadiran/{n}": 1 for n in range(5)}
    assert {r["status"] for r in await rows()} == {Status.SENT}
    assert {r["attempts"] for r in await rows()} == {2}


async def test_dispatchers_running_at_once_deliver_every_row_exactly_once(
    org: Org, push_service: FakePushService, make_dispatcher: Any
) -> None:
    """Several dispatchers (as several worker processes) share one outbox. PostgreSQL: the
    claims run truly concurrently and SELECT … FOR UPDATE SKIP LOCKED keeps them apart."""
    officer = org.users["officer_a"]
    await add_subscription(push_service, officer, "phone")
    total = 40
    for n in range(total):
        await enqueue_approval(officer, n)
    push_service.delay = 0.002  # keep them busy at the same time
    dispatchers = [await make_dispatcher(owner=f"worker-{i}", batch_size=2) for i in range(4)]
    handled = await asyncio.gather(*(d.run_until_idle() for d in dispatchers))

    assert sum(handled) == total
    assert sum(1 for h in handled if h > 0) >= 2, handled  # they did run side by side
    urls = Counter(r.json["url"] for r in push_service.received)
    assert urls == {f"/#/kehadiran/{n}": 1 for n in range(total)}
    assert await Notification.count().where(Notification.status == Status.SENT) == total


async def test_a_claim_skips_rows_another_dispatcher_holds(
    org: Org, push_service: FakePushService, make_dispatcher: Any
) -> None:
    """PostgreSQL: rows locked by another claim are skipped at once, not waited for."""
    if is_sqlite():
        pytest.skip("SQLite has no row locks: one IMMEDIATE writer at a time")
    officer = org.users["officer_a"]
    await add_subscription(push_service, officer, "phone")
    for n in range(4):
        await enqueue_approval(officer, n)
    ids = [r["id"] for r in await rows()]
    dispatcher = await make_dispatcher(batch_size=10)
    go = asyncio.Event()

    async def claim_when_told() -> list[dict[str, Any]]:
        await go.wait()
        return await dispatcher.claim()

    task = asyncio.create_task(claim_when_told())  # created outside the transaction below
    async with engine().transaction():  # another dispatcher, in the middle of its claim
        await Notification.select(Notification.id).where(Notification.id.is_in(ids[:2])).lock_rows()
        go.set()
        claimed = await asyncio.wait_for(task, timeout=5)
    assert sorted(r["id"] for r in claimed) == ids[2:]


async def test_rows_of_a_channel_without_a_sender_wait(
    org: Org, make_dispatcher: Any, smtp_server: SmtpSink
) -> None:
    officer = org.users["officer_a"]
    await enqueue_issue_reminder(officer, 1)
    assert await (await make_dispatcher()).run_until_idle() == 0  # no SMTP configured
    [row] = await rows()
    assert row["status"] == Status.PENDING and row["attempts"] == 0
    assert await (await make_dispatcher(smtp_port=smtp_server.port)).run_until_idle() == 1


async def test_a_restarted_server_is_reached_again(org: Org, make_dispatcher: Any) -> None:
    """The kept SMTP connection notices the relay went away and reconnects."""
    officer = org.users["officer_a"]
    port = free_port()
    controller, sink = start_smtp(port)
    clock = Clock()
    dispatcher = await make_dispatcher(smtp_port=port, clock=clock)
    await enqueue_issue_reminder(officer, 1)
    await dispatcher.run_until_idle()
    controller.stop()
    controller = Controller(sink.handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        await enqueue_issue_reminder(officer, 2)
        for _ in range(3):
            await dispatcher.run_until_idle()
            clock.advance(minutes=2)
    finally:
        controller.stop()
    assert len(sink.messages) == 2
