"""Attendance rules at the service level: recording check-ins, the day so far, approvals.

- **Server time decides.** An online check-in happens when the server receives it; a tap
  queued offline happened at its fix time, judged on arrival and flagged `late_sync` when it
  arrives more than `LATE_SYNC_AFTER` later. One that arrives after the end of its own day
  and the agency's grace, or is dated in the future beyond the clock-skew allowance, is
  pending for the supervisor whatever the verdict (`offline_dating`). The phone's clock is
  kept for audit.
- **Flag, never block.** Outside or uncertain check-ins are recorded as pending for the
  supervisor; plausibility findings (speed, repeated fix, stale fix, clock skew) are stored on
  the record and shown to the supervisor, never used to refuse.
- **Idempotent.** The phone's client id identifies a tap: sending it again returns the
  original record (`replayed`), so a retry never makes two check-ins.
- **Nobody approves their own records**; a supervisor decides only for their direct reports.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec

import geo
from api.accounts import audit
from api.accounts.authz import Principal
from api.attendance import (
    agency_settings,
    calendar_admin,
    fences,
    passkey_confirmation,
    policy,
    rules,
    schemas,
    sealing,
)
from api.attendance.decisions import require_note_to_reject
from api.attendance.movements import covering_slip
from api.attendance.tables import CheckIn
from api.attendance.team import covers_moment, direct_reports, reports_of_reports
from api.core import raw_sql
from api.core.errors import AppError, Conflict, FieldError, Invalid, NotFound
from api.core.group_commit import durably
from api.db import for_update, write_transaction
from api.org.tables import Agency, User

LATE_SYNC_AFTER = timedelta(hours=2)
REPEAT_WINDOW = timedelta(days=30)
POLICY = rules.AgencyPolicy()
FRIDAY = 4
PLAUSIBILITY = geo.PlausibilityLimits()


# --------------------------------------------------------------------------- helpers


def _findings(row: dict[str, Any]) -> list[dict[str, Any]]:
    raw = row["findings"]
    if isinstance(raw, str):
        raw = json.loads(raw)
    return list(raw or [])


def check_in_out(
    row: dict[str, Any],
    office_names: dict[int, str],
    *,
    replayed: bool = False,
    sketch: schemas.OfficeSketch | None = None,
) -> schemas.CheckInOut:
    return schemas.CheckInOut(
        id=row["id"],
        client_id=row["client_id"],
        kind=row["kind"],
        occurred_at=row["occurred_at"],
        received_at=row["received_at"],
        verdict=schemas.VerdictOut(
            status=row["status"],
            office_id=row["office"],
            office_name=office_names.get(row["office"]) if row["office"] else None,
            distance_m=round(row["distance_m"], 1) if row["distance_m"] is not None else None,
            accuracy_m=row["accuracy_m"] or 0.0,
            reason=row["status_reason"],
        ),
        mode=row["mode"],
        note=row["note"],
        approval=row["approval"],
        needs_reason=row["approval"] == "pending" and not row["note"],
        decision_note=row["decision_note"],
        findings=[schemas.finding_out(f) for f in _findings(row)],
        passkey_confirmed=row["passkey_confirmed"],
        offline=row["offline"],
        late_sync=row["late_sync"],
        replayed=replayed,
        sketch=sketch,
    )


async def sketches(agency_id: int, rows: list[dict[str, Any]]) -> dict[int, schemas.OfficeSketch]:
    """The verdict's drawing for each check-in with a position and an office still in the
    agency's fence: the office outline (simplified) and the tap. Callers pass only rows the
    viewer may see in full (their own, or those they approve)."""
    fence = (await fences.fence_for_agency(agency_id)).fence
    if fence is None:
        return {}
    outlines: dict[str, dict[str, Any]] = {}
    drawn: dict[int, schemas.OfficeSketch] = {}
    for row in rows:
        office = str(row["office"]) if row["office"] is not None else None
        if office is None or office not in fence or row["lat"] is None or row["lon"] is None:
            continue
        if office not in outlines:
            outlines[office] = geo.office_outline(fence, office)
        drawn[row["id"]] = schemas.OfficeSketch(
            outline=outlines[office],
            lat=round(row["lat"], 6),
            lon=round(row["lon"], 6),
            accuracy_m=row["accuracy_m"] or 0.0,
        )
    return drawn


async def _assigned_offices(user_id: int) -> list[str]:
    return list(await fences.offices_of(user_id))


async def judge(principal: Principal, fix: schemas.Fix) -> tuple[geo.Verdict | None, str]:
    """The geofence verdict for the officer's own offices (None: no office to judge against)."""
    agency_fence = await fences.fence_for_agency(principal.agency_id)
    offices = await _assigned_offices(principal.user_id)
    if agency_fence.fence is None or not offices:
        return None, "no office assigned"
    known = set(agency_fence.fence.office_ids)
    offices = [o for o in offices if o in known]
    if not offices:
        return None, "no active office assigned"
    try:
        verdict = agency_fence.fence.check(fix.lat, fix.lon, fix.accuracy, office_ids=offices)
    except ValueError as error:
        raise Invalid(
            "invalid_fix", params={"reason": str(error)}, errors=[FieldError("fix", str(error))]
        ) from None
    return verdict, verdict.reason


