"""Bulk import of officers from an HR-system CSV: validate every row first, then all or nothing.

Columns (English or Malay header names, any order, case-insensitive):
ic_number/no_kp, name/nama, title/gelaran, position/jawatan, grade/gred, unit_path/unit,
phone/telefon, email/emel, supervisor_ic/penyelia_no_kp, offices/pejabat (office codes,
separated by ";" or "|"), pattern/corak_kerja (WP1…WP3, WBF, …).

`unit_path` names units from the top of the agency's tree, separated by "/" or ">"
("Bahagian Teknologi Maklumat / Seksyen Aplikasi"). Importing the same file twice changes
nothing: people are matched by IC number / staff ID and only changed fields are written. An
empty `offices` or `pattern` cell (or no such column) leaves that person's offices or pattern
as they are.

Built on `api.core.csv_import`: `read_table` → `load_context` (what the database holds) →
`plan_import` (pure: every row error, or the changes) → `write_plan` (one transaction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from api.accounts import audit
from api.accounts.authz import Grant, Principal, grants_of
from api.core import csv_import
from api.core.csv_import import Record, RowError
from api.db import write_transaction
from api.org import placements, schemas
from api.org.services import agency_in_scope
from api.org.tables import Office, OfficeAssignment, OrgUnit, Placement, RoleGrant, User

MAX_ROWS = 20_000
# Rows per INSERT: SQLite allows 32,766 bound values per statement.
INSERT_BATCH = 500

COLUMN_ALIASES = {
    "ic_number": ("ic_number", "ic", "no_kp", "nokp", "login_id", "staff_id"),
    "name": ("name", "nama"),
    "title": ("title", "gelaran"),
    "position": ("position", "jawatan"),
    "grade": ("grade", "gred"),
    "unit_path": ("unit_path", "unit"),
    "phone": ("phone", "telefon", "no_telefon"),
    "email": ("email", "emel", "e-mel"),
    "supervisor_ic": ("supervisor_ic", "penyelia_no_kp", "penyelia", "supervisor"),
    "offices": ("offices", "office_codes", "pejabat", "kod_pejabat"),
    "pattern": ("pattern", "working_pattern", "corak_kerja", "waktu_bekerja"),
}
REQUIRED_COLUMNS = ("ic_number", "name", "email", "unit_path")
LENGTH_LIMITS = {"name": 255, "title": 64, "position": 255, "grade": 32}
DETAIL_FIELDS = ("name", "title", "position", "grade", "phone", "email")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+ ()-]{0,32}$")
_STAFF_ID = re.compile(r"^[A-Za-z][A-Za-z0-9-]{2,31}$")

csv_import.register_messages(
    {
        "ic_length": {
            "ms": "No. KP mempunyai 12 digit.",
            "en": "An IC number has 12 digits.",
        },
        "ic_date": {
            "ms": "No. KP tidak bermula dengan tarikh yang sah (YYMMDD).",
            "en": "The IC number does not start with a valid date (YYMMDD).",
        },
        "login_id_form": {
            "ms": "Bukan No. KP (12 digit) atau ID staf (huruf dan digit).",
            "en": "Not an IC number (12 digits) or a staff ID (letters and digits).",
        },
        "not_email": {"ms": "Bukan alamat e-mel.", "en": "Not an e-mail address."},
        "phone_chars": {
            "ms": "Hanya digit, ruang, + ( ) dan - dibenarkan.",
            "en": "Only digits, spaces, + ( ) and - are allowed.",
        },
        "unknown_unit": {
            "ms": "Tiada unit '{unit}' dalam agensi ini.",
            "en": "No unit '{unit}' in this agency.",
        },
        "self_supervisor": {
            "ms": "Pegawai tidak boleh menyelia diri sendiri.",
            "en": "An officer cannot supervise themselves.",
        },
        "other_agency": {
            "ms": "Milik agensi lain.",
            "en": "Belongs to another agency.",
        },
        "unknown_supervisor": {
            "ms": "Tiada pegawai ini dalam fail atau agensi.",
            "en": "No such officer in the file or the agency.",
        },
        "outranked": {
            "ms": "Memegang peranan yang lebih luas daripada anda; biarkan baris ini tanpa "
            "perubahan.",
            "en": "Holds roles wider than yours; leave the row unchanged.",
        },
        "reporting_loop": {
            "ms": "Rantaian penyeliaan berpusing kembali.",
            "en": "The reporting line loops back.",
        },
        "unknown_office": {
            "ms": "Tiada pejabat berkod '{office}' dalam agensi ini.",
            "en": "No office with code '{office}' in this agency.",
        },
        "unknown_pattern": {
            "ms": "Corak kerja '{pattern}' tidak dikenali.",
            "en": "Unknown working pattern '{pattern}'.",
        },
    }
)


class ImportRejected(Exception):
    def __init__(self, report: schemas.PeopleImportReport) -> None:
        super().__init__("import rejected")
        self.report = report


def normalise_login_id(raw: str) -> str:
    """IC numbers lose their dashes and spaces ("850101-14-5678" → "850101145678")."""
    compact = re.sub(r"[\s-]", "", raw.strip())
    return compact if compact.isdigit() else raw.strip().upper()


def login_id_problem_code(login_id: str) -> str | None:
    if not login_id:
        return "required"
    if login_id.isdigit():
        if len(login_id) != 12:
            return "ic_length"
        yy, mm, dd = int(login_id[:2]), int(login_id[2:4]), int(login_id[4:6])
        for century in (1900, 2000):
            try:
                date(century + yy, mm, dd)
                return None
            except ValueError:
                continue
        return "ic_date"
    if not _STAFF_ID.match(login_id):
        return "login_id_form"
    return None


def login_id_problem(login_id: str) -> str | None:
    """The problem with a login id in English (other importers' messages), or None."""
    code = login_id_problem_code(login_id)
    return RowError(0, "", code).reason("en") if code else None


def split_path(raw: str) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in re.split(r"[/>]", raw) if part.strip())


