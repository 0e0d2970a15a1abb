"""Transfers: a person's agency, unit and supervisor are dated (`Placement`).

A transfer closes the open placement the day before `effective_from` and opens a new one, so
the new supervisor decides from that day on and the old one keeps what was before
(`api.attendance.team`). A transfer may be back-dated (HR papers arrive late) but not dated in
the future: the current values on `User` would then be wrong until that day, and no job
switches them; such a transfer is entered on its day.

Moving to another agency keeps the same account and sign-in; the old agency keeps its
placement rows (`members_between`) and its audit entries (recorded under its id). Roles and
office assignments belong to the old agency and end with the move; a person who still has
people reporting to them moves once those have a new supervisor.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from api.accounts import audit
from api.accounts.authz import Principal
from api.core.errors import Conflict, FieldError, Invalid, NotFound
from api.db import write_transaction
from api.org import schemas
from api.org.tables import Agency, Office, OfficeAssignment, OrgUnit, Placement, RoleGrant, User


def _today() -> date:
    # Imported here: attendance sits above org: layering debt listed in .importlinter.
    from api.attendance.team import today

    return today()


async def open_placement(user_id: int) -> dict[str, Any] | None:
    return (
        await Placement.select()
        .where((Placement.user == user_id) & Placement.ends_on.is_null())
        .order_by(Placement.id, ascending=False)
        .first()
    )


async def start(
    user_id: int,
    agency_id: int,
    unit_id: int | None,
    supervisor_id: int | None,
    starts_on: date | None,
    actor_id: int | None,
    before: dict[str, Any] | None = None,
) -> None:
    """Closes the open placement the day before `starts_on` and opens a new one (the caller
    holds a write transaction). A placement opened and replaced on the same day is rewritten,
    not closed before it started. `before` is the person's row as it was: someone without any
    placement yet (added before placements existed) gets theirs, closed, from it."""
    current = await open_placement(user_id)
    if current is None and before is not None and starts_on is not None:
        await Placement.insert(
            Placement(
                user=user_id,
                agency=before["agency"],
                unit=before["unit"],
                supervisor=before["supervisor"],
                ends_on=starts_on - timedelta(days=1),
                created_by=actor_id,
            )
        )
    if current is not None:
        begun = current["starts_on"]
        if starts_on is not None and begun is not None and begun >= starts_on:
            await Placement.delete().where(Placement.id == current["id"])
        else:
            end = (starts_on - timedelta(days=1)) if starts_on is not None else None
            await Placement.update({Placement.ends_on: end}).where(Placement.id == current["id"])
    await Placement.insert(
        Placement(
            user=user_id,
            agency=agency_id,
            unit=unit_id,
            supervisor=supervisor_id,
            starts_on=starts_on,
            created_by=actor_id,
        )
    )


async def follow_current(
    user_id: int, actor_id: int | None, before: dict[str, Any], day: date | None = None
) -> None:
    """After `User.unit`/`supervisor` changed without a date: a new placement from today
    (`before`: the person's row before the change)."""
    row = await User.select(User.agency, User.unit, User.supervisor).where(User.id == user_id)
    if not row:
        return
    await start(
        user_id,
        row[0]["agency"],
        row[0]["unit"],
        row[0]["supervisor"],
        day or _today(),
        actor_id,
        before,
    )


def placement_out(row: dict[str, Any]) -> schemas.PlacementOut:
    return schemas.PlacementOut(
        agency_id=row["agency"],
        unit_id=row["unit"],
        supervisor_id=row["supervisor"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
    )


async def history(principal: Principal, user_id: int) -> list[schemas.PlacementOut]:
    """The person's placements, oldest first: those of the agencies the principal administers
    (an agency sees a person's time with it, not their time elsewhere)."""
    user = await User.select(User.id).where(User.id == user_id).first()
    if user is None:
        raise NotFound()
    rows = await Placement.select().where(Placement.user == user_id).order_by(Placement.id)
    mine = [r for r in rows if principal.can_administer(r["agency"])]
    if not mine:
        raise NotFound()
    return [placement_out(r) for r in mine]


async def members_between(agency_id: int, first: date, last: date) -> list[int]:
    """Everyone placed in the agency on any day from `first` to `last`: those who moved away
    since still count for the days they were there (reports of the old agency)."""
    rows = await Placement.select(Placement.user, Placement.starts_on, Placement.ends_on).where(
        Placement.agency == agency_id
    )
    return sorted(
        {
            r["user"]
            for r in rows
            if (r["starts_on"] is None or r["starts_on"] <= last)
            and (r["ends_on"] is None or r["ends_on"] >= first)
        }
    )


async def _check_target(
    principal: Principal, user: dict[str, Any], data: schemas.TransferIn
) -> tuple[int, int | None, int | None]:
    """(agency, unit, supervisor) after the transfer, each checked."""
    # Imported here: org.services imports this module (a circle).
    from api.org.services import check_supervisor

    agency_id = data.agency_id if data.agency_id is not None else user["agency"]
    moving = agency_id != user["agency"]
    if moving:
        # The receiving agency must be one the principal administers too.
        if not principal.can_administer(agency_id) or not await Agency.exists().where(
            Agency.id == agency_id
        ):
            raise NotFound()
        if await User.exists().where(User.supervisor == user["id"]):
            raise Conflict("transfer_has_reports")
    unit_id = data.unit_id if data.unit_id is not None else (None if moving else user["unit"])
    if unit_id is not None:
        unit = await OrgUnit.select(OrgUnit.agency).where(OrgUnit.id == unit_id).first()
        if unit is None or unit["agency"] != agency_id:
            raise Invalid("unit_not_in_agency", errors=[FieldError("unitId", "unit_not_in_agency")])
    supervisor_id: int | None
    if data.clear_supervisor:
        supervisor_id = None
    elif data.supervisor_id is not None:
        supervisor_id = data.supervisor_id
        await check_supervisor(user["id"], supervisor_id, agency_id)
    else:
        supervisor_id = None if moving else user["supervisor"]
    return agency_id, unit_id, supervisor_id


async def transfer(
    principal: Principal, user_id: int, data: schemas.TransferIn, ip: str = ""
) -> schemas.PlacementOut:
    # Imported here: org.services imports this module (a circle).
    from api.org.services import account_to_manage

    user = await account_to_manage(principal, user_id, "transfer", ip)
    today = _today()
    if data.effective_from > today:
        raise Invalid(
            "transfer_in_future", errors=[FieldError("effectiveFrom", "transfer_in_future")]
        )
    agency_id, unit_id, supervisor_id = await _check_target(principal, user, data)
    async with write_transaction():
        current = await open_placement(user_id)
        begun = current["starts_on"] if current is not None else None
        if begun is not None and data.effective_from < begun:
            raise Invalid(
                "transfer_before_current",
                errors=[FieldError("effectiveFrom", "transfer_before_current")],
            )
        await start(
            user_id,
            agency_id,
            unit_id,
            supervisor_id,
            data.effective_from,
            principal.user_id,
            user,
        )
        await User.update(
            {User.agency: agency_id, User.unit: unit_id, User.supervisor: supervisor_id}
        ).where(User.id == user_id)
        detail = {
            "from": {
                "agency": user["agency"],
                "unit": user["unit"],
                "supervisor": user["supervisor"],
            },
            "to": {"agency": agency_id, "unit": unit_id, "supervisor": supervisor_id},
            "effective_from": data.effective_from.isoformat(),
        }
        if agency_id != user["agency"]:
            detail["ended"] = await _end_agency_ties(user_id, user["agency"])
        for agency in sorted({user["agency"], agency_id}):
            # Both agencies' audit trails show the move.
            await audit.record(
                "user_transferred",
                actor_id=principal.user_id,
                agency_id=agency,
                target_type="user",
                target_id=user_id,
                ip=ip,
                detail=detail,
            )
        row = await open_placement(user_id)
    # Imported here: attendance sits above org: layering debt listed in .importlinter.
    from api.attendance import fences

    fences.forget_offices_of(user_id)
    assert row is not None
    return placement_out(row)


async def _end_agency_ties(user_id: int, old_agency: int) -> dict[str, int]:
    """Roles and office assignments of the old agency end with a move."""
    grants = await RoleGrant.delete().where(RoleGrant.user == user_id).returning(RoleGrant.id)
    old_offices = [
        r["id"] for r in await Office.select(Office.id).where(Office.agency == old_agency)
    ]
    offices = await (
        OfficeAssignment.delete()
        .where(
            (OfficeAssignment.user == user_id) & OfficeAssignment.office.is_in(old_offices or [0])
        )
        .returning(OfficeAssignment.id)
    )
    return {"role_grants": len(grants), "office_assignments": len(offices)}
