"""The agency administrator's working patterns: the yearly grid (person × month → WP1/WP2/
WP3/the agency's own/WBF, as in SPOT-Me's "Waktu Kerja Pegawai"), assignments for people or a
whole unit from a month on, the agency's own staggered patterns, and early-leave entitlements
(Pekeliling Perkhidmatan Bil. 11/2017).

**Dated, never rewritten silently.** An assignment is effective-dated
(`pattern_assignment.effective_from`); setting a pattern for months `first`…`last` adds a row on
the first day of `first` and, when `last` is given, one on the day after it that restores the
pattern in force then; rows in between go. When the change reaches into days that have closed
(or an entitlement is recorded for past days), those days' attendance issues are queued
(`issue_recompute`) and the `issue-recompute` job makes them match the new pattern in bounded
batches (`run_queued_recomputes`), closing what no longer holds with the reason
``pattern_changed`` / ``early_leave_changed``. Every change is audited.
"""

from __future__ import annotations

import calendar as month_calendar
import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

import msgspec

from api.accounts import audit
from api.accounts.authz import Principal
from api.attendance import issues, policy, rules
from api.attendance.patterns import (
    SEED_PATTERNS,
    PatternAssignment,
    WorkingPattern,
    agency_staggered,
    assigned_pattern_code,
    minute_of_day,
    time_of_minute,
)
from api.attendance.tables import AgencyPattern, EarlyLeave, IssueRecompute
from api.attendance.tables import PatternAssignment as AssignmentRow
from api.core.errors import AppError, FieldError, Invalid, NotFound
from api.core.params import Id
from api.db import write_transaction
from api.org.tables import OrgUnit, User

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
HHMM = Annotated[str, msgspec.Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
PatternCode = Annotated[str, msgspec.Meta(min_length=2, max_length=16)]
GRID_PAGE = 50
MAX_PEOPLE_PER_CHANGE = 5000
# Officers whose queued days one run of the job recomputes (each is a bounded month or so).
RECOMPUTE_BATCH = 200
# A change reaches back at most this far: older days are history (reports stay as they were).
MAX_RECOMPUTE_DAYS = 366


class Conflict(AppError):
    status_code = 409
    code = "conflict"


# --------------------------------------------------------------------------- shapes


class PatternOption(msgspec.Struct, rename="camel"):
    code: str
    name: str
    kind: str  # fixed / flexible
    start: str  # HH:MM (the latest start for WBF)
    end: str  # HH:MM (counted from the latest start for WBF)
    agency_own: bool = False
    ramadan_end: str | None = None


class GridRow(msgspec.Struct, rename="camel"):
    user_id: int
    name: str
    login_id: str
    unit_name: str
    # Twelve months: the codes in force in each month, in order (usually one).
    months: list[list[str]]


class UnitOption(msgspec.Struct, rename="camel"):
    id: int
    name: str
    depth: int


class GridOut(msgspec.Struct, rename="camel"):
    year: int
    default_code: str
    patterns: list[PatternOption]
    rows: list[GridRow]
    total: int
    page: int
    page_size: int = GRID_PAGE
    # The agency's units (tree order) for a change in bulk.
    units: list[UnitOption] = []


class AssignIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """Give `pattern_code` to the people listed and/or everyone in `unit_id` (and the units
    below it) from the month `first` ("YYYY-MM") on, or until the month `last` inclusive."""

    pattern_code: PatternCode
    first: str
    last: str | None = None
    user_ids: list[Id] = []
    unit_id: Id | None = None


class AssignOut(msgspec.Struct, rename="camel"):
    people: int
    effective_from: date
    until: date | None
    # People whose closed days are queued for an issue recompute (the past changed).
    recompute_queued: int


class AgencyPatternIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    start: HHMM
    end: HHMM
    ramadan_end: HHMM | None = None  # default: 30 minutes before `end`
    name: Annotated[str, msgspec.Meta(max_length=255)] = ""


class EarlyLeaveIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    user_id: Id
    start: date
    end: date | None = None
    minutes: Annotated[int, msgspec.Meta(ge=15, le=120)] = 60
    basis: Annotated[str, msgspec.Meta(max_length=64)] = "PP 11/2017"


class EarlyLeaveOut(msgspec.Struct, rename="camel"):
    id: int
    user_id: int
    officer_name: str
    start: date
    end: date | None
    minutes: int
    basis: str


# --------------------------------------------------------------------------- helpers


def _admin_agency(principal: Principal) -> int:
    if not principal.can_administer(principal.agency_id):
        raise NotFound()
    return principal.agency_id


def parse_month(text: str, field: str) -> date:
    match = MONTH_RE.match(text or "")
    if not match or not 2000 <= int(match[1]) <= 2100 or not 1 <= int(match[2]) <= 12:
        raise Invalid("month_invalid", errors=[FieldError(field, "month_invalid")])
    return date(int(match[1]), int(match[2]), 1)


def month_end(first: date) -> date:
    return first.replace(day=month_calendar.monthrange(first.year, first.month)[1])


def _option(pattern: WorkingPattern, ramadan_end: str | None = None) -> PatternOption:
    end = minute_of_day(pattern.latest_start) + int(pattern.day_length.total_seconds()) // 60
    return PatternOption(
        code=pattern.code,
        name=pattern.name,
        kind=str(pattern.kind),
        start=f"{pattern.latest_start:%H:%M}",
        end=f"{end // 60:02d}:{end % 60:02d}",
        agency_own=pattern.code not in SEED_PATTERNS,
        ramadan_end=ramadan_end,
    )


async def pattern_options(agency_id: int) -> list[PatternOption]:
    """The patterns an administrator can assign: WP1–WP3, WBF and the agency's own (the
    Ramadan ones follow from these and are not assigned)."""
    patterns = await policy.agency_patterns(agency_id)
    own = {
        r["code"]: r["ramadan_end"]
        for r in await AgencyPattern.select(AgencyPattern.code, AgencyPattern.ramadan_end).where(
            AgencyPattern.agency == agency_id
        )
    }
    return [
        _option(p, own.get(code))
        for code, p in sorted(patterns.items(), key=lambda item: (item[0] in own, item[0]))
        if not p.ramadan
    ]


async def _assignable(agency_id: int, code: str) -> None:
    codes = {o.code for o in await pattern_options(agency_id)}
    if code not in codes:
        raise Invalid("pattern_unknown", errors=[FieldError("patternCode", "pattern_unknown")])


def _today() -> date:
    return rules.local_day(datetime.now(UTC))


async def _queue_recompute(user_ids: list[int], first: date, last: date, reason: str) -> int:
    """Queues the closed days among `first`…`last` of these people; returns how many people."""
    last = min(last, _today() - timedelta(days=1))
    first = max(first, _today() - timedelta(days=MAX_RECOMPUTE_DAYS))
    if first > last or not user_ids:
        return 0
    await IssueRecompute.insert(
        *[IssueRecompute(user=u, first=first, last=last, reason=reason) for u in user_ids]
    )
    return len(user_ids)


# --------------------------------------------------------------------------- grid


async def grid(
    principal: Principal, year: int, unit_id: int | None, query: str, page: int
) -> GridOut:
    agency_id = _admin_agency(principal)
    where = (User.agency == agency_id) & (User.state != "terminated")
    if unit_id is not None:
        unit = await _unit(agency_id, unit_id)
        where &= User.unit.path.like(f"{unit['path']}%")
    if query.strip():
        like = f"%{query.strip()}%"
        where &= User.name.ilike(like) | User.login_id.ilike(like)
    total = await User.count().where(where)
    people = (
        await User.select(User.id, User.name, User.login_id, User.unit.name)
        .where(where)
        .order_by(User.name)
        .limit(GRID_PAGE)
        .offset(max(page - 1, 0) * GRID_PAGE)
    )
    ids = [p["id"] for p in people]
    by_user: dict[int, list[PatternAssignment]] = {i: [] for i in ids}
    if ids:
        for r in (
            await AssignmentRow.select(
                AssignmentRow.user, AssignmentRow.effective_from, AssignmentRow.pattern_code
            )
            .where(
                AssignmentRow.user.is_in(ids) & (AssignmentRow.effective_from <= date(year, 12, 31))
            )
            .order_by(AssignmentRow.id)
        ):
            by_user[r["user"]].append(PatternAssignment(r["effective_from"], r["pattern_code"]))
    default = "WBF"
    rows = []
    for person in people:
        assignments = by_user[person["id"]]
        months = []
        for month in range(1, 13):
            first = date(year, month, 1)
            codes = [assigned_pattern_code(assignments, first) or default]
            for a in sorted(assignments, key=lambda a: a.effective_from):
                if first < a.effective_from <= month_end(first):
                    code = assigned_pattern_code(assignments, a.effective_from) or default
                    if code != codes[-1]:
                        codes.append(code)
            months.append(codes)
        rows.append(
            GridRow(
                user_id=person["id"],
                name=person["name"],
                login_id=person["login_id"],
                unit_name=person["unit.name"] or "",
                months=months,
            )
        )
    return GridOut(
        year=year,
        default_code=default,
        patterns=await pattern_options(agency_id),
        rows=rows,
        total=total,
        page=max(page, 1),
        units=[
            UnitOption(id=u["id"], name=u["name"], depth=u["path"].count("/") - 2)
            for u in await OrgUnit.select(OrgUnit.id, OrgUnit.name, OrgUnit.path)
            .where(OrgUnit.agency == agency_id)
            .order_by(OrgUnit.path)
        ],
    )


async def _unit(agency_id: int, unit_id: int) -> dict[str, Any]:
    unit = (
        await OrgUnit.select(OrgUnit.id, OrgUnit.path)
        .where((OrgUnit.id == unit_id) & (OrgUnit.agency == agency_id))
        .first()
    )
    if unit is None:
        raise Invalid("unit_unknown", errors=[FieldError("unitId", "unit_unknown")])
    return unit


async def _people(agency_id: int, data: AssignIn) -> list[int]:
    ids: set[int] = set()
    if data.user_ids:
        rows = await User.select(User.id).where(
            User.id.is_in(list(set(data.user_ids))) & (User.agency == agency_id)
        )
        if len(rows) != len(set(data.user_ids)):
            raise NotFound()
        ids |= {r["id"] for r in rows}
    if data.unit_id is not None:
        unit = await _unit(agency_id, data.unit_id)
        rows = await User.select(User.id).where(
            (User.agency == agency_id)
            & (User.state != "terminated")
            & User.unit.path.like(f"{unit['path']}%")
        )
        ids |= {r["id"] for r in rows}
    if not ids:
        raise Invalid("assign_nobody", errors=[FieldError("userIds", "assign_nobody")])
    if len(ids) > MAX_PEOPLE_PER_CHANGE:
        raise Invalid("assign_too_many", params={"max": MAX_PEOPLE_PER_CHANGE})
    return sorted(ids)


async def assign(principal: Principal, data: AssignIn, ip: str = "") -> AssignOut:
    """Sets the pattern of people (or a unit) from a month on, or for months (module doc)."""
    agency_id = _admin_agency(principal)
    first = parse_month(data.first, "first")
    until = month_end(parse_month(data.last, "last")) if data.last else None
    if until is not None and until < first:
        raise Invalid("month_range_invalid", errors=[FieldError("last", "month_range_invalid")])
    await _assignable(agency_id, data.pattern_code)
    people = await _people(agency_id, data)
    async with write_transaction():
        existing: dict[int, list[PatternAssignment]] = {u: [] for u in people}
        for r in (
            await AssignmentRow.select(
                AssignmentRow.user, AssignmentRow.effective_from, AssignmentRow.pattern_code
            )
            .where(AssignmentRow.user.is_in(people))
            .order_by(AssignmentRow.id)
        ):
            existing[r["user"]].append(PatternAssignment(r["effective_from"], r["pattern_code"]))
        after = until + timedelta(days=1) if until else None
        rows: list[AssignmentRow] = []
        for user_id in people:
            rows.append(
                AssignmentRow(user=user_id, pattern_code=data.pattern_code, effective_from=first)
            )
            if after is not None:
                resume = assigned_pattern_code(existing[user_id], after)
                own_row_after = any(a.effective_from == after for a in existing[user_id])
                if resume is not None and not own_row_after:
                    rows.append(
                        AssignmentRow(user=user_id, pattern_code=resume, effective_from=after)
                    )
        # Rows inside the new range go; a row on its first day is replaced.
        removed = AssignmentRow.user.is_in(people) & (AssignmentRow.effective_from >= first)
        if until is not None:
            removed &= AssignmentRow.effective_from <= until
        await AssignmentRow.delete().where(removed)
        await AssignmentRow.insert(*rows)
        queued = await _queue_recompute(people, first, until or _today(), "pattern_changed")
        await audit.record(
            "attendance.pattern.assign",
            actor_id=principal.user_id,
            agency_id=agency_id,
            target_type="pattern_assignment",
            target_id=data.pattern_code,
            ip=ip,
            detail={
                "patternCode": data.pattern_code,
                "from": first.isoformat(),
                "until": until.isoformat() if until else None,
                "people": len(people),
                "userIds": people[:100],
                "unitId": data.unit_id,
            },
        )
    return AssignOut(people=len(people), effective_from=first, until=until, recompute_queued=queued)


# --------------------------------------------------------------------------- agency patterns


async def set_agency_pattern(
    principal: Principal, code: str, data: AgencyPatternIn, ip: str = ""
) -> PatternOption:
    agency_id = _admin_agency(principal)
    code = code.strip().upper()
    start, end = policy.parse_hhmm(data.start), policy.parse_hhmm(data.end)
    ramadan_end = policy.parse_hhmm(data.ramadan_end) if data.ramadan_end else None
    try:
        # By default the Ramadan day ends half an hour earlier (a day ending at 00:00 cannot).
        ramadan_end = ramadan_end or time_of_minute(minute_of_day(end) - 30)
        normal, _ramadan = agency_staggered(code, data.name.strip(), start, end, ramadan_end)
    except ValueError as error:
        raise Invalid(
            "agency_pattern_invalid",
            params={"reason": str(error)},
            errors=[FieldError("code" if "code" in str(error) else "end", str(error))],
        ) from None
    async with write_transaction():
        existing = (
            await AgencyPattern.select()
            .where((AgencyPattern.agency == agency_id) & (AgencyPattern.code == code))
            .first()
        )
        values = {
            "name": data.name.strip(),
            "start": data.start,
            "end": data.end,
            "ramadan_end": f"{ramadan_end:%H:%M}",
        }
        if existing:
            await AgencyPattern.update(
                {
                    **{getattr(AgencyPattern, k): v for k, v in values.items()},
                    AgencyPattern.updated_by: principal.user_id,
                    AgencyPattern.updated_at: datetime.now(UTC),
                }
            ).where(AgencyPattern.id == existing["id"])
        else:
            await AgencyPattern.insert(
                AgencyPattern(
                    agency=agency_id,
                    code=code,
                    name=values["name"],
                    start=values["start"],
                    end=values["end"],
                    ramadan_end=values["ramadan_end"],
                    updated_by=principal.user_id,
                )
            )
        await audit.record(
            "attendance.agency_pattern.set",
            actor_id=principal.user_id,
            agency_id=agency_id,
            target_type="agency_pattern",
            target_id=code,
            ip=ip,
            detail={
                **values,
                "before": {k: existing[k] for k in values} if existing else None,
            },
        )
    if existing:
        # The times changed for everyone working it: their closed days follow.
        users = [
            r["user"]
            for r in await AssignmentRow.select(AssignmentRow.user)
            .where(AssignmentRow.pattern_code == code)
            .distinct()
            if await User.exists().where((User.id == r["user"]) & (User.agency == agency_id))
        ]
        await _queue_recompute(
            users, _today() - timedelta(days=MAX_RECOMPUTE_DAYS), _today(), "pattern_changed"
        )
    return _option(normal, f"{ramadan_end:%H:%M}")


async def delete_agency_pattern(principal: Principal, code: str, ip: str = "") -> None:
    agency_id = _admin_agency(principal)
    where = (AgencyPattern.agency == agency_id) & (AgencyPattern.code == code)
    async with write_transaction():
        if not await AgencyPattern.exists().where(where):
            raise NotFound()
        in_use = await AssignmentRow.exists().where(
            (AssignmentRow.pattern_code == code) & (AssignmentRow.user.agency == agency_id)
        )
        if in_use:
            raise Conflict("agency_pattern_in_use")
        await AgencyPattern.delete().where(where)
        await audit.record(
            "attendance.agency_pattern.delete",
            actor_id=principal.user_id,
            agency_id=agency_id,
            target_type="agency_pattern",
            target_id=code,
            ip=ip,
        )


# --------------------------------------------------------------------------- early leave


async def _officer_in_agency(principal: Principal, user_id: int) -> dict[str, Any]:
    agency_id = _admin_agency(principal)
    officer = await User.select(User.id, User.name, User.agency).where(User.id == user_id).first()
    if officer is None or officer["agency"] != agency_id:
        raise NotFound()
    return officer


async def early_leave_list(principal: Principal, user_id: int | None) -> list[EarlyLeaveOut]:
    agency_id = _admin_agency(principal)
    where = EarlyLeave.user.agency == agency_id
    if user_id is not None:
        where &= EarlyLeave.user == user_id
    rows = (
        await EarlyLeave.select(
            EarlyLeave.id,
            EarlyLeave.user,
            EarlyLeave.user.name,
            EarlyLeave.start,
            EarlyLeave.end,
            EarlyLeave.minutes,
            EarlyLeave.basis,
        )
        .where(where)
        .order_by(EarlyLeave.start, ascending=False)
        .limit(500)
    )
    return [
        EarlyLeaveOut(
            id=r["id"],
            user_id=r["user"],
            officer_name=r["user.name"],
            start=r["start"],
            end=r["end"],
            minutes=r["minutes"],
            basis=r["basis"],
        )
        for r in rows
    ]


async def add_early_leave(principal: Principal, data: EarlyLeaveIn, ip: str = "") -> EarlyLeaveOut:
    """Records an entitlement to leave early (audited); closed days it covers are recomputed."""
    officer = await _officer_in_agency(principal, data.user_id)
    if data.end is not None and data.end < data.start:
        raise Invalid("date_range_invalid", errors=[FieldError("end", "date_range_invalid")])
    basis = data.basis.strip() or "PP 11/2017"
    async with write_transaction():
        row = (
            await EarlyLeave.insert(
                EarlyLeave(
                    user=data.user_id,
                    start=data.start,
                    end=data.end,
                    minutes=data.minutes,
                    basis=basis,
                    recorded_by=principal.user_id,
                )
            ).returning(EarlyLeave.id)
        )[0]
        await _queue_recompute(
            [data.user_id], data.start, data.end or _today(), "early_leave_changed"
        )
        await audit.record(
            "attendance.early_leave.add",
            actor_id=principal.user_id,
            agency_id=principal.agency_id,
            target_type="user",
            target_id=data.user_id,
            ip=ip,
            detail={
                "id": row["id"],
                "start": data.start.isoformat(),
                "end": data.end.isoformat() if data.end else None,
                "minutes": data.minutes,
                "basis": basis,
            },
        )
    return EarlyLeaveOut(
        id=row["id"],
        user_id=data.user_id,
        officer_name=officer["name"],
        start=data.start,
        end=data.end,
        minutes=data.minutes,
        basis=basis,
    )


async def delete_early_leave(principal: Principal, entitlement_id: int, ip: str = "") -> None:
    agency_id = _admin_agency(principal)
    async with write_transaction():
        row = (
            await EarlyLeave.select(
                EarlyLeave.id, EarlyLeave.user, EarlyLeave.start, EarlyLeave.end, EarlyLeave.minutes
            )
            .where((EarlyLeave.id == entitlement_id) & (EarlyLeave.user.agency == agency_id))
            .first()
        )
        if row is None:
            raise NotFound()
        await EarlyLeave.delete().where(EarlyLeave.id == entitlement_id)
        await _queue_recompute(
            [row["user"]], row["start"], row["end"] or _today(), "early_leave_changed"
        )
        await audit.record(
            "attendance.early_leave.delete",
            actor_id=principal.user_id,
            agency_id=agency_id,
            target_type="user",
            target_id=row["user"],
            ip=ip,
            detail={
                "id": entitlement_id,
                "start": row["start"].isoformat(),
                "end": row["end"].isoformat() if row["end"] else None,
                "minutes": row["minutes"],
            },
        )


# --------------------------------------------------------------------------- the job


async def run_queued_recomputes(
    batch: int = RECOMPUTE_BATCH, now: datetime | None = None
) -> issues.RecomputeResult:
    """Recomputes the queued closed days of up to `batch` officers (one merged range each) and
    removes their queue rows; the next run takes the next ones."""
    total = issues.RecomputeResult()
    queued = await IssueRecompute.select().order_by(IssueRecompute.id).limit(batch * 4)
    by_user: dict[int, list[dict[str, Any]]] = {}
    for row in queued:
        if row["user"] in by_user or len(by_user) < batch:
            by_user.setdefault(row["user"], []).append(row)
    for user_id, rows in by_user.items():
        first = min(r["first"] for r in rows)
        last = max(r["last"] for r in rows)
        reason = rows[-1]["reason"]
        result = await issues.recompute_issues([user_id], first, last, reason, now=now)
        total.opened += result.opened
        total.closed += result.closed
        total.reopened += result.reopened
        await IssueRecompute.delete().where(IssueRecompute.id.is_in([r["id"] for r in rows]))
    return total
