"""Bulk import of officers from an HR-system CSV: validate every row first, then all or nothing.

Columns (English or Malay header names, any order, case-insensitive):
ic_number/no_kp, name/nama, title/gelaran, position/jawatan, grade/gred, unit_path/unit,
phone/telefon, email/emel, supervisor_ic/penyelia_no_kp.

`unit_path` names units from the top of the agency's tree, separated by "/" or ">"
("Bahagian Teknologi Maklumat / Seksyen Aplikasi"). Importing the same file twice changes
nothing: people are matched by IC number / staff ID and only changed fields are written.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import msgspec

from api.accounts import audit
from api.accounts.authz import Principal, grants_of
from api.db import write_transaction
from api.org.schemas import ImportReport, ImportRowError
from api.org.services import agency_in_scope
from api.org.tables import OrgUnit, RoleGrant, User

MAX_ROWS = 20_000

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
}
REQUIRED_COLUMNS = ("ic_number", "name", "email", "unit_path")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+ ()-]{0,32}$")
_STAFF_ID = re.compile(r"^[A-Za-z][A-Za-z0-9-]{2,31}$")


class ImportRejected(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__("import rejected")
        self.report = report


class _Row(msgspec.Struct):
    line: int
    login_id: str
    values: dict[str, str]
    unit_path: str
    supervisor_login: str


def normalise_login_id(raw: str) -> str:
    """IC numbers lose their dashes and spaces ("850101-14-5678" → "850101145678")."""
    compact = re.sub(r"[\s-]", "", raw.strip())
    return compact if compact.isdigit() else raw.strip().upper()


def login_id_problem(login_id: str) -> str | None:
    if not login_id:
        return "required"
    if login_id.isdigit():
        if len(login_id) != 12:
            return "an IC number has 12 digits"
        yy, mm, dd = int(login_id[:2]), int(login_id[2:4]), int(login_id[4:6])
        for century in (1900, 2000):
            try:
                date(century + yy, mm, dd)
                return None
            except ValueError:
                continue
        return "the IC number does not start with a valid date (YYMMDD)"
    if not _STAFF_ID.match(login_id):
        return "not an IC number (12 digits) or a staff ID (letters and digits)"
    return None


def _split_path(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(r"[/>]", raw) if part.strip())


def _read_csv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    text = text.lstrip("\ufeff")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    rows = []
    for record in reader:
        rows.append({k: (v or "").strip() for k, v in record.items() if k is not None})
    return header, rows


def _column_map(header: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for canonical, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if alias in header:
                found[canonical] = alias
                break
    return found


async def import_users(
    principal: Principal, agency_id: int, csv_text: str, *, dry_run: bool = False
) -> ImportReport:
    """Validates every row; imports nothing unless all are good. Raises ImportRejected."""
    await agency_in_scope(principal, agency_id)
    errors: list[ImportRowError] = []
    try:
        header, records = _read_csv(csv_text)
    except (csv.Error, UnicodeError) as error:
        raise ImportRejected(
            ImportReport(ok=False, rows=0, errors=[ImportRowError(1, "", str(error))])
        ) from None
    columns = _column_map(header)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ImportRejected(
            ImportReport(
                ok=False,
                rows=len(records),
                errors=[ImportRowError(1, c, "column missing from the header") for c in missing],
            )
        )
    if len(records) > MAX_ROWS:
        raise ImportRejected(
            ImportReport(
                ok=False,
                rows=len(records),
                errors=[ImportRowError(1, "", f"more than {MAX_ROWS} rows; split the file")],
            )
        )

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

    unit_by_path = {name_path(u["id"]): u["id"] for u in units}

    existing = {u["login_id"]: u for u in await User.select().where(User.agency == agency_id)}

    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for index, record in enumerate(records, start=2):  # line 1 is the header

        def get(column: str, record: dict[str, str] = record) -> str:
            return record.get(columns.get(column, ""), "") if column in columns else ""

        def fail(column: str, reason: str, line: int = index) -> None:
            errors.append(ImportRowError(line, column, reason))

        login_id = normalise_login_id(get("ic_number"))
        problem = login_id_problem(login_id)
        if problem:
            fail("ic_number", problem)
        elif login_id in seen:
            fail("ic_number", f"appears again (first on line {seen[login_id]})")
        else:
            seen[login_id] = index
        name = get("name")
        if not name:
            fail("name", "required")
        elif len(name) > 255:
            fail("name", "longer than 255 characters")
        email = get("email")
        if not _EMAIL.match(email):
            fail("email", "not an e-mail address")
        phone = get("phone")
        if not _PHONE.match(phone):
            fail("phone", "only digits, spaces, + ( ) and - are allowed")
        unit_path = get("unit_path")
        if unit_path and tuple(p.lower() for p in _split_path(unit_path)) not in unit_by_path:
            fail("unit_path", f"no unit '{unit_path}' in this agency")
        supervisor = normalise_login_id(get("supervisor_ic")) if get("supervisor_ic") else ""
        if supervisor and supervisor == login_id:
            fail("supervisor_ic", "an officer cannot supervise themselves")
        for column, limit in (("title", 64), ("position", 255), ("grade", 32)):
            if len(get(column)) > limit:
                fail(column, f"longer than {limit} characters")
        rows.append(
            _Row(
                line=index,
                login_id=login_id,
                values={
                    "name": name,
                    "title": get("title"),
                    "position": get("position"),
                    "grade": get("grade"),
                    "phone": phone,
                    "email": email.lower(),
                },
                unit_path=unit_path,
                supervisor_login=supervisor,
            )
        )

    in_file = {r.login_id for r in rows}
    other_agency = {
        u["login_id"]
        for u in await User.select(User.login_id).where(
            User.login_id.is_in(list(in_file) or [""]) & (User.agency != agency_id)
        )
    }
    for row in rows:
        if row.login_id in other_agency:
            errors.append(ImportRowError(row.line, "ic_number", "belongs to another agency"))
        if row.supervisor_login and row.supervisor_login not in in_file | set(existing):
            errors.append(
                ImportRowError(row.line, "supervisor_ic", "no such officer in the file or agency")
            )

    # The rank rule (`api.org.services.account_to_manage`): people whose roles reach further
    # than the importer's are listed unchanged or not at all.
    id_to_login = {u["id"]: login for login, u in existing.items()}
    granted = {
        g["user"]
        for g in await RoleGrant.select(RoleGrant.user).where(
            RoleGrant.user.is_in([u["id"] for u in existing.values()] or [0])
        )
    }
    for row in rows:
        before = existing.get(row.login_id)
        if before is None or before["id"] not in granted:
            continue
        if principal.reaches(await grants_of(before["id"]), agency_id):
            continue
        unit_key = tuple(p.lower() for p in _split_path(row.unit_path))
        changed = (
            any(before[k] != v for k, v in row.values.items())
            or before["unit"] != (unit_by_path.get(unit_key) if row.unit_path else None)
            or id_to_login.get(before["supervisor"], "") != row.supervisor_login
        )
        if changed:
            errors.append(
                ImportRowError(
                    row.line, "ic_number", "holds roles wider than yours; leave the row unchanged"
                )
            )
            await audit.record(
                "account_action_refused",
                actor_id=principal.user_id,
                agency_id=agency_id,
                target_type="user",
                target_id=before["id"],
                detail={"action": "users_import", "reason": "outranked"},
            )

    # The reporting lines after the import must not loop.
    supervisor_of: dict[str, str] = {}
    for login, user in existing.items():
        if user["supervisor"] in id_to_login:
            supervisor_of[login] = id_to_login[user["supervisor"]]
    for row in rows:
        if row.supervisor_login:
            supervisor_of[row.login_id] = row.supervisor_login
    for row in rows:
        current, steps = supervisor_of.get(row.login_id), 0
        while current and steps <= len(supervisor_of):
            if current == row.login_id:
                errors.append(
                    ImportRowError(row.line, "supervisor_ic", "the reporting line loops back")
                )
                break
            current, steps = supervisor_of.get(current), steps + 1

    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise ImportRejected(ImportReport(ok=False, rows=len(rows), errors=errors))

    report = ImportReport(ok=True, rows=len(rows))
    if dry_run:
        report.created = sum(1 for r in rows if r.login_id not in existing)
        return report

    async with write_transaction():
        ids = {login: u["id"] for login, u in existing.items()}
        updated_logins: set[str] = set()
        for row in rows:
            unit_id = (
                unit_by_path[tuple(p.lower() for p in _split_path(row.unit_path))]
                if row.unit_path
                else None
            )
            before = existing.get(row.login_id)
            if before is None:
                new_id = (
                    await User.insert(
                        User(
                            {
                                User.agency: agency_id,
                                User.login_id: row.login_id,
                                User.unit: unit_id,
                            }
                            | {getattr(User, k): v for k, v in row.values.items()}
                        )
                    ).returning(User.id)
                )[0]["id"]
                ids[row.login_id] = new_id
                report.created += 1
                continue
            changes: dict[Any, Any] = {
                getattr(User, field): value
                for field, value in row.values.items()
                if before[field] != value
            }
            if before["unit"] != unit_id:
                changes[User.unit] = unit_id
            if changes:
                await User.update(changes).where(User.id == before["id"])
                updated_logins.add(row.login_id)
        supervisors_changed = 0
        for row in rows:
            wanted = ids[row.supervisor_login] if row.supervisor_login else None
            before = existing.get(row.login_id)
            if before is not None and before["supervisor"] == wanted:
                continue
            if before is None and wanted is None:
                continue
            await User.update({User.supervisor: wanted}).where(User.id == ids[row.login_id])
            supervisors_changed += 1
            if before is not None:
                updated_logins.add(row.login_id)
        report.updated = len(updated_logins)
        report.unchanged = sum(1 for r in rows if r.login_id in existing) - report.updated
        await audit.record(
            "users_imported",
            actor_id=principal.user_id,
            agency_id=agency_id,
            target_type="agency",
            target_id=agency_id,
            detail={
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "supervisors_changed": supervisors_changed,
            },
        )
    return report
