"""Second factors: TOTP (authenticator app), passkeys (WebAuthn) and recovery codes.

Thin wrappers over pyotp and py_webauthn that add what the libraries leave to the caller:
TOTP codes accepted once (last time step remembered, updated atomically), WebAuthn with user
verification required and single-use, short-lived challenges, recovery codes stored as keyed
hashes. Library errors become `MfaError` with a message code the user can read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from datetime import UTC, datetime
from typing import Any

import pyotp
import segno
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from api.accounts.tables import Passkey, RecoveryCode, TotpFactor
from api.config import get_settings
from api.core import crypto
from api.core.errors import AppError
from api.db import write_transaction

TOTP_ISSUER = "Hadir"
TOTP_INTERVAL = 30
RECOVERY_CODE_COUNT = 10
CHALLENGE_TTL_S = 300


class MfaError(AppError):
    status_code = 400
    code = "mfa_failed"


# --------------------------------------------------------------------------- factors


async def has_second_factor(user_id: int) -> bool:
    """A passkey or a confirmed authenticator app (one query: this runs on every request)."""
    rows = await Passkey.raw(
        'SELECT (EXISTS (SELECT 1 FROM passkey WHERE "user" = {}) OR EXISTS (SELECT 1 FROM '
        'totp_factor WHERE "user" = {} AND confirmed_at IS NOT NULL)) AS found',
        user_id,
        user_id,
    )
    return bool(rows[0]["found"])


async def factor_summary(user_id: int) -> dict[str, Any]:
    totp = (
        await TotpFactor.select(TotpFactor.confirmed_at).where(TotpFactor.user == user_id).first()
    )
    passkeys = await Passkey.count().where(Passkey.user == user_id)
    unused = await RecoveryCode.count().where(
        (RecoveryCode.user == user_id) & RecoveryCode.used_at.is_null()
    )
    return {
        "totp": bool(totp and totp["confirmed_at"]),
        "passkeys": passkeys,
        "recoveryCodesLeft": unused,
    }


# --------------------------------------------------------------------------- TOTP


def _totp_purpose(user_id: int) -> str:
    return f"totp:{user_id}"


async def start_totp(user_id: int, login_id: str) -> tuple[str, str, str]:
    """A new, unconfirmed secret: returns (secret, otpauth URI, QR code as an SVG data URI)."""
    secret = pyotp.random_base32(length=32)
    sealed = crypto.seal(secret.encode(), _totp_purpose(user_id))
    async with write_transaction():
        existing = (
            await TotpFactor.select(TotpFactor.confirmed_at)
            .where(TotpFactor.user == user_id)
            .first()
        )
        if existing and existing["confirmed_at"] is not None:
            raise MfaError("totp_already_enrolled", status_code=409)
        await TotpFactor.delete().where(TotpFactor.user == user_id)
        await TotpFactor.insert(TotpFactor(user=user_id, secret_sealed=sealed))
    uri = pyotp.TOTP(secret, interval=TOTP_INTERVAL).provisioning_uri(
        name=login_id, issuer_name=TOTP_ISSUER
    )
    qr = segno.make_qr(uri, error="m").svg_data_uri(scale=5, border=2, dark="#111", light="#fff")
    return secret, uri, qr


def _matching_step(secret: str, code: str, at: float) -> int | None:
    """The time step (±1 for clock drift) whose code equals `code`, if any."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_INTERVAL)
    now_step = int(at // TOTP_INTERVAL)
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(totp.at(step * TOTP_INTERVAL), code):
            return step
    return None


async def verify_totp(user_id: int, code: str, *, confirming: bool = False) -> bool:
    """True once per code: the step is recorded with a conditional update, so a replay (even a
    concurrent one) of the same or an older code fails."""
    factor = await TotpFactor.select().where(TotpFactor.user == user_id).first()
    if factor is None or (factor["confirmed_at"] is None) != confirming:
        return False
    secret = crypto.open_sealed(factor["secret_sealed"], _totp_purpose(user_id)).decode()
    step = _matching_step(secret, code, time.time())
    if step is None:
        return False
    values: dict[Any, Any] = {TotpFactor.last_used_step: step}
    if confirming:
        values[TotpFactor.confirmed_at] = datetime.now(UTC)
    accepted = (
        await TotpFactor.update(values)
        .where((TotpFactor.user == user_id) & (TotpFactor.last_used_step < step))
        .returning(TotpFactor.id)
    )
    return bool(accepted)


async def enrol_confirmed_totp(user_id: int) -> str:
    """A ready TOTP factor without the confirmation step: demo accounts only, whose secrets
    are handed to trainers in var/demo-accounts.json."""
    secret = pyotp.random_base32(length=32)
    await TotpFactor.delete().where(TotpFactor.user == user_id)
    await TotpFactor.insert(
        TotpFactor(
            user=user_id,
            secret_sealed=crypto.seal(secret.encode(), _totp_purpose(user_id)),
            confirmed_at=datetime.now(UTC),
        )
    )
    return secret


async def remove_totp(user_id: int) -> None:
    await TotpFactor.delete().where(TotpFactor.user == user_id)


# --------------------------------------------------------------------------- recovery codes

_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _recovery_hash(code: str) -> str:
    normalised = code.strip().lower().replace("-", "").replace(" ", "")
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"recovery:" + normalised.encode(), hashlib.sha256).hexdigest()