# --------------------------------------------------------------------------- the context


@dataclass
class Context:
    """What the plan needs from the database, read once."""

    agency_id: int
    unit_by_path: dict[tuple[str, ...], int]
    office_by_code: dict[str, int]
    pattern_codes: frozenset[str]
    existing: dict[str, dict[str, Any]]  # login id → user row
    offices_of: dict[int, set[int]]  # user id → office ids
    pattern_of: dict[int, str]  # user id → latest pattern code
    other_agency_logins: set[str]
    outranking: set[int]  # ids of people whose roles reach further than the importer's


@dataclass
class PlannedRow:
    line: int
    login_id: str
    values: dict[str, str]
    unit_id: int | None
    supervisor_login: str
    office_ids: set[int] | None  # None: leave as they are
    pattern: str | None


@dataclass
class Plan:
    rows: list[PlannedRow]
    errors: list[RowError] = field(default_factory=list)
    refused_ids: list[int] = field(default_factory=list)  # outranked, audited as refusals


def known_pattern_codes() -> frozenset[str]:
    # Imported here: attendance sits above org: layering debt listed in .importlinter.
    from api.attendance.patterns import SEED_PATTERNS

    return frozenset(SEED_PATTERNS)


async def _unit_paths(agency_id: int) -> dict[tuple[str, ...], int]:
    units = await OrgUnit.select(OrgUnit.id, OrgUnit.name, OrgUnit.parent).where(
        OrgUnit.agency == agency_id
    )
    by_id = {u["id"]: u for u in units}

    def name_path(unit_id: int) -> tuple[str, ...]:
        names: list[str] = []
        current: int | None = unit_id
        while current is not None:
            names.append(by_id[current]["name"].strip().lower())
            current = by_id[current]["parent"]
        return tuple(reversed(names))

    return {name_path(u["id"]): u["id"] for u in units}


async def _outranking(principal: Principal, agency_id: int, user_ids: list[int]) -> set[int]:
    granted = {
        g["user"]
        for g in await RoleGrant.select(RoleGrant.user).where(RoleGrant.user.is_in(user_ids or [0]))
    }
    found: set[int] = set()
    for user_id in sorted(granted):
        grants: tuple[Grant, ...] = await grants_of(user_id)
        if not principal.reaches(grants, agency_id):
            found.add(user_id)
    return found


