"""The executive dashboard: attendance figures for an agency or a unit subtree over a date range.

**Scope.** Executives see their agency or unit subtree, agency administrators their agency
(`Principal.can_view_unit`); a unit outside scope answers 404. Without a unit the dashboard is
the whole agency, or, for an executive with unit grants only, their first granted unit.

**Figures** (all over the *active* officers of the scope today — "registered officers"):

- per day: officers with at least one check-in (phone or device, any verdict) and that as a
  percentage of registered officers; whether the day is a working day for the agency
  (weekends, public holidays and the agency's overrides).
- over the range: officer-days checked in on working days ÷ (registered × working days).
- at a date (`to`, or today if `to` is later): by the officer's *first* check-in that day —
  in office (inside an office, or a device punch), outside pending / approved / rejected (the
  supervisor's decision on that check-in), not checked in.
- first-check-in buckets (`rules.first_check_in_bucket`) of every officer's first check-in on
  each working day of the range; per day also by bucket and by where the first check-in was
  (inside an office or a device punch, or outside), rest days included.
- per direct child unit of the scope (an agency with one head office: that office's units):
  registered officers, officer-days checked in on working days and their share, in office /
  outside.
- open attendance issues (open or justified, not yet decided) of the scope with a day in the
  range, and all of them whatever their day (`open_issues_now`): issues are opened for days
  that have ended, so a range of today alone would otherwise say "0 open" while many are.

**Cost.** No query per officer: one count of officers, one SQL statement over the range that
returns the officers' first check-ins grouped by (local day, minute, inside) and by (unit, day,
inside) — at most a few thousand rows whatever the number of officers; the buckets are then
applied in Python with `rules.first_check_in_bucket`, so the bucket boundaries live in one
place — one query for the snapshot day, one count of issues, and the calendar once per day.
`bench/dashboard_bench.py` and `bench/reports_bench.py` measure it.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count

from api.accounts.authz import Principal, Role, Scope
from api.attendance import calendar_admin, rules
from api.attendance.tables import AttendanceIssue, CheckIn
from api.core.errors import Invalid, NotFound
from api.core.exports import csv_writer
from api.core.spreadsheet import Sheet, workbook_bytes
from api.db import is_sqlite
from api.org.tables import Agency, OrgUnit, User

TZ = rules.MALAYSIA_TZ
MAX_DAYS = 366
BUCKETS = [b.value for b in rules.CheckInBucket]
SNAPSHOT = (
    "in_office",
    "outside_pending",
    "outside_approved",
    "outside_rejected",
    "not_checked_in",
)


class DayFigure(msgspec.Struct, rename="camel"):
    day: date
    working: bool
    checked_in: int
    percent: float
    # By each officer's first check-in of the day: inside an office (or a device punch) or not.
    in_office: int = 0
    outside: int = 0
    # The first check-ins of the day per bucket, in the order of `BUCKETS`.
    buckets: list[int] = []


class UnitFigure(msgspec.Struct, rename="camel"):
    """One direct child unit of the scope (its subtree), or the scope's own officers."""

    unit_id: int | None
    name: str
    registered: int
    # Officer-days checked in on working days, and that ÷ (registered × working days).
    checked_in: int
    percent: float
    in_office: int
    outside: int


class BucketFigure(msgspec.Struct, rename="camel"):
    label: str
    count: int


class UnitChoice(msgspec.Struct, rename="camel"):
    id: int
    name: str
    depth: int


class DashboardOut(msgspec.Struct, rename="camel"):
    agency_name: str
    unit_id: int | None
    unit_name: str
    first: date
    last: date
    at: date
    registered: int
    working_days: int
    checked_in_percent: float
    days: list[DayFigure]
    snapshot: dict[str, int]
    buckets: list[BucketFigure]
    open_issues: int
    open_issues_now: int
    units: list[UnitChoice]
    per_unit: list[UnitFigure] = []


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def parse_range(first: date | None, last: date | None, today: date) -> tuple[date, date]:
    last = last or today
    first = first or last
    if first > last:
        raise Invalid("date_range_invalid")
    if (last - first).days + 1 > MAX_DAYS:
        raise Invalid("date_range_too_long", params={"days": MAX_DAYS})
    return first, last