def verdict_out(
    verdict: geo.Verdict | None, reason: str, accuracy: float, names: dict[int, str]
) -> schemas.VerdictOut:
    if verdict is None:
        return schemas.VerdictOut("outside", None, None, None, accuracy, reason)
    office_id = int(verdict.office_id) if verdict.office_id is not None else None
    return schemas.VerdictOut(
        status=str(verdict.status),
        office_id=office_id,
        office_name=names.get(office_id) if office_id is not None else None,
        distance_m=round(float(verdict.distance_m), 1),
        accuracy_m=accuracy,
        reason=reason,
    )


# Earlier fixes near the current one read at first; all of them (up to 200) only when every
# one of those is in the search box yet farther than the repeat distance (rare).
NEAR_FIRST_READ = 8


async def _nearby_history(
    user_id: int, fix: schemas.Fix, now: datetime, near_limit: int
) -> tuple[geo.TimedFix | None, list[geo.TimedFix]]:
    """The officer's last fix of the last 30 days, and their fixes of that period in a small
    box around the current position (newest first), in one indexed query."""
    lat_box = PLAUSIBILITY.identical_within_m * 1.05 / 110_574  # a degree of latitude ≥ 110.5 km
    lon_box = lat_box / max(math.cos(math.radians(fix.lat)), 0.01)
    since = now - REPEAT_WINDOW
    rows = await raw_sql.fetch(
        "SELECT * FROM (SELECT 'last' AS source, lat, lon, accuracy_m, occurred_at FROM check_in"
        ' WHERE "user" = {} AND occurred_at >= {} AND lat IS NOT NULL'
        " ORDER BY occurred_at DESC LIMIT 1) AS last_fix"
        " UNION ALL SELECT * FROM (SELECT 'near' AS source, lat, lon, accuracy_m, occurred_at"
        ' FROM check_in WHERE "user" = {} AND occurred_at >= {} AND lat BETWEEN {} AND {}'
        " AND lon BETWEEN {} AND {} ORDER BY occurred_at DESC LIMIT {}) AS near_fixes",
        user_id,
        since,
        user_id,
        since,
        fix.lat - lat_box,
        fix.lat + lat_box,
        fix.lon - lon_box,
        fix.lon + lon_box,
        near_limit,
    )
    previous, near = None, []
    for r in rows:
        timed = geo.TimedFix(r["lat"], r["lon"], r["accuracy_m"] or 0.0, _aware(r["occurred_at"]))
        if r["source"] == "last":
            previous = timed
        else:
            near.append(timed)
    near.sort(key=lambda f: f.at, reverse=True)
    return previous, near


async def _earlier_fixes(
    user_id: int, fix: schemas.Fix, now: datetime
) -> tuple[geo.TimedFix | None, list[geo.TimedFix]]:
    """(the last fix, for the speed check; the earlier fix a repeat is judged against).

    `geo.repeated_fix` flags the most recent earlier fix within `identical_within_m` (1 m) of
    the current one. Reading all fixes of the last 30 days (up to 200 rows) and measuring each
    found the same: only fixes in a small box around the current position can match, and the
    newest of them that is within the distance is the one reported.
    """
    previous, near = await _nearby_history(user_id, fix, now, NEAR_FIRST_READ)
    match = _newest_within(near, fix)
    if match is None and len(near) == NEAR_FIRST_READ:
        previous, near = await _nearby_history(user_id, fix, now, 200)
        match = _newest_within(near, fix)
    return previous, [match] if match is not None else []


