"""Reports for executives and administrators, for any unit in their scope (SPOT-Me's
"Transaksi Kehadiran", "Laporan Pergerakan Harian" and usage statistics).

Scope is the dashboard's: an executive sees their unit subtree, an administrator the agency;
a unit outside scope answers 404. Every query is bounded by the scope and the date range and
reads the check-in index on `occurred_at`; no per-officer loops over the rules engine.
Sheets carry the agency and the classification line on top, Malay (or English) headings and
real date / time cells; CSV is the same rows.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec

from api.accounts.authz import Principal
from api.accounts.tables import AuditEvent
from api.attendance import rules
from api.attendance.dashboard import _in_scope, _scope, parse_range
from api.attendance.reports import MonthOut, month_for, parse_month
from api.attendance.tables import CheckIn, MovementSlip
from api.core.errors import Invalid, NotFound
from api.core.spreadsheet import Sheet, safe_row, workbook_bytes
from api.org.tables import Agency, OrgUnit, User

TZ = rules.MALAYSIA_TZ
# Attendance records are personal data for official use; the sheets say so on top.
CLASSIFICATION = {"ms": "TERHAD — untuk kegunaan rasmi", "en": "TERHAD — for official use"}


class TransactionRow(msgspec.Struct, rename="camel"):
    officer_id: int
    name: str
    login_id: str
    unit: str
    at: datetime
    kind: str  # in / out
    status: str  # inside / outside / uncertain
    office: str
    distance_m: float | None
    approval: str
    mode: str | None
    note: str
    source: str


class TransactionsOut(msgspec.Struct, rename="camel"):
    agency_name: str
    unit_name: str
    first: date
    last: date
    rows: list[TransactionRow]
    # Rows in the range; more than `rows` when the answer was limited (the screen shows the
    # first ones, the download has them all).
    total: int


class MovementRow(msgspec.Struct, rename="camel"):
    officer_id: int
    name: str
    login_id: str
    unit: str
    first_in: datetime | None
    first_in_where: str  # in_office / outside / not_checked_in
    last_out: datetime | None
    taps: int
    outside_taps: int
    slips: list[str]  # approved movement slips of the day: "08:00–12:00 Destination: purpose"


class MovementsOut(msgspec.Struct, rename="camel"):
    agency_name: str
    unit_name: str
    day: date
    rows: list[MovementRow]


class UsageUnit(msgspec.Struct, rename="camel"):
    unit_id: int | None
    unit: str
    people: int
    signed_in_people: int
    sign_ins: int
    checked_in_people: int
    devices: int
    adoption_percent: float


class UsageOut(msgspec.Struct, rename="camel"):
    agency_name: str
    unit_name: str
    first: date
    last: date
    total: UsageUnit
    units: list[UsageUnit]


SCREEN_ROWS = 1_000
# The month grid evaluates each officer's month with the rules engine (a few queries each):
# a larger scope is asked to pick a unit.
MAX_GRID_OFFICERS = 300


class UnitMonthOut(msgspec.Struct, rename="camel"):
    agency_name: str
    unit_name: str
    month: str
    officers: list[MonthOut]


async def unit_month(principal: Principal, unit_id: int | None, month: str) -> UnitMonthOut:
    """The monthly grid (each officer's days as the rules engine decides them) of a unit in
    scope, as the supervisor's team view shows it for a team."""
    parse_month(month)
    agency_id, unit = await _scope(principal, unit_id)
    people = await _people(agency_id, unit)
    if len(people) > MAX_GRID_OFFICERS:
        raise Invalid("report_scope_too_large", params={"limit": MAX_GRID_OFFICERS})
    agency_name, unit_name = await _header(agency_id, unit)
    officers = [
        await month_for(officer_id, agency_id, month)
        for officer_id, _ in sorted(people.items(), key=lambda p: p[1]["name"].lower())
    ]
    return UnitMonthOut(agency_name, unit_name, month, officers)


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    start = datetime.combine(first, datetime.min.time(), TZ)
    return start, datetime.combine(last + timedelta(days=1), datetime.min.time(), TZ)


async def _people(agency_id: int, unit: dict[str, Any] | None) -> dict[int, dict[str, Any]]:
    query = User.select(User.id, User.name, User.login_id, User.unit.name, User.unit)
    rows = await _in_scope(query, User, agency_id, unit)
    return {r["id"]: r for r in rows}


async def _header(agency_id: int, unit: dict[str, Any] | None) -> tuple[str, str]:
    agency = await Agency.select(Agency.name).where(Agency.id == agency_id).first()
    return (agency["name"] if agency else "", unit["name"] if unit else "")


async def transactions(
    principal: Principal,
    unit_id: int | None,
    first: date | None,
    last: date | None,
    officer_id: int | None = None,
    limit: int | None = None,
) -> TransactionsOut:
    """Every check-in and check-out of the officers in scope, oldest first (the first `limit`
    of them when given, with the total)."""
    first, last = parse_range(first, last, rules.local_day(datetime.now(UTC), TZ))
    agency_id, unit = await _scope(principal, unit_id)
    people = await _people(agency_id, unit)
    start, end = _bounds(first, last)
    query = CheckIn.select(
        CheckIn.id,
        CheckIn.user,
        CheckIn.occurred_at,
        CheckIn.kind,
        CheckIn.status,
        CheckIn.office.name,
        CheckIn.distance_m,
        CheckIn.approval,
        CheckIn.mode,
        CheckIn.note,
        CheckIn.source,
    ).where((CheckIn.occurred_at >= start) & (CheckIn.occurred_at < end))
    if officer_id is not None:
        if officer_id not in people:
            raise NotFound()
        query = query.where(CheckIn.user == officer_id)
    scoped = _in_scope(query, CheckIn.user, agency_id, unit).order_by(CheckIn.occurred_at)
    if limit is not None:
        scoped = scoped.limit(limit)
    rows = await scoped
    total = len(rows)
    if limit is not None and total == limit:
        counted = CheckIn.count().where(
            (CheckIn.occurred_at >= start) & (CheckIn.occurred_at < end)
        )
        if officer_id is not None:
            counted = counted.where(CheckIn.user == officer_id)
        total = await _in_scope(counted, CheckIn.user, agency_id, unit)
    agency_name, unit_name = await _header(agency_id, unit)
    out = [
        TransactionRow(
            officer_id=r["user"],
            name=people[r["user"]]["name"],
            login_id=people[r["user"]]["login_id"],
            unit=people[r["user"]]["unit.name"] or "",
            at=r["occurred_at"],
            kind=r["kind"],
            status=r["status"],
            office=r["office.name"] or "",
            distance_m=round(r["distance_m"], 1) if r["distance_m"] is not None else None,
            approval=r["approval"],
            mode=r["mode"],
            note=r["note"],
            source=r["source"],
        )
        for r in rows
        if r["user"] in people
    ]
    return TransactionsOut(agency_name, unit_name, first, last, out, total=total)


async def movements(principal: Principal, unit_id: int | None, day: date | None) -> MovementsOut:
    """Laporan Pergerakan Harian: for each officer in scope on `day`, where the first check-in
    was, the last check-out, how many taps (and how many outside), and approved slips."""
    day = day or rules.local_day(datetime.now(UTC), TZ)
    agency_id, unit = await _scope(principal, unit_id)
    people = await _people(agency_id, unit)
    start, end = _bounds(day, day)
    taps: dict[int, list[dict[str, Any]]] = defaultdict(list)
    query = CheckIn.select(
        CheckIn.user, CheckIn.occurred_at, CheckIn.kind, CheckIn.status, CheckIn.approval
    ).where((CheckIn.occurred_at >= start) & (CheckIn.occurred_at < end))
    for row in await _in_scope(query, CheckIn.user, agency_id, unit).order_by(CheckIn.occurred_at):
        taps[row["user"]].append(row)
    slips: dict[int, list[str]] = defaultdict(list)
    slip_query = MovementSlip.select(
        MovementSlip.user,
        MovementSlip.starts_at,
        MovementSlip.ends_at,
        MovementSlip.destination.name,
        MovementSlip.purpose,
    ).where(
        (MovementSlip.status == "approved")
        & (MovementSlip.starts_at < end)
        & (MovementSlip.ends_at > start)
    )
    for slip in await _in_scope(slip_query, MovementSlip.user, agency_id, unit).order_by(
        MovementSlip.starts_at
    ):
        span = f"{slip['starts_at'].astimezone(TZ):%H:%M}–{slip['ends_at'].astimezone(TZ):%H:%M}"
        slips[slip["user"]].append(f"{span} {slip['destination.name']}: {slip['purpose']}")
    rows = []
    for officer_id, person in sorted(people.items(), key=lambda p: p[1]["name"].lower()):
        own = taps.get(officer_id, [])
        ins = [t for t in own if t["kind"] == "in"]
        outs = [t for t in own if t["kind"] == "out"]
        first = ins[0] if ins else None
        where = "not_checked_in"
        if first is not None:
            where = "in_office" if first["status"] == "inside" else "outside"
        rows.append(
            MovementRow(
                officer_id=officer_id,
                name=person["name"],
                login_id=person["login_id"],
                unit=person["unit.name"] or "",
                first_in=first["occurred_at"] if first else None,
                first_in_where=where,
                last_out=outs[-1]["occurred_at"] if outs else None,
                taps=len(own),
                outside_taps=sum(1 for t in own if t["status"] != "inside"),
                slips=slips.get(officer_id, []),
            )
        )
    agency_name, unit_name = await _header(agency_id, unit)
    return MovementsOut(agency_name, unit_name, day, rows)


async def usage(
    principal: Principal, unit_id: int | None, first: date | None, last: date | None
) -> UsageOut:
    """People, sign-ins, people who checked in, devices with the app installed (push
    subscriptions) and adoption (people who checked in / people), per direct child unit."""
    from api.outbox.tables import PushSubscriptionRecord  # outbox is below attendance

    first, last = parse_range(first, last, rules.local_day(datetime.now(UTC), TZ))
    agency_id, unit = await _scope(principal, unit_id)
    people = await _people(agency_id, unit)
    start, end = _bounds(first, last)
    ids = list(people)
    sign_ins: Counter[int] = Counter()
    checked: set[int] = set()
    devices: Counter[int] = Counter()
    for chunk in (ids[i : i + 5000] for i in range(0, len(ids), 5000)):
        for row in await AuditEvent.select(AuditEvent.actor_id).where(
            (AuditEvent.action == "sign_in")
            & (AuditEvent.at >= start)
            & (AuditEvent.at < end)
            & AuditEvent.actor_id.is_in(chunk)
        ):
            sign_ins[row["actor_id"]] += 1
        for row in (
            await CheckIn.select(CheckIn.user)
            .where(
                (CheckIn.occurred_at >= start)
                & (CheckIn.occurred_at < end)
                & CheckIn.user.is_in(chunk)
            )
            .distinct()
        ):
            checked.add(row["user"])
        for row in await PushSubscriptionRecord.select(PushSubscriptionRecord.user).where(
            PushSubscriptionRecord.user.is_in(chunk)
        ):
            devices[row["user"]] += 1

    # Each person counts under the child unit of the scope that contains their unit.
    units = await OrgUnit.select(OrgUnit.id, OrgUnit.name, OrgUnit.path).where(
        OrgUnit.agency == agency_id
    )
    root_path = unit["path"] if unit else "/"
    depth = root_path.count("/")
    children = {
        u["path"]: u
        for u in units
        if u["path"].startswith(root_path) and u["path"].count("/") == depth + 1
    }
    path_of = {u["id"]: u["path"] for u in units}

    def group_of(person: dict[str, Any]) -> tuple[int | None, str]:
        path = path_of.get(person["unit"], "")
        for child_path, child in children.items():
            if path.startswith(child_path):
                return child["id"], child["name"]
        return (unit["id"], unit["name"]) if unit else (None, "")

    groups: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    for officer_id, person in people.items():
        groups[group_of(person)].append(officer_id)

    def figures(unit_key: tuple[int | None, str], members: list[int]) -> UsageUnit:
        used = sum(1 for m in members if m in checked)
        return UsageUnit(
            unit_id=unit_key[0],
            unit=unit_key[1],
            people=len(members),
            signed_in_people=sum(1 for m in members if sign_ins[m]),
            sign_ins=sum(sign_ins[m] for m in members),
            checked_in_people=used,
            devices=sum(devices[m] for m in members),
            adoption_percent=round(100.0 * used / len(members), 1) if members else 0.0,
        )

    agency_name, unit_name = await _header(agency_id, unit)
    return UsageOut(
        agency_name,
        unit_name,
        first,
        last,
        total=figures((unit["id"] if unit else None, unit_name or agency_name), ids),
        units=[figures(key, members) for key, members in sorted(groups.items(), key=str)],
    )


# ------------------------------------------------------------------------------ files

HEADINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "transactions": {
        "ms": (
            "Nama",
            "No. pengenalan",
            "Unit",
            "Tarikh",
            "Masa",
            "Jenis",
            "Keputusan",
            "Pejabat",
            "Jarak (m)",
            "Kelulusan",
            "Cara",
            "Sebab",
            "Sumber",
        ),
        "en": (
            "Name",
            "Login ID",
            "Unit",
            "Date",
            "Time",
            "Kind",
            "Verdict",
            "Office",
            "Distance (m)",
            "Approval",
            "Mode",
            "Reason",
            "Source",
        ),
    },
    "movements": {
        "ms": (
            "Nama",
            "No. pengenalan",
            "Unit",
            "Masuk pertama",
            "Di mana",
            "Keluar terakhir",
            "Daftar",
            "Di luar",
            "Slip pergerakan",
        ),
        "en": (
            "Name",
            "Login ID",
            "Unit",
            "First in",
            "Where",
            "Last out",
            "Taps",
            "Outside",
            "Movement slips",
        ),
    },
    "usage": {
        "ms": (
            "Unit",
            "Pengguna",
            "Pernah log masuk",
            "Log masuk",
            "Pernah daftar kehadiran",
            "Peranti",
            "Penggunaan (%)",
        ),
        "en": (
            "Unit",
            "People",
            "Signed in",
            "Sign-ins",
            "Checked in",
            "Devices",
            "Adoption (%)",
        ),
    },
}
TITLES = {
    "transactions": {"ms": "Transaksi Kehadiran", "en": "Attendance Transactions"},
    "movements": {"ms": "Laporan Pergerakan Harian", "en": "Daily Movement Report"},
    "usage": {"ms": "Statistik Penggunaan", "en": "Usage Statistics"},
}
WORDS = {
    "ms": {
        "in": "Masuk",
        "out": "Keluar",
        "inside": "Di dalam pejabat",
        "outside": "Di luar pejabat",
        "uncertain": "Tidak pasti",
        "in_office": "Di pejabat",
        "not_checked_in": "Belum daftar masuk",
        "not_needed": "Tidak perlu",
        "pending": "Menunggu",
        "approved": "Diluluskan",
        "rejected": "Ditolak",
    },
    "en": {
        "in": "In",
        "out": "Out",
        "inside": "Inside the office",
        "outside": "Outside the office",
        "uncertain": "Uncertain",
        "in_office": "In the office",
        "not_checked_in": "Not checked in",
        "not_needed": "Not needed",
        "pending": "Pending",
        "approved": "Approved",
        "rejected": "Rejected",
    },
}


