"""The kind registry and the retry policy (pure rules)."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

import pytest

from notifications.kinds import (
    REGISTRY,
    Channel,
    Kind,
    KindSpec,
    PushSpec,
    Urgency,
    item_topic,
    resolve_channels,
    spec,
)
from notifications.retry import DeadLetter, Retry, RetryPolicy

# --------------------------------------------------------------------------- kinds


def test_registry_covers_every_kind() -> None:
    assert set(REGISTRY) == set(Kind)
    assert spec("meeting_invitation") is REGISTRY[Kind.MEETING_INVITATION]
    with pytest.raises(ValueError):
        spec("no_such_kind")


def test_essential_kinds() -> None:
    essential = {k for k, s in REGISTRY.items() if s.essential}
    assert essential == {
        Kind.PASSWORD_RESET,
        Kind.MEETING_INVITATION,
        Kind.MEETING_UPDATED,
        Kind.MEETING_CANCELLED,
        Kind.MEETING_DELEGATED,
        Kind.MEETING_DELEGATION_SENT,
        Kind.MEETING_DELEGATION_WITHDRAWN,
        Kind.MEETING_DELEGATION_ENDED,
    }
    assert REGISTRY[Kind.PASSWORD_RESET].channels == {Channel.EMAIL}  # never on a lock screen


def test_calendar_kinds() -> None:
    methods = {k: s.calendar_method for k, s in REGISTRY.items() if s.calendar_method}
    assert methods == {
        Kind.MEETING_INVITATION: "REQUEST",
        Kind.MEETING_UPDATED: "REQUEST",
        Kind.MEETING_CANCELLED: "CANCEL",
        Kind.MEETING_DELEGATED: "REQUEST",
        Kind.MEETING_DELEGATION_SENT: "REQUEST",
        Kind.MEETING_DELEGATION_WITHDRAWN: "CANCEL",
        Kind.MEETING_DELEGATION_ENDED: "REQUEST",
    }


def test_preferences_cannot_switch_off_essential_kinds() -> None:
    everything = {Channel.PUSH, Channel.EMAIL}
    assert resolve_channels(Kind.MEETING_INVITATION, disabled=everything) == everything
    assert resolve_channels(Kind.PASSWORD_RESET, enabled={Channel.PUSH}) == {Channel.EMAIL}
    assert resolve_channels(Kind.MINUTES_DISTRIBUTED, disabled={Channel.EMAIL}) == {Channel.PUSH}
    assert resolve_channels(Kind.MINUTES_DISTRIBUTED, disabled=everything) == frozenset()
    assert resolve_channels(Kind.CHECKIN_APPROVED) == {Channel.PUSH}
    assert resolve_channels(Kind.CHECKIN_APPROVED, enabled=everything) == everything
    assert resolve_channels(Kind.DAILY_DIGEST, enabled=everything) == {Channel.EMAIL}


def test_push_topics() -> None:
    pending = REGISTRY[Kind.PENDING_APPROVALS]
    assert pending.topic_for() == "pending-approvals"
    assert pending.topic_for("ignored") == "pending-approvals"
    invitation = REGISTRY[Kind.MEETING_INVITATION].topic_for("42")
    assert invitation == REGISTRY[Kind.MEETING_CANCELLED].topic_for("42")
    assert invitation != REGISTRY[Kind.MEETING_INVITATION].topic_for("43")
    assert invitation != REGISTRY[Kind.MEETING_REMINDER].topic_for("42")
    assert invitation is not None and re.fullmatch(r"[A-Za-z0-9_-]{32}", invitation)
    assert "42" not in item_topic("meeting", "42")
    assert REGISTRY[Kind.MINUTES_APPROVED].topic_for("1") is None
    with pytest.raises(ValueError):
        REGISTRY[Kind.MEETING_REMINDER].topic_for()


def test_registry_rows_are_validated() -> None:
    with pytest.raises(ValueError):
        PushSpec(ttl=60, urgency=Urgency.LOW, topic="has space")
    with pytest.raises(ValueError):
        PushSpec(ttl=60, urgency=Urgency.LOW, topic="x" * 33)
    with pytest.raises(ValueError):  # push channel without push spec
        KindSpec(
            Kind.CHECKIN_APPROVED,
            essential=False,
            channels=frozenset({Channel.PUSH}),
            default_channels=frozenset({Channel.PUSH}),
            push=None,
            digestible=False,
        )
    with pytest.raises(ValueError):  # essential and digestible
        KindSpec(
            Kind.PASSWORD_RESET,
            essential=True,
            channels=frozenset({Channel.EMAIL}),
            default_channels=frozenset({Channel.EMAIL}),
            push=None,
            digestible=True,
        )


def test_time_critical_kinds_are_not_digested_and_have_short_ttl() -> None:
    reminder = REGISTRY[Kind.MEETING_REMINDER]
    assert not reminder.digestible
    assert reminder.push is not None and reminder.push.ttl <= 3600
    assert reminder.push.urgency is Urgency.HIGH
    for s in REGISTRY.values():
        if s.push is not None:
            assert 0 < s.push.ttl <= 28 * 86_400  # push services cap TTL around 4 weeks


# --------------------------------------------------------------------------- retry


def test_ceiling_doubles_then_caps() -> None:
    policy = RetryPolicy(base=30, cap=600, max_attempts=20)
    assert [policy.ceiling(n) for n in range(1, 8)] == [30, 60, 120, 240, 480, 600, 600]
    assert policy.ceiling(10_000) == 600  # no overflow


def test_full_jitter_uses_the_random_draw() -> None:
    policy = RetryPolicy(base=30, cap=3600, max_attempts=10, min_delay=1)
    assert policy.decide(3, rand=lambda: 0.5) == Retry(60.0)
    high = policy.decide(3, rand=lambda: 0.999)
    assert isinstance(high, Retry) and high.delay == pytest.approx(119.88)
    assert policy.decide(3, rand=lambda: 0.0) == Retry(1.0)  # floor


def test_delays_stay_within_bounds_and_spread() -> None:
    policy = RetryPolicy()
    rng = random.Random(8030)
    for attempt in range(1, policy.max_attempts):
        delays = []
        for _ in range(200):
            decision = policy.decide(attempt, rand=rng.random)
            assert isinstance(decision, Retry)
            assert policy.min_delay <= decision.delay <= policy.ceiling(attempt)
            delays.append(decision.delay)
        if policy.ceiling(attempt) > 10 * policy.min_delay:
            assert max(delays) - min(delays) > policy.ceiling(attempt) / 2  # actually jittered


def test_dead_letter_after_max_attempts_or_permanent_failure() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert isinstance(policy.decide(2, rand=lambda: 0.5), Retry)
    final = policy.decide(3, rand=lambda: 0.5)
    assert isinstance(final, DeadLetter) and "3 attempts" in final.reason
    permanent = policy.decide(1, retryable=False)
    assert isinstance(permanent, DeadLetter) and permanent.reason == "permanent failure"


def test_retry_after_is_honoured() -> None:
    policy = RetryPolicy(base=30, cap=60)
    assert policy.decide(1, retry_after=300, rand=lambda: 0.5) == Retry(300)
    assert policy.decide(1, retry_after=5, rand=lambda: 0.5) == Retry(15.0)


def test_retry_at_and_arguments() -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    assert Retry(90).at(now) == now + timedelta(seconds=90)
    with pytest.raises(ValueError):
        RetryPolicy().decide(0)
    for bad in ({"base": 0}, {"cap": 1, "base": 2}, {"max_attempts": 0}, {"min_delay": 100}):
        with pytest.raises(ValueError):
            RetryPolicy(**bad)