def _newest_within(near: list[geo.TimedFix], fix: schemas.Fix) -> geo.TimedFix | None:
    for before in near:  # newest first
        distance = geo.ground_distance_m(before.lat, before.lon, fix.lat, fix.lon)
        if distance <= PLAUSIBILITY.identical_within_m:
            return before
    return None


def _aware(value: Any) -> datetime:
    """A timestamp from a raw query (SQLite returns text; PostgreSQL a datetime)."""
    moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def _plausibility(
    user_id: int, fix: schemas.Fix, fix_at: datetime, now: datetime, client_at: datetime | None
) -> list[dict[str, Any]]:
    previous, earlier = await _earlier_fixes(user_id, fix, now)
    current = geo.TimedFix(fix.lat, fix.lon, fix.accuracy, fix_at)
    found = geo.assess(
        current,
        server_time=now,
        client_time=client_at,
        previous=previous,
        earlier=earlier,
        limits=PLAUSIBILITY,
    )
    return [{"code": f.code, "message": f.message} for f in found]


def offline_dating(
    fix_at: datetime, now: datetime, grace: timedelta
) -> tuple[datetime, dict[str, Any] | None]:
    """When an offline tap happened, and the finding that makes a person look at it.

    - Dated up to the clock-skew allowance ahead of the server: the server's time (phones'
      clocks drift a little), no finding.
    - Dated further ahead (`clock_ahead`): a wrong or changed phone clock. Recorded at the
      server's time, pending.
    - Arrived after the end of its own agency-local day plus the agency's grace
      (`synced_after_day`): a back-dated tap nobody could check on its day. Pending.
    - Otherwise (the same day, or within the grace): the time of the fix, as today.
    """
    allowance = timedelta(seconds=PLAUSIBILITY.max_clock_skew_s)
    if fix_at - now > allowance:
        ahead = fix_at - now
        return now, {
            "code": "clock_ahead",
            "message": (
                f"dated {_span(ahead)} after the server's time (allowance {_span(allowance)}); "
                "recorded at the server's time"
            ),
        }
    occurred_at = min(fix_at, now)
    day = rules.local_day(occurred_at, POLICY.timezone)
    day_end = datetime.combine(day + timedelta(days=1), datetime.min.time(), POLICY.timezone)
    if now > day_end + grace:
        local = occurred_at.astimezone(POLICY.timezone)
        return occurred_at, {
            "code": "synced_after_day",
            "message": (
                f"tap of {local:%Y-%m-%d %H:%M} reached the server {_span(now - occurred_at)} "
                f"later, after the end of that day and the agency's grace of {_span(grace)}"
            ),
        }
    return occurred_at, None


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} days"


# --------------------------------------------------------------------------- officer


