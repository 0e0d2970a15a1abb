"""Who reports to whom, as the attendance rules need it."""

from __future__ import annotations

from typing import Any

from api.accounts.authz import Principal
from api.org.tables import User


async def direct_reports(principal: Principal) -> dict[int, dict[str, Any]]:
    """The people who report to this supervisor (id → id, name, login id), never themselves:
    the only ones whose records they may decide."""
    rows = (
        await User.select(User.id, User.name, User.login_id)
        .where(User.supervisor == principal.user_id)
        .order_by(User.name)
    )
    return {r["id"]: r for r in rows if r["id"] != principal.user_id}


async def reports_of_reports(principal: Principal) -> dict[int, dict[str, Any]]:
    """One level further down: the people whose supervisor reports to this person. Their red
    (escalated) items come up to this person's inbox too."""
    direct = await direct_reports(principal)
    if not direct:
        return {}
    rows = (
        await User.select(User.id, User.name, User.login_id)
        .where(User.supervisor.is_in(list(direct)))
        .order_by(User.name)
    )
    return {r["id"]: r for r in rows if r["id"] != principal.user_id and r["id"] not in direct}


async def levels(principal: Principal) -> tuple[list[int], list[int]]:
    """The ids of `direct_reports` and of `reports_of_reports`, in two queries."""
    direct = [
        r["id"]
        for r in await User.select(User.id).where(User.supervisor == principal.user_id)
        if r["id"] != principal.user_id
    ]
    if not direct:
        return [], []
    below = [
        r["id"]
        for r in await User.select(User.id).where(User.supervisor.is_in(direct))
        if r["id"] != principal.user_id and r["id"] not in direct
    ]
    return direct, below