async def load_context(principal: Principal, agency_id: int, logins: set[str]) -> Context:
    # Imported here: attendance sits above org: layering debt listed in .importlinter.
    from api.attendance.tables import PatternAssignment

    existing = {u["login_id"]: u for u in await User.select().where(User.agency == agency_id)}
    ids = [u["id"] for u in existing.values()]
    offices_of: dict[int, set[int]] = {}
    for row in await OfficeAssignment.select(OfficeAssignment.user, OfficeAssignment.office).where(
        OfficeAssignment.user.is_in(ids or [0])
    ):
        offices_of.setdefault(row["user"], set()).add(row["office"])
    pattern_of: dict[int, str] = {}
    for row in (
        await PatternAssignment.select()
        .where(PatternAssignment.user.is_in(ids or [0]))
        .order_by(PatternAssignment.effective_from)
        .order_by(PatternAssignment.id)
    ):
        pattern_of[row["user"]] = row["pattern_code"]
    other = {
        u["login_id"]
        for u in await User.select(User.login_id).where(
            User.login_id.is_in(sorted(logins) or [""]) & (User.agency != agency_id)
        )
    }
    offices = await Office.select(Office.id, Office.code).where(Office.agency == agency_id)
    return Context(
        agency_id=agency_id,
        unit_by_path=await _unit_paths(agency_id),
        office_by_code={o["code"].upper(): o["id"] for o in offices},
        pattern_codes=known_pattern_codes(),
        existing=existing,
        offices_of=offices_of,
        pattern_of=pattern_of,
        other_agency_logins=other,
        outranking=await _outranking(principal, agency_id, ids),
    )


# --------------------------------------------------------------------------- the pure plan


def _check_row(
    record: Record, context: Context, seen: dict[str, int]
) -> tuple[PlannedRow, list[RowError]]:
    """One row read and checked on its own (no other row needed)."""
    errors = csv_import.check_length(record, LENGTH_LIMITS)

    def fail(column: str, code: str, **params: Any) -> None:
        errors.append(RowError(record.line, column, code, params))

    login_id = normalise_login_id(record.get("ic_number"))
    problem = login_id_problem_code(login_id)
    if problem:
        fail("ic_number", problem)
    elif login_id in seen:
        fail("ic_number", "duplicate", line=seen[login_id])
    else:
        seen[login_id] = record.line
    if login_id in context.other_agency_logins:
        fail("ic_number", "other_agency")
    if not record.get("name"):
        fail("name", "required")
    email = record.get("email")
    if not _EMAIL.match(email):
        fail("email", "not_email")
    if not _PHONE.match(record.get("phone")):
        fail("phone", "phone_chars")
    unit_path = record.get("unit_path")
    unit_id = context.unit_by_path.get(split_path(unit_path)) if unit_path else None
    if unit_path and unit_id is None:
        fail("unit_path", "unknown_unit", unit=unit_path)
    supervisor = (
        normalise_login_id(record.get("supervisor_ic")) if record.get("supervisor_ic") else ""
    )
    if supervisor and supervisor == login_id:
        fail("supervisor_ic", "self_supervisor")
    office_ids: set[int] | None = None
    codes = csv_import.split_list(record.get("offices"))
    if codes:
        office_ids = set()
        for code in codes:
            office = context.office_by_code.get(code.upper())
            if office is None:
                fail("offices", "unknown_office", office=code)
            else:
                office_ids.add(office)
    pattern = record.get("pattern").upper() or None
    if pattern is not None and pattern not in context.pattern_codes:
        fail("pattern", "unknown_pattern", pattern=pattern)
    values = {column: record.get(column) for column in DETAIL_FIELDS}
    values["email"] = email.lower()
    return (
        PlannedRow(record.line, login_id, values, unit_id, supervisor, office_ids, pattern),
        errors,
    )


def _changes(
    row: PlannedRow, before: dict[str, Any], context: Context, id_to_login: dict[int, str]
) -> bool:
    return (
        any(before[k] != v for k, v in row.values.items())
        or before["unit"] != row.unit_id
        or id_to_login.get(before["supervisor"], "") != row.supervisor_login
        or (
            row.office_ids is not None
            and row.office_ids != context.offices_of.get(before["id"], set())
        )
        or (row.pattern is not None and row.pattern != context.pattern_of.get(before["id"]))
    )


def _reporting_loops(
    rows: list[PlannedRow], context: Context, id_to_login: dict[int, str]
) -> list[RowError]:
    supervisor_of = {
        login: id_to_login[u["supervisor"]]
        for login, u in context.existing.items()
        if u["supervisor"] in id_to_login
    }
    supervisor_of |= {r.login_id: r.supervisor_login for r in rows if r.supervisor_login}
    errors = []
    for row in rows:
        current, steps = supervisor_of.get(row.login_id), 0
        while current and steps <= len(supervisor_of):
            if current == row.login_id:
                errors.append(RowError(row.line, "supervisor_ic", "reporting_loop"))
                break
            current, steps = supervisor_of.get(current), steps + 1
    return errors


