"""Fixtures and helpers for the outbox tests: the real loopback push service and SMTP server
of tests/notifications (their classes are reused, not copied), settings that accept them, and
dispatchers with a clock the test moves.

Import the fixtures into a test module:
    from tests.support.outbox import outbox_settings, push_service, smtp_server  # noqa: F401
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest
from aiosmtpd.controller import Controller

from api.config import Settings, get_settings
from api.db import write_transaction
from api.outbox import senders, services, subscriptions, unsubscribe
from api.outbox.dispatcher import Dispatcher
from api.outbox.tables import Notification, PushSubscriptionRecord
from notifications.email import SmtpSecurity, SmtpSender, SmtpSettings
from notifications.kinds import Kind
from notifications.push import PushSender, PushSubscription
from notifications.retry import RetryPolicy
from notifications.templates import Term
from tests.notifications.notif_helpers import FakePushService, SinkHandler, SmtpSink, free_port

BASE_URL = "https://hadir.test"


@pytest.fixture
def outbox_settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The test settings with an https BASE_URL (one-click unsubscribe links must be https)
    and the loopback push service allowed as a push endpoint."""
    settings = msgspec.structs.replace(
        get_settings(),
        base_url=BASE_URL,
        mail_from="hadir@hadir.test",
        push_hosts=("127.0.0.1",),
        push_allow_http=True,
    )
    for module in (services, senders, subscriptions, unsubscribe):
        monkeypatch.setattr(module, "get_settings", lambda: settings)
    return settings


@pytest.fixture
async def push_service(outbox_settings: Settings) -> AsyncIterator[FakePushService]:
    """A push service on loopback that checks the VAPID JWT against the app's key and decrypts
    every message as a browser would."""
    service = FakePushService(subscriptions.vapid_keys(outbox_settings).public_key_base64url)
    await service.start()
    yield service
    await service.stop()


def start_smtp(port: int) -> tuple[Controller, SmtpSink]:
    handler = SinkHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, SmtpSink("127.0.0.1", port, handler)


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    controller, sink = start_smtp(free_port())
    try:
        yield sink
    finally:
        controller.stop()


@dataclass
class Clock:
    """The dispatcher's idea of now; tests move it forward instead of sleeping."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
async def make_dispatcher(
    outbox_settings: Settings,
) -> AsyncIterator[Callable[..., Any]]:
    """make_dispatcher(smtp_port=…, owner=…, clock=…, **options) -> started Dispatcher."""
    made: list[Dispatcher] = []

    async def make(
        *, smtp_port: int | None = None, clock: Clock | None = None, **options: Any
    ) -> Dispatcher:
        push = PushSender(
            subscriptions.vapid_keys(outbox_settings),
            "mailto:pentadbir@hadir.test",
            allowed_hosts=None,
            allow_insecure=True,
            timeout=5.0,
        )
        smtp = None
        if smtp_port is not None:
            smtp = SmtpSender(
                SmtpSettings(
                    host="127.0.0.1", port=smtp_port, security=SmtpSecurity.NONE, timeout=5.0
                )
            )
        options.setdefault("policy", RetryPolicy(base=30.0, max_attempts=4))
        dispatcher = Dispatcher(
            outbox_settings, push=push, smtp=smtp, clock=clock or Clock(), **options
        )
        await dispatcher.start()
        made.append(dispatcher)
        return dispatcher

    yield make
    for dispatcher in made:
        await dispatcher.close()


async def add_subscription(service: FakePushService, user_id: int, sub_id: str) -> int:
    """Subscribe like a browser would and store it (the HTTP route is tested separately)."""
    sub: PushSubscription = service.subscribe(sub_id)
    rows = await PushSubscriptionRecord.insert(
        PushSubscriptionRecord(
            user=user_id, endpoint=sub.endpoint, p256dh=sub.p256dh, auth=sub.auth
        )
    ).returning(PushSubscriptionRecord.id)
    return int(rows[0]["id"])


def subscription_body(service: FakePushService, sub_id: str) -> dict[str, Any]:
    """What the PWA posts: `PushSubscription.toJSON()` of a new browser subscription."""
    sub = service.subscribe(sub_id)
    return {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}


async def enqueue_approval(user_id: int, n: int, **options: Any) -> list[int]:
    """A supervisor approved check-in `n` of `user_id` (one transaction, like a service)."""
    async with write_transaction():
        return await services.enqueue(
            Kind.CHECKIN_APPROVED,
            user_id,
            {
                "checkin_time": datetime(2026, 3, 2, 1, 5, tzinfo=UTC),
                "supervisor_name": "Puan Aminah",
                "mode": Term("checkin_mode", "official_duty"),
            },
            event_key=f"checkin-decision:{n}",
            url=f"/kehadiran/{n}",
            **options,
        )


async def rows(**where: Any) -> list[dict[str, Any]]:
    query = Notification.select().order_by(Notification.id)
    for name, value in where.items():
        query = query.where(getattr(Notification, name) == value)
    return list(await query)
