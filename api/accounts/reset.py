"""Self-service password reset: a link to the official e-mail, then the second factor.

1. `request_reset(login_id)` always answers the same (no account enumeration); for an active
   account with a second factor it stores the hash of a random token and queues the e-mail in
   the same transaction.
2. `open_reset(token)` checks the link (unused, not expired) and returns the user id; the
   person then proves their second factor exactly as at sign-in.
3. `complete_reset(user_id, token_hash, password)` sets the new password, consumes the link,
   unlocks the account and ends every other session.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from api.accounts import audit
from api.accounts.mfa import has_second_factor
from api.accounts.passwords import hash_password
from api.accounts.services import check_password_policy
from api.accounts.tables import Credential, PasswordReset
from api.core.errors import AppError
from api.db import for_update, write_transaction
from api.org.tables import Agency, User
from notifications.kinds import Kind

RESET_VALID_MINUTES = 60


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def request_reset(login_id: str, ip: str) -> None:
    # outbox sits above accounts (it needs Principal): the one upward edge (.importlinter).
    from api.outbox.services import enqueue

    user = (
        await User.select(User.id, User.agency, User.state, User.email)
        .where(User.login_id == login_id.strip())
        .first()
    )
    if user is None or user["state"] != "active" or not user["email"]:
        await audit.record("password_reset_refused", ip=ip, detail={"login_id": login_id[:32]})
        return
    if not await has_second_factor(user["id"]):
        # Without a second factor a link alone would be enough to take the account over:
        # such people go to their administrator.
        await audit.record(
            "password_reset_refused",
            actor_id=user["id"],
            agency_id=user["agency"],
            target_type="user",
            target_id=user["id"],
            ip=ip,
            detail={"reason": "no_factor"},
        )
        return
    token = secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + timedelta(minutes=RESET_VALID_MINUTES)
    async with write_transaction():
        row = await PasswordReset.insert(
            PasswordReset(user=user["id"], token_hash=token_hash(token), expires_at=expires_at)
        ).returning(PasswordReset.id)
        await enqueue(
            Kind.PASSWORD_RESET,
            user["id"],
            {"expires_at": expires_at},
            event_key=f"password-reset:{row[0]['id']}",
            url=f"/#/reset/{token}",
        )
        await audit.record(
            "password_reset_requested",
            actor_id=user["id"],
            agency_id=user["agency"],
            target_type="user",
            target_id=user["id"],
            ip=ip,
        )


async def open_reset(token: str) -> tuple[int, str]:
    """The user id and token hash of a usable link; otherwise `reset_link_invalid`."""
    hashed = token_hash(token)
    row = await PasswordReset.select().where(PasswordReset.token_hash == hashed).first()
    if row is None or row["used_at"] is not None or row["expires_at"] <= datetime.now(UTC):
        raise AppError("reset_link_invalid", status_code=400)
    user = await User.select(User.state).where(User.id == row["user"]).first()
    if user is None or user["state"] != "active":
        raise AppError("reset_link_invalid", status_code=400)
    return int(row["user"]), hashed


async def complete_reset(user_id: int, hashed: str, password: str, ip: str) -> None:
    user = (
        await User.select(User.login_id, User.name, User.agency).where(User.id == user_id).first()
    )
    if user is None:
        raise AppError("reset_link_invalid", status_code=400)
    agency = (
        await Agency.select(Agency.name, Agency.code).where(Agency.id == user["agency"]).first()
    )
    await check_password_policy(
        password,
        {
            "login_id": user["login_id"],
            "name": user["name"],
            "agency": f"{agency['name']} {agency['code']}" if agency else "",
        },
    )
    new_hash = await hash_password(password)
    now = datetime.now(UTC)
    async with write_transaction():
        link = await for_update(
            PasswordReset.select().where(PasswordReset.token_hash == hashed)
        ).first()
        if link is None or link["used_at"] is not None or link["user"] != user_id:
            raise AppError("reset_link_invalid", status_code=400)
        await PasswordReset.update({PasswordReset.used_at: now}).where(
            PasswordReset.user == user_id
        )
        await Credential.update(
            {
                Credential.password_hash: new_hash,
                Credential.password_is_temporary: False,
                Credential.temporary_expires_at: None,
                Credential.password_changed_at: now,
                Credential.failed_attempts: 0,
                Credential.locked_at: None,
            }
        ).where(Credential.user == user_id)
        await audit.record(
            "password_reset_completed",
            actor_id=user_id,
            agency_id=user["agency"],
            target_type="user",
            target_id=user_id,
            ip=ip,
        )


async def spoil_link(hashed: str) -> None:
    await PasswordReset.update({PasswordReset.used_at: datetime.now(UTC)}).where(
        (PasswordReset.token_hash == hashed) & PasswordReset.used_at.is_null()
    )