def plan_import(records: list[Record], context: Context) -> Plan:
    """Every row checked against the file and the context; no I/O."""
    seen: dict[str, int] = {}
    plan = Plan(rows=[])
    for record in records:
        row, errors = _check_row(record, context, seen)
        plan.rows.append(row)
        plan.errors += errors
    known = {r.login_id for r in plan.rows} | set(context.existing)
    id_to_login = {u["id"]: login for login, u in context.existing.items()}
    for row in plan.rows:
        if row.supervisor_login and row.supervisor_login not in known:
            plan.errors.append(RowError(row.line, "supervisor_ic", "unknown_supervisor"))
        before = context.existing.get(row.login_id)
        # The rank rule (`api.org.services.account_to_manage`): people whose roles reach
        # further than the importer's are listed unchanged or not at all.
        outranked = before is not None and before["id"] in context.outranking
        if outranked and before is not None and _changes(row, before, context, id_to_login):
            plan.errors.append(RowError(row.line, "ic_number", "outranked"))
            plan.refused_ids.append(before["id"])
    plan.errors += _reporting_loops(plan.rows, context, id_to_login)
    plan.errors.sort(key=lambda e: (e.row, e.column))
    return plan


# --------------------------------------------------------------------------- the write


async def _write_people(
    plan: Plan, context: Context, report: schemas.PeopleImportReport, actor: int
) -> tuple[dict[str, int], set[str]]:
    ids = {login: u["id"] for login, u in context.existing.items()}
    updated: set[str] = set()
    new_rows = [r for r in plan.rows if r.login_id not in context.existing]
    for start in range(0, len(new_rows), INSERT_BATCH):
        inserted = await User.insert(
            *[
                User(
                    {
                        User.agency: context.agency_id,
                        User.login_id: r.login_id,
                        User.unit: r.unit_id,
                    }
                    | {getattr(User, k): v for k, v in r.values.items()}
                )
                for r in new_rows[start : start + INSERT_BATCH]
            ]
        ).returning(User.id, User.login_id)
        ids |= {r["login_id"]: r["id"] for r in inserted}
        report.created_ids += [r["id"] for r in inserted]
    report.created_ids.sort()
    report.created = len(report.created_ids)
    for row in plan.rows:
        before = context.existing.get(row.login_id)
        if before is None:
            continue
        changes: dict[Any, Any] = {
            getattr(User, k): v for k, v in row.values.items() if before[k] != v
        }
        if before["unit"] != row.unit_id:
            changes[User.unit] = row.unit_id
        if changes:
            await User.update(changes).where(User.id == before["id"])
            updated.add(row.login_id)
    return ids, updated


async def _write_lines(
    plan: Plan, context: Context, ids: dict[str, int], updated: set[str], actor: int
) -> int:
    """Supervisors, and a placement from today for everyone whose unit or supervisor moved."""
    changed = 0
    today = placements._today()
    first_placements = []
    new_reports: dict[int, list[int]] = {}  # supervisor → the new people reporting to them
    for row in plan.rows:
        wanted = ids[row.supervisor_login] if row.supervisor_login else None
        before = context.existing.get(row.login_id)
        if before is None:
            if wanted is not None:
                new_reports.setdefault(wanted, []).append(ids[row.login_id])
                changed += 1
            first_placements.append(
                Placement(
                    user=ids[row.login_id],
                    agency=context.agency_id,
                    unit=row.unit_id,
                    supervisor=wanted,
                    created_by=actor,
                )
            )
            continue
        if before["supervisor"] != wanted:
            await User.update({User.supervisor: wanted}).where(User.id == before["id"])
            changed += 1
            updated.add(row.login_id)
        if before["supervisor"] != wanted or before["unit"] != row.unit_id:
            await placements.start(
                before["id"], context.agency_id, row.unit_id, wanted, today, actor, before
            )
    for supervisor, reports in sorted(new_reports.items()):
        for start in range(0, len(reports), INSERT_BATCH):
            await User.update({User.supervisor: supervisor}).where(
                User.id.is_in(reports[start : start + INSERT_BATCH])
            )
    await _insert_all(first_placements)
    return changed


