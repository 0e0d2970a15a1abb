"""Imports from outside systems: biometric-device punches and leave records (CSV).

**Punch CSV.** Columns (English or Malay header names, any order, case-insensitive):
``device_id``/``id_peranti``, ``login_id``/``no_kp``/``staff_id``, ``timestamp``/``masa``/
``tarikh_masa`` and optionally ``kind``/``jenis`` (``in``/``masuk``, ``out``/``keluar``).
A timestamp is ISO 8601 with an offset (``2026-10-01T07:45:00+08:00``, ``…Z``) or a local
Malaysian time without one (``2026-10-01 07:45``, ``01/10/2026 07:45:00``).

Each punch becomes a `CheckIn` with ``source="device"``, verdict ``inside`` and approval
``not_needed`` (a device punch never needs a supervisor), the device's office when the agency
has registered the device (`PunchDevice`, else null), and the device id in
``status_reason``. Its ``client_id`` is ``dev:<device id>:<UTC time>``, so the existing unique
index on (user, client_id) is the idempotency key (user, device, instant): importing the same
file again, or two overlapping files, changes nothing.

Without a ``kind`` column the earliest punch of an officer's day (among this file and the device
punches already stored) is the check-in and every later one a check-out.

**Precedence with phone check-ins** (the rules engine gets every punch of the day; nothing is
merged or overwritten):

1. The first-in of a day is the earliest check-in of either source; the last-out the latest
   check-out of either source (`rules.evaluate_day`).
2. A device punch is always ``inside`` and never waits for approval.
3. A phone punch keeps its own verdict: one that is pending stays pending (the day shows
   ``external_pending`` until the supervisor decides), an approved or rejected one stays so.
4. An import never changes or deletes a phone check-in.

The **reconciliation report** lists rows read, imported, already present, unknown login IDs,
unparseable rows (line numbers as in the file, the header being line 1), punches on a day that
is not a working day for the agency, officer-days where the first device check-in and the
first phone check-in differ by more than 15 minutes, and the devices in the file that the
agency has not registered at an office (their punches are recorded without one).

**Leave CSV.** ``login_id``/``no_kp``, ``start_date``/``tarikh_mula``, ``end_date``/
``tarikh_tamat``, ``type``/``jenis_cuti``; dates ``YYYY-MM-DD`` or ``DD/MM/YYYY``. Full days
only (`rules.LeaveRecord`); the same (officer, start, end, type) again changes nothing.

Both importers keep the good rows and report the bad ones; `dry_run` reports without writing.
An agency administrator imports for their own agency (other agencies' login IDs count as
unknown); the command line and the scheduled folder import act for every agency.
"""

from __future__ import annotations

import asyncio
import csv
import json
import re
import shutil
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from api.accounts import audit
from api.attendance import calendar_admin, issues, rules
from api.attendance.calendar import WorkingCalendar
from api.attendance.sealing import sign_new_row
from api.attendance.tables import CheckIn, LeaveRecord, PunchDevice
from api.core.csv_import import read_rows
from api.core.errors import FieldError, Invalid, NotFound
from api.core.params import Id
from api.db import write_transaction
from api.org.importer import normalise_login_id
from api.org.tables import Office, User

TZ = rules.MALAYSIA_TZ
MAX_ROWS = 500_000
CHUNK = 500
DISAGREEMENT_MINUTES = 15
MAX_LISTED = 1000  # problems listed per kind in a report (counts are always complete)

PUNCH_COLUMNS = {
    "device_id": ("device_id", "device", "id_peranti", "peranti", "no_peranti", "terminal"),
    "login_id": ("login_id", "ic_number", "no_kp", "nokp", "staff_id", "ic", "id_pengguna"),
    "timestamp": ("timestamp", "datetime", "time", "masa", "tarikh_masa", "waktu", "cap_masa"),
    "kind": ("kind", "direction", "jenis", "arah"),
}
PUNCH_REQUIRED = ("device_id", "login_id", "timestamp")