async def record_check_in(
    principal: Principal, data: schemas.CheckInRequest, now: datetime | None = None
) -> schemas.CheckInOut:
    now = now or datetime.now(UTC)
    if data.owner_id is not None and data.owner_id != principal.user_id:
        raise Conflict("check_in_other_person")
    names = (await fences.fence_for_agency(principal.agency_id)).names
    # No read for a replayed client id: the unique index (user, client id) decides at insert
    # time (ON CONFLICT DO NOTHING), and only a replay reads the original back.
    fix = data.fix
    if fix is None:
        if data.mode is None or len(data.note.strip()) < 3:
            raise Invalid(
                "check_in_reason_required",
                errors=[FieldError("note", "check_in_reason_required")],
            )
        verdict, reason = None, "no position: the device gave none (location refused or off)"
        status = "uncertain"
        fix_at = data.client_at or now
    else:
        verdict, reason = await judge(principal, fix)
        status = str(verdict.status) if verdict is not None else "outside"
        fix_at = fix.fix_at or data.client_at or now
    if fix_at.tzinfo is None:
        raise Invalid("invalid_fix", params={"reason": "times must carry a time zone"})
    if fix is None:
        findings = [{"code": "no_position", "message": "recorded without a position"}]
    else:
        findings = await _plausibility(
            principal.user_id, fix, fix_at, now, None if data.offline else data.client_at
        )
    occurred_at, dating = now, None
    if data.offline:
        # Only an offline tap is dated by the phone; its settings come from the cache.
        grace = (await agency_settings.for_agency(principal.agency_id)).late_sync_grace
        occurred_at, dating = offline_dating(fix_at, now, grace)
    if dating is not None:
        findings.append(dating)
    late_sync = data.offline and now - fix_at > LATE_SYNC_AFTER
    if late_sync:
        findings.append(
            {
                "code": "late_sync",
                "message": f"synced {int((now - fix_at).total_seconds() // 60)} min after the tap",
            }
        )
    approval = "not_needed" if status == "inside" else "pending"
    slip_id = None
    if approval == "pending" and fix is not None:
        agency_fence = await fences.fence_for_agency(principal.agency_id)
        slip_id = await covering_slip(principal.user_id, occurred_at, agency_fence.fence, fix)
        if slip_id is not None:
            approval = "approved"
            reason = f"inside the destination of approved movement slip {slip_id}"
    passkey = await passkey_confirmation.confirm(
        principal.user_id,
        principal.agency_id,
        # The assertion signs the tap's position: without one there is nothing it could sign.
        data if fix is not None else msgspec.structs.replace(data, passkey_assertion=None),
        fix_at,
        now,
    )
    if passkey.finding is not None:
        findings.append(passkey.finding)
    if dating is not None and approval != "pending":
        # Back-dated past its day, or dated in the future: a person decides whatever the
        # verdict (and a movement slip does not stand in for that person).
        approval, slip_id = "pending", None
    if passkey.needs_approval and approval != "pending":
        # The agency requires a passkey and this tap has none that is valid: the supervisor
        # decides (flag, never block).
        approval, slip_id = "pending", None
    values: dict[str, Any] = {
        "user": principal.user_id,
        "client_id": data.client_id,
        "kind": data.kind,
        "occurred_at": occurred_at,
        "received_at": now,
        "client_at": data.client_at,
        "fix_at": fix_at,
        "lat": fix.lat if fix else None,
        "lon": fix.lon if fix else None,
        "accuracy_m": fix.accuracy if fix else None,
        "status": status,
        "office": int(verdict.office_id) if verdict and verdict.office_id is not None else None,
        "distance_m": float(verdict.distance_m) if verdict is not None else None,
        "status_reason": reason,
        "mode": data.mode if approval == "pending" else None,
        "note": data.note.strip() if approval == "pending" else "",
        "approval": approval,
        "decided_by": None,
        "decided_at": None,
        "decision_note": "",
        "findings": findings,
        "passkey_confirmed": passkey.confirmed,
        "offline": data.offline,
        "late_sync": late_sync,
        "source": "phone",
        "movement_slip": slip_id,
        "sealed_seq": None,  # sealed later, in bulk (api/attendance/sealing.py)
    }
    # Covered from the insert on, before the seal (a MAC over the fields the seal covers).
    values["row_mac"] = sealing.row_mac(values)
    # In the table's column order (a column added to the table without a value here fails).
    arguments = [json.dumps(values[c]) if c == "findings" else values[c] for c in _CHECK_IN_COLUMNS]

    async def insert_and_notify() -> list[dict[str, Any]]:
        inserted = await raw_sql.write(_INSERT_CHECK_IN_SQL, *arguments)
        if inserted:
            await _notify_supervisor(principal, inserted[0]["id"])
        return inserted

    # Durable before answering. Most check-ins are inside and notify nobody: one statement,
    # grouped with the other waiting writes on SQLite. A pending one also tells the supervisor
    # (an outbox row), in the same transaction.
    if approval == "pending":
        inserted = await durably(insert_and_notify)
    else:
        inserted = await raw_sql.write(_INSERT_CHECK_IN_SQL, *arguments)
    if not inserted:
        # The same tap again (a retry, or twice at once): answer with the original.
        original = (
            await CheckIn.select()
            .where((CheckIn.user == principal.user_id) & (CheckIn.client_id == data.client_id))
            .first()
        )
        assert original is not None, "ON CONFLICT without a conflicting row"
        return check_in_out(original, names, replayed=True)
    return check_in_out({**values, "id": inserted[0]["id"]}, names)


# Every column but the id: the unique index (user, client id) decides whether this is a new
# tap; a replay inserts nothing and returns no row.
_CHECK_IN_COLUMNS = tuple(
    c._meta.db_column_name for c in CheckIn._meta.columns if not c._meta.primary_key
)
# Column names from the table definition, no input.
_INSERT_CHECK_IN_SQL = (
    "INSERT INTO check_in ("  # noqa: S608
    + ", ".join(f'"{c}"' for c in _CHECK_IN_COLUMNS)
    + ") VALUES ("
    + ", ".join("{}" for _ in _CHECK_IN_COLUMNS)
    + ') ON CONFLICT ("user", client_id) DO NOTHING RETURNING id'
)