async def _scope(principal: Principal, unit_id: int | None) -> tuple[int, dict[str, Any] | None]:
    """(agency, unit row or None) the principal may see; NotFound outside scope."""
    if unit_id is None and not principal.can_view_unit(principal.agency_id, None):
        grants = [
            g for g in principal.grants if g.role == Role.EXECUTIVE and g.scope_type == Scope.UNIT
        ]
        if not grants or grants[0].scope_id is None:
            raise NotFound()
        unit_id = grants[0].scope_id
    if unit_id is None:
        return principal.agency_id, None
    unit = (
        await OrgUnit.select(OrgUnit.id, OrgUnit.agency, OrgUnit.name, OrgUnit.path)
        .where(OrgUnit.id == unit_id)
        .first()
    )
    if unit is None or not principal.can_view_unit(unit["agency"], unit["path"]):
        raise NotFound()
    return unit["agency"], unit


def _in_scope(query: Any, user: Any, agency_id: int, unit: dict[str, Any] | None) -> Any:
    query = query.where((user.agency == agency_id) & (user.state == "active"))
    if unit is not None:
        query = query.where(user.unit.path.like(unit["path"] + "%"))
    return query


async def _visible_units(principal: Principal, agency_id: int) -> list[UnitChoice]:
    rows = await OrgUnit.select(OrgUnit.id, OrgUnit.name, OrgUnit.path).where(
        OrgUnit.agency == agency_id
    )
    rows.sort(key=lambda r: r["path"])
    return [
        UnitChoice(id=r["id"], name=r["name"], depth=max(r["path"].count("/") - 2, 0))
        for r in rows
        if principal.can_view_unit(agency_id, r["path"])
    ]


