"""Acting supervisors (pemangku): a supervisor names a colleague to decide in their place for a
date range (leave, a course). While today lies in the range the colleague's inbox holds the
supervisor's items and notifications to the supervisor go to them too (`api.attendance.team`).

Rules: same agency; not oneself; an active account; the range ends on or after it starts, no
earlier than today, within `MAX_DAYS`; no overlap with another range of the same supervisor;
and rank: the colleague's grade is at least that of every person they would decide for (no one
decides for someone of a higher grade). A supervisor names someone for themselves; an agency
administrator for any supervisor of their agency, through the account rank rule.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from api.accounts import audit
from api.accounts.authz import Principal
from api.core.errors import Conflict, FieldError, Invalid, NotFound
from api.db import is_sqlite, write_transaction
from api.org import schemas
from api.org.services import account_to_manage
from api.org.tables import ActingSupervisor, User

MAX_DAYS = 366
_SENIOR = {"JUSA": 60, "TURUS": 70, "VK": 60, "VU": 60}


def grade_level(grade: str) -> int | None:
    """The number of a civil-service grade ("F44" → 44, "DG 52" → 52, "JUSA C" → 60), or None
    when it has none (then no rank comparison is made for it)."""
    text = grade.strip().upper()
    for prefix, level in _SENIOR.items():
        if text.startswith(prefix):
            return level
    digits = re.findall(r"\d+", text)
    return int(digits[-1]) if digits else None


def _today() -> Any:
    # Imported here: attendance sits above org: layering debt listed in .importlinter.
    from api.attendance.team import today

    return today()


def _invalid(code: str, field: str) -> Invalid:
    return Invalid(code, errors=[FieldError(field, code)])


async def _people(*ids: int) -> dict[int, dict[str, Any]]:
    rows = await User.select(
        User.id, User.name, User.agency, User.grade, User.state, User.position
    ).where(User.id.is_in(list(ids)))
    return {r["id"]: r for r in rows}


async def _check_rank(supervisor_id: int, acting: dict[str, Any]) -> None:
    level = grade_level(acting["grade"])
    reports = await User.select(User.id, User.grade).where(
        (User.supervisor == supervisor_id) & (User.id != acting["id"])
    )
    levels = [lv for r in reports if (lv := grade_level(r["grade"])) is not None]
    if levels and (level is None or level < max(levels)):
        raise _invalid("acting_rank_too_low", "actingId")


async def _which_supervisor(principal: Principal, data: schemas.ActingIn) -> int:
    if data.supervisor_id is None or data.supervisor_id == principal.user_id:
        return principal.user_id

    await account_to_manage(principal, data.supervisor_id, "acting_supervisor")
    return data.supervisor_id


def acting_out(row: dict[str, Any], names: dict[int, str]) -> schemas.ActingOut:
    return schemas.ActingOut(
        id=row["id"],
        supervisor_id=row["supervisor"],
        supervisor_name=names.get(row["supervisor"], ""),
        acting_id=row["acting"],
        acting_name=names.get(row["acting"], ""),
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        reason=row["reason"],
        cancelled=row["cancelled_at"] is not None,
    )


async def name_acting(principal: Principal, data: schemas.ActingIn) -> schemas.ActingOut:
    supervisor_id = await _which_supervisor(principal, data)
    if data.acting_id == supervisor_id:
        raise _invalid("acting_self", "actingId")
    if data.ends_on < data.starts_on:
        raise _invalid("range_invalid", "endsOn")
    if data.starts_on < _today():
        raise _invalid("acting_in_past", "startsOn")
    if (data.ends_on - data.starts_on) > timedelta(days=MAX_DAYS):
        raise _invalid("acting_too_long", "endsOn")
    people = await _people(supervisor_id, data.acting_id)
    supervisor, acting = people.get(supervisor_id), people.get(data.acting_id)
    if supervisor is None:
        raise NotFound()
    if acting is None or acting["agency"] != supervisor["agency"] or acting["state"] != "active":
        raise _invalid("acting_not_in_agency", "actingId")
    await _check_rank(supervisor_id, acting)
    async with write_transaction():
        overlapping = await ActingSupervisor.exists().where(
            (ActingSupervisor.supervisor == supervisor_id)
            & ActingSupervisor.cancelled_at.is_null()
            & (ActingSupervisor.starts_on <= data.ends_on)
            & (ActingSupervisor.ends_on >= data.starts_on)
        )
        if overlapping:
            raise Conflict("acting_overlaps")
        row = (
            await ActingSupervisor.insert(
                ActingSupervisor(
                    supervisor=supervisor_id,
                    acting=data.acting_id,
                    starts_on=data.starts_on,
                    ends_on=data.ends_on,
                    reason=data.reason.strip(),
                    created_by=principal.user_id,
                )
            ).returning(*ActingSupervisor.all_columns())
        )[0]
        await audit.record(
            "acting_supervisor_named",
            actor_id=principal.user_id,
            agency_id=supervisor["agency"],
            target_type="user",
            target_id=supervisor_id,
            detail={
                "acting": data.acting_id,
                "starts_on": data.starts_on.isoformat(),
                "ends_on": data.ends_on.isoformat(),
            },
        )
    return acting_out(row, {i: p["name"] for i, p in people.items()})


async def list_acting(principal: Principal) -> list[schemas.ActingOut]:
    """Ranges the person named or is named in that have not ended, soonest first."""
    me = principal.user_id
    rows = (
        await ActingSupervisor.select()
        .where(
            ((ActingSupervisor.supervisor == me) | (ActingSupervisor.acting == me))
            & (ActingSupervisor.ends_on >= _today())
        )
        .order_by(ActingSupervisor.starts_on)
    )
    ids = {r["supervisor"] for r in rows} | {r["acting"] for r in rows}
    names = {i: p["name"] for i, p in (await _people(*ids)).items()} if ids else {}
    return [acting_out(r, names) for r in rows]


async def cancel_acting(principal: Principal, acting_id: int) -> None:
    row = await ActingSupervisor.select().where(ActingSupervisor.id == acting_id).first()
    if row is None:
        raise NotFound()
    if row["supervisor"] != principal.user_id:
        supervisor = await User.select(User.agency).where(User.id == row["supervisor"]).first()
        if supervisor is None or not principal.can_administer(supervisor["agency"]):
            raise NotFound()
    async with write_transaction():
        await ActingSupervisor.update({ActingSupervisor.cancelled_at: datetime.now(UTC)}).where(
            ActingSupervisor.id == acting_id
        )
        agency = await User.select(User.agency).where(User.id == row["supervisor"]).first()
        await audit.record(
            "acting_supervisor_cancelled",
            actor_id=principal.user_id,
            agency_id=agency["agency"] if agency else None,
            target_type="user",
            target_id=row["supervisor"],
            detail={"acting": row["acting"]},
        )


async def colleagues(principal: Principal, q: str = "") -> list[schemas.ColleagueOut]:
    """Active people of the principal's agency to pick an acting supervisor from (30 at most)."""
    query = User.select(User.id, User.name, User.grade, User.position).where(
        (User.agency == principal.agency_id)
        & (User.state == "active")
        & (User.id != principal.user_id)
    )
    if q.strip():
        pattern = f"%{q.strip()}%"
        query = query.where(User.name.like(pattern) if is_sqlite() else User.name.ilike(pattern))
    rows = await query.order_by(User.name).limit(30)
    return [schemas.ColleagueOut(r["id"], r["name"], r["grade"], r["position"]) for r in rows]