async def _notify_supervisor(principal: Principal, check_in_id: int) -> None:
    from api.outbox.services import enqueue
    from notifications.kinds import Kind

    supervisor = await User.select(User.supervisor).where(User.id == principal.user_id).first()
    if supervisor is None or supervisor["supervisor"] is None:
        return
    pending = await CheckIn.count().where(
        (CheckIn.approval == "pending")
        & CheckIn.user.is_in(
            User.select(User.id).where(User.supervisor == supervisor["supervisor"])
        )
    )
    # Imported here: attendance.team imports this module (a circle).
    from api.attendance.team import acting_deciders

    # An acting supervisor (leave, a course) is told as well.
    acting = await acting_deciders([supervisor["supervisor"]])
    for recipient in [supervisor["supervisor"], *(a for a in acting if a != principal.user_id)]:
        await enqueue(
            Kind.PENDING_APPROVALS,
            recipient,
            {"count": pending + 1, "checkin_count": pending + 1, "issue_count": 0, "slip_count": 0},
            event_key=f"checkin-pending:{check_in_id}:{recipient}",
            url="/#/approvals",
        )


async def give_reason(
    principal: Principal, check_in_id: int, data: schemas.ReasonRequest
) -> schemas.CheckInOut:
    async with write_transaction():
        row = await for_update(CheckIn.select().where(CheckIn.id == check_in_id)).first()
        if row is None or row["user"] != principal.user_id:
            raise NotFound()
        if row["approval"] != "pending":
            raise AppError("check_in_already_decided", status_code=409)
        await CheckIn.update({CheckIn.mode: data.mode, CheckIn.note: data.note.strip()}).where(
            CheckIn.id == check_in_id
        )
        await audit.record(
            "check_in_reason_given",
            actor_id=principal.user_id,
            agency_id=principal.agency_id,
            target_type="check_in",
            target_id=check_in_id,
            detail={"mode": data.mode, "note": data.note.strip()},
        )
        row = await CheckIn.select().where(CheckIn.id == check_in_id).first()
    assert row is not None
    names = (await fences.fence_for_agency(principal.agency_id)).names
    return check_in_out(row, names)


async def own_pending(principal: Principal) -> list[schemas.CheckInOut]:
    rows = (
        await CheckIn.select()
        .where((CheckIn.user == principal.user_id) & (CheckIn.approval == "pending"))
        .order_by(CheckIn.occurred_at)
        .limit(200)
    )
    names = (await fences.fence_for_agency(principal.agency_id)).names
    return [check_in_out(r, names) for r in rows]


def rules_verdict(row: dict[str, Any]) -> rules.Verdict:
    """The punch as the day rules see it. Inside counts as inside unless a person still has to
    decide (a back-dated tap, a missing passkey) or rejected it: until approved it weighs like
    an uncertain one, so a day is not "present" on a tap nobody allowed."""
    if row["status"] == "inside" and row["approval"] in ("not_needed", "approved"):
        return rules.Verdict.INSIDE
    prefix = "uncertain" if row["status"] == "uncertain" else "outside"
    suffix = {"approved": "approved", "rejected": "rejected"}.get(row["approval"], "pending")
    return rules.Verdict(f"{prefix}_{suffix}")