LEAVE_COLUMNS = {
    "login_id": PUNCH_COLUMNS["login_id"],
    "start": ("start_date", "start", "from", "tarikh_mula", "mula", "dari"),
    "end": ("end_date", "end", "to", "tarikh_tamat", "tarikh_akhir", "tamat", "hingga"),
    "kind": ("type", "kind", "leave_type", "jenis_cuti", "jenis"),
}
LEAVE_REQUIRED = ("login_id", "start", "end")

KINDS = {"in": "in", "i": "in", "masuk": "in", "out": "out", "o": "out", "keluar": "out"}
_DEVICE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,32}$")


class RowProblem(msgspec.Struct, rename="camel"):
    line: int
    column: str
    value: str
    reason: str


class Disagreement(msgspec.Struct, rename="camel"):
    login_id: str
    name: str
    day: date
    device_first_in: datetime
    phone_first_in: datetime
    minutes_apart: int


class DevicePunches(msgspec.Struct, rename="camel"):
    code: str
    punches: int


class PunchReport(msgspec.Struct, rename="camel"):
    dry_run: bool
    rows_read: int = 0
    imported: int = 0
    already_present: int = 0
    unknown_login_ids: list[RowProblem] = []
    unparseable: list[RowProblem] = []
    outside_working_days: list[RowProblem] = []
    disagreements: list[Disagreement] = []
    # Devices in the file that the agency has not registered at an office (or whose office was
    # removed): their punches are recorded without an office.
    devices_without_office: list[DevicePunches] = []


class LeaveReport(msgspec.Struct, rename="camel"):
    dry_run: bool
    rows_read: int = 0
    imported: int = 0
    already_present: int = 0
    unknown_login_ids: list[RowProblem] = []
    unparseable: list[RowProblem] = []


