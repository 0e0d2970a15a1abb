"""Sign-in, lockout and passwords: the account rules (MyGovUC) live here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from api.accounts import audit
from api.accounts.authz import Principal
from api.accounts.mfa import has_second_factor, remove_totp
from api.accounts.passwords import (
    generate_temporary_password,
    hash_password,
    is_common_password,
    verify_password,
)
from api.accounts.tables import Credential, Passkey, TotpFactor
from api.core.errors import AppError, FieldError, Invalid
from api.core.hooks import Question
from api.db import write_transaction
from api.org.tables import Agency, User

MAX_FAILED_SIGN_INS = 3
# Someone with approvals waiting who supervises nobody (a chair with minutes to approve) still
# gets the approvals screen; the areas with such approvals register here (api.core.hooks), in
# their piccolo_app.py (api/minutes/piccolo_app.py).
APPROVALS_WAITING = Question("has approvals waiting outside their own team")
TEMPORARY_PASSWORD_DAYS = 3
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256


class InvalidCredentials(AppError):
    """One answer for wrong ID, wrong password, locked, frozen or terminated: nothing leaks."""

    status_code = 401
    code = "invalid_credentials"


async def record_failure(
    user_id: int, agency_id: int, ip: str, reason: str, action: str = "sign_in_failed"
) -> None:
    """Counts a failed password (at sign-in or as the current password of a change) or second
    factor; the third in a row locks the account, which also ends its sessions."""
    async with write_transaction():
        updated = (
            await Credential.update({Credential.failed_attempts: Credential.failed_attempts + 1})
            .where((Credential.user == user_id) & Credential.locked_at.is_null())
            .returning(Credential.failed_attempts)
        )
        if updated and updated[0]["failed_attempts"] >= MAX_FAILED_SIGN_INS:
            await Credential.update({Credential.locked_at: datetime.now(UTC)}).where(
                Credential.user == user_id
            )
            await audit.record(
                "account_locked",
                actor_id=user_id,
                agency_id=agency_id,
                target_type="user",
                target_id=user_id,
                ip=ip,
            )
        await audit.record(
            action,
            actor_id=user_id,
            agency_id=agency_id,
            target_type="user",
            target_id=user_id,
            ip=ip,
            detail={"reason": reason},
        )


async def record_success(user_id: int, ip: str, method: str) -> None:
    """A complete sign-in (password and second factor, or a passkey): failures reset."""
    async with write_transaction():
        user = await User.select(User.agency).where(User.id == user_id).first()
        await Credential.update({Credential.failed_attempts: 0}).where(Credential.user == user_id)
        await User.update({User.last_active_at: datetime.now(UTC)}).where(User.id == user_id)
        await audit.record(
            "sign_in",
            actor_id=user_id,
            agency_id=user["agency"] if user else None,
            target_type="user",
            target_id=user_id,
            ip=ip,
            detail={"method": method},
        )


async def usable_account(user_id: int) -> dict[str, Any] | None:
    """The user and credential if the account may sign in now (active, not locked)."""
    user = await User.select(User.id, User.agency, User.state).where(User.id == user_id).first()
    credential = await Credential.select().where(Credential.user == user_id).first()
    if user is None or credential is None:
        return None
    if user["state"] != "active" or credential["locked_at"] is not None:
        return None
    return {"user": user, "credential": credential}


async def check_password(login_id: str, password: str, ip: str) -> tuple[int, bool]:
    """Checks ID + password. Returns (user id, password is temporary); a failure is counted
    (three in a row lock the account) and always answers the same `InvalidCredentials`."""
    login_id = login_id.strip()
    user = (
        await User.select(User.id, User.agency, User.state).where(User.login_id == login_id).first()
    )
    credential = None
    if user is not None:
        credential = await Credential.select().where(Credential.user == user["id"]).first()
    stored_hash = credential["password_hash"] if credential else None
    # Always verify (against a dummy hash if need be) so timing does not reveal the account.
    password_ok = await verify_password(stored_hash, password)
    if user is None or credential is None:
        await audit.record("sign_in_failed", ip=ip, detail={"login_id": login_id[:32]})
        raise InvalidCredentials()
    temporary_expired = bool(
        credential["password_is_temporary"]
        and credential["temporary_expires_at"] is not None
        and credential["temporary_expires_at"] <= datetime.now(UTC)
    )
    usable = (
        password_ok
        and credential["locked_at"] is None
        and user["state"] == "active"
        and not temporary_expired
    )
    if not usable:
        reason = _failure_reason(password_ok, credential, user, temporary_expired)
        if credential["locked_at"] is None:
            await record_failure(user["id"], user["agency"], ip, reason)
        else:
            await audit.record(
                "sign_in_failed",
                actor_id=user["id"],
                agency_id=user["agency"],
                target_type="user",
                target_id=user["id"],
                ip=ip,
                detail={"reason": reason},
            )
        raise InvalidCredentials()
    return int(user["id"]), bool(credential["password_is_temporary"])


def _failure_reason(
    password_ok: bool,
    credential: dict[str, Any],
    user: dict[str, Any],
    temporary_expired: bool,
) -> str:
    if credential["locked_at"] is not None:
        return "locked"
    if user["state"] != "active":
        return str(user["state"])
    if temporary_expired:
        return "temporary_password_expired"
    return "wrong_password" if not password_ok else "unknown"


async def check_password_policy(password: str, principal_like: dict[str, str]) -> None:
    """NIST 800-63B style: length only, no composition rules, nothing personal in it."""
    problems: list[FieldError] = []
    if not password.strip():
        # Spaces are allowed in a passphrase, but spaces alone are no password.
        problems.append(FieldError("newPassword", "password_blank"))
    elif len(password) < MIN_PASSWORD_LENGTH:
        problems.append(FieldError("newPassword", "password_too_short"))
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(FieldError("newPassword", "password_too_long"))
    if is_common_password(password):
        problems.append(FieldError("newPassword", "password_common"))
    lowered = password.lower()
    for value in principal_like.values():
        for word in value.lower().split():
            if len(word) >= 4 and word in lowered:
                problems.append(FieldError("newPassword", "password_personal"))
                break
    if problems:
        raise Invalid("password_rejected", errors=problems)


async def change_password(principal: Principal, current: str, new: str, ip: str) -> None:
    credential = await Credential.select().where(Credential.user == principal.user_id).first()
    if credential is None or not await verify_password(credential["password_hash"], current):
        # A guess at the current password counts like a failed sign-in: the third in a row
        # locks the account (and so ends this session).
        await record_failure(
            principal.user_id,
            principal.agency_id,
            ip,
            "wrong_current_password",
            action="password_change_failed",
        )
        raise Invalid(
            "password_rejected",
            errors=[FieldError("currentPassword", "current_password_wrong")],
        )
    if credential["failed_attempts"]:
        await Credential.update({Credential.failed_attempts: 0}).where(
            Credential.user == principal.user_id
        )
    agency = (
        await Agency.select(Agency.name, Agency.code)
        .where(Agency.id == principal.agency_id)
        .first()
    )
    await check_password_policy(
        new,
        {
            "login_id": principal.login_id,
            "name": principal.name,
            "agency": f"{agency['name']} {agency['code']}" if agency else "",
        },
    )
    if new == current:
        raise Invalid(
            "password_rejected", errors=[FieldError("newPassword", "password_same_as_current")]
        )
    new_hash = await hash_password(new)
    async with write_transaction():
        await Credential.update(
            {
                Credential.password_hash: new_hash,
                Credential.password_is_temporary: False,
                Credential.temporary_expires_at: None,
                # Sessions opened before this instant stop working (see authz.load_principal).
                Credential.password_changed_at: datetime.now(UTC),
            }
        ).where(Credential.user == principal.user_id)
        await audit.record(
            "password_changed",
            actor_id=principal.user_id,
            agency_id=principal.agency_id,
            target_type="user",
            target_id=principal.user_id,
            ip=ip,
        )


async def issue_temporary_password(
    user_id: int, actor: Principal | None, ip: str = ""
) -> tuple[str, datetime]:
    """A random single-use password that only allows a password change; also unlocks."""
    password = generate_temporary_password()
    expires_at = datetime.now(UTC) + timedelta(days=TEMPORARY_PASSWORD_DAYS)
    password_hash = await hash_password(password)
    async with write_transaction():
        user = await User.select(User.id, User.agency).where(User.id == user_id).first()
        if user is None:
            raise AppError("not_found", status_code=404)
        values: dict[Any, Any] = {
            Credential.password_hash: password_hash,
            Credential.password_is_temporary: True,
            Credential.temporary_expires_at: expires_at,
            Credential.password_changed_at: datetime.now(UTC),
            Credential.failed_attempts: 0,
            Credential.locked_at: None,
        }
        updated = (
            await Credential.update(values)
            .where(Credential.user == user_id)
            .returning(Credential.id)
        )
        if not updated:
            await Credential.insert(
                Credential(
                    user=user_id,
                    password_hash=password_hash,
                    password_is_temporary=True,
                    temporary_expires_at=expires_at,
                    password_changed_at=datetime.now(UTC),
                )
            )
        await audit.record(
            "temporary_password_issued",
            actor_id=actor.user_id if actor else None,
            agency_id=user["agency"],
            target_type="user",
            target_id=user_id,
            ip=ip,
        )
    return password, expires_at


async def unlock(user_id: int, actor: Principal, ip: str = "") -> None:
    async with write_transaction():
        user = await User.select(User.id, User.agency).where(User.id == user_id).first()
        if user is None:
            raise AppError("not_found", status_code=404)
        await Credential.update({Credential.failed_attempts: 0, Credential.locked_at: None}).where(
            Credential.user == user_id
        )
        await audit.record(
            "account_unlocked",
            actor_id=actor.user_id,
            agency_id=user["agency"],
            target_type="user",
            target_id=user_id,
            ip=ip,
        )


async def set_password(user_id: int, password: str) -> None:
    """Sets a permanent password directly (demo data and the create-admin CLI only)."""
    password_hash = await hash_password(password)
    async with write_transaction():
        updated = (
            await Credential.update(
                {
                    Credential.password_hash: password_hash,
                    Credential.password_is_temporary: False,
                    Credential.temporary_expires_at: None,
                }
            )
            .where(Credential.user == user_id)
            .returning(Credential.id)
        )
        if not updated:
            await Credential.insert(Credential(user=user_id, password_hash=password_hash))


async def remove_factor(principal: Principal, kind: str, passkey_id: int | None, ip: str) -> None:
    """Removes a TOTP or passkey; the last second factor cannot be removed."""
    async with write_transaction():
        if kind == "passkey":
            deleted = (
                await Passkey.delete()
                .where((Passkey.id == passkey_id) & (Passkey.user == principal.user_id))
                .returning(Passkey.id)
            )
            if not deleted:
                raise AppError("not_found", status_code=404)
        else:
            if not await TotpFactor.exists().where(TotpFactor.user == principal.user_id):
                raise AppError("not_found", status_code=404)
            await remove_totp(principal.user_id)
        if not await has_second_factor(principal.user_id):
            raise AppError("last_factor", status_code=409)
        await audit.record(
            "mfa_removed",
            actor_id=principal.user_id,
            agency_id=principal.agency_id,
            target_type="user",
            target_id=principal.user_id,
            ip=ip,
            detail={"factor": kind},
        )
