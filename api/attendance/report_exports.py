"""Report files built in the background: the agency-wide month of attendance transactions as
XLSX takes a minute or two to write (openpyxl, ~70 µs a cell), far too long for a request.

**Flow.** `request_export` checks the scope at once (a unit outside it answers 404 there and
then), records an audit event, writes a small status record and starts the build in this
process; the XLSX writing runs in a thread so the event loop keeps serving. The screen asks
for the status until it is `ready`, then downloads the file (audited too). Only the person who
asked can see the status or fetch the file; anyone else gets 404.

**Storage.** A generated export is transient: it lives under `var/exports/` (the status as
JSON beside the file), is deleted `EXPORT_TTL` after it was asked for (by every request here
and by the scheduler's `report-exports` job), and is deliberately not in backups — the data it
holds is in the database, which is. Attendance reports carry no SULIT content (meeting papers
and minutes are never in them); each sheet says TERHAD on top. A build that a restart cut off
is marked failed after `STALE_AFTER` and can be asked for again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Literal

import msgspec
import structlog

from api.accounts import audit
from api.accounts.authz import Principal
from api.attendance import exec_reports
from api.attendance.dashboard import _scope
from api.config import get_settings
from api.core.errors import Invalid, NotFound

log = structlog.get_logger("hadir.report_exports")

EXPORT_TTL = timedelta(hours=24)
STALE_AFTER = timedelta(hours=1)
# Larger transaction reports are refused as a direct XLSX download: they are built here.
DIRECT_XLSX_ROWS = 20_000
FORMATS = ("xlsx", "csv")
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
Status = Literal["pending", "ready", "failed"]

# Builds running in this process, kept so they are not garbage-collected mid-way.
_running: set[asyncio.Task[None]] = set()


class ExportOut(msgspec.Struct, rename="camel"):
    id: str
    report: str
    status: str
    file_format: str
    created_at: datetime
    expires_at: datetime
    file_name: str
    rows: int | None = None


@dataclass
class ExportRecord:
    id: str
    owner: int
    agency_id: int
    report: str
    file_format: str
    language: str
    unit: int | None
    officer: int | None
    first: str
    last: str
    status: str
    created_at: str
    expires_at: str
    file_name: str
    rows: int | None = None

    def out(self) -> ExportOut:
        return ExportOut(
            id=self.id,
            report=self.report,
            status=self.status,
            file_format=self.file_format,
            created_at=datetime.fromisoformat(self.created_at),
            expires_at=datetime.fromisoformat(self.expires_at),
            file_name=self.file_name,
            rows=self.rows,
        )


def exports_dir() -> Path:
    folder = get_settings().var_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _record_path(export_id: str) -> Path:
    return exports_dir() / f"{export_id}.json"


def _file_path(record: ExportRecord) -> Path:
    return exports_dir() / f"{record.id}.{record.file_format}"


def _save(record: ExportRecord) -> None:
    path = _record_path(record.id)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(record)), encoding="utf-8")
    temporary.replace(path)


def _load(export_id: str) -> ExportRecord | None:
    # Ids are ours (token_urlsafe): anything else is not a file name we hand out.
    if not export_id or not all(c.isalnum() or c in "-_" for c in export_id):
        return None
    try:
        return ExportRecord(**json.loads(_record_path(export_id).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _delete(record: ExportRecord) -> None:
    for path in (_file_path(record), _record_path(record.id)):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def purge_expired(now: datetime | None = None) -> int:
    """Deletes expired exports (file and status); marks builds cut off by a restart failed."""
    now = now or datetime.now(UTC)
    removed = 0
    for path in exports_dir().glob("*.json"):
        record = _load(path.stem)
        if record is None:
            continue
        if datetime.fromisoformat(record.expires_at) <= now:
            _delete(record)
            removed += 1
        elif (
            record.status == "pending"
            and datetime.fromisoformat(record.created_at) + STALE_AFTER <= now
        ):
            record.status = "failed"
            _save(record)
    return removed


async def request_export(
    principal: Principal,
    report: str,
    unit: int | None,
    first: date | None,
    last: date | None,
    officer: int | None,
    file_format: str,
    language: str,
    ip: str = "",
) -> ExportOut:
    """Starts building the transactions report as a file; its status (pending)."""
    if report != "transactions":
        raise NotFound()
    if file_format not in FORMATS:
        raise Invalid("export_format_invalid")
    purge_expired()
    # Scope and dates checked now, so a refusal is said to the person asking.
    probe = await exec_reports.transactions(principal, unit, first, last, officer, limit=1)
    agency_id, _ = await _scope(principal, unit)
    now = datetime.now(UTC)
    record = ExportRecord(
        id=secrets.token_urlsafe(18),
        owner=principal.user_id,
        agency_id=agency_id,
        report=report,
        file_format=file_format,
        language=language,
        unit=unit,
        officer=officer,
        first=probe.first.isoformat(),
        last=probe.last.isoformat(),
        status="pending",
        created_at=now.isoformat(),
        expires_at=(now + EXPORT_TTL).isoformat(),
        file_name=(
            f"transaksi-kehadiran-{probe.first.isoformat()}-{probe.last.isoformat()}.{file_format}"
        ),
        rows=probe.total,
    )
    _save(record)
    await audit.record(
        "report_export.request",
        actor_id=principal.user_id,
        agency_id=agency_id,
        target_type="report_export",
        target_id=record.id,
        ip=ip,
        detail={
            "report": report,
            "format": file_format,
            "unit": unit,
            "officer": officer,
            "from": record.first,
            "to": record.last,
        },
    )
    task = asyncio.create_task(_build(principal, record))
    _running.add(task)
    task.add_done_callback(_running.discard)
    return record.out()


async def _build(principal: Principal, record: ExportRecord) -> None:
    try:
        data = await exec_reports.transactions(
            principal,
            record.unit,
            date.fromisoformat(record.first),
            date.fromisoformat(record.last),
            record.officer,
        )
        writer = (
            exec_reports.report_xlsx if record.file_format == "xlsx" else exec_reports.report_csv
        )
        content = await asyncio.to_thread(writer, record.report, data, record.language)
        target = _file_path(record)
        temporary = target.with_suffix(".part")
        await asyncio.to_thread(temporary.write_bytes, content)
        temporary.replace(target)
        record.rows = len(data.rows)
        record.status = "ready"
    except Exception:
        log.exception("report export failed", export=record.id)
        record.status = "failed"
    if _load(record.id) is None:  # expired and purged meanwhile: nothing to keep
        with contextlib.suppress(FileNotFoundError):
            _file_path(record).unlink()
        return
    _save(record)


async def wait_for_builds() -> None:
    """For tests and shutdown: the builds started in this process, finished."""
    while _running:
        await asyncio.gather(*list(_running), return_exceptions=True)


def _own(principal: Principal, export_id: str) -> ExportRecord:
    purge_expired()
    record = _load(export_id)
    if record is None or record.owner != principal.user_id:
        raise NotFound()
    return record


def status_of(principal: Principal, export_id: str) -> ExportOut:
    return _own(principal, export_id).out()


async def download(principal: Principal, export_id: str, ip: str = "") -> tuple[bytes, str, str]:
    """(content, media type, file name) of a ready export; audited."""
    record = _own(principal, export_id)
    if record.status != "ready":
        raise Invalid("export_not_ready")
    try:
        content = _file_path(record).read_bytes()
    except FileNotFoundError:
        raise NotFound() from None
    await audit.record(
        "report_export.download",
        actor_id=principal.user_id,
        agency_id=record.agency_id,
        target_type="report_export",
        target_id=record.id,
        ip=ip,
        detail={"report": record.report, "format": record.file_format, "rows": record.rows},
    )
    return content, MEDIA[record.file_format], record.file_name
