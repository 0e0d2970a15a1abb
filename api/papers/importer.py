"""Migration from the old system: committees, their members and past meetings (CSV), each past
meeting with its minutes as a PDF stored as a paper of kind "minutes".

Files (UTF-8, header row, any column order; `python -m api import-meetings DIR` or a zip
uploaded to POST /api/admin/meetings-import):

* committees.csv: code, name, unit_code (optional: an org unit's code), parent_code (optional)
* members.csv: committee_code, login_id, role (chair | secretariat | member, or in Malay
  pengerusi | urus setia | ahli), seniority
* meetings.csv: committee_code, number, year, title, starts_at, ends_at, venue, classification,
  minutes_pdf (a file name beside the CSVs; optional)

Every row of every file is checked first (and the PDFs by content); anything wrong and nothing
is written, with a message per row. Then everything is written in one transaction. Importing
the same files again changes nothing: committees are matched by code, members by committee and
login ID, meetings by committee, year and number (their Bil. numbers are kept, and each
committee's counter is raised past them so new meetings continue the sequence).

An empty cell leaves what is stored as it is (a committee's name or unit, a member's role or
seniority); for a new row it means the default (no unit, role member, seniority 100). The
messages per row are in the administrator's language.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from api.accounts import audit
from api.config import get_settings
from api.core.messages import message
from api.db import for_update, write_transaction
from api.files.store import get_store
from api.meetings.access import (
    Classification,
    CommitteeRole,
    is_forbidden_classification,
    role_from_text,
)
from api.meetings.confidential import seal_if_sulit, subject_purpose
from api.meetings.tables import Committee, CommitteeMember, Meeting, MeetingCounter
from api.org.tables import Agency, OrgUnit, User
from api.papers import filetypes
from api.papers.services import StoredPaper, insert_paper, put_file
from api.papers.tables import Paper

MAX_ROWS = 20_000
MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024  # uncompressed, all members together

COLUMNS = {
    "committees.csv": (("code", "name"), ("unit_code", "parent_code")),
    "members.csv": (("committee_code", "login_id", "role"), ("seniority",)),
    "meetings.csv": (
        ("committee_code", "number", "year", "title", "starts_at", "ends_at"),
        ("venue", "classification", "minutes_pdf"),
    ),
}


class RowResult(msgspec.Struct, rename="camel"):
    file: str
    line: int
    key: str
    status: str  # created | updated | unchanged | error
    message: str = ""


class ImportResult(msgspec.Struct, rename="camel"):
    ok: bool
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: list[RowResult] = []

    def lines(self) -> list[str]:
        out = [
            f"{r.file}:{r.line} {r.key} {r.status}{': ' + r.message if r.message else ''}"
            for r in self.rows
        ]
        verdict = "imported" if self.ok else "NOT imported (nothing was written)"
        out.append(
            f"hadir: {verdict}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {sum(r.status == 'error' for r in self.rows)} errors"
        )
        return out


class Source(msgspec.Struct):
    """The CSV texts and the other files (by plain file name)."""

    texts: dict[str, str]
    files: dict[str, bytes]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _plain_name(name: str) -> str | None:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base if base and base not in (".", "..") and not base.startswith(".") else None


def source_from_directory(directory: Path) -> Source:
    texts, files = {}, {}
    for path in sorted(directory.iterdir()):
        if not path.is_file():
            continue
        if path.name in COLUMNS:
            texts[path.name] = _decode(path.read_bytes())
        else:
            files[path.name] = path.read_bytes()
    return Source(texts=texts, files=files)


class BadArchive(Exception):
    pass


def source_from_zip(data: bytes) -> Source:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise BadArchive("not a zip file") from error
    with archive:
        members = [i for i in archive.infolist() if not i.is_dir()]
        if sum(i.file_size for i in members) > MAX_ARCHIVE_BYTES:
            raise BadArchive("archive too large when unpacked")
        texts, files = {}, {}
        for info in members:
            name = _plain_name(info.filename)
            if name is None:
                continue
            content = archive.read(info)
            if name in COLUMNS:
                texts[name] = _decode(content)
            else:
                files[name] = content
    return Source(texts=texts, files=files)


def _rows(
    source: Source, name: str, results: list[RowResult], language: str
) -> list[tuple[int, dict[str, str]]]:
    required, optional = COLUMNS[name]
    text = source.texts.get(name)
    if text is None:
        if name == "committees.csv":
            return []  # members and meetings of committees that already exist
        results.append(RowResult(name, 0, "", "error", message("mimport_file_missing", language)))
        return []
    reader = csv.DictReader(io.StringIO(text))
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        results.append(
            RowResult(
                name,
                1,
                "",
                "error",
                message("mimport_missing_columns", language, columns=", ".join(missing)),
            )
        )
        return []
    reader.fieldnames = header
    rows = []
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            results.append(
                RowResult(
                    name, number, "", "error", message("mimport_too_many", language, limit=MAX_ROWS)
                )
            )
            break
        row = {k: (v or "").strip() for k, v in raw.items() if k in required + optional}
        if any(row.values()):
            rows.append((number, row))
    return rows


def _when(text: str, zone: ZoneInfo) -> datetime:
    value = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    return value if value.tzinfo else value.replace(tzinfo=zone)


class _Plan(msgspec.Struct):
    committees: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    meetings: list[dict[str, Any]] = []


def _say(problems: list[tuple[str, dict[str, Any]]], language: str) -> str:
    return "; ".join(message(code, language, **params) for code, params in problems)


async def _validate(
    agency_id: int, source: Source, results: list[RowResult], language: str = "ms"
) -> _Plan:
    zone = ZoneInfo(get_settings().timezone)
    plan = _Plan()
    existing = {
        r["code"]: r["id"]
        for r in await Committee.select(Committee.id, Committee.code).where(
            Committee.agency == agency_id
        )
    }
    units = {
        r["code"]: r["id"]
        for r in await OrgUnit.select(OrgUnit.id, OrgUnit.code).where(
            (OrgUnit.agency == agency_id) & (OrgUnit.code != "")
        )
    }
    committee_rows = _rows(source, "committees.csv", results, language)
    in_file = {row["code"] for _, row in committee_rows if row.get("code")}
    known = set(existing) | in_file
    seen: set[str] = set()
    for line, row in committee_rows:
        problems: list[tuple[str, dict[str, Any]]] = []
        code, name = row["code"], row["name"]
        if not code or len(code) > 64:
            problems.append(("mimport_code", {}))
        elif code in seen:
            problems.append(("mimport_code_twice", {"code": code}))
        seen.add(code)
        if (not name and code not in existing) or len(name) > 255:
            problems.append(("mimport_name", {}))
        unit = row.get("unit_code", "")
        if unit and unit not in units:
            problems.append(("mimport_unit_unknown", {"unit": unit}))
        parent = row.get("parent_code", "")
        if parent and (parent not in known or parent == code):
            problems.append(("mimport_parent_unknown", {"parent": parent}))
        if problems:
            results.append(
                RowResult("committees.csv", line, code, "error", _say(problems, language))
            )
        else:
            plan.committees.append(
                {
                    "line": line,
                    "code": code,
                    "name": name or None,  # None: as it is
                    "unit": units.get(unit),
                    "unit_given": bool(unit),
                    "parent_code": parent or None,
                }
            )

    users = {
        r["login_id"]: r["id"]
        for r in await User.select(User.id, User.login_id).where(User.agency == agency_id)
    }
    pairs: set[tuple[str, str]] = set()
    for line, row in _rows(source, "members.csv", results, language):
        problems = []
        committee, login = row["committee_code"], row["login_id"]
        if committee not in known:
            problems.append(("mimport_committee_unknown", {"committee": committee}))
        if login not in users:
            problems.append(("mimport_person_unknown", {"login": login}))
        role = role_from_text(row["role"]) if row["role"] else None  # None: as it is
        if row["role"] and role is None:
            problems.append(("mimport_role", {}))
        seniority = row.get("seniority") or ""  # "": as it is
        if seniority and (not seniority.isdigit() or not 0 <= int(seniority) <= 100_000):
            problems.append(("mimport_seniority", {}))
        if (committee, login) in pairs:
            problems.append(("mimport_person_twice", {}))
        pairs.add((committee, login))
        key = f"{committee}/{login}"
        if problems:
            results.append(RowResult("members.csv", line, key, "error", _say(problems, language)))
        else:
            plan.members.append(
                {
                    "line": line,
                    "key": key,
                    "committee_code": committee,
                    "user": users[login],
                    "role": role,
                    "seniority": int(seniority) if seniority else None,
                }
            )

    numbers: set[tuple[str, int, int]] = set()
    limit = get_settings().paper_max_bytes
    for line, row in _rows(source, "meetings.csv", results, language):
        problems = []
        committee = row["committee_code"]
        if committee not in known:
            problems.append(("mimport_committee_unknown", {"committee": committee}))
        number = int(row["number"]) if row["number"].isdigit() else 0
        year = int(row["year"]) if row["year"].isdigit() else 0
        if not 1 <= number <= 100_000:
            problems.append(("mimport_number", {}))
        if not 1950 <= year <= 2100:
            problems.append(("mimport_year", {}))
        if (committee, year, number) in numbers:
            problems.append(("mimport_number_twice", {"label": f"Bil. {number}/{year}"}))
        numbers.add((committee, year, number))
        title = row["title"]
        if not title or len(title) > 255:
            problems.append(("mimport_title", {}))
        starts = ends = None
        try:
            starts = _when(row["starts_at"], zone)
            ends = _when(row["ends_at"], zone)
            if ends < starts:
                problems.append(("mimport_end_before_start", {}))
        except ValueError:
            problems.append(("mimport_times", {}))
        raw_level = row.get("classification") or "TERBUKA"
        level = None
        if is_forbidden_classification(raw_level):
            problems.append(("classification_too_high", {}))
        else:
            try:
                level = Classification(re.sub(r"\s+", "", raw_level.upper()))
            except ValueError:
                problems.append(("classification_invalid", {}))
        pdf_name = row.get("minutes_pdf", "")
        pdf = None
        if pdf_name:
            plain = _plain_name(pdf_name)
            pdf = source.files.get(plain) if plain == pdf_name else None
            if pdf is None:
                problems.append(("mimport_pdf_missing", {"name": pdf_name}))
            elif len(pdf) > limit:
                problems.append(("mimport_pdf_too_large", {"name": pdf_name}))
            else:
                try:
                    if filetypes.detect(pdf, pdf_name).content_type != filetypes.PDF:
                        problems.append(("mimport_pdf_not_pdf", {"name": pdf_name}))
                except (filetypes.UnknownType, filetypes.Mismatch):
                    problems.append(("mimport_pdf_not_pdf", {"name": pdf_name}))
        key = f"{committee} Bil. {number}/{year}"
        if problems:
            results.append(RowResult("meetings.csv", line, key, "error", _say(problems, language)))
        else:
            plan.meetings.append(
                {
                    "line": line,
                    "key": key,
                    "committee_code": committee,
                    "number": number,
                    "year": year,
                    "title": title,
                    "starts_at": starts,
                    "ends_at": ends,
                    "room": row.get("venue", "")[:255],
                    "classification": level,
                    "pdf_name": pdf_name,
                    "pdf": pdf,
                }
            )
    return plan


def _member_values(item: dict[str, Any], row: dict[str, Any]) -> tuple[str, int]:
    """Role and seniority after the import: an empty cell leaves the stored value as it is."""
    return (
        item["role"] or row["role"],
        item["seniority"] if item["seniority"] is not None else row["seniority"],
    )


async def _write(agency_id: int, plan: _Plan, results: list[RowResult], written: list[str]) -> None:
    ids = {
        r["code"]: r["id"]
        for r in await Committee.select(Committee.id, Committee.code).where(
            Committee.agency == agency_id
        )
    }
    for item in plan.committees:
        row = (
            await Committee.select(Committee.id, Committee.name, Committee.unit)
            .where((Committee.agency == agency_id) & (Committee.code == item["code"]))
            .first()
        )
        if row is None:
            ids[item["code"]] = (
                await Committee.insert(
                    Committee(
                        agency=agency_id, code=item["code"], name=item["name"], unit=item["unit"]
                    )
                ).returning(Committee.id)
            )[0]["id"]
            status = "created"
        else:
            # An empty cell leaves the stored value as it is.
            name = item["name"] or row["name"]
            unit = item["unit"] if item["unit_given"] else row["unit"]
            if (name, unit) != (row["name"], row["unit"]):
                await Committee.update({Committee.name: name, Committee.unit: unit}).where(
                    Committee.id == row["id"]
                )
                status = "updated"
            else:
                status = "unchanged"
        results.append(RowResult("committees.csv", item["line"], item["code"], status))
    for item in plan.committees:  # parents once every committee exists
        if item["parent_code"]:
            await Committee.update({Committee.parent: ids[item["parent_code"]]}).where(
                (Committee.id == ids[item["code"]])
                & ((Committee.parent.is_null()) | (Committee.parent != ids[item["parent_code"]]))
            )

    for item in plan.members:
        committee = ids[item["committee_code"]]
        row = (
            await CommitteeMember.select()
            .where(
                (CommitteeMember.committee == committee) & (CommitteeMember.user == item["user"])
            )
            .first()
        )
        if row is None:
            await CommitteeMember.insert(
                CommitteeMember(
                    committee=committee,
                    user=item["user"],
                    role=item["role"] or CommitteeRole.MEMBER.value,
                    seniority=item["seniority"] if item["seniority"] is not None else 100,
                )
            )
            status = "created"
        elif _member_values(item, row) != (row["role"], row["seniority"]):
            role, seniority = _member_values(item, row)
            await CommitteeMember.update(
                {CommitteeMember.role: role, CommitteeMember.seniority: seniority}
            ).where(CommitteeMember.id == row["id"])
            status = "updated"
        else:
            status = "unchanged"
        results.append(RowResult("members.csv", item["line"], item["key"], status))

    highest: dict[tuple[int, int], int] = {}
    for item in plan.meetings:
        committee = ids[item["committee_code"]]
        row = (
            await Meeting.select(Meeting.id)
            .where(
                (Meeting.committee == committee)
                & (Meeting.year == item["year"])
                & (Meeting.number == item["number"])
            )
            .first()
        )
        status = "unchanged"
        if row is None:
            meeting_id = (
                await Meeting.insert(
                    Meeting(
                        committee=committee,
                        year=item["year"],
                        number=item["number"],
                        title="" if item["classification"].value == "SULIT" else item["title"],
                        classification=item["classification"].value,
                        mode="physical",
                        room=item["room"],
                        starts_at=item["starts_at"],
                        ends_at=item["ends_at"],
                        status="scheduled",
                    )
                ).returning(Meeting.id)
            )[0]["id"]
            if item["classification"].value == "SULIT":
                await Meeting.update(
                    {
                        Meeting.title: seal_if_sulit(
                            item["title"], "SULIT", subject_purpose(meeting_id)
                        )
                    }
                ).where(Meeting.id == meeting_id)
            status = "created"
        else:
            meeting_id = row["id"]
        if item["pdf"] is not None:
            has_minutes = await Paper.exists().where(
                (Paper.meeting == meeting_id) & (Paper.kind == "minutes")
            )
            if not has_minutes:
                paper_row = await put_file(
                    StoredPaper(
                        meeting_id=meeting_id,
                        agenda_item_id=None,
                        kind="minutes",
                        classification=item["classification"],
                        title=f"Minit {item['title']}",
                        file_name=item["pdf_name"],
                        content_type=filetypes.PDF,
                        data=item["pdf"],
                        uploaded_by=None,
                    )
                )
                written.append(paper_row["storage_key"])
                await insert_paper(paper_row)
                status = "updated" if status == "unchanged" else status
        key = (committee, item["year"])
        highest[key] = max(highest.get(key, 0), item["number"])
        results.append(RowResult("meetings.csv", item["line"], item["key"], status))

    for (committee, year), number in highest.items():
        counter = await for_update(
            MeetingCounter.select(MeetingCounter.id, MeetingCounter.last_number).where(
                (MeetingCounter.committee == committee) & (MeetingCounter.year == year)
            )
        ).first()
        if counter is None:
            await MeetingCounter.insert(
                MeetingCounter(committee=committee, year=year, last_number=number)
            )
        elif counter["last_number"] < number:
            await MeetingCounter.update({MeetingCounter.last_number: number}).where(
                MeetingCounter.id == counter["id"]
            )


async def import_source(
    agency_id: int,
    source: Source,
    *,
    actor_id: int | None = None,
    dry_run: bool = False,
    ip: str = "",
    language: str = "ms",
) -> ImportResult:
    """`language`: of the messages per row (the administrator's)."""
    results: list[RowResult] = []
    plan = await _validate(agency_id, source, results, language)
    if results:  # only errors so far
        results.sort(key=lambda r: (list(COLUMNS).index(r.file), r.line))
        return ImportResult(ok=False, dry_run=dry_run, rows=results)
    if dry_run:
        return ImportResult(ok=True, dry_run=True, rows=[])
    written: list[str] = []
    try:
        async with write_transaction():
            await _write(agency_id, plan, results, written)
            counts = {
                s: sum(r.status == s for r in results) for s in ("created", "updated", "unchanged")
            }
            await audit.record(
                "meetings.import",
                actor_id=actor_id,
                agency_id=agency_id,
                target_type="agency",
                target_id=agency_id,
                ip=ip,
                detail=counts,
            )
    except BaseException:
        # The rows are rolled back; files put in a local store are removed too.
        for key in written:
            await get_store().delete(key)
        raise
    return ImportResult(
        ok=True,
        rows=results,
        created=counts["created"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
    )


async def import_directory(directory: Path, agency_code: str) -> ImportResult:
    agency = await Agency.select(Agency.id).where(Agency.code == agency_code).first()
    if agency is None:
        return ImportResult(
            ok=False, rows=[RowResult("", 0, agency_code, "error", "no agency with this code")]
        )
    if not await asyncio.to_thread(directory.is_dir):
        return ImportResult(
            ok=False, rows=[RowResult("", 0, str(directory), "error", "not a directory")]
        )
    source = await asyncio.to_thread(source_from_directory, directory)
    return await import_source(agency["id"], source)