async def dashboard(
    principal: Principal,
    unit_id: int | None = None,
    first: date | None = None,
    last: date | None = None,
    now: datetime | None = None,
) -> DashboardOut:
    now = now or datetime.now(UTC)
    today = rules.local_day(now, TZ)
    first, last = parse_range(first, last, today)
    agency_id, unit = await _scope(principal, unit_id)
    at = min(last, today)

    registered = await _in_scope(User.count(), User, agency_id, unit)

    calendar = await calendar_admin.working_calendar(agency_id)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    working = {d: calendar.is_working_day(d) for d in days}
    per_day: Counter[date] = Counter()
    inside_per_day: Counter[date] = Counter()
    buckets: Counter[str] = Counter()
    day_buckets: Counter[tuple[date, str]] = Counter()
    minutes, unit_days = await _first_check_ins(agency_id, unit, first, last)
    for day, minute, inside, officers in minutes:
        per_day[day] += officers
        if inside:
            inside_per_day[day] += officers
        bucket = rules.first_check_in_bucket(time(minute // 60, minute % 60))
        day_buckets[(day, bucket.value)] += officers
        if working.get(day):
            buckets[bucket.value] += officers

    # Where everyone is at the snapshot date: by each officer's first check-in that day.
    start = datetime.combine(at, datetime.min.time(), TZ)
    query = CheckIn.select(
        CheckIn.user, CheckIn.occurred_at, CheckIn.status, CheckIn.approval
    ).where(
        (CheckIn.kind == "in")
        & (CheckIn.occurred_at >= start)
        & (CheckIn.occurred_at < start + timedelta(days=1))
    )
    first_in: dict[int, dict[str, Any]] = {}
    for row in await _in_scope(query, CheckIn.user, agency_id, unit).order_by(CheckIn.occurred_at):
        first_in.setdefault(row["user"], row)
    snapshot = Counter(_where(row) for row in first_in.values())
    snapshot["not_checked_in"] = max(registered - sum(snapshot.values()), 0)
    working_days = sum(working.values())
    checked_on_working = sum(per_day[d] for d in days if working[d])

    issues = await _in_scope(
        AttendanceIssue.count().where(
            AttendanceIssue.status.is_in(["open", "justified"])
            & (AttendanceIssue.day >= first)
            & (AttendanceIssue.day <= last)
        ),
        AttendanceIssue.user,
        agency_id,
        unit,
    )
    issues_now = await _in_scope(
        AttendanceIssue.count().where(AttendanceIssue.status.is_in(["open", "justified"])),
        AttendanceIssue.user,
        agency_id,
        unit,
    )
    agency = await Agency.select(Agency.name).where(Agency.id == agency_id).first()
    return DashboardOut(
        agency_name=agency["name"] if agency else "",
        unit_id=unit["id"] if unit else None,
        unit_name=unit["name"] if unit else "",
        first=first,
        last=last,
        at=at,
        registered=registered,
        working_days=working_days,
        checked_in_percent=_percent(checked_on_working, registered * working_days),
        days=[
            DayFigure(
                day=d,
                working=working[d],
                checked_in=per_day[d],
                percent=_percent(per_day[d], registered),
                in_office=inside_per_day[d],
                outside=per_day[d] - inside_per_day[d],
                buckets=[day_buckets[(d, b)] for b in BUCKETS],
            )
            for d in days
        ],
        snapshot={key: snapshot[key] for key in SNAPSHOT},
        buckets=[BucketFigure(label=b, count=buckets[b]) for b in BUCKETS],
        open_issues=issues,
        open_issues_now=issues_now,
        units=await _visible_units(principal, agency_id),
        per_unit=await _per_unit(agency_id, unit, unit_days, working),
    )


# The first check-in of every officer-day, counted in the database two ways in one statement:
# by (local day, minute of the day, inside) for the per-day figures and buckets, and by
# (unit, local day, inside) for the per-unit ones — a few thousand rows whatever the number of
# officers. The officer-days are computed once (a CTE used twice is materialised by both
# engines). Malaysia has one offset all year (UTC+8, no daylight saving), which the SQLite
# form relies on.
_FIGURES = """
WITH firsts AS ({})
SELECT 'day' AS grouping, day, hm, inside, NULL AS unit, COUNT(*) AS officers
FROM firsts GROUP BY day, hm, inside
UNION ALL
SELECT 'unit' AS grouping, day, NULL AS hm, inside, unit, COUNT(*) AS officers
FROM firsts GROUP BY unit, day, inside
"""
# One row per officer-day of the scope: the first check-in's local day, minute and whether it
# was inside. SQLite takes the bare `c.status` from the row that holds MIN() (documented
# SQLite behaviour); PostgreSQL takes it with an ordered array_agg.
_OFFICER_DAYS_SQLITE = """
    SELECT c."user", u.unit AS unit, date(c.occurred_at, '+8 hours') AS day,
           strftime('%H%M', MIN(datetime(c.occurred_at)), '+8 hours') AS hm,
           CASE WHEN c.status = 'inside' THEN 1 ELSE 0 END AS inside
    FROM check_in c
    JOIN app_user u ON u.id = c."user"
    LEFT JOIN org_unit o ON o.id = u.unit
    WHERE c.kind = 'in' AND c.occurred_at >= {} AND c.occurred_at < {}
      AND u.agency = {} AND u.state = 'active' AND COALESCE(o.path, '') LIKE {}
    GROUP BY c."user", day
"""
_OFFICER_DAYS_POSTGRES = """
    SELECT c."user", u.unit AS unit,
           (c.occurred_at AT TIME ZONE 'Asia/Kuala_Lumpur')::date AS day,
           to_char(MIN(c.occurred_at) AT TIME ZONE 'Asia/Kuala_Lumpur', 'HH24MI') AS hm,
           CASE WHEN (array_agg(c.status ORDER BY c.occurred_at, c.id))[1] = 'inside'
                THEN 1 ELSE 0 END AS inside
    FROM check_in c
    JOIN app_user u ON u.id = c."user"
    LEFT JOIN org_unit o ON o.id = u.unit
    WHERE c.kind = 'in' AND c.occurred_at >= {} AND c.occurred_at < {}
      AND u.agency = {} AND u.state = 'active' AND COALESCE(o.path, '') LIKE {}
    GROUP BY c."user", u.unit, day
"""


def _figures_sql() -> str:
    inner = _OFFICER_DAYS_SQLITE if is_sqlite() else _OFFICER_DAYS_POSTGRES
    # The outer query's only placeholder is the inner one's text; its own are Piccolo's.
    return _FIGURES.replace("({})", f"({inner})", 1)


def _range_utc(first: date, last: date) -> tuple[datetime, datetime]:
    start = datetime.combine(first, datetime.min.time(), TZ).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), TZ).astimezone(UTC)
    return start, end


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


class _UnitDay(msgspec.Struct):
    unit: int | None
    day: date
    inside: bool
    officers: int


async def _first_check_ins(
    agency_id: int, unit: dict[str, Any] | None, first: date, last: date
) -> tuple[list[tuple[date, int, bool, int]], list[_UnitDay]]:
    """(local day, minute of the day of the first check-in, first was inside, officers), and
    the officer-days per (unit, day, inside)."""
    start, end = _range_utc(first, last)
    prefix = (unit["path"] if unit else "") + "%"
    minutes: list[tuple[date, int, bool, int]] = []
    unit_days: list[_UnitDay] = []
    for row in await CheckIn.raw(_figures_sql(), start, end, agency_id, prefix):
        day, inside, officers = _as_date(row["day"]), bool(row["inside"]), int(row["officers"])
        if row["grouping"] == "day":
            hm = str(row["hm"])
            minutes.append((day, int(hm[:2]) * 60 + int(hm[2:]), inside, officers))
        else:
            unit_days.append(_UnitDay(row["unit"], day, inside, officers))
    return minutes, unit_days