async def _insert_all(rows: list[Any]) -> None:
    """Inserts rows of one table in statements of `INSERT_BATCH` rows."""
    for start in range(0, len(rows), INSERT_BATCH):
        batch = rows[start : start + INSERT_BATCH]
        await type(batch[0]).insert(*batch)


async def _write_offices_and_patterns(
    plan: Plan, context: Context, ids: dict[str, int], updated: set[str]
) -> None:
    # Imported here: attendance sits above org: layering debt listed in .importlinter.
    from api.attendance.tables import PatternAssignment

    today = placements._today()
    offices: list[OfficeAssignment] = []
    patterns: list[PatternAssignment] = []
    for row in plan.rows:
        user_id = ids[row.login_id]
        existing = row.login_id in context.existing
        if row.office_ids is not None:
            current = context.offices_of.get(user_id, set())
            if row.office_ids != current:
                if current - row.office_ids:
                    await OfficeAssignment.delete().where(
                        (OfficeAssignment.user == user_id)
                        & OfficeAssignment.office.is_in(sorted(current - row.office_ids))
                    )
                offices += [
                    OfficeAssignment(user=user_id, office=office_id)
                    for office_id in sorted(row.office_ids - current)
                ]
                if existing:
                    updated.add(row.login_id)
        if row.pattern is not None and row.pattern != context.pattern_of.get(user_id):
            patterns.append(
                PatternAssignment(user=user_id, pattern_code=row.pattern, effective_from=today)
            )
            if existing:
                updated.add(row.login_id)
    await _insert_all(offices)
    await _insert_all(patterns)


async def write_plan(
    principal: Principal, plan: Plan, context: Context
) -> schemas.PeopleImportReport:
    report = schemas.PeopleImportReport(ok=True, rows=len(plan.rows))
    async with write_transaction():
        ids, updated = await _write_people(plan, context, report, principal.user_id)
        supervisors_changed = await _write_lines(plan, context, ids, updated, principal.user_id)
        await _write_offices_and_patterns(plan, context, ids, updated)
        report.updated = len(updated)
        report.unchanged = (
            sum(1 for r in plan.rows if r.login_id in context.existing) - report.updated
        )
        await audit.record(
            "users_imported",
            actor_id=principal.user_id,
            agency_id=context.agency_id,
            target_type="agency",
            target_id=context.agency_id,
            detail={
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "supervisors_changed": supervisors_changed,
            },
        )
    # Imported here: attendance sits above org: layering debt listed in .importlinter.
    from api.attendance import fences

    for user_id in ids.values():
        fences.forget_offices_of(user_id)
    return report


def _rejected(errors: list[RowError], rows: int, language: str) -> ImportRejected:
    return ImportRejected(
        schemas.PeopleImportReport(
            ok=False,
            rows=rows,
            errors=[
                schemas.ImportRowErrorOut(e.row, e.column, e.code, e.reason(language))
                for e in errors
            ],
        )
    )


async def import_users(
    principal: Principal,
    agency_id: int,
    csv_text: str,
    *,
    dry_run: bool = False,
    language: str = "ms",
) -> schemas.PeopleImportReport:
    """Validates every row; imports nothing unless all are good. Raises ImportRejected."""
    await agency_in_scope(principal, agency_id)
    try:
        table = csv_import.read_table(
            csv_text, COLUMN_ALIASES, required=REQUIRED_COLUMNS, max_rows=MAX_ROWS
        )
    except csv_import.Rejected as rejected:
        raise _rejected(rejected.errors, rejected.rows, language) from None
    logins = {normalise_login_id(r.get("ic_number")) for r in table.records}
    context = await load_context(principal, agency_id, logins)
    plan = plan_import(table.records, context)
    for user_id in sorted(set(plan.refused_ids)):
        await audit.record(
            "account_action_refused",
            actor_id=principal.user_id,
            agency_id=agency_id,
            target_type="user",
            target_id=user_id,
            detail={"action": "users_import", "reason": "outranked"},
        )
    if plan.errors:
        raise _rejected(plan.errors, len(plan.rows), language)
    if dry_run:
        return schemas.PeopleImportReport(
            ok=True,
            rows=len(plan.rows),
            dry_run=True,
            created=sum(1 for r in plan.rows if r.login_id not in context.existing),
        )
    return await write_plan(principal, plan, context)