def _lang(language: str) -> str:
    return language if language in ("ms", "en") else "ms"


def _local(at: datetime | None) -> datetime | None:
    """Excel has no time zones: times are written as Malaysian wall-clock times."""
    return at.astimezone(TZ).replace(tzinfo=None) if at else None


def _table(report: str, data: Any, language: str) -> tuple[list[str], list[list[Any]], str]:
    lang = _lang(language)
    words = WORDS[lang]
    rows: list[list[Any]] = []
    if report == "transactions":
        for r in data.rows:
            local = _local(r.at)
            assert local is not None
            rows.append(
                [
                    r.name,
                    r.login_id,
                    r.unit,
                    local.date(),
                    local.time().replace(microsecond=0),
                    words.get(r.kind, r.kind),
                    words.get(r.status, r.status),
                    r.office,
                    r.distance_m,
                    words.get(r.approval, r.approval),
                    r.mode or "",
                    r.note,
                    r.source,
                ]
            )
        period = f"{data.first.isoformat()} – {data.last.isoformat()}"
    elif report == "movements":
        for m in data.rows:
            first_in, last_out = _local(m.first_in), _local(m.last_out)
            rows.append(
                [
                    m.name,
                    m.login_id,
                    m.unit,
                    first_in.time().replace(microsecond=0) if first_in else None,
                    words.get(m.first_in_where, m.first_in_where),
                    last_out.time().replace(microsecond=0) if last_out else None,
                    m.taps,
                    m.outside_taps,
                    "; ".join(m.slips),
                ]
            )
        period = data.day.isoformat()
    else:
        for u in [*data.units, data.total]:
            rows.append(
                [
                    u.unit,
                    u.people,
                    u.signed_in_people,
                    u.sign_ins,
                    u.checked_in_people,
                    u.devices,
                    u.adoption_percent,
                ]
            )
        period = f"{data.first.isoformat()} – {data.last.isoformat()}"
    return list(HEADINGS[report][lang]), rows, period


def report_csv(report: str, data: Any, language: str) -> bytes:
    headings, rows, _ = _table(report, data, language)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headings)
    for row in rows:
        writer.writerow(
            safe_row(v.isoformat() if isinstance(v, date | datetime) else v for v in row)
        )
    return buffer.getvalue().encode("utf-8-sig")


def report_xlsx(report: str, data: Any, language: str) -> bytes:
    lang = _lang(language)
    headings, rows, period = _table(report, data, language)
    title = TITLES[report][lang]
    scope = " / ".join(p for p in (data.agency_name, data.unit_name) if p)
    sheet = Sheet(title, [CLASSIFICATION[lang], f"{title} — {scope}", period], headings)
    sheet.widths = [max(12, min(40, len(h) + 4)) for h in headings]
    for column, heading in enumerate(headings, start=1):
        if heading in ("Tarikh", "Date"):
            sheet.number_formats[column] = "yyyy-mm-dd"
        elif heading in (
            "Masa",
            "Time",
            "Masuk pertama",
            "First in",
            "Keluar terakhir",
            "Last out",
        ):
            sheet.number_formats[column] = "hh:mm:ss"
    for row in rows:
        sheet.append(row)
    return workbook_bytes([sheet])
