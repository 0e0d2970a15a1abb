"""Storage of the outbox: notifications to deliver, push subscriptions, preferences, senders.

Storage only; the rules (which rows to write, when to send, what an outcome means) are in
`api.outbox.services` and `api.outbox.dispatcher`.
"""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from api.org.tables import Agency, User


class Notification(Table, tablename="notification_outbox"):
    """One notification for one recipient on one channel ("push", "email", or "digest" for an
    item held back for the daily digest).

    `idempotency_key` is "<event key>:user:<id>:<channel>" and unique, so enqueueing the same
    event twice for the same person and channel writes one row. Status:

        pending   due at `next_attempt_at` (first attempt, a retry, or the end of quiet hours)
        sending   claimed by a dispatcher until `lease_expires_at` (then claimable again)
        sent      handed to the push service / SMTP relay
        failed    permanent failure, not retried (5xx from SMTP, push subscription gone, …)
        dead      retries used up (dead letter)
        held      digestible item waiting for the daily digest
        digested  folded into a daily digest e-mail (see `digest_id`)
    """

    id = Serial(primary_key=True)
    idempotency_key = Varchar(length=255, unique=True)
    event_key = Varchar(length=200, index=True)
    kind = Varchar(length=64)
    channel = Varchar(length=8)
    recipient = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    language = Varchar(length=2, default="ms")
    # Template parameters, encoded by api.outbox.params (dates, times and terms tagged).
    params = JSON(default={})
    # A path inside the PWA ("/mesyuarat/42"): the push's target and the e-mail's button.
    url = Varchar(length=512)
    classification = Varchar(length=16, default="TERBUKA")
    # Per-item push topic and device tag (meeting id …); empty = the kind's default.
    item_key = Varchar(length=64, default="")
    tag = Varchar(length=64, default="")
    # iTIP part of meeting e-mails, built per recipient by the caller:
    # {"method": "REQUEST"|"CANCEL", "uid": …, "sequence": n, "ics": "BEGIN:VCALENDAR…"}; {} = none
    calendar = JSON(default={})
    status = Varchar(length=16, default="pending")
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow())
    last_error = Text(default="")
    # Push: ids of the subscriptions that already accepted this message (a retry skips them).
    delivered_to = JSON(default=[])
    lease_owner = Varchar(length=96, default="")
    lease_expires_at = Timestamptz(null=True, default=None)
    digest_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)
    # index notification_outbox_due on (status, next_attempt_at): see migrations


class PushSubscriptionRecord(Table, tablename="push_subscription"):
    """A browser's Web Push subscription. One person may have several devices; one endpoint
    belongs to one person only (re-subscribing on a shared device moves it)."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    endpoint = Varchar(length=2048, unique=True)
    p256dh = Varchar(length=128)
    auth = Varchar(length=64)
    user_agent = Varchar(length=255, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    last_success_at = Timestamptz(null=True, default=None)


class NotificationPreference(Table, tablename="notification_preference"):
    """A person's channels for one non-essential kind. No row = the kind's defaults."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    kind = Varchar(length=64)
    push = Boolean(default=True)
    email = Boolean(default=True)
    updated_at = Timestamptz(default=TimestamptzNow())
    # unique index notification_preference_once on (user, kind): see migrations


class NotificationSetting(Table, tablename="notification_setting"):
    """A person's quiet hours (local "HH:MM" in the agency's time zone) and digest choice."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, unique=True)
    quiet_start = Varchar(length=5, default="")
    quiet_end = Varchar(length=5, default="")
    digest = Boolean(default=False)
    updated_at = Timestamptz(default=TimestamptzNow())


class AgencyMailSetting(Table, tablename="agency_mail_setting"):
    """Who an agency's e-mail comes from; without a row, HADIR_MAIL_FROM and the agency name."""

    id = Serial(primary_key=True)
    agency = ForeignKey(Agency, on_delete=OnDelete.cascade, null=False, unique=True)
    from_address = Varchar(length=255)
    from_name = Varchar(length=255)
    reply_to = Varchar(length=255, default="")


class FeedItem(Table, tablename="notification_feed"):
    """One event in a person's in-app notification feed: written by `enqueue` beside the
    outbox rows (whatever the person's channels), so people without push or e-mail see it
    too. The text is rendered when read, in the reader's language; a SULIT item shows only the
    kind's neutral title, as a push does.

    `idempotency_key` is "<event key>:user:<id>" and unique: one item per event and person.
    """

    id = Serial(primary_key=True)
    idempotency_key = Varchar(length=255, unique=True)
    recipient = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    kind = Varchar(length=64)
    params = JSON(default={})
    url = Varchar(length=512)
    classification = Varchar(length=16, default="TERBUKA")
    created_at = Timestamptz(default=TimestamptzNow())
    read_at = Timestamptz(null=True, default=None)
    # index notification_feed_recent on (recipient, id): see migrations