async def _per_unit(
    agency_id: int,
    unit: dict[str, Any] | None,
    unit_days: list[_UnitDay],
    working: dict[date, bool],
) -> list[UnitFigure]:
    """The figures of each direct child unit of the scope (with its subtree), and of the
    officers placed in the scope's own unit; working days only."""
    units = await OrgUnit.select(OrgUnit.id, OrgUnit.name, OrgUnit.path).where(
        OrgUnit.agency == agency_id
    )

    def children_of(root_path: str) -> list[dict[str, Any]]:
        depth = root_path.count("/")
        return sorted(
            (
                u
                for u in units
                if u["path"].startswith(root_path) and u["path"].count("/") == depth + 1
            ),
            key=lambda u: u["path"],
        )

    grouped_under = unit
    children = children_of(unit["path"] if unit else "/")
    if unit is None and len(children) == 1:
        # An agency with one head office: its units are the interesting split.
        grouped_under = children[0]
        children = children_of(children[0]["path"])
    path_of = {u["id"]: u["path"] for u in units}
    own = (grouped_under["id"], grouped_under["name"]) if grouped_under else (None, "")

    def group_of(unit_id: int | None) -> tuple[int | None, str]:
        path = path_of.get(unit_id, "") if unit_id is not None else ""
        for child in children:
            if path.startswith(child["path"]):
                return child["id"], child["name"]
        return own

    registered: Counter[tuple[int | None, str]] = Counter()
    query = User.select(User.unit, Count(alias="people")).group_by(User.unit)
    for row in await _in_scope(query, User, agency_id, unit):
        registered[group_of(row["unit"])] += int(row["people"])
    checked: Counter[tuple[int | None, str]] = Counter()
    inside: Counter[tuple[int | None, str]] = Counter()
    for row in unit_days:
        if not working.get(row.day):
            continue
        key = group_of(row.unit)
        checked[key] += row.officers
        if row.inside:
            inside[key] += row.officers
    working_days = sum(working.values())
    keys = [(c["id"], c["name"]) for c in children]
    if registered[own] or checked[own]:
        keys.insert(0, own)
    return [
        UnitFigure(
            unit_id=key[0],
            name=key[1],
            registered=registered[key],
            checked_in=checked[key],
            percent=_percent(checked[key], registered[key] * working_days),
            in_office=inside[key],
            outside=checked[key] - inside[key],
        )
        for key in keys
    ]


def _where(row: dict[str, Any]) -> str:
    if row["status"] == "inside":
        return "in_office"
    if row["approval"] == "approved":
        return "outside_approved"
    if row["approval"] == "rejected":
        return "outside_rejected"
    return "outside_pending"


def _summary_rows(data: DashboardOut) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["agency", data.agency_name],
        ["unit", data.unit_name],
        ["from", data.first.isoformat()],
        ["to", data.last.isoformat()],
        ["registered_officers", data.registered],
        ["working_days", data.working_days],
        ["checked_in_percent", data.checked_in_percent],
        ["open_issues", data.open_issues],
        ["open_issues_any_day", data.open_issues_now],
        ["snapshot_date", data.at.isoformat()],
    ]
    rows += [[f"snapshot_{key}", value] for key, value in data.snapshot.items()]
    rows += [[f"first_check_in {b.label}", b.count] for b in data.buckets]
    return rows


DAY_COLUMNS = ("date", "working_day", "checked_in", "checked_in_percent")


def _day_rows(data: DashboardOut) -> list[list[Any]]:
    return [
        [d.day.isoformat(), "yes" if d.working else "no", d.checked_in, d.percent]
        for d in data.days
    ]


def dashboard_csv(data: DashboardOut) -> str:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["figure", "value"])
    writer.writerows(_summary_rows(data))
    writer.writerow([])
    writer.writerow(DAY_COLUMNS)
    writer.writerows(_day_rows(data))
    return buffer.getvalue()