async def today(principal: Principal, now: datetime | None = None) -> schemas.TodayOut:
    now = now or datetime.now(UTC)
    day = rules.local_day(now, POLICY.timezone)
    start = datetime.combine(day, datetime.min.time(), POLICY.timezone)
    rows = (
        await CheckIn.select()
        .where(
            (CheckIn.user == principal.user_id)
            & (CheckIn.occurred_at >= start)
            & (CheckIn.occurred_at < start + timedelta(days=1))
        )
        .order_by(CheckIn.occurred_at)
    )
    # The same inputs as the monthly report (api.attendance.policy).
    result = rules.evaluate_officer_day(
        day,
        [rules.Punch(r["occurred_at"], rules.PunchKind(r["kind"]), rules_verdict(r)) for r in rows],
        officer=await policy.officer_schedule(principal.user_id),
        calendar=await policy.officer_calendar(principal.user_id, principal.agency_id),
        policy=await policy.agency_policy(principal.agency_id),
        now=now,
        clock_broken_dates=await calendar_admin.clock_broken_for(principal.user_id, day, day),
    )
    names = (await fences.fence_for_agency(principal.agency_id)).names
    drawings = await sketches(principal.agency_id, rows)
    last_kind = rows[-1]["kind"] if rows else "out"
    return schemas.TodayOut(
        day=day,
        status=str(result.status),
        flags=sorted(str(f) for f in result.flags),
        pattern_code=result.pattern_code,
        expected_start=schemas.wall_clock(result.expected_start),
        expected_end=schemas.wall_clock(result.expected_end),
        first_in=result.first_in,
        last_out=result.last_out,
        minutes_late=result.minutes_late,
        minutes_early=result.minutes_early,
        holiday_name=result.holiday_name,
        break_start=schemas.wall_clock(result.break_.start) if result.break_ else None,
        break_end=schemas.wall_clock(result.break_.end) if result.break_ else None,
        friday_prayer=result.break_ is not None and day.weekday() == FRIDAY,
        next_action="out" if last_kind == "in" else "in",
        check_ins=[check_in_out(r, names, sketch=drawings.get(r["id"])) for r in rows],
    )


async def own_day(principal: Principal, day: date) -> list[schemas.CheckInOut]:
    """The officer's own check-ins of one (Malaysian) day, with their drawings."""
    start = datetime.combine(day, datetime.min.time(), POLICY.timezone)
    rows = (
        await CheckIn.select()
        .where(
            (CheckIn.user == principal.user_id)
            & (CheckIn.occurred_at >= start)
            & (CheckIn.occurred_at < start + timedelta(days=1))
        )
        .order_by(CheckIn.occurred_at)
    )
    names = (await fences.fence_for_agency(principal.agency_id)).names
    drawings = await sketches(principal.agency_id, rows)
    return [check_in_out(r, names, sketch=drawings.get(r["id"])) for r in rows]


# --------------------------------------------------------------------------- supervisor


async def _escalated_check_ins(principal: Principal) -> tuple[list[dict[str, Any]], dict[int, Any]]:
    """Pending check-ins one level down that have turned red (unanswered for the agency's
    `red_after` working days), with the people they belong to."""
    below = await reports_of_reports(principal)
    if not below:
        return [], {}
    rows = (
        await CheckIn.select()
        .where((CheckIn.approval == "pending") & CheckIn.user.is_in(list(below)))
        .order_by(CheckIn.occurred_at)
    )
    if not rows:
        return [], below
    calendar = await calendar_admin.working_calendar(principal.agency_id)
    thresholds = await policy.escalation_thresholds(principal.agency_id)
    today = rules.local_day(datetime.now(UTC), POLICY.timezone)
    red = [
        r
        for r in rows
        if rules.escalation_level(
            rules.local_day(r["occurred_at"], POLICY.timezone), today, calendar, thresholds
        )
        == rules.Escalation.RED
    ]
    return red, below


async def inbox(principal: Principal) -> list[schemas.InboxItem]:
    """Pending check-ins of the supervisor's direct reports, oldest first, then the red ones of
    the level below (escalated to this person)."""
    reports = await direct_reports(principal)
    if not reports:
        return []
    rows = (
        await CheckIn.select()
        .where((CheckIn.approval == "pending") & CheckIn.user.is_in(list(reports)))
        .order_by(CheckIn.occurred_at)
    )
    # Only the days the officer reported to this person (transfers, acting ranges).
    rows = [r for r in rows if covers_moment(reports[r["user"]], r["occurred_at"])]
    escalated, below = await _escalated_check_ins(principal)
    names = (await fences.fence_for_agency(principal.agency_id)).names
    people = {**below, **reports}
    drawings = await sketches(principal.agency_id, [*rows, *escalated])
    return [
        schemas.InboxItem(
            check_in=check_in_out(r, names, sketch=drawings.get(r["id"])),
            officer_id=r["user"],
            officer_name=people[r["user"]]["name"],
            officer_login_id=people[r["user"]]["login_id"],
            escalated=r["user"] not in reports,
        )
        for r in [*rows, *escalated]
    ]


