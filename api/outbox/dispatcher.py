"""The dispatcher: claims due outbox rows, delivers them, records what happened.

One loop per process (the `worker`, or the web process when HADIR_SCHEDULER is true), with
one `PushSender` (one aiohttp session) and one `SmtpSender` (one kept SMTP connection).

Claiming. A row is due when it is `pending` and `next_attempt_at` has come, or `sending` with
an expired lease (its dispatcher died mid-batch). A dispatcher claims a small batch in one
transaction: on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`, so concurrent dispatchers take
different rows without waiting for each other; on SQLite the IMMEDIATE transaction holds the
database's write lock. The claim sets `status = sending`, the dispatcher's `lease_owner`, a
`lease_expires_at` and counts the attempt (so a row that kills its worker every time still
ends as dead).

Exactly one holder. Every later write is fenced on `lease_owner = me AND status = sending`,
and a dispatcher never starts a send on a row whose lease is about to run out (it renews the
lease first, which fails if another dispatcher has taken the row). So two dispatchers never
send the same row, and a "killed" dispatcher's rows are sent once by the next one. What
remains is the delivery layer's at-least-once window: a crash after the push service or relay
accepted and before the outcome was written sends again (same Message-ID, same push topic).

Outcomes: delivered → sent; retryable (5xx/429/network from push, 4xx/network from SMTP) →
pending again at `RetryPolicy` time (exponential backoff, full jitter), dead after the last
attempt; push 404/410 → the subscription is deleted and not retried; permanent → failed.
A push that reached some of a person's devices records them in `delivered_to`, and a retry
only goes to the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import structlog

from api.config import Settings
from api.db import is_sqlite, write_transaction
from api.ops import scheduler
from api.outbox import digest, senders, services, subscriptions
from api.outbox import unsubscribe as unsubscribe_links
from api.outbox.params import decode_params
from api.outbox.services import Status
from api.outbox.tables import Notification, PushSubscriptionRecord
from notifications.calendar import CalendarPart
from notifications.common import Classification
from notifications.email import (
    DeliveryError,
    Recipient,
    SmtpSender,
    Unsubscribe,
    compose_email,
    message_id_for,
)
from notifications.kinds import Channel, Kind, spec
from notifications.push import PushMessage, PushOutcome, PushSender, PushSubscription, make_payload
from notifications.retry import Retry, RetryPolicy

log = structlog.get_logger("hadir.outbox")

IDLE_SECONDS = 2.0
DIGEST_CHECK_SECONDS = 30.0
STOP_GRACE_SECONDS = 10.0


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Outcome:
    """What happened to one row: sent, retry later, or failed for good."""

    result: str  # "sent" | "retry" | "failed"
    error: str = ""
    retry_after: float | None = None
    delivered_to: list[int] = field(default_factory=list)

    @classmethod
    def sent(cls, error: str = "", delivered_to: list[int] | None = None) -> Outcome:
        return cls("sent", error, delivered_to=delivered_to or [])

    @classmethod
    def retry(
        cls, error: str, retry_after: float | None = None, delivered_to: list[int] | None = None
    ) -> Outcome:
        return cls("retry", error, retry_after, delivered_to or [])

    @classmethod
    def failed(cls, error: str, delivered_to: list[int] | None = None) -> Outcome:
        return cls("failed", error, delivered_to=delivered_to or [])


def default_owner() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Dispatcher:
    """Delivers outbox rows. `push` / `smtp` None: rows of that channel are left waiting."""

    def __init__(
        self,
        settings: Settings,
        *,
        push: PushSender | None,
        smtp: SmtpSender | None,
        owner: str | None = None,
        batch_size: int = 20,
        lease_seconds: float = 300.0,
        policy: RetryPolicy | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.settings = settings
        self.push = push
        self.smtp = smtp
        self.owner = owner or default_owner()
        self.batch_size = batch_size
        self.lease = timedelta(seconds=lease_seconds)
        self.policy = policy or RetryPolicy()
        self.clock = clock
        timeouts = [push.timeout if push else 0.0, smtp.settings.timeout if smtp else 0.0]
        # Never start a send with less lease left than the longest send can take.
        self.lease_margin = timedelta(seconds=max(timeouts) + 5.0)
        if self.lease <= self.lease_margin:
            raise ValueError("lease_seconds must exceed the send timeouts")
        self._stop = asyncio.Event()
        self._smtp_turn = asyncio.Lock()
        self._last_digest_check = 0.0

    @property
    def channels(self) -> list[str]:
        return [
            c
            for c, sender in ((Channel.PUSH.value, self.push), (Channel.EMAIL.value, self.smtp))
            if sender is not None
        ]

    # -- lifecycle

    async def start(self) -> None:
        if self.push is not None:
            await self.push.start()

    async def close(self) -> None:
        if self.push is not None:
            await self.push.close()
        if self.smtp is not None:
            await self.smtp.close()

    def stop(self) -> None:
        self._stop.set()

    # -- claiming

    def _due(self, now: datetime) -> Any:
        return Notification.channel.is_in(self.channels) & (
            ((Notification.status == Status.PENDING) & (Notification.next_attempt_at <= now))
            | ((Notification.status == Status.SENDING) & (Notification.lease_expires_at <= now))
        )

    async def claim(self) -> list[dict[str, Any]]:
        """Take up to `batch_size` due rows (oldest first) and lease them to this dispatcher."""
        if not self.channels:
            return []
        now = self.clock()
        due = self._due(now)
        # A read outside any transaction first: an idle dispatcher never takes the write lock.
        if not await Notification.exists().where(due):
            return []
        async with write_transaction():
            query = (
                Notification.select(Notification.id, Notification.status, Notification.attempts)
                .where(due)
                .order_by(Notification.next_attempt_at)
                .order_by(Notification.id)
                .limit(self.batch_size)
            )
            if not is_sqlite():
                query = query.lock_rows(skip_locked=True)
            candidates = await query
            # A row whose leases keep expiring (it kills its worker) is not tried forever.
            lost = [
                c["id"]
                for c in candidates
                if c["status"] == Status.SENDING and c["attempts"] >= self.policy.max_attempts
            ]
            ids = [c["id"] for c in candidates if c["id"] not in lost]
            if lost:
                await Notification.update(
                    {
                        Notification.status: Status.DEAD,
                        Notification.last_error: "lease expired on the last attempt",
                        Notification.lease_owner: "",
                        Notification.lease_expires_at: None,
                    }
                ).where(Notification.id.is_in(lost) & due)
            if ids:
                # `due` again: should a row have been claimed since it was read (only possible
                # without the row lock), this UPDATE sees its new state and leaves it alone.
                claimed = await (
                    Notification.update(
                        {
                            Notification.status: Status.SENDING,
                            Notification.lease_owner: self.owner,
                            Notification.lease_expires_at: now + self.lease,
                            Notification.attempts: Notification.attempts + 1,
                        }
                    )
                    .where(Notification.id.is_in(ids) & due)
                    .returning(Notification.id)
                )
                ids = [c["id"] for c in claimed]
        if not ids:
            return []
        return await (
            Notification.select()
            .where(Notification.id.is_in(ids) & (Notification.lease_owner == self.owner))
            .output(load_json=True)
        )

    async def _hold_lease(self, row: dict[str, Any]) -> bool:
        """True if this dispatcher may start sending `row` now (renewing a short lease)."""
        now = self.clock()
        expires = row["lease_expires_at"]
        if expires is not None and expires - now > self.lease_margin:
            return True
        renewed = (
            await Notification.update({Notification.lease_expires_at: now + self.lease})
            .where(
                (Notification.id == row["id"])
                & (Notification.lease_owner == self.owner)
                & (Notification.status == Status.SENDING)
            )
            .returning(Notification.id)
        )
        if renewed:
            row["lease_expires_at"] = now + self.lease
        return bool(renewed)

    # -- running

    async def run_once(self) -> int:
        """Claim one batch and deliver it; returns the number of rows handled."""
        rows = await self.claim()
        if rows:
            await asyncio.gather(*(self.deliver(row) for row in rows))
        return len(rows)

    async def run_until_idle(self, max_batches: int = 1000) -> int:
        """Deliver until nothing is due (tests, `python -m api` one-shot use)."""
        total = 0
        for _ in range(max_batches):
            handled = await self.run_once()
            if handled == 0:
                break
            total += handled
        return total

    async def run_forever(self) -> None:
        digest_job = scheduler.Job(
            "outbox-digest", scheduler.daily_at(self.settings.digest_hour), self._digest
        )
        tz = ZoneInfo(self.settings.timezone)
        loop = asyncio.get_running_loop()
        while not self._stop.is_set():
            handled = 0
            try:
                handled = await self.run_once()
                if loop.time() - self._last_digest_check >= DIGEST_CHECK_SECONDS:
                    self._last_digest_check = loop.time()
                    await scheduler.run_due_jobs([digest_job], self.clock(), tz)
            except Exception:
                log.exception("outbox dispatch failed")
            if handled == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), IDLE_SECONDS)

    async def _digest(self) -> str:
        return f"{await digest.build_digests(self.clock())} digest(s) queued"

    # -- delivering one row

    async def deliver(self, row: dict[str, Any]) -> None:
        try:
            if row["channel"] == Channel.PUSH:
                if not await self._hold_lease(row):
                    return self._lease_lost(row)
                outcome = await self._deliver_push(row)
            else:
                # One SMTP connection sends one message at a time: the rows of a batch queue
                # here, and each checks its lease when its turn comes, not before queueing.
                async with self._smtp_turn:
                    if not await self._hold_lease(row):
                        return self._lease_lost(row)
                    outcome = await self._deliver_email(row)
        except Exception as exc:  # bad data or a bug: record it, never leave the row leased
            log.exception("outbox delivery crashed", id=row["id"])
            outcome = Outcome.failed(f"{type(exc).__name__}: {exc}")
        await self.record(row, outcome)

    def _lease_lost(self, row: dict[str, Any]) -> None:
        log.warning("outbox lease lost before sending: another dispatcher has it", id=row["id"])

    async def record(self, row: dict[str, Any], outcome: Outcome) -> None:
        now = self.clock()
        values: dict[Any, Any] = {
            Notification.last_error: outcome.error[:2000],
            Notification.lease_owner: "",
            Notification.lease_expires_at: None,
        }
        if outcome.delivered_to:
            values[Notification.delivered_to] = outcome.delivered_to
        if outcome.result == "sent":
            values[Notification.status] = Status.SENT
            values[Notification.sent_at] = now
        elif outcome.result == "retry":
            decision = self.policy.decide(
                row["attempts"], retryable=True, retry_after=outcome.retry_after
            )
            if isinstance(decision, Retry):
                values[Notification.status] = Status.PENDING
                values[Notification.next_attempt_at] = await self._retry_at(row, decision.at(now))
            else:
                values[Notification.status] = Status.DEAD
                values[Notification.last_error] = f"{decision.reason}: {outcome.error}"[:2000]
        else:
            values[Notification.status] = Status.FAILED
        if values[Notification.status] != Status.PENDING and row["kind"] in services.SECRET_BEARING:
            values[Notification.url] = "/"
            values[Notification.params] = {}
        written = (
            await Notification.update(values)
            .where(
                (Notification.id == row["id"])
                & (Notification.lease_owner == self.owner)
                & (Notification.status == Status.SENDING)
            )
            .returning(Notification.id)
        )
        if not written:
            log.warning("outbox outcome not recorded: lease lost", id=row["id"])
            return
        if values[Notification.status] in (Status.FAILED, Status.DEAD):
            # Supervisors' notices are not lost with a dead phone: held for their digest.
            async with write_transaction():
                await services.hold_failed_push_for_digest(row, now)
        if outcome.result != "sent":
            log.info(
                "outbox delivery not done",
                id=row["id"],
                status=values[Notification.status],
                error=outcome.error[:300],
            )

    async def _retry_at(self, row: dict[str, Any], at: datetime) -> datetime:
        """A non-urgent push retried into quiet hours waits for their end."""
        if row["channel"] != Channel.PUSH or services.is_urgent(spec(row["kind"])):
            return at
        person = await services.recipient(row["recipient"])
        if person is None:
            return at
        mine = await services.personal_settings(person.user_id)
        return services.quiet_until(at, person.timezone, mine.quiet_start, mine.quiet_end) or at

    async def _deliver_push(self, row: dict[str, Any]) -> Outcome:
        assert self.push is not None
        person = await services.recipient(row["recipient"])
        if person is None:
            return Outcome.failed("recipient no longer exists")
        done: list[int] = list(row["delivered_to"] or [])
        subscriptions = await PushSubscriptionRecord.select().where(
            PushSubscriptionRecord.user == row["recipient"]
        )
        todo = [s for s in subscriptions if s["id"] not in done]
        if not todo:
            if done:
                return Outcome.sent(delivered_to=done)
            return Outcome.failed("no push subscription")
        payload = make_payload(
            row["kind"],
            row["language"],
            decode_params(row["params"]),
            url=row["url"],
            classification=Classification(row["classification"]),
            tag=row["tag"] or None,
            tz=person.timezone,
        )
        message = PushMessage.for_kind(payload, item_key=row["item_key"] or None)
        results = await self.push.send_many(
            [PushSubscription(s["endpoint"], s["p256dh"], s["auth"]) for s in todo], message
        )
        delivered, gone, retry_after = [], [], None
        errors: list[str] = []
        retry = False
        for subscription, result in zip(todo, results, strict=True):
            if result.outcome is PushOutcome.DELIVERED:
                delivered.append(subscription["id"])
            elif result.outcome is PushOutcome.GONE:
                gone.append(subscription["id"])
                errors.append(f"subscription {subscription['id']} gone ({result.status})")
            elif result.outcome is PushOutcome.RETRYABLE:
                retry = True
                if result.retry_after is not None:
                    retry_after = max(retry_after or 0.0, result.retry_after)
                errors.append(
                    f"subscription {subscription['id']}: {result.detail or result.status}"
                )
            else:
                errors.append(
                    f"subscription {subscription['id']} refused: {result.detail or result.status}"
                )
        now = self.clock()
        if delivered:
            await PushSubscriptionRecord.update(
                {PushSubscriptionRecord.last_success_at: now}
            ).where(PushSubscriptionRecord.id.is_in(delivered))
        if gone:
            # 404/410: the browser dropped the subscription; it will never work again.
            await PushSubscriptionRecord.delete().where(PushSubscriptionRecord.id.is_in(gone))
        done += delivered
        error = "; ".join(errors)
        if retry:
            return Outcome.retry(error, retry_after, delivered_to=done)
        if done:
            return Outcome.sent(error, delivered_to=done)
        return Outcome.failed(error or "push refused", delivered_to=done)

    async def _deliver_email(self, row: dict[str, Any]) -> Outcome:
        assert self.smtp is not None
        person = await services.recipient(row["recipient"])
        if person is None:
            return Outcome.failed("recipient no longer exists")
        if not person.email:
            return Outcome.failed("recipient has no e-mail address")
        kind = Kind(row["kind"])
        identity = await senders.mail_identity(person.agency_id, self.settings)
        unsubscribe = None
        if not spec(kind).essential:
            try:
                unsubscribe = Unsubscribe(
                    url=unsubscribe_links.unsubscribe_url(person.user_id, kind, self.settings)
                )
            except ValueError:
                return Outcome.failed(
                    "non-essential e-mail needs an https BASE_URL for its one-click "
                    "unsubscribe link (RFC 8058)"
                )
        params = {
            "recipient_name": person.name,
            "action_url": services.action_url(self.settings, row["url"]),
            **row["params"],
        }
        rendered = services.render_email(
            kind,
            row["language"],
            params,
            unsubscribe_url=unsubscribe.url if unsubscribe else None,
            tz=person.timezone,
        )
        calendar = None
        if row["calendar"]:
            stored = row["calendar"]
            calendar = CalendarPart(
                method=stored["method"],
                ics=stored["ics"].encode("utf-8"),
                uid=stored["uid"],
                sequence=int(stored["sequence"]),
            )
        message = compose_email(
            rendered,
            identity=identity,
            recipient=Recipient(person.email, person.name),
            calendar=calendar,
            unsubscribe=unsubscribe,
            message_id=message_id_for(row["idempotency_key"], identity.domain),
            date=self.clock(),
        )
        try:
            receipt = await self.smtp.send(message)
        except DeliveryError as exc:
            if exc.retryable:
                return Outcome.retry(f"{type(exc).__name__}: {exc}", exc.retry_after)
            return Outcome.failed(f"{type(exc).__name__}: {exc}")
        if receipt.refused:
            return Outcome.failed(f"refused: {dict(receipt.refused)}")
        return Outcome.sent()


# --------------------------------------------------------------------------- processes


def build_dispatcher(settings: Settings, **options: Any) -> Dispatcher:
    """The dispatcher of this process, configured from the settings."""
    push = PushSender(
        subscriptions.vapid_keys(settings),
        settings.vapid_subject,
        allowed_hosts=subscriptions.push_hosts(settings),
        allow_insecure=settings.push_allow_http,
    )
    smtp = SmtpSender(settings.smtp) if settings.smtp is not None else None
    if smtp is None:
        log.warning("HADIR_SMTP_HOST is not set: e-mail stays in the outbox until it is")
    return Dispatcher(settings, push=push, smtp=smtp, **options)


@contextlib.asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Dispatcher]:
    """Run the dispatcher in the background (the web process's lifespan)."""
    dispatcher = build_dispatcher(settings)
    await dispatcher.start()
    task = asyncio.create_task(dispatcher.run_forever())
    try:
        yield dispatcher
    finally:
        dispatcher.stop()
        # A batch in flight may finish; past that, its leases simply expire.
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=STOP_GRACE_SECONDS)
        await dispatcher.close()


async def run_forever(settings: Settings) -> None:
    """The dispatcher in the foreground (python -m api worker)."""
    dispatcher = build_dispatcher(settings)
    await dispatcher.start()
    try:
        await dispatcher.run_forever()
    finally:
        await dispatcher.close()