XLSX_WORDS: dict[str, dict[str, str]] = {
    "ms": {
        "title": "Papan Pemuka Kehadiran",
        "summary": "Ringkasan",
        "daily": "Harian",
        "units": "Unit",
        "figure": "Angka",
        "value": "Nilai",
        "registered_officers": "Pegawai berdaftar",
        "working_days": "Hari bekerja",
        "checked_in_percent": "Peratus daftar masuk (hari bekerja)",
        "open_issues": "Isu kehadiran terbuka dalam tempoh ini",
        "open_issues_any_day": "Isu kehadiran terbuka (semua tarikh)",
        "snapshot_date": "Keadaan pada",
        "snapshot_in_office": "Di pejabat",
        "snapshot_outside_pending": "Di luar — menunggu kelulusan",
        "snapshot_outside_approved": "Di luar — diluluskan",
        "snapshot_outside_rejected": "Di luar — ditolak",
        "snapshot_not_checked_in": "Belum daftar masuk",
        "first_check_in": "Daftar masuk pertama {label}",
        "date": "Tarikh",
        "working_day": "Hari bekerja",
        "yes": "Ya",
        "no": "Tidak",
        "checked_in": "Daftar masuk",
        "percent": "Peratus",
        "in_office": "Di pejabat",
        "outside": "Di luar pejabat",
        "unit": "Unit",
        "officer_days": "Hari-pegawai daftar masuk",
    },
    "en": {
        "title": "Attendance Dashboard",
        "summary": "Summary",
        "daily": "Daily",
        "units": "Units",
        "figure": "Figure",
        "value": "Value",
        "registered_officers": "Registered officers",
        "working_days": "Working days",
        "checked_in_percent": "Checked in (working days), %",
        "open_issues": "Open attendance issues in this period",
        "open_issues_any_day": "Open attendance issues (any day)",
        "snapshot_date": "Situation on",
        "snapshot_in_office": "In the office",
        "snapshot_outside_pending": "Outside — awaiting approval",
        "snapshot_outside_approved": "Outside — approved",
        "snapshot_outside_rejected": "Outside — rejected",
        "snapshot_not_checked_in": "Not checked in",
        "first_check_in": "First check-in {label}",
        "date": "Date",
        "working_day": "Working day",
        "yes": "Yes",
        "no": "No",
        "checked_in": "Checked in",
        "percent": "Percent",
        "in_office": "In the office",
        "outside": "Outside the office",
        "unit": "Unit",
        "officer_days": "Officer-days checked in",
    },
}


def dashboard_xlsx(data: DashboardOut, language: str = "ms") -> bytes:
    """Three sheets (summary, per day, per unit), each with the classification, the agency and
    scope, and the period on top; headings in the user's language; dates as date cells."""
    # Imported here: exec_reports imports this module (a circle).
    from api.attendance.exec_reports import CLASSIFICATION

    lang = language if language in XLSX_WORDS else "ms"
    words = XLSX_WORDS[lang]
    scope = " / ".join(p for p in (data.agency_name, data.unit_name) if p)
    period = f"{data.first.isoformat()} – {data.last.isoformat()}"

    def sheet(key: str, headings: list[str], widths: list[int]) -> Sheet:
        return Sheet(
            words[key],
            [CLASSIFICATION[lang], f"{words['title']} — {scope}", period],
            headings,
            widths,
        )

    summary = sheet("summary", [words["figure"], words["value"]], [42, 16])
    for key, value in [
        ("registered_officers", data.registered),
        ("working_days", data.working_days),
        ("checked_in_percent", data.checked_in_percent),
        ("open_issues", data.open_issues),
        ("open_issues_any_day", data.open_issues_now),
        ("snapshot_date", data.at),
        *((f"snapshot_{k}", v) for k, v in data.snapshot.items()),
    ]:
        summary.append([words[key], value])
    for bucket in data.buckets:
        summary.append([words["first_check_in"].format(label=bucket.label), bucket.count])

    bucket_headings = [words["first_check_in"].format(label=b.label) for b in data.buckets]
    daily = sheet(
        "daily",
        [
            words["date"],
            words["working_day"],
            words["checked_in"],
            words["percent"],
            words["in_office"],
            words["outside"],
            *bucket_headings,
        ],
        [14, 14, 14, 10, 14, 16, *([16] * len(bucket_headings))],
    )
    daily.number_formats[1] = "yyyy-mm-dd"
    for d in data.days:
        daily.append(
            [
                d.day,
                words["yes"] if d.working else words["no"],
                d.checked_in,
                d.percent,
                d.in_office,
                d.outside,
                *d.buckets,
            ]
        )

    units = sheet(
        "units",
        [
            words["unit"],
            words["registered_officers"],
            words["officer_days"],
            words["percent"],
            words["in_office"],
            words["outside"],
        ],
        [36, 18, 18, 10, 14, 16],
    )
    for u in data.per_unit:
        units.append(
            [
                u.name or data.agency_name,
                u.registered,
                u.checked_in,
                u.percent,
                u.in_office,
                u.outside,
            ]
        )
    return workbook_bytes([summary, daily, units])
