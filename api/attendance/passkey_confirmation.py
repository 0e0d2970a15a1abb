"""Passkey-confirmed check-ins: the officer's passkey (with user verification) signs THIS tap.

The phone may be offline when the officer taps, so the server cannot hand out a challenge.
Instead the challenge is derived from the tap itself: SHA-256 over a canonical text of a fixed
prefix, the tap's client id, its kind and its fix (latitude, longitude, accuracy, fix time),
computed by the phone (`pwa/js/webauthn.js`, `checkInChallenge`) and recomputed here from the
request. So an assertion made for one tap verifies for that tap only: another client id, kind
or position gives another challenge. It is single use because the unique (user, client id)
index records a tap once: sending the same assertion again is the same tap again, answered
with the original record. Its life is bounded by `MAX_AGE` from the tap's fix time.

Numbers are written as JavaScript's `String(number)` writes them (shortest round-trip digits,
no exponent between 1e-6 and 1e21), so the phone and the server hash the same text; times as
whole milliseconds since the epoch, as `Date.parse` gives them.

Verification follows sign-in (`api.accounts.mfa`): py_webauthn, one of the officer's OWN
passkeys, user verification required, the same relying-party id and origins. The signature
counter must increase for a tap sent online; a tap queued offline may legitimately arrive after
later uses of the same passkey (a sign-in, another tap), so its counter is not compared, but
the stored counter only ever moves up.

Nothing here refuses a check-in (flag, never block): the result says whether the tap was
confirmed, and a finding (`passkey_missing`, `passkey_invalid`) says why not.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from webauthn import verify_authentication_response
from webauthn.helpers.exceptions import WebAuthnException

from api.accounts.tables import Passkey
from api.attendance import agency_settings, schemas
from api.config import get_settings

PREFIX = "hadir-checkin-v1"
# A queued tap confirmed with a passkey counts as confirmed when it reaches the server within
# this time of its fix (offline queues are emptied as soon as the phone is back online).
MAX_AGE = timedelta(hours=72)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Confirmation:
    confirmed: bool
    required: bool
    finding: dict[str, str] | None = None

    @property
    def needs_approval(self) -> bool:
        """The agency requires a confirmation and this tap has none that is valid."""
        return self.required and not self.confirmed


def js_number(value: float) -> str:
    """`String(value)` in JavaScript, for finite numbers (ECMAScript Number::toString)."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    digits_tuple, exponent = Decimal(repr(abs(float(value)))).normalize().as_tuple()[1:]
    digits = "".join(str(d) for d in digits_tuple)
    k = len(digits)
    n = k + int(exponent)  # value = 0.digits × 10^n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        text = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + text


def _epoch_ms(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return str((moment - _EPOCH) // timedelta(milliseconds=1))


def canonical_tap(client_id: str, kind: str, fix: schemas.Fix) -> str:
    return "\n".join(
        [
            PREFIX,
            client_id,
            kind,
            js_number(fix.lat),
            js_number(fix.lon),
            js_number(fix.accuracy),
            _epoch_ms(fix.fix_at),
        ]
    )


def challenge_for(data: schemas.CheckInRequest) -> bytes:
    """The WebAuthn challenge that binds an assertion to this tap (a tap with a position: one
    without is never confirmed, see `services.record_check_in`)."""
    assert data.fix is not None, "a tap without a position has no passkey challenge"
    return hashlib.sha256(canonical_tap(data.client_id, data.kind, data.fix).encode()).digest()


def _invalid(reason: str, required: bool) -> Confirmation:
    return Confirmation(
        confirmed=False,
        required=required,
        finding={"code": "passkey_invalid", "message": f"passkey confirmation refused: {reason}"},
    )


async def confirm(
    user_id: int, agency_id: int, data: schemas.CheckInRequest, fix_at: datetime, now: datetime
) -> Confirmation:
    """Whether the tap is confirmed with the officer's passkey. Without an assertion in an
    agency that does not require one this reads nothing (the setting is cached)."""
    required = await agency_settings.passkey_required(agency_id)
    assertion = data.passkey_assertion
    if assertion is None:
        if not required:
            return Confirmation(confirmed=False, required=False)
        return Confirmation(
            confirmed=False,
            required=True,
            finding={
                "code": "passkey_missing",
                "message": "not confirmed with the officer's passkey (required by the agency)",
            },
        )
    if now - fix_at > MAX_AGE:
        return _invalid(f"the tap is older than {int(MAX_AGE.total_seconds() // 3600)} h", required)
    raw_id = assertion.get("rawId") or assertion.get("id")
    if not isinstance(raw_id, str) or not raw_id:
        return _invalid("no credential id", required)
    row = (
        await Passkey.select(Passkey.id, Passkey.user, Passkey.public_key, Passkey.sign_count)
        .where(Passkey.credential_id == raw_id.rstrip("="))
        .first()
    )
    if row is None or row["user"] != user_id:
        # Unknown, or a colleague's passkey: the same answer for both.
        return _invalid("not a passkey of this officer", required)
    settings = get_settings()
    try:
        verified = verify_authentication_response(
            credential=assertion,
            expected_challenge=challenge_for(data),
            expected_rp_id=settings.webauthn_rp_id,
            expected_origin=settings.webauthn_origins,
            credential_public_key=bytes(row["public_key"]),
            credential_current_sign_count=0 if data.offline else int(row["sign_count"]),
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError, AttributeError) as error:
        return _invalid(str(error) or type(error).__name__, required)
    await _record_use(row, verified.new_sign_count, verified.credential_backed_up, now)
    return Confirmation(confirmed=True, required=required)


async def _record_use(row: dict[str, Any], sign_count: int, backed_up: bool, now: datetime) -> None:
    values: dict[Any, Any] = {Passkey.backed_up: backed_up, Passkey.last_used_at: now}
    where = Passkey.id == row["id"]
    if sign_count > int(row["sign_count"]):
        # Only ever up (a late offline tap carries an older counter).
        values[Passkey.sign_count] = sign_count
        where = where & (Passkey.sign_count < sign_count)
    await Passkey.update(values).where(where)