async def new_recovery_codes(user_id: int) -> list[str]:
    """Ten fresh codes (about 50 bits each); the old ones stop working."""
    codes = [
        "-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(5)) for _ in range(2))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    async with write_transaction():
        await RecoveryCode.delete().where(RecoveryCode.user == user_id)
        await RecoveryCode.insert(
            *[RecoveryCode(user=user_id, code_hash=_recovery_hash(c)) for c in codes]
        )
    return codes


async def use_recovery_code(user_id: int, code: str) -> bool:
    used = (
        await RecoveryCode.update({RecoveryCode.used_at: datetime.now(UTC)})
        .where(
            (RecoveryCode.user == user_id)
            & (RecoveryCode.code_hash == _recovery_hash(code))
            & RecoveryCode.used_at.is_null()
        )
        .returning(RecoveryCode.id)
    )
    return bool(used)


# --------------------------------------------------------------------------- passkeys


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _user_handle(user_id: int) -> bytes:
    """A stable, opaque WebAuthn user handle (no personal data in it)."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"user-handle:{user_id}".encode(), hashlib.sha256).digest()[:32]


def new_challenge_state(challenge: bytes) -> dict[str, Any]:
    return {"challenge": _b64url(challenge), "expires": time.time() + CHALLENGE_TTL_S}


def take_challenge(session: dict[str, Any], key: str) -> bytes:
    """Removes the challenge from the session before it is checked: single use."""
    state = session.pop(key, None)
    if not isinstance(state, dict) or state.get("expires", 0) < time.time():
        raise MfaError("passkey_challenge_expired")
    return base64url_to_bytes(state["challenge"])


async def registration_options(user_id: int, login_id: str, display_name: str) -> tuple[str, bytes]:
    settings = get_settings()
    existing = await Passkey.select(Passkey.credential_id).where(Passkey.user == user_id)
    options = generate_registration_options(
        rp_id=settings.webauthn_rp_id,
        rp_name="Hadir",
        user_id=_user_handle(user_id),
        user_name=login_id,
        user_display_name=display_name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(r["credential_id"]))
            for r in existing
        ],
        timeout=CHALLENGE_TTL_S * 1000,
    )
    return options_to_json(options), options.challenge


async def register_passkey(
    user_id: int, name: str, credential: dict[str, Any], challenge: bytes
) -> int:
    settings = get_settings()
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=settings.webauthn_rp_id,
            expected_origin=settings.webauthn_origins,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError, AttributeError) as error:
        # Whatever a client sends instead of a credential (no id, wrong types): refused, not 500.
        raise MfaError("passkey_invalid", params={"reason": str(error)[:200]}) from None
    credential_id = _b64url(verified.credential_id)
    transports = credential["response"].get("transports") or []
    if not isinstance(transports, list):
        transports = []
    async with write_transaction():
        if await Passkey.exists().where(Passkey.credential_id == credential_id):
            raise MfaError("passkey_already_registered", status_code=409)
        row = await Passkey.insert(
            Passkey(
                user=user_id,
                credential_id=credential_id,
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                transports=[str(t) for t in transports],
                name=name,
                device_type=str(verified.credential_device_type.value),
                backed_up=verified.credential_backed_up,
                aaguid=verified.aaguid,
            )
        ).returning(Passkey.id)
    return int(row[0]["id"])


async def authentication_options(user_id: int | None) -> tuple[str, bytes]:
    """Options for a passkey assertion: any discoverable credential (passkey-only sign-in), or
    the given user's credentials (passkey as the second factor after the password)."""
    allow: list[PublicKeyCredentialDescriptor] = []
    if user_id is not None:
        allow = [
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(r["credential_id"]))
            for r in await Passkey.select(Passkey.credential_id).where(Passkey.user == user_id)
        ]
    options = generate_authentication_options(
        rp_id=get_settings().webauthn_rp_id,
        allow_credentials=allow,
        user_verification=UserVerificationRequirement.REQUIRED,
        timeout=CHALLENGE_TTL_S * 1000,
    )
    return options_to_json(options), options.challenge


async def verify_passkey(
    credential: dict[str, Any], challenge: bytes, expected_user: int | None
) -> int:
    """Checks an assertion and returns the user id it proves."""
    settings = get_settings()
    raw_id = credential.get("rawId") or credential.get("id") or ""
    if not isinstance(raw_id, str) or len(raw_id) > 1024:
        raise MfaError("passkey_unknown")
    row = await Passkey.select().where(Passkey.credential_id == raw_id.rstrip("=")).first()
    if row is None or (expected_user is not None and row["user"] != expected_user):
        raise MfaError("passkey_unknown")
    response = credential.get("response")
    handle = response.get("userHandle") if isinstance(response, dict) else None
    try:
        if handle and base64url_to_bytes(handle) != _user_handle(row["user"]):
            raise MfaError("passkey_unknown")
    except (ValueError, TypeError):
        raise MfaError("passkey_unknown") from None
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=settings.webauthn_rp_id,
            expected_origin=settings.webauthn_origins,
            credential_public_key=bytes(row["public_key"]),
            credential_current_sign_count=row["sign_count"],
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError, AttributeError) as error:
        raise MfaError("passkey_invalid", params={"reason": str(error)[:200]}) from None
    await Passkey.update(
        {
            Passkey.sign_count: verified.new_sign_count,
            Passkey.backed_up: verified.credential_backed_up,
            Passkey.last_used_at: datetime.now(UTC),
        }
    ).where(Passkey.id == row["id"])
    return int(row["user"])


def parse_credential(raw: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise MfaError("passkey_invalid", params={"reason": "not JSON"}) from None
    if not isinstance(parsed, dict):
        raise MfaError("passkey_invalid", params={"reason": "not an object"})
    return parsed
