"""Account lifecycle (MyGovUC): freeze, unfreeze, terminate, inactivity, second-factor reset,
temporary password, unlock.

A change takes effect at the person's next request: `authz.load_principal` refuses accounts
that are not active, and their stored sessions are deleted here as well. Nobody changes the
state of their own account, and nobody acts on an account whose roles reach further than
their own (`api.org.services.account_to_manage`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec

from api.accounts import audit
from api.accounts import services as account_services
from api.accounts.authz import Principal
from api.accounts.session_store import session_store
from api.accounts.tables import Passkey, RecoveryCode, TotpFactor
from api.core.errors import Conflict, Forbidden
from api.db import write_transaction
from api.org.services import account_to_manage, agency_in_scope, user_in_scope
from api.org.tables import User

FREEZE_REASONS = ("long_leave", "course", "discipline", "inactivity", "pending_termination")
TERMINATION_REASONS = ("transfer", "retirement", "resignation", "discipline", "inactivity")
INACTIVE_AFTER_DAYS = 90
TERMINATE_WITHIN_DAYS = 30


class TerminationDue(msgspec.Struct, rename="camel"):
    user_id: int
    login_id: str
    name: str
    state: str
    reason: str
    event_date: date
    due_date: date
    overdue: bool


async def end_sessions(user_id: int) -> int:
    return await session_store().end_sessions_of(user_id)


async def _change_state(
    actor: Principal,
    user_id: int,
    state: str,
    reason: str,
    action: str,
    *,
    event_date: date | None = None,
    ip: str = "",
) -> dict[str, Any]:
    if user_id == actor.user_id:
        raise Forbidden("self_action")
    await account_to_manage(actor, user_id, action, ip)
    async with write_transaction():
        user = await user_in_scope(actor, user_id)
        if user["state"] == "terminated":
            raise Conflict("account_terminated")
        await User.update(
            {
                User.state: state,
                User.state_reason: reason,
                User.state_changed_at: datetime.now(UTC),
                User.event_date: event_date,
            }
        ).where(User.id == user_id)
        ended = await end_sessions(user_id) if state != "active" else 0
        await audit.record(
            action,
            actor_id=actor.user_id,
            agency_id=user["agency"],
            target_type="user",
            target_id=user_id,
            ip=ip,
            detail={
                "reason": reason,
                "sessions_ended": ended,
                "event_date": event_date.isoformat() if event_date else None,
            },
        )
        row = await User.select().where(User.id == user_id).first()
    assert row is not None
    return row


async def freeze(
    actor: Principal, user_id: int, reason: str, event_date: date | None, ip: str = ""
) -> dict[str, Any]:
    return await _change_state(
        actor, user_id, "frozen", reason, "account_frozen", event_date=event_date, ip=ip
    )


async def unfreeze(actor: Principal, user_id: int, ip: str = "") -> dict[str, Any]:
    user = await account_to_manage(actor, user_id, "account_unfrozen", ip)
    if user["state"] != "frozen":
        raise Conflict("account_not_frozen")
    return await _change_state(actor, user_id, "active", "", "account_unfrozen", ip=ip)


async def terminate(
    actor: Principal, user_id: int, reason: str, event_date: date | None, ip: str = ""
) -> dict[str, Any]:
    return await _change_state(
        actor,
        user_id,
        "terminated",
        reason,
        "account_terminated",
        event_date=event_date or date.today(),
        ip=ip,
    )


async def reset_second_factors(actor: Principal, user_id: int, ip: str = "") -> None:
    """For a lost phone: removes TOTP, passkeys and recovery codes; the person enrols again
    at their next sign-in (after an administrator has given them a temporary password)."""
    if user_id == actor.user_id:
        raise Forbidden("self_action")
    await account_to_manage(actor, user_id, "mfa_reset", ip)
    async with write_transaction():
        user = await user_in_scope(actor, user_id)
        await TotpFactor.delete().where(TotpFactor.user == user_id)
        await Passkey.delete().where(Passkey.user == user_id)
        await RecoveryCode.delete().where(RecoveryCode.user == user_id)
        ended = await end_sessions(user_id)
        await audit.record(
            "mfa_reset",
            actor_id=actor.user_id,
            agency_id=user["agency"],
            target_type="user",
            target_id=user_id,
            ip=ip,
            detail={"sessions_ended": ended},
        )


async def issue_temporary_password(
    actor: Principal, user_id: int, ip: str = ""
) -> tuple[str, str, datetime]:
    """(login id, temporary password, expiry) for a person who cannot sign in; also unlocks."""
    if user_id == actor.user_id:
        # One's own password is changed with the current one, not reset by oneself.
        raise Forbidden("self_action")
    user = await account_to_manage(actor, user_id, "temporary_password", ip)
    password, expires_at = await account_services.issue_temporary_password(user_id, actor, ip)
    return str(user["login_id"]), password, expires_at


async def unlock(actor: Principal, user_id: int, ip: str = "") -> None:
    await account_to_manage(actor, user_id, "unlock", ip)
    await account_services.unlock(user_id, actor, ip)


async def disable_inactive(now: datetime | None = None) -> list[int]:
    """Freezes active accounts unused for more than 90 days (never signed in: counted from
    their creation). Returns the ids; each is audited. The scheduled job runs this daily."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=INACTIVE_AFTER_DAYS)
    rows = await User.select(User.id, User.agency, User.last_active_at, User.created_at).where(
        User.state == "active"
    )
    stale = [r for r in rows if (r["last_active_at"] or r["created_at"]) < cutoff]
    for row in stale:
        async with write_transaction():
            await User.update(
                {
                    User.state: "frozen",
                    User.state_reason: "inactivity",
                    User.state_changed_at: now,
                    User.event_date: now.date(),
                }
            ).where((User.id == row["id"]) & (User.state == "active"))
            await end_sessions(row["id"])
            await audit.record(
                "account_frozen",
                agency_id=row["agency"],
                target_type="user",
                target_id=row["id"],
                detail={"reason": "inactivity", "by": "schedule"},
            )
    return [r["id"] for r in stale]


async def termination_report(
    actor: Principal, agency_id: int, today: date | None = None
) -> list[TerminationDue]:
    """Accounts with an event (inactivity, transfer, retirement, …) that are not terminated
    yet, with the date by which they must be (event + 30 days), oldest first."""
    await agency_in_scope(actor, agency_id)
    today = today or date.today()
    rows = await User.select(
        User.id, User.login_id, User.name, User.state, User.state_reason, User.event_date
    ).where((User.agency == agency_id) & (User.state == "frozen") & User.event_date.is_not_null())
    report = []
    for row in rows:
        due = row["event_date"] + timedelta(days=TERMINATE_WITHIN_DAYS)
        report.append(
            TerminationDue(
                user_id=row["id"],
                login_id=row["login_id"],
                name=row["name"],
                state=row["state"],
                reason=row["state_reason"],
                event_date=row["event_date"],
                due_date=due,
                overdue=due < today,
            )
        )
    return sorted(report, key=lambda r: r.due_date)
