"""Movement slips (pergerakan): asked by the officer, approved in advance by the supervisor.

An approved slip whose window covers a check-in, with the fix inside the slip's destination,
makes that check-in count as approved without a further decision.

**Unanswered slips escalate like the other approval items** (`slip_escalation`): a pending
slip turns yellow and then red after the agency's numbers of working days since the day it was
requested (its local `created_at` day; `rules.escalation_level` with the agency's calendar, so
weekends and holidays do not age it). Yellow and red slips are counted in the supervisor's
daily "pending approvals" notice (`api.attendance.escalation`); red ones also come up to the
supervisor's own supervisor, whose slip inbox lists them marked `escalated` and who may decide
them (`pending_for_supervisor`, `decide_slips`). Nobody decides their own slip. A decided or
cancelled slip no longer escalates.

**A slip whose window has ended without a decision stops escalating** (level ``none``: not
counted in notices, not sent up; `windowPassed` in the inbox). Its purpose, approving in
advance the check-ins made inside the destination during the window, has gone: those
check-ins were recorded as pending and wait (and escalate) in the check-in inbox on their own,
so counting the slip too would count the same absence from the office twice. The direct
supervisor still sees it and may still approve or reject it (an approval then only helps a
check-in of the window that an offline phone syncs later); the officer may cancel it.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import geo
from api.accounts import audit
from api.accounts.authz import Principal
from api.attendance import calendar_admin, fences, rules, schemas
from api.attendance.decisions import require_note_to_reject
from api.attendance.policy import escalation_thresholds
from api.attendance.tables import CheckIn, MovementSlip
from api.attendance.team import covers_moment, direct_reports, reports_of_reports
from api.core.errors import AppError, FieldError, Invalid, NotFound
from api.db import for_update, write_transaction
from api.org.tables import Office

LONGEST_SLIP = timedelta(days=7)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def slip_escalation(
    row: dict[str, Any],
    *,
    calendar: rules.WorkingDays,
    now: datetime,
    today: date,
    thresholds: rules.EscalationThresholds,
    tz: Any = rules.MALAYSIA_TZ,
) -> rules.Escalation:
    """The colour of a slip (`status`, `created_at`, `ends_at` of its row): working days since
    the day it was requested while it is pending and its window has not ended; ``none``
    otherwise (rules in the module docstring)."""
    if row["status"] != "pending" or _aware(row["ends_at"]) <= now:
        return rules.Escalation.NONE
    requested_on = rules.local_day(_aware(row["created_at"]), tz)
    return rules.escalation_level(requested_on, today, calendar, thresholds)


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


async def _escalated_slips(
    principal: Principal, now: datetime
) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]:
    """Pending slips one level down that have turned red, with the people they belong to."""
    below = await reports_of_reports(principal)
    if not below:
        return [], {}
    rows = (
        await MovementSlip.select()
        .where((MovementSlip.status == "pending") & MovementSlip.user.is_in(list(below)))
        .order_by(MovementSlip.starts_at)
    )
    levels = await _levels(principal, rows, now)
    return [r for r in rows if levels[r["id"]] == rules.Escalation.RED], below


async def _levels(
    principal: Principal, rows: list[dict[str, Any]], now: datetime
) -> dict[int, rules.Escalation]:
    if not rows:
        return {}
    from api.attendance.services import POLICY

    calendar = await calendar_admin.working_calendar(principal.agency_id)
    thresholds = await escalation_thresholds(principal.agency_id)
    today = rules.local_day(now, POLICY.timezone)
    return {
        r["id"]: slip_escalation(
            r,
            calendar=calendar,
            now=now,
            today=today,
            thresholds=thresholds,
            tz=POLICY.timezone,
        )
        for r in rows
    }


async def pending_for_supervisor(
    principal: Principal, now: datetime | None = None
) -> list[schemas.SlipInboxItem]:
    """Pending slips of the supervisor's direct reports (soonest window first), then the red
    ones of the level below (escalated to this person)."""
    now = now or datetime.now(UTC)
    reports = await direct_reports(principal)
    if not reports:
        return []
    rows = (
        await MovementSlip.select()
        .where((MovementSlip.status == "pending") & MovementSlip.user.is_in(list(reports)))
        .order_by(MovementSlip.starts_at)
    )
    rows = [r for r in rows if covers_moment(reports[r["user"]], _aware(r["starts_at"]))]
    escalated, below = await _escalated_slips(principal, now)
    levels = await _levels(principal, [*rows, *escalated], now)
    names = (await fences.fence_for_agency(principal.agency_id)).names
    people = {**below, **reports}
    return [
        schemas.SlipInboxItem(
            slip=slip_out(r, names),
            officer_name=people[r["user"]]["name"],
            officer_id=r["user"],
            escalation=str(levels[r["id"]]),
            escalated=r["user"] not in reports,
            window_passed=_aware(r["ends_at"]) <= now,
        )
        for r in [*rows, *escalated]
    ]


async def pending_for_supervisor_count(
    direct: list[int], below: list[int], last_red: date, now: datetime
) -> int:
    """How many slips `pending_for_supervisor` lists, counted by the database: the red ones of
    the level below were requested on `last_red` or earlier and their window has not ended."""
    from api.attendance.services import start_of_day_after

    pending = MovementSlip.status == "pending"
    total = 0
    if direct:
        total += await MovementSlip.count().where(pending & MovementSlip.user.is_in(direct))
    if below:
        total += await MovementSlip.count().where(
            pending
            & MovementSlip.user.is_in(below)
            & (MovementSlip.created_at < start_of_day_after(last_red))
            & (MovementSlip.ends_at > now)
        )
    return total


async def decide_slips(
    principal: Principal, data: schemas.DecisionRequest, ip: str = ""
) -> schemas.DecisionResult:
    """Approves or rejects several slips at once, all or none: every one must be a pending
    slip of a direct report, or a red one escalated from the level below (never one's own)."""
    require_note_to_reject(data.decision, data.note)
    ids = sorted(set(data.ids))
    now = datetime.now(UTC)
    async with write_transaction():
        rows = {
            r["id"]: r
            for r in await for_update(MovementSlip.select().where(MovementSlip.id.is_in(ids))).run()
        }
        reports = await direct_reports(principal)
        escalated_ids: set[int] = set()
        below: dict[int, dict[str, Any]] = {}
        if any(r["user"] not in reports for r in rows.values()):
            red, below = await _escalated_slips(principal, now)
            escalated_ids = {r["id"] for r in red}
        for slip_id in ids:
            row = rows.get(slip_id)
            if row is None or row["user"] == principal.user_id:
                raise NotFound()
            if row["user"] not in reports and row["user"] not in below:
                raise NotFound()
            if row["user"] in reports and not covers_moment(
                reports[row["user"]], _aware(row["starts_at"])
            ):
                raise NotFound()  # a day before or after the officer reported to this person
            if row["status"] != "pending":
                raise AppError("slip_already_closed", status_code=409)
            if row["user"] not in reports and slip_id not in escalated_ids:
                raise NotFound()  # one level down, but not red (yet, or any more)
        await MovementSlip.update(
            {
                MovementSlip.status: data.decision,
                MovementSlip.decided_by: principal.user_id,
                MovementSlip.decided_at: now,
                MovementSlip.decision_note: data.note.strip(),
            }
        ).where(MovementSlip.id.is_in(ids))
        rejudged: dict[int, list[int]] = {}
        if data.decision == "approved":
            fence = (await fences.fence_for_agency(principal.agency_id)).fence
            for slip_id in ids:
                rejudged[slip_id] = await _approve_covered_check_ins(
                    rows[slip_id], fence, principal, now, ip
                )
        for slip_id in ids:
            await audit.record(
                f"movement_slip_{data.decision}",
                actor_id=principal.user_id,
                agency_id=principal.agency_id,
                target_type="movement_slip",
                target_id=slip_id,
                ip=ip,
                detail={
                    "officer": rows[slip_id]["user"],
                    "escalated": rows[slip_id]["user"] not in reports,
                    "note": data.note.strip(),
                    "checkInsApproved": rejudged.get(slip_id, []),
                },
            )
    return schemas.DecisionResult(decided=ids)


# A check-in pending for one of these needs a person even inside an approved slip's
# destination (as at check-in time: api/attendance/services.py).
NEEDS_A_PERSON = frozenset(
    {"synced_after_day", "clock_ahead", "passkey_missing", "passkey_invalid"}
)


async def _approve_covered_check_ins(
    slip: dict[str, Any],
    fence: geo.Geofence | None,
    principal: Principal,
    now: datetime,
    ip: str,
) -> list[int]:
    """Judges again the officer's pending check-ins of the slip's window that were made while
    the slip was still pending: those inside its destination count as approved by the slip,
    exactly as if it had been approved before the tap. Returns their ids."""
    if fence is None or str(slip["destination"]) not in set(fence.office_ids):
        return []
    rows = await for_update(
        CheckIn.select(
            CheckIn.id, CheckIn.lat, CheckIn.lon, CheckIn.accuracy_m, CheckIn.findings
        ).where(
            (CheckIn.user == slip["user"])
            & (CheckIn.approval == "pending")
            & (CheckIn.occurred_at >= slip["starts_at"])
            & (CheckIn.occurred_at <= slip["ends_at"])
            & CheckIn.lat.is_not_null()
        )
    ).run()
    approved = []
    for row in rows:
        findings = row["findings"]
        if isinstance(findings, str):
            findings = json.loads(findings)
        if NEEDS_A_PERSON & {f.get("code") for f in findings or []}:
            continue
        verdict = fence.check(
            row["lat"], row["lon"], row["accuracy_m"] or 0.0, office_ids=[str(slip["destination"])]
        )
        if verdict.status == "inside":
            approved.append(int(row["id"]))
    if not approved:
        return []
    reason = f"inside the destination of approved movement slip {slip['id']}"
    await CheckIn.update(
        {
            CheckIn.approval: "approved",
            CheckIn.movement_slip: slip["id"],
            CheckIn.status_reason: reason,
            CheckIn.decided_by: principal.user_id,
            CheckIn.decided_at: now,
            CheckIn.decision_note: "",
        }
    ).where(CheckIn.id.is_in(approved))
    for check_in_id in approved:
        await audit.record(
            "check_in_approved",
            actor_id=principal.user_id,
            agency_id=principal.agency_id,
            target_type="check_in",
            target_id=check_in_id,
            ip=ip,
            detail={"officer": slip["user"], "movementSlip": slip["id"]},
        )
    return approved


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
