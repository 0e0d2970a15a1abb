"""Retry policy: exponential backoff with full jitter, then dead-letter.

Pure: the random draw is injected, so the outbox can test and replay decisions. "Full jitter"
(delay drawn uniformly from ``[0, min(cap, base·2^(n-1))]``) spreads the retries of many
messages that failed together — e.g. the whole morning's pushes while the push service was
down — instead of bringing them back in synchronised waves.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class Retry:
    """Try again after ``delay`` seconds."""

    delay: float

    def at(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.delay)


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """Give up: the attempts are used up, or the failure was permanent."""

    reason: str


RetryDecision = Retry | DeadLetter


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Backoff parameters. Defaults: 30 s, 1 min, 2 min … capped at 6 h, 10 attempts in all.

    With the defaults, the expected time before dead-letter is a few hours — long enough to ride
    out an SMTP relay restart or a push service incident, short enough that a stale "pending
    approvals" push is not delivered the next day.
    """

    base: float = 30.0
    cap: float = 6 * 3600.0
    max_attempts: int = 10
    min_delay: float = 1.0
    """Floor so that a jitter draw of ~0 does not hammer a service that just failed."""

    def __post_init__(self) -> None:
        if self.base <= 0 or self.cap < self.base:
            raise ValueError("need 0 < base <= cap")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be >= 1")
        if not 0 <= self.min_delay <= self.base:
            raise ValueError("need 0 <= min_delay <= base")

    def ceiling(self, attempts_made: int) -> float:
        """Upper bound of the jittered delay after ``attempts_made`` failed attempts."""
        # min() before the power would overflow: 2**1100 is fine for int but not for float.
        exponent = min(attempts_made - 1, 62)
        return min(self.cap, self.base * float(2**exponent))

    def decide(
        self,
        attempts_made: int,
        *,
        retryable: bool = True,
        retry_after: float | None = None,
        rand: Callable[[], float] = random.random,
    ) -> RetryDecision:
        """What to do after the ``attempts_made``-th attempt failed (1 = the first attempt).

        ``retryable=False`` (a permanent failure) dead-letters at once. ``retry_after`` is a
        server's ``Retry-After`` in seconds (HTTP 429/503): the delay is never shorter than it,
        even past the cap, since retrying earlier is known to fail. ``rand`` returns a float in
        [0, 1) and is only called when a retry is decided.
        """
        if attempts_made < 1:
            raise ValueError("attempts_made counts failed attempts and starts at 1")
        if not retryable:
            return DeadLetter("permanent failure")
        if attempts_made >= self.max_attempts:
            return DeadLetter(f"gave up after {attempts_made} attempts")
        delay = max(self.min_delay, rand() * self.ceiling(attempts_made))
        if retry_after is not None and retry_after > delay:
            delay = retry_after
        return Retry(delay)
