"""The outbox's writing side: same transaction as the cause, idempotent, preferences applied."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from api.db import write_transaction
from api.meetings.tables import Committee, CommitteeMember
from api.org.tables import Agency, User
from api.outbox import digest as outbox_digest
from api.outbox import services
from api.outbox.services import Status, quiet_until
from api.outbox.tables import Notification, NotificationPreference, NotificationSetting
from notifications.kinds import Kind
from notifications.templates import MissingParameter, Term
from tests.fixtures import Org
from tests.notifications.notif_helpers import FakePushService
from tests.support.outbox import (
    Clock,
    add_subscription,
    enqueue_approval,
    make_dispatcher,
    outbox_settings,
    push_service,
    rows,
    smtp_server,
)

# Fixtures, used by name as test parameters.
__all__ = ["make_dispatcher", "outbox_settings", "push_service", "smtp_server"]

KL = ZoneInfo("Asia/Kuala_Lumpur")


class Boom(Exception):
    pass


async def test_a_rolled_back_change_leaves_no_notification(
    org: Org, push_service: FakePushService
) -> None:
    officer = org.users["officer_a"]
    await add_subscription(push_service, officer, "phone")
    with pytest.raises(Boom):
        async with write_transaction():
            await Agency.update({Agency.name: "Nama baharu"}).where(Agency.id == org.agency_a)
            ids = await services.enqueue(
                Kind.CHECKIN_APPROVED,
                officer,
                {
                    "checkin_time": datetime.now(UTC),
                    "supervisor_name": "Puan Aminah",
                    "mode": Term("checkin_mode", "work_from_home"),
                },
                event_key="checkin-decision:1",
                url="/kehadiran/1",
            )
            assert len(ids) == 1  # written inside the transaction…
            raise Boom  # …and gone with it
    assert await rows() == []
    agency = await Agency.select(Agency.name).where(Agency.id == org.agency_a).first()
    assert agency is not None and agency["name"] == "Agensi A"

    await enqueue_approval(officer, 1)  # the same change committed: its notification stays
    assert [r["status"] for r in await rows()] == [Status.PENDING]


async def test_enqueueing_the_same_event_twice_writes_one_row(
    org: Org, push_service: FakePushService
) -> None:
    officer = org.users["officer_a"]
    await add_subscription(push_service, officer, "phone")
    first = await enqueue_approval(officer, 7)
    again = await enqueue_approval(officer, 7)
    async with write_transaction():  # twice inside one transaction, too
        await enqueue_approval(officer, 7)
    other = await enqueue_approval(officer, 8)
    assert len(first) == 1 and again == [] and len(other) == 1
    keys = [r["idempotency_key"] for r in await rows()]
    assert keys == [
        f"checkin-decision:7:user:{officer}:push",
        f"checkin-decision:8:user:{officer}:push",
    ]


async def test_enqueue_refuses_to_run_outside_a_transaction(org: Org) -> None:
    with pytest.raises(RuntimeError, match="write_transaction"):
        await services.enqueue(
            Kind.CHECKIN_APPROVED,
            org.users["officer_a"],
            {},
            event_key="checkin-decision:1",
            url="/kehadiran/1",
        )


async def test_a_missing_parameter_fails_the_callers_transaction(
    org: Org, push_service: FakePushService
) -> None:
    officer = org.users["officer_a"]
    await add_subscription(push_service, officer, "phone")
    with pytest.raises(MissingParameter, match="supervisor_name"):
        async with write_transaction():
            await services.enqueue(
                Kind.CHECKIN_APPROVED,
                officer,
                {"checkin_time": datetime.now(UTC)},
                event_key="checkin-decision:2",
                url="/kehadiran/2",
            )
    assert await rows() == []


async def test_channels_follow_the_kind_and_the_persons_choice(
    org: Org, push_service: FakePushService
) -> None:
    officer = org.users["officer_a"]
    # Without a push subscription there is nobody to push to: no push row.
    await enqueue_approval(officer, 1)
    assert await rows() == []
    await add_subscription(push_service, officer, "phone")
    await enqueue_approval(officer, 2)
    assert [r["channel"] for r in await rows()] == ["push"]
    # Push switched off, e-mail on: only an e-mail row.
    await NotificationPreference.insert(
        NotificationPreference(user=officer, kind="checkin_approved", push=False, email=True)
    )
    await enqueue_approval(officer, 3)
    assert [r["channel"] for r in await rows(event_key="checkin-decision:3")] == ["email"]
    # Both off: nothing at all.
    await NotificationPreference.update({NotificationPreference.email: False}).where(
        NotificationPreference.user == officer
    )
    assert await enqueue_approval(officer, 4) == []
    # An essential kind ignores a stored "off" (the API refuses to store one; see test_outbox_api).
    await NotificationPreference.insert(
        NotificationPreference(user=officer, kind="password_reset", push=False, email=False)
    )
    async with write_transaction():
        ids = await services.enqueue(
            Kind.PASSWORD_RESET,
            officer,
            {"expires_at": datetime.now(UTC), "action_url": "https://hadir.test/reset/abc"},
            event_key="password-reset:1",
            url="/reset",
        )
    assert len(ids) == 1


async def test_people_who_are_not_active_get_nothing(
    org: Org, push_service: FakePushService
) -> None:
    officer = org.users["officer_a"]
    await add_subscription(push_service, officer, "phone")
    await User.update({User.state: "frozen"}).where(User.id == officer)
    assert await enqueue_approval(officer, 1) == []


def test_quiet_hours_across_midnight_end_the_next_morning() -> None:
    def local(h: int, m: int = 0, day: int = 2) -> datetime:
        return datetime(2026, 3, day, h, m, tzinfo=KL)

    tz = "Asia/Kuala_Lumpur"
    assert quiet_until(local(23), tz, "22:00", "07:00") == local(7, day=3).astimezone(UTC)
    assert quiet_until(local(2), tz, "22:00", "07:00") == local(7).astimezone(UTC)
    assert quiet_until(local(7), tz, "22:00", "07:00") is None
    assert quiet_until(local(12), tz, "22:00", "07:00") is None
    assert quiet_until(local(13), tz, "12:30", "14:00") == local(14).astimezone(UTC)
    assert quiet_until(local(14), tz, "12:30", "14:00") is None
    assert quiet_until(local(13), tz, "", "") is None


async def test_quiet_hours_hold_a_non_urgent_push_but_not_an_urgent_one(
    org: Org, push_service: FakePushService, make_dispatcher: Any
) -> None:
    officer = org.users["officer_a"]
    await add_subscription(push_service, officer, "phone")
    await NotificationSetting.insert(
        NotificationSetting(user=officer, quiet_start="22:00", quiet_end="07:00")
    )
    night = datetime(2026, 3, 2, 23, 30, tzinfo=KL)
    morning = datetime(2026, 3, 3, 7, 0, tzinfo=KL)
    await enqueue_approval(officer, 1, now=night.astimezone(UTC))
    async with write_transaction():
        await services.enqueue(
            Kind.MEETING_REMINDER,  # urgency HIGH: the meeting is about to start
            officer,
            {
                "meeting_title": "Mesyuarat JK ICT",
                "start": datetime(2026, 3, 3, 0, 0, tzinfo=UTC),
                "location": "Bilik Mesyuarat 1",
            },
            event_key="meeting-reminder:42",
            url="/mesyuarat/42",
            item_key="42",
            now=night.astimezone(UTC),
        )
    held = (await rows(kind="checkin_approved"))[0]
    assert held["next_attempt_at"] == morning.astimezone(UTC)

    clock = Clock(night.astimezone(UTC))
    dispatcher = await make_dispatcher(clock=clock)
    await dispatcher.run_until_idle()
    assert [r.json["kind"] for r in push_service.received] == ["meeting_reminder"]
    clock.now = morning.astimezone(UTC) + timedelta(seconds=1)
    await dispatcher.run_until_idle()
    assert [r.json["kind"] for r in push_service.received] == [
        "meeting_reminder",
        "checkin_approved",
    ]


async def test_digest_collects_items_into_one_email_a_day(
    org: Org, push_service: FakePushService, smtp_server: Any, make_dispatcher: Any
) -> None:
    supervisor, officer = org.users["exec_a"], org.users["officer_a"]
    await User.update({User.supervisor: supervisor}).where(User.id == officer)
    await add_subscription(push_service, supervisor, "phone")
    await NotificationSetting.insert(NotificationSetting(user=supervisor, digest=True))
    for n in (1, 2):
        async with write_transaction():
            await services.enqueue(
                Kind.PENDING_APPROVALS,
                supervisor,
                {
                    "count": n,
                    "checkin_count": n,
                    "issue_count": 0,
                    "slip_count": 0,
                    "action_url": "https://hadir.test/k",
                },
                event_key=f"pending-approvals:{n}",
                url="/kelulusan",
            )
    held = await rows(status=Status.HELD)
    assert [r["channel"] for r in held] == ["digest", "digest"]

    assert await outbox_digest.build_digests() == 1
    assert await outbox_digest.build_digests() == 0  # nothing held any more
    digest = await rows(kind="daily_digest")
    assert len(digest) == 1 and digest[0]["channel"] == "email"
    assert {r["status"] for r in await rows(kind="pending_approvals")} == {Status.DIGESTED}

    dispatcher = await make_dispatcher(smtp_port=smtp_server.port)
    await dispatcher.run_until_idle()
    assert push_service.received == []
    assert len(smtp_server.messages) == 1
    _, mail = smtp_server.messages[0]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "1 permohonan" in text and "2 permohonan" in text
    assert mail["List-Unsubscribe"]  # the digest itself is not essential


async def test_only_supervisors_and_secretariats_may_choose_the_digest(org: Org) -> None:
    officer, supervisor, secretary = (
        org.users["officer_a"],
        org.users["exec_a"],
        org.users["admin_a"],
    )
    await User.update({User.supervisor: supervisor}).where(User.id == officer)
    committee = (
        await Committee.insert(
            Committee(agency=org.agency_a, code="JK-ICT", name="JK ICT")
        ).returning(Committee.id)
    )[0]["id"]
    await CommitteeMember.insert(
        CommitteeMember(committee=committee, user=secretary, role="secretariat")
    )
    assert await outbox_digest.digest_available(supervisor)
    assert await outbox_digest.digest_available(secretary)
    assert not await outbox_digest.digest_available(officer)


async def test_the_outbox_indexes_exist(db: None) -> None:
    from tests.api.test_migrations import _index_names

    assert {"notification_preference_once", "notification_outbox_due"} <= await _index_names()
    assert await Notification.count() == 0


def test_a_screen_given_as_a_path_opens_by_its_fragment_route() -> None:
    """The server has no page at /meetings/42 (404): pushes and e-mail buttons must use the
    PWA's fragment route; downloads under /api/ stay as they are."""
    assert services.app_link("/meetings/42/minutes") == "/#/meetings/42/minutes"
    assert services.app_link("/#/approvals") == "/#/approvals"
    assert services.app_link("/api/papers/7/content") == "/api/papers/7/content"
    assert services.app_link("/") == "/"