T = TypeVar("T")


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _normalise_header(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def _columns(header: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    normal = {_normalise_header(h): h for h in header}
    found = {}
    for canonical, names in aliases.items():
        for alias in names:
            if alias in normal:
                found[canonical] = normal[alias]
                break
    return found


def _read(text: str, aliases: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> Any:
    try:
        header, records = read_rows(text)
    except (csv.Error, UnicodeError):
        raise Invalid("import_csv_unreadable") from None
    columns = _columns(header, aliases)
    missing = [c for c in required if c not in columns]
    if missing:
        raise Invalid(
            "import_columns_missing",
            params={"columns": ", ".join(missing)},
            errors=[FieldError(field=c, message="column missing from the header") for c in missing],
        )
    if len(records) > MAX_ROWS:
        raise Invalid("import_too_many_rows", params={"max": MAX_ROWS})
    return columns, records


def parse_timestamp(raw: str) -> datetime | None:
    """ISO 8601 with an offset, or a local Malaysian time without one; None if neither."""
    text = raw.strip()
    if ":" not in text:
        return None  # a date alone is not a punch
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    at: datetime | None = None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        for pattern in (
            "%d/%m/%Y %H:%M:%S",
            "%d/%m/%Y %H:%M",
            "%d-%m-%Y %H:%M:%S",
            "%d-%m-%Y %H:%M",
        ):
            try:
                at = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
    if at is None:
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=TZ)


def parse_day(raw: str) -> date | None:
    text = raw.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


async def _users_by_login(
    logins: Iterable[str], agency_id: int | None
) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(sorted(set(logins))):
        query = User.select(User.id, User.login_id, User.name, User.agency).where(
            User.login_id.is_in(list(chunk))
        )
        if agency_id is not None:
            query = query.where(User.agency == agency_id)
        for row in await query:
            found[row["login_id"]] = row
    return found


def _listed(problems: list[RowProblem], problem: RowProblem) -> None:
    if len(problems) < MAX_LISTED:
        problems.append(problem)


class _Punch(msgspec.Struct):
    line: int
    user: int
    device: str
    at: datetime
    kind: str | None
    day: date
    client_id: str


def _client_id(device: str, at: datetime) -> str:
    return f"dev:{device}:{at.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"


async def import_punches(
    csv_text: str, *, agency_id: int | None, dry_run: bool = False, actor_id: int | None = None
) -> PunchReport:
    """Imports device punches (see the module notes); returns the reconciliation report."""
    columns, records = _read(csv_text, PUNCH_COLUMNS, PUNCH_REQUIRED)
    report = PunchReport(dry_run=dry_run, rows_read=len(records))
    users = await _users_by_login(
        (normalise_login_id(r.get(columns["login_id"], "")) for r in records), agency_id
    )
    punches: list[_Punch] = []
    unknown_count = unparseable_count = 0
    for line, record in enumerate(records, start=2):
        device = record.get(columns["device_id"], "")
        login = normalise_login_id(record.get(columns["login_id"], ""))
        raw_at = record.get(columns["timestamp"], "")
        raw_kind = record.get(columns["kind"], "").strip().lower() if "kind" in columns else ""
        problem: RowProblem | None = None
        at = parse_timestamp(raw_at)
        if not _DEVICE_ID.match(device):
            problem = RowProblem(line, "device_id", device, "not a device id (1–32 letters/digits)")
        elif not login:
            problem = RowProblem(line, "login_id", login, "required")
        elif at is None:
            problem = RowProblem(line, "timestamp", raw_at, "not a date and time")
        elif raw_kind and raw_kind not in KINDS:
            problem = RowProblem(line, "kind", raw_kind, "expected in/masuk or out/keluar")
        if problem is not None:
            unparseable_count += 1
            _listed(report.unparseable, problem)
            continue
        assert at is not None
        user = users.get(login)
        if user is None:
            unknown_count += 1
            _listed(report.unknown_login_ids, RowProblem(line, "login_id", login, "unknown"))
            continue
        at = at.replace(microsecond=0)
        punches.append(
            _Punch(
                line=line,
                user=user["id"],
                device=device,
                at=at,
                kind=KINDS[raw_kind] if raw_kind else None,
                day=rules.local_day(at, TZ),
                client_id=_client_id(device, at),
            )
        )
    if not punches:
        return report

    user_ids = sorted({p.user for p in punches})
    first_day = min(p.day for p in punches)
    last_day = max(p.day for p in punches)
    start = datetime.combine(first_day, datetime.min.time(), TZ)
    end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), TZ)
    stored: list[dict[str, Any]] = []
    for chunk in _chunks(user_ids):
        stored += await CheckIn.select(
            CheckIn.user, CheckIn.client_id, CheckIn.kind, CheckIn.occurred_at, CheckIn.source
        ).where(
            CheckIn.user.is_in(list(chunk))
            & (CheckIn.occurred_at >= start)
            & (CheckIn.occurred_at < end)
        )
    present = {(r["user"], r["client_id"]) for r in stored}
    # The earliest device punch per officer-day among stored ones and the file's.
    device_first: dict[tuple[int, date], datetime] = {}
    for row in stored:
        if row["source"] == "device" and row["kind"] == "in":
            key = (row["user"], rules.local_day(row["occurred_at"], TZ))
            device_first[key] = min(device_first.get(key, row["occurred_at"]), row["occurred_at"])
    earliest_new: dict[tuple[int, date], datetime] = {}
    for punch in punches:
        key = (punch.user, punch.day)
        earliest_new[key] = min(earliest_new.get(key, punch.at), punch.at)

    calendars: dict[int, WorkingCalendar] = {}
    agency_of = {u["id"]: u["agency"] for u in users.values()}
    device_office = {
        (r["agency"], r["code"]): r["office"]
        for r in await PunchDevice.select(
            PunchDevice.agency, PunchDevice.code, PunchDevice.office
        ).where(PunchDevice.agency.is_in(sorted(set(agency_of.values()))))
    }
    new_rows: list[CheckIn] = []
    seen: set[tuple[int, str]] = set()
    outside_count = 0
    for punch in sorted(punches, key=lambda p: p.at):
        agency = agency_of[punch.user]
        if agency not in calendars:
            calendars[agency] = await calendar_admin.working_calendar(agency)
        if not calendars[agency].is_working_day(punch.day):
            outside_count += 1
            _listed(
                report.outside_working_days,
                RowProblem(punch.line, "timestamp", punch.at.isoformat(), "not a working day"),
            )
        once = (punch.user, punch.client_id)
        if once in present or once in seen:
            report.already_present += 1
            continue
        seen.add(once)
        day_key = (punch.user, punch.day)
        kind = punch.kind
        if kind is None:
            stored_first = device_first.get(day_key)
            is_first = punch.at == earliest_new[day_key] and (
                stored_first is None or punch.at < stored_first
            )
            kind = "in" if is_first else "out"
        if kind == "in":
            device_first[day_key] = min(device_first.get(day_key, punch.at), punch.at)
        new_rows.append(
            sign_new_row(
                CheckIn(
                    user=punch.user,
                    client_id=punch.client_id,
                    kind=kind,
                    occurred_at=punch.at,
                    received_at=datetime.now(UTC),
                    status="inside",
                    office=device_office.get((agency, punch.device)),
                    status_reason=f"device:{punch.device}",
                    approval="not_needed",
                    source="device",
                    findings=[],
                )
            )
        )
    report.imported = len(new_rows)
    without_office: dict[str, int] = {}
    for punch in punches:
        if device_office.get((agency_of[punch.user], punch.device)) is None:
            without_office[punch.device] = without_office.get(punch.device, 0) + 1
    report.devices_without_office = [DevicePunches(c, n) for c, n in sorted(without_office.items())]

    # Officer-days where the device and the phone disagree on the first check-in.
    phone_first: dict[tuple[int, date], datetime] = {}
    for row in stored:
        if row["source"] != "device" and row["kind"] == "in":
            key = (row["user"], rules.local_day(row["occurred_at"], TZ))
            phone_first[key] = min(phone_first.get(key, row["occurred_at"]), row["occurred_at"])
    login_of = {u["id"]: (u["login_id"], u["name"]) for u in users.values()}
    for key in sorted({(p.user, p.day) for p in punches}):
        device_at, phone_at = device_first.get(key), phone_first.get(key)
        if device_at is None or phone_at is None:
            continue
        apart = abs(device_at - phone_at)
        if apart > timedelta(minutes=DISAGREEMENT_MINUTES):
            login, name = login_of[key[0]]
            report.disagreements.append(
                Disagreement(
                    login_id=login,
                    name=name,
                    day=key[1],
                    device_first_in=device_at,
                    phone_first_in=phone_at,
                    minutes_apart=int(apart.total_seconds() // 60),
                )
            )

    if not dry_run and new_rows:
        async with write_transaction():
            for rows in _chunks(new_rows):
                # A concurrent import of the same punches: the unique index keeps one.
                await CheckIn.insert(*rows).on_conflict(action="DO NOTHING")
            await audit.record(
                "attendance.punches.import",
                actor_id=actor_id,
                agency_id=agency_id,
                target_type="check_in",
                detail={
                    "rows": report.rows_read,
                    "imported": report.imported,
                    "alreadyPresent": report.already_present,
                    "unknown": unknown_count,
                    "unparseable": unparseable_count,
                },
            )
        await _recompute_days(
            {(row.user, rules.local_day(row.occurred_at, TZ)) for row in new_rows},
            "punches_imported",
        )
    return report


async def _recompute_days(user_days: set[tuple[Any, date]], reason: str) -> None:
    """The issues of the imported officer-days, recomputed: an "absent" on a day the device
    saw the officer, or on leave, closes with its reason."""
    spans: dict[int, tuple[date, date]] = {}
    for user, day in user_days:
        first, last = spans.get(int(user), (day, day))
        spans[int(user)] = (min(first, day), max(last, day))
    for user, (first, last) in sorted(spans.items()):
        await issues.recompute_issues([user], first, last, reason)


async def import_leave(
    csv_text: str, *, agency_id: int | None, dry_run: bool = False, actor_id: int | None = None
) -> LeaveReport:
    columns, records = _read(csv_text, LEAVE_COLUMNS, LEAVE_REQUIRED)
    report = LeaveReport(dry_run=dry_run, rows_read=len(records))
    users = await _users_by_login(
        (normalise_login_id(r.get(columns["login_id"], "")) for r in records), agency_id
    )
    wanted: list[tuple[int, int, date, date, str]] = []
    for line, record in enumerate(records, start=2):
        login = normalise_login_id(record.get(columns["login_id"], ""))
        raw_start = record.get(columns["start"], "")
        raw_end = record.get(columns["end"], "")
        kind = record.get(columns["kind"], "").strip()[:64] if "kind" in columns else ""
        start, end = parse_day(raw_start), parse_day(raw_end)
        if not login:
            _listed(report.unparseable, RowProblem(line, "login_id", login, "required"))
        elif start is None:
            _listed(report.unparseable, RowProblem(line, "start", raw_start, "not a date"))
        elif end is None:
            _listed(report.unparseable, RowProblem(line, "end", raw_end, "not a date"))
        elif end < start:
            _listed(report.unparseable, RowProblem(line, "end", raw_end, "before the start"))
        elif (end - start).days > 366:
            _listed(report.unparseable, RowProblem(line, "end", raw_end, "longer than a year"))
        elif login not in users:
            _listed(report.unknown_login_ids, RowProblem(line, "login_id", login, "unknown"))
        else:
            wanted.append((line, users[login]["id"], start, end, kind))
    if not wanted:
        return report
    user_ids = sorted({w[1] for w in wanted})
    present: set[tuple[int, date, date, str]] = set()
    for chunk in _chunks(user_ids):
        for row in await LeaveRecord.select(
            LeaveRecord.user, LeaveRecord.start, LeaveRecord.end, LeaveRecord.kind
        ).where(LeaveRecord.user.is_in(list(chunk))):
            present.add((row["user"], row["start"], row["end"], row["kind"]))
    new_rows = []
    for _line, user, start, end, kind in wanted:
        key = (user, start, end, kind)
        if key in present:
            report.already_present += 1
            continue
        present.add(key)
        new_rows.append(LeaveRecord(user=user, start=start, end=end, kind=kind))
    report.imported = len(new_rows)
    if not dry_run and new_rows:
        async with write_transaction():
            for leave_rows in _chunks(new_rows):
                await LeaveRecord.insert(*leave_rows).on_conflict(action="DO NOTHING")
            await audit.record(
                "attendance.leave.import",
                actor_id=actor_id,
                agency_id=agency_id,
                target_type="leave_record",
                detail={"rows": report.rows_read, "imported": report.imported},
            )
        for leave in new_rows:
            await issues.recompute_issues(
                [int(leave.user)], leave.start, leave.end, "leave_imported"
            )
    return report


def decode_csv(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def is_leave_file(path: Path) -> bool:
    return path.name.lower().startswith(("leave", "cuti"))


async def import_folder(folder: Path) -> list[str]:
    """Imports every CSV in `folder` (names starting with "leave"/"cuti" as leave, the others as
    punches) for all agencies and moves each to `folder/done/` with its report beside it
    (`<name>.report.json`). A file that cannot be read gets its error as the report."""
    results: list[str] = []
    for path in await asyncio.to_thread(_csv_files, folder):
        try:
            text = decode_csv(await asyncio.to_thread(path.read_bytes))
            report: Any = (
                await import_leave(text, agency_id=None)
                if is_leave_file(path)
                else await import_punches(text, agency_id=None)
            )
            payload = msgspec.json.encode(report)
            results.append(f"{path.name}: {report.imported} imported")
        except Invalid as error:
            payload = json.dumps({"error": error.code, **error.params}).encode()
            results.append(f"{path.name}: {error.code}")
        await asyncio.to_thread(_file_away, path, payload)
    return results


def _csv_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def _file_away(path: Path, report: bytes) -> None:
    done = path.parent / "done"
    done.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = done / f"{path.stem}-{stamp}{path.suffix}"
    shutil.move(str(path), target)
    target.with_name(target.name + ".report.json").write_bytes(report)


async def run_cli_import(file: str, what: str, dry_run: bool) -> tuple[str, int]:
    """`python -m api import-punches|import-leave FILE [--dry-run]`: (report as JSON, exit code)."""
    try:
        text = decode_csv(await asyncio.to_thread(Path(file).read_bytes))
    except OSError as error:
        return f"hadir: cannot read {file}: {error.strerror}", 2
    try:
        report: Any = (
            await import_leave(text, agency_id=None, dry_run=dry_run)
            if what == "leave"
            else await import_punches(text, agency_id=None, dry_run=dry_run)
        )
    except Invalid as error:
        return f"hadir: {error.code} {json.dumps(error.params)}", 1
    return msgspec.json.format(msgspec.json.encode(report), indent=2).decode(), 0


# --- devices -------------------------------------------------------------------------------


class DeviceIn(msgspec.Struct, rename="camel"):
    office_id: Id | None = None


class DeviceOut(msgspec.Struct, rename="camel"):
    code: str
    office_id: int | None
    office_name: str
    # When the device was registered at its current office (or last re-registered).
    updated_at: datetime


async def devices(agency_id: int) -> list[DeviceOut]:
    rows = (
        await PunchDevice.select(
            PunchDevice.code,
            PunchDevice.office,
            PunchDevice.office.name.as_alias("office_name"),
            PunchDevice.updated_at,
        )
        .where(PunchDevice.agency == agency_id)
        .order_by(PunchDevice.code)
    )
    return [
        DeviceOut(r["code"], r["office"], r["office_name"] or "", r["updated_at"]) for r in rows
    ]


async def set_device(agency_id: int, code: str, data: DeviceIn, actor_id: int) -> DeviceOut:
    """Registers device `code` of the agency at an office of the same agency (idempotent)."""
    if not _DEVICE_ID.match(code):
        raise Invalid("device_code_invalid")
    office_name = ""
    if data.office_id is not None:
        office = (
            await Office.select(Office.name)
            .where((Office.id == data.office_id) & (Office.agency == agency_id))
            .first()
        )
        if office is None:
            raise NotFound()
        office_name = office["name"]
    now = datetime.now(UTC)
    async with write_transaction():
        where = (PunchDevice.agency == agency_id) & (PunchDevice.code == code)
        if await PunchDevice.exists().where(where):
            await PunchDevice.update(
                {PunchDevice.office: data.office_id, PunchDevice.updated_at: now}
            ).where(where)
        else:
            await PunchDevice.insert(
                PunchDevice(agency=agency_id, code=code, office=data.office_id, updated_at=now)
            )
        await audit.record(
            "attendance.punch_device.set",
            actor_id=actor_id,
            agency_id=agency_id,
            target_type="punch_device",
            target_id=code,
            detail={"officeId": data.office_id},
        )
    return DeviceOut(code, data.office_id, office_name, now)


async def delete_device(agency_id: int, code: str, actor_id: int) -> None:
    async with write_transaction():
        where = (PunchDevice.agency == agency_id) & (PunchDevice.code == code)
        if not await PunchDevice.exists().where(where):
            raise NotFound()
        await PunchDevice.delete().where(where)
        await audit.record(
            "attendance.punch_device.delete",
            actor_id=actor_id,
            agency_id=agency_id,
            target_type="punch_device",
            target_id=code,
        )