def start_of_day_after(day: date) -> datetime:
    """Midnight (Malaysian time) at the end of `day`: rows before it are of `day` or earlier."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), POLICY.timezone)


async def inbox_count(direct: list[int], below: list[int], last_red: date) -> int:
    """How many check-ins `inbox` lists, counted by the database: every pending one of the
    direct reports, and those of the level below from `last_red` (`rules.last_red_day`) or
    earlier."""
    total = 0
    if direct:
        total += await CheckIn.count().where(
            (CheckIn.approval == "pending") & CheckIn.user.is_in(direct)
        )
    if below:
        total += await CheckIn.count().where(
            (CheckIn.approval == "pending")
            & CheckIn.user.is_in(below)
            & (CheckIn.occurred_at < start_of_day_after(last_red))
        )
    return total


async def own_pending_without_reason(principal: Principal) -> int:
    """The person's own check-ins waiting for the supervisor that carry no reason yet."""
    return int(
        await CheckIn.count().where(
            (CheckIn.user == principal.user_id)
            & (CheckIn.approval == "pending")
            & (CheckIn.note == "")
        )
    )


async def decide(
    principal: Principal, data: schemas.DecisionRequest, ip: str = ""
) -> schemas.DecisionResult:
    """Approves or rejects several check-ins at once, all or none: every one must be a pending
    check-in of a direct report, or a red one escalated from the level below (never the
    supervisor's own)."""
    from api.outbox.services import enqueue
    from notifications.kinds import Kind
    from notifications.templates import Term

    require_note_to_reject(data.decision, data.note)
    ids = sorted(set(data.ids))
    now = datetime.now(UTC)
    async with write_transaction():
        rows = await for_update(CheckIn.select().where(CheckIn.id.is_in(ids))).run()
        by_id = {r["id"]: r for r in rows}
        reports = await direct_reports(principal)
        escalated_ids: set[int] = set()
        if any(r["user"] not in reports for r in rows):
            escalated_ids = {r["id"] for r in (await _escalated_check_ins(principal))[0]}
        for check_in_id in ids:
            row = by_id.get(check_in_id)
            mine = row is not None and (
                (row["user"] in reports and covers_moment(reports[row["user"]], row["occurred_at"]))
                or check_in_id in escalated_ids
            )
            if row is None or not mine or row["user"] == principal.user_id:
                raise NotFound()
            if row["approval"] != "pending":
                raise AppError("check_in_already_decided", status_code=409)
        await CheckIn.update(
            {
                CheckIn.approval: data.decision,
                CheckIn.decided_by: principal.user_id,
                CheckIn.decided_at: now,
                CheckIn.decision_note: data.note.strip(),
            }
        ).where(CheckIn.id.is_in(ids))
        kind = Kind.CHECKIN_APPROVED if data.decision == "approved" else Kind.CHECKIN_REJECTED
        for check_in_id in ids:
            row = by_id[check_in_id]
            await audit.record(
                f"check_in_{data.decision}",
                actor_id=principal.user_id,
                agency_id=principal.agency_id,
                target_type="check_in",
                target_id=check_in_id,
                ip=ip,
                # The decided fields, sealed: a decision changed later no longer matches.
                detail={
                    "officer": row["user"],
                    "note": data.note.strip(),
                    "decision": sealing.decision_digest(
                        data.decision, principal.user_id, now, data.note.strip()
                    ),
                },
            )
            await enqueue(
                kind,
                row["user"],
                {
                    "checkin_time": row["occurred_at"],
                    "mode": Term("checkin_mode", row["mode"] or "other"),
                    "supervisor_name": principal.name,
                    "reason": data.note.strip() or "-",
                },
                event_key=f"checkin-decision:{check_in_id}",
                url="/#/attendance",
            )
    return schemas.DecisionResult(decided=ids)


async def erase_old_coordinates(now: datetime | None = None) -> int:
    """PDPA: raw coordinates are kept for each agency's retention period only (its setting,
    default 90 days); the verdict, office and distance stay for good."""
    now = now or datetime.now(UTC)
    erased = 0
    for agency in await Agency.select(Agency.id):
        settings = await agency_settings.for_agency(agency["id"])
        people = User.select(User.id).where(User.agency == agency["id"])
        erased += len(
            await CheckIn.update({CheckIn.lat: None, CheckIn.lon: None})
            .where(
                (CheckIn.occurred_at < now - settings.coordinate_retention)
                & CheckIn.lat.is_not_null()
                & CheckIn.user.is_in(people)
            )
            .returning(CheckIn.id)
        )
    return erased
