"""Movement slips (pergerakan): asked by the officer, approved in advance by the supervisor.

An approved slip whose window covers a check-in, with the fix inside the slip's destination,
makes that check-in count as approved without a further decision.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import geo
from api.accounts import audit
from api.accounts.authz import Principal
from api.attendance import fences, schemas
from api.attendance.tables import MovementSlip
from api.attendance.team import direct_reports
from api.core.errors import AppError, FieldError, Invalid, NotFound
from api.db import for_update, write_transaction
from api.org.tables import Office

LONGEST_SLIP = timedelta(days=7)


def slip_out(row: dict[str, Any], names: dict[int, str]) -> schemas.MovementSlipOut:
    return schemas.MovementSlipOut(
        id=row["id"],
        user_id=row["user"],
        destination_id=row["destination"],
        destination_name=names.get(row["destination"], ""),
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        purpose=row["purpose"],
        status=row["status"],
        decision_note=row["decision_note"],
    )


async def request_slip(
    principal: Principal, data: schemas.MovementSlipIn, now: datetime | None = None
) -> schemas.MovementSlipOut:
    now = now or datetime.now(UTC)
    if data.ends_at <= data.starts_at:
        raise Invalid("slip_window_invalid", errors=[FieldError("endsAt", "slip_window_invalid")])
    if data.ends_at - data.starts_at > LONGEST_SLIP:
        raise Invalid("slip_too_long", errors=[FieldError("endsAt", "slip_too_long")])
    if data.ends_at <= now:
        raise Invalid("slip_in_the_past", errors=[FieldError("endsAt", "slip_in_the_past")])
    office = (
        await Office.select(Office.agency, Office.active)
        .where(Office.id == data.destination_id)
        .first()
    )
    if office is None or office["agency"] != principal.agency_id or not office["active"]:
        raise Invalid(
            "office_not_in_agency", errors=[FieldError("destinationId", "office_not_in_agency")]
        )
    async with write_transaction():
        row = (
            await MovementSlip.insert(
                MovementSlip(
                    user=principal.user_id,
                    destination=data.destination_id,
                    starts_at=data.starts_at,
                    ends_at=data.ends_at,
                    purpose=data.purpose.strip(),
                )
            ).returning(*MovementSlip.all_columns())
        )[0]
    names = (await fences.fence_for_agency(principal.agency_id)).names
    return slip_out(row, names)


async def own_slips(principal: Principal) -> list[schemas.MovementSlipOut]:
    rows = (
        await MovementSlip.select()
        .where(MovementSlip.user == principal.user_id)
        .order_by(MovementSlip.starts_at, ascending=False)
        .limit(100)
    )
    names = (await fences.fence_for_agency(principal.agency_id)).names
    return [slip_out(r, names) for r in rows]


async def cancel_slip(principal: Principal, slip_id: int) -> None:
    async with write_transaction():
        row = await for_update(MovementSlip.select().where(MovementSlip.id == slip_id)).first()
        if row is None or row["user"] != principal.user_id:
            raise NotFound()
        if row["status"] not in ("pending", "approved"):
            raise AppError("slip_already_closed", status_code=409)
        await MovementSlip.update({MovementSlip.status: "cancelled"}).where(
            MovementSlip.id == slip_id
        )


async def pending_for_supervisor(principal: Principal) -> list[schemas.SlipInboxItem]:
    reports = await direct_reports(principal)
    if not reports:
        return []
    rows = (
        await MovementSlip.select()
        .where((MovementSlip.status == "pending") & MovementSlip.user.is_in(list(reports)))
        .order_by(MovementSlip.starts_at)
    )
    names = (await fences.fence_for_agency(principal.agency_id)).names
    return [
        schemas.SlipInboxItem(slip=slip_out(r, names), officer_name=reports[r["user"]]["name"])
        for r in rows
    ]


async def decide_slips(
    principal: Principal, data: schemas.DecisionRequest, ip: str = ""
) -> schemas.DecisionResult:
    ids = sorted(set(data.ids))
    async with write_transaction():
        rows = {
            r["id"]: r
            for r in await for_update(MovementSlip.select().where(MovementSlip.id.is_in(ids))).run()
        }
        reports = await direct_reports(principal)
        for slip_id in ids:
            row = rows.get(slip_id)
            if row is None or row["user"] not in reports or row["user"] == principal.user_id:
                raise NotFound()
            if row["status"] != "pending":
                raise AppError("slip_already_closed", status_code=409)
        await MovementSlip.update(
            {
                MovementSlip.status: data.decision,
                MovementSlip.decided_by: principal.user_id,
                MovementSlip.decided_at: datetime.now(UTC),
                MovementSlip.decision_note: data.note.strip(),
            }
        ).where(MovementSlip.id.is_in(ids))
        for slip_id in ids:
            await audit.record(
                f"movement_slip_{data.decision}",
                actor_id=principal.user_id,
                agency_id=principal.agency_id,
                target_type="movement_slip",
                target_id=slip_id,
                ip=ip,
                detail={"officer": rows[slip_id]["user"]},
            )
    return schemas.DecisionResult(decided=ids)


async def covering_slip(
    user_id: int, at: datetime, fence: geo.Geofence | None, fix: schemas.Fix
) -> int | None:
    """The approved slip whose window covers `at` and whose destination contains the fix."""
    if fence is None:
        return None
    rows = await MovementSlip.select(MovementSlip.id, MovementSlip.destination).where(
        (MovementSlip.user == user_id)
        & (MovementSlip.status == "approved")
        & (MovementSlip.starts_at <= at)
        & (MovementSlip.ends_at >= at)
    )
    known = set(fence.office_ids)
    for row in rows:
        destination = str(row["destination"])
        if destination not in known:
            continue
        verdict = fence.check(fix.lat, fix.lon, fix.accuracy, office_ids=[destination])
        if verdict.status == "inside":
            return int(row["id"])
    return None
