"""The registry of notification kinds: one row per kind of message Hadir sends.

The outbox and the preference screens read this table; nothing else should hard-code which
channels a kind uses, whether a user may switch it off, or how a push of that kind behaves at
the push service (TTL, urgency, topic — RFC 8030 §5.2–5.4).

Rules encoded here (the why):

* **essential** kinds cannot be switched off by preferences: the password reset link, and the
  official meeting notices (invitation, change, cancellation), which are the secretariat's
  formal communication and carry the calendar file. :func:`resolve_channels` enforces it.
* **digestible** kinds may be held back and folded into the daily digest for users who prefer
  that. Time-critical kinds (reminders, password reset) and official meeting notices are not.
* **push topic**: a push with a topic replaces an undelivered earlier push with the same topic
  on the same subscription. "Pending approvals" uses one fixed topic, so a supervisor whose phone
  was off sees only the latest count; meeting notices use one topic per meeting, so a
  cancellation replaces a still-undelivered invitation to the same meeting.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final, Literal


class Kind(StrEnum):
    """Every kind of notification. The value is the stable key used in the outbox and catalogues."""

    PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind name, not a password
    CHECKIN_APPROVED = "checkin_approved"
    CHECKIN_REJECTED = "checkin_rejected"
    PENDING_APPROVALS = "pending_approvals"
    ATTENDANCE_ISSUE_REMINDER = "attendance_issue_reminder"
    ATTENDANCE_WARNINGS = "attendance_warnings"
    MEETING_INVITATION = "meeting_invitation"
    MEETING_UPDATED = "meeting_updated"
    MEETING_CANCELLED = "meeting_cancelled"
    MEETING_REMINDER = "meeting_reminder"
    MEETING_DELEGATED = "meeting_delegated"
    MEETING_DELEGATION_SENT = "meeting_delegation_sent"
    MEETING_DELEGATION_WITHDRAWN = "meeting_delegation_withdrawn"
    MEETING_DELEGATION_ENDED = "meeting_delegation_ended"
    MEETING_RSVP_CHASER = "meeting_rsvp_chaser"
    MINUTES_FOR_REVIEW = "minutes_for_review"
    MINUTES_APPROVED = "minutes_approved"
    MINUTES_DISTRIBUTED = "minutes_distributed"
    FEEDBACK_REQUESTED = "feedback_requested"
    DAILY_DIGEST = "daily_digest"


class Channel(StrEnum):
    PUSH = "push"
    EMAIL = "email"


class Urgency(StrEnum):
    """RFC 8030 §5.3 ``Urgency`` header values."""

    VERY_LOW = "very-low"
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


CalendarMethod = Literal["REQUEST", "CANCEL"]

MAX_TOPIC_LENGTH: Final = 32
_TOPIC_ALPHABET: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)


@dataclass(frozen=True, slots=True)
class PushSpec:
    """How a push of one kind behaves at the push service.

    ``ttl``: seconds the push service keeps the message for an offline device (0 = deliver now or
    drop). ``topic``: fixed topic name, or with ``topic_per_item`` a namespace that is hashed
    together with an item key (e.g. the meeting id) into a per-item topic.
    """

    ttl: int
    urgency: Urgency
    topic: str | None = None
    topic_per_item: bool = False

    def __post_init__(self) -> None:
        if self.ttl < 0:
            raise ValueError("ttl must be >= 0")
        if self.topic is not None:
            _check_topic(self.topic)
        if self.topic_per_item and self.topic is None:
            raise ValueError("topic_per_item needs a topic namespace")


@dataclass(frozen=True, slots=True)
class KindSpec:
    """One row of the registry."""

    kind: Kind
    essential: bool
    channels: frozenset[Channel]
    """Channels this kind can ever use (preferences choose within these)."""
    default_channels: frozenset[Channel]
    push: PushSpec | None
    digestible: bool
    calendar_method: CalendarMethod | None = None
    """iTIP method of the calendar part its e-mail carries, if any."""
    digest_without_push: bool = False
    """Push-only for this person (the defaults) yet no push subscription, or the push failed:
    held for their daily digest e-mail instead of lost (what supervisors must act on)."""
    email_without_push: bool = False
    """Sent by e-mail instead to people with no push subscription who kept the defaults
    (a reminder that reaches nobody is worse than an e-mail)."""

    def __post_init__(self) -> None:
        if not self.default_channels <= self.channels:
            raise ValueError(f"{self.kind}: default channels must be a subset of channels")
        if (Channel.PUSH in self.channels) != (self.push is not None):
            raise ValueError(f"{self.kind}: push spec iff the kind can use push")
        if self.essential and self.digestible:
            raise ValueError(f"{self.kind}: an essential kind is never held for a digest")
        if self.calendar_method is not None and Channel.EMAIL not in self.channels:
            raise ValueError(f"{self.kind}: a calendar part needs the e-mail channel")
        if self.digest_without_push and not (self.digestible and self.push is not None):
            raise ValueError(f"{self.kind}: only a digestible push kind falls back to the digest")

    def topic_for(self, item_key: str | None = None) -> str | None:
        """The RFC 8030 Topic header for a push of this kind about ``item_key``."""
        if self.push is None or self.push.topic is None:
            return None
        if not self.push.topic_per_item:
            return self.push.topic
        if not item_key:
            raise ValueError(f"{self.kind}: a per-item topic needs an item key")
        return item_topic(self.push.topic, item_key)


def item_topic(namespace: str, item_key: str) -> str:
    """A 32-character topic for one item: base64url of a SHA-256 over namespace and key.

    Hashing keeps the topic inside RFC 8030's limits (≤ 32 URL-safe base64 characters) and
    does not reveal the item id to the push service.
    """
    digest = hashlib.sha256(f"{namespace}\x00{item_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode("ascii")


def _check_topic(topic: str) -> None:
    if not topic or len(topic) > MAX_TOPIC_LENGTH or not set(topic) <= _TOPIC_ALPHABET:
        raise ValueError(f"invalid push topic {topic!r}: 1-32 characters of [A-Za-z0-9_-]")


_P, _E = Channel.PUSH, Channel.EMAIL
_BOTH = frozenset({_P, _E})
_DAY = 86_400

_SPECS: tuple[KindSpec, ...] = (
    KindSpec(
        Kind.PASSWORD_RESET,
        essential=True,
        channels=frozenset({_E}),  # a reset link never goes to a lock screen
        default_channels=frozenset({_E}),
        push=None,
        digestible=False,
    ),
    KindSpec(
        Kind.CHECKIN_APPROVED,
        essential=False,
        channels=_BOTH,
        default_channels=frozenset({_P}),
        push=PushSpec(ttl=3 * _DAY, urgency=Urgency.LOW),
        digestible=True,
    ),
    KindSpec(
        Kind.CHECKIN_REJECTED,
        essential=False,
        channels=_BOTH,
        default_channels=frozenset({_P}),
        push=PushSpec(ttl=3 * _DAY, urgency=Urgency.NORMAL),
        digestible=True,
    ),
    KindSpec(
        Kind.PENDING_APPROVALS,
        essential=False,
        channels=_BOTH,
        default_channels=frozenset({_P}),
        push=PushSpec(ttl=_DAY, urgency=Urgency.NORMAL, topic="pending-approvals"),
        digestible=True,
        digest_without_push=True,
    ),
    KindSpec(
        Kind.ATTENDANCE_ISSUE_REMINDER,
        essential=False,
        channels=_BOTH,
        default_channels=_BOTH,
        push=PushSpec(ttl=2 * _DAY, urgency=Urgency.NORMAL, topic="attendance-issues"),
        digestible=True,
    ),
    KindSpec(
        Kind.ATTENDANCE_WARNINGS,
        essential=False,
        channels=_BOTH,
        default_channels=frozenset({_P}),
        push=PushSpec(ttl=_DAY, urgency=Urgency.LOW, topic="attendance-warnings"),
        digestible=True,
        digest_without_push=True,
    ),
    KindSpec(
        Kind.MEETING_INVITATION,
        essential=True,
        channels=_BOTH,
        default_channels=_BOTH,
        push=PushSpec(ttl=7 * _DAY, urgency=Urgency.NORMAL, topic="meeting", topic_per_item=True),
        digestible=False,
        calendar_method="REQUEST",
    ),
    KindSpec(
        Kind.MEETING_UPDATED,
        essential=True,
        channels=_BOTH,
        default_channels=_BOTH,
        push=PushSpec(ttl=7 * _DAY, urgency=Urgency.NORMAL, topic="meeting", topic_per_item=True),
        digestible=False,
        calendar_method="REQUEST",
    ),
    KindSpec(
        Kind.MEETING_CANCELLED,
        essential=True,
        channels=_BOTH,
        default_channels=_BOTH,
        push=PushSpec(ttl=3 * _DAY, urgency=Urgency.HIGH, topic="meeting", topic_per_item=True),
        digestible=False,
        calendar_method="CANCEL",
    ),
    KindSpec(
        # To the representative (wakil) named in an RSVP: the invitation, in the member's place.
        Kind.MEETING_DELEGATED,
        essential=True,
        channels=_BOTH,
        default_channels=_BOTH,
        push=PushSpec(ttl=7 * _DAY, urgency=Urgency.NORMAL, topic="meeting", topic_per_item=True),
        digestible=False,
        calendar_method="REQUEST",
    ),
    KindSpec(
        # To the member who delegated: their representative was told; their calendar entry says
        # PARTSTAT=DELEGATED;DELEGATED-TO=<the representative>.
        Kind.MEETING_DELEGATION_SENT,
        essential=True,
        channels=_BOTH,
        default_channels=_BOTH,
        push=PushSpec(ttl=7 * _DAY, urgency=Urgency.LOW, topic="meeting", topic_per_item=True),
        digestible=False,
        calendar_method="REQUEST",
    ),
    KindSpec(
        # To a representative the member took back (or replaced): iTIP CANCEL for them only.
        Kind.MEETING_DELEGATION_WITHDRAWN,
        essential=True,
        channels=_BOTH,
        default_channels=_BOTH,
        push=PushSpec(ttl=7 * _DAY, urgency=Urgency.NORMAL, topic="meeting", topic_per_item=True),
        digestible=False,
        calendar_method="CANCEL",
    ),
    KindSpec(
        # To the member: that representative was told; the REQUEST records the member's answer.
        Kind.MEETING_DELEGATION_ENDED,
        essential=True,
        channels=_BOTH,
        default_channels=_BOTH,
        push=PushSpec(ttl=7 * _DAY, urgency=Urgency.LOW, topic="meeting", topic_per_item=True),
        digestible=False,
        calendar_method="REQUEST",
    ),
    KindSpec(
        Kind.MEETING_REMINDER,
        essential=False,
        channels=_BOTH,
        default_channels=frozenset({_P}),
        # Pointless after the meeting has started; the caller may shorten the TTL further.
        push=PushSpec(
            ttl=3600, urgency=Urgency.HIGH, topic="meeting-reminder", topic_per_item=True
        ),
        digestible=False,
        email_without_push=True,
    ),
    KindSpec(
        # To invitees who have not answered yet, some days before the meeting.
        Kind.MEETING_RSVP_CHASER,
        essential=False,
        channels=_BOTH,
        default_channels=frozenset({_P}),
        push=PushSpec(ttl=_DAY, urgency=Urgency.NORMAL, topic="meeting-rsvp", topic_per_item=True),
        digestible=False,
        email_without_push=True,
    ),
    KindSpec(
        Kind.MINUTES_FOR_REVIEW,
        essential=False,
        channels=_BOTH,
        default_channels=_BOTH,
        push=PushSpec(ttl=7 * _DAY, urgency=Urgency.NORMAL),
        digestible=True,
    ),
    KindSpec(
        Kind.MINUTES_APPROVED,
        essential=False,
        channels=_BOTH,
        default_channels=frozenset({_P}),
        push=PushSpec(ttl=7 * _DAY, urgency=Urgency.LOW),
        digestible=True,
    ),
    KindSpec(
        Kind.MINUTES_DISTRIBUTED,
        essential=False,
        channels=_BOTH,
        default_channels=_BOTH,
        push=PushSpec(ttl=7 * _DAY, urgency=Urgency.LOW),
        digestible=True,
    ),
    KindSpec(
        Kind.FEEDBACK_REQUESTED,
        essential=False,
        channels=_BOTH,
        default_channels=_BOTH,
        push=PushSpec(ttl=7 * _DAY, urgency=Urgency.NORMAL),
        digestible=True,
    ),
    KindSpec(
        Kind.DAILY_DIGEST,
        essential=False,
        channels=frozenset({_E}),
        default_channels=frozenset({_E}),
        push=None,
        digestible=False,
    ),
)

REGISTRY: Final[Mapping[Kind, KindSpec]] = MappingProxyType({s.kind: s for s in _SPECS})
"""Read-only registry: ``REGISTRY[Kind.MEETING_INVITATION].essential`` etc."""


def spec(kind: Kind | str) -> KindSpec:
    """A kind's row, by enum or stored string value (``ValueError`` if unknown)."""
    return REGISTRY[Kind(kind)]


def resolve_channels(
    kind: Kind | str,
    disabled: Collection[Channel] = (),
    enabled: Collection[Channel] | None = None,
) -> frozenset[Channel]:
    """Channels to use for one recipient, given their preferences.

    ``enabled`` (if given) replaces the kind's defaults with the user's own choice, limited to the
    channels the kind supports; ``disabled`` removes channels. An essential kind ignores both and
    always uses its default channels — preferences cannot switch it off.
    """
    s = spec(kind)
    if s.essential:
        return s.default_channels
    chosen = s.default_channels if enabled is None else frozenset(enabled) & s.channels
    return chosen - frozenset(disabled)
