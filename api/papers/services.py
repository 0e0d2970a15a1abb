"""Meeting papers: upload, list, download and delete, with the confidentiality rules.

* Who: the committee's secretariat uploads and deletes; reading follows api.meetings.access
  with the stricter of the meeting's and the paper's classification (a SULIT paper in a TERHAD
  meeting is for committee members only). Anything not readable answers 404.
* Classification: empty means the meeting's own; a paper may be stricter than its meeting but
  never laxer (refused with a message rather than silently raised, so the uploader is never
  surprised by who can read it); RAHSIA / RAHSIA BESAR in any spelling are refused and audited
  (they may not be stored in Hadir at all).
* Type by content (api.papers.filetypes), size limit PAPER_MAX_BYTES (also enforced while the
  body is read: see the controller), stored under a server-made key.
* Delete: the secretariat, until the meeting's minutes are confirmed (then the record is
  locked); imported minutes are never deleted.
* SULIT: encrypted with a key of its own before it reaches the store; title and file name
  sealed in the row; no plaintext digest; every read audited.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import UTC, datetime
from typing import Any

import msgspec

from api.accounts import audit
from api.accounts.authz import Principal
from api.config import get_settings
from api.core.documents import (
    WrappedKey,
    decrypt_bytes,
    encrypt_bytes,
    open_text,
    register_sealed_text_column,
    seal_text,
)
from api.core.errors import AppError, Conflict, FieldError, Forbidden, Invalid, NotFound
from api.core.hooks import Question
from api.db import write_transaction
from api.files.store import get_store, new_key
from api.files.uploads import document_too_large as too_large
from api.meetings.access import (
    CLASSIFICATION_RANK,
    Classification,
    MeetingAccess,
    content_readable_meeting,
    is_forbidden_classification,
    managed_meeting,
    meeting_access,
    normalise_classification,
)
from api.meetings.confidential import agenda_purpose, opened
from api.meetings.tables import AgendaItem
from api.papers import filetypes
from api.papers.schemas import AgendaChoice, PaperOut, PapersOut
from api.papers.tables import Paper, PaperDownload

KINDS = ("paper", "minutes", "attachment")
MAX_TITLE = 255


def file_purpose(storage_key: str) -> str:
    return f"paper:{storage_key}"


def _title_purpose(row: dict[str, Any]) -> str:
    return f"paper-title:{row['storage_key']}"


def _name_purpose(row: dict[str, Any]) -> str:
    return f"paper-name:{row['storage_key']}"


register_sealed_text_column(Paper, "title", _title_purpose)
register_sealed_text_column(Paper, "file_name", _name_purpose)

# Once a meeting's minutes are confirmed the record is locked, papers included; the minutes area
# answers (api/minutes/piccolo_app.py).
MINUTES_CONFIRMED = Question("are the meeting's minutes confirmed")


class UnsupportedType(AppError):
    status_code = 415
    code = "paper_type_unsupported"


async def paper_classification(
    principal: Principal, access: MeetingAccess, raw: str, ip: str
) -> Classification:
    text = raw.strip()
    if not text:
        return access.classification
    if is_forbidden_classification(text):
        await audit.record(
            "paper.classification_refused",
            actor_id=principal.user_id,
            agency_id=principal.agency_id,
            target_type="meeting",
            target_id=access.meeting_id,
            ip=ip,
            detail={"given": text[:40]},
        )
        raise Invalid(
            "paper_classification_refused",
            errors=[FieldError("classification", "paper_classification_refused")],
        )
    try:
        level = Classification(normalise_classification(text))
    except ValueError:
        raise Invalid(
            "paper_classification_unknown",
            errors=[FieldError("classification", "paper_classification_unknown")],
        ) from None
    if CLASSIFICATION_RANK[level] < CLASSIFICATION_RANK[access.classification]:
        raise Invalid(
            "paper_classification_lower",
            params={"meeting": access.classification.value},
            errors=[FieldError("classification", "paper_classification_lower")],
        )
    return level


def clean_file_name(raw: str) -> str:
    """The last path component, without control characters, at most 200 characters."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = (stem[:190] + dot + extension) if dot else name[:200]
    return name or "fail"


def _stricter(access: MeetingAccess, classification: str) -> MeetingAccess:
    level = Classification(classification)
    if CLASSIFICATION_RANK[level] > CLASSIFICATION_RANK[access.classification]:
        return msgspec.structs.replace(access, classification=level)
    return access


def _out(row: dict[str, Any]) -> PaperOut:
    sulit = row["classification"] == Classification.SULIT
    title, file_name = row["title"], row["file_name"]
    if sulit:
        title = open_text(title, _title_purpose(row))
        file_name = open_text(file_name, _name_purpose(row))
    return PaperOut(
        id=row["id"],
        meeting_id=row["meeting"],
        agenda_item_id=row["agenda_item"],
        kind=row["kind"],
        classification=row["classification"],
        title=title,
        file_name=file_name,
        content_type=row["content_type"],
        size=row["size"],
        sha256=row["sha256"],
        uploaded_at=row["uploaded_at"],
        download_count=row["download_count"],
        last_downloaded_at=row["last_downloaded_at"],
        url=f"/api/papers/{row['id']}/content",
    )


class StoredPaper(msgspec.Struct, frozen=True):
    """What `store_paper` needs; used by uploads and by the import of past meetings."""

    meeting_id: int
    agenda_item_id: int | None
    kind: str
    classification: Classification
    title: str
    file_name: str
    content_type: str
    data: bytes
    uploaded_by: int | None


async def put_file(paper: StoredPaper) -> dict[str, Any]:
    """Puts the (encrypted when SULIT) file in the store and returns the row to insert."""
    key = new_key()
    row: dict[str, Any] = {
        "meeting": paper.meeting_id,
        "agenda_item": paper.agenda_item_id,
        "kind": paper.kind,
        "classification": paper.classification.value,
        "content_type": paper.content_type,
        "size": len(paper.data),
        "storage_key": key,
        "uploaded_by": paper.uploaded_by,
    }
    if paper.classification == Classification.SULIT:
        ciphertext, wrapped = encrypt_bytes(paper.data, file_purpose(key))
        row |= {
            "title": seal_text(paper.title, _title_purpose(row)),
            "file_name": seal_text(paper.file_name, _name_purpose(row)),
            "sha256": "",
            "wrapped_key": wrapped.wrapped,
            "key_id": wrapped.key_id,
        }
        await get_store().put(key, ciphertext)
    else:
        row |= {
            "title": paper.title,
            "file_name": paper.file_name,
            "sha256": hashlib.sha256(paper.data).hexdigest(),
        }
        await get_store().put(key, paper.data)
    return row


async def insert_paper(row: dict[str, Any]) -> int:
    inserted = await Paper.insert(Paper(**row)).returning(Paper.id)
    return int(inserted[0]["id"])


async def upload(
    principal: Principal,
    meeting_id: int,
    *,
    title: str,
    agenda_item_id: int | None,
    classification: str,
    file_name: str,
    data: bytes,
    ip: str = "",
) -> PaperOut:
    access = await managed_meeting(principal, meeting_id)
    title = " ".join(title.split())
    errors = []
    if not title:
        errors.append(FieldError("title", "paper_title_required"))
    elif len(title) > MAX_TITLE:
        errors.append(FieldError("title", "paper_title_too_long"))
    if errors:
        raise Invalid(errors=errors, params={"max": MAX_TITLE})
    level = await paper_classification(principal, access, classification, ip)
    if agenda_item_id is not None:
        found = await AgendaItem.exists().where(
            (AgendaItem.id == agenda_item_id) & (AgendaItem.meeting == meeting_id)
        )
        if not found:
            raise Invalid(
                "paper_agenda_item_invalid",
                errors=[FieldError("agendaItem", "paper_agenda_item_invalid")],
            )
    if len(data) > get_settings().paper_max_bytes:
        raise too_large()
    if not data:
        raise Invalid("paper_file_empty", errors=[FieldError("file", "paper_file_empty")])
    name = clean_file_name(file_name)
    try:
        detected = filetypes.detect(data, name)
    except filetypes.UnknownType:
        raise UnsupportedType(params={"allowed": filetypes.ALLOWED_EXTENSIONS}) from None
    except filetypes.Mismatch as mismatch:
        raise UnsupportedType(
            "paper_type_mismatch",
            params={
                "detected": sorted(filetypes.EXTENSIONS[mismatch.detected])[0].upper(),
                "extension": mismatch.extension or "-",
            },
        ) from None
    row = await put_file(
        StoredPaper(
            meeting_id=meeting_id,
            agenda_item_id=agenda_item_id,
            kind="paper",
            classification=level,
            title=title,
            file_name=name,
            content_type=detected.content_type,
            data=data,
            uploaded_by=principal.user_id,
        )
    )
    try:
        async with write_transaction():
            paper_id = await insert_paper(row)
            await audit.record(
                "paper.upload",
                actor_id=principal.user_id,
                agency_id=access.agency_id,
                target_type="paper",
                target_id=paper_id,
                ip=ip,
                detail={
                    "meeting": meeting_id,
                    "classification": level.value,
                    "size": len(data),
                    "type": detected.content_type,
                },
            )
    except BaseException:
        await get_store().delete(row["storage_key"])
        raise
    saved = await Paper.select().where(Paper.id == paper_id).first()
    assert saved is not None
    return _out(saved)


async def list_papers(principal: Principal, meeting_id: int, ip: str = "") -> PapersOut:
    access = await content_readable_meeting(principal, meeting_id)
    rows = await Paper.select().where(Paper.meeting == meeting_id).order_by(Paper.id)
    visible = [r for r in rows if _stricter(access, r["classification"]).can_read_content]
    sulit = [r["id"] for r in visible if r["classification"] == Classification.SULIT]
    if sulit:
        # Titles of SULIT papers are SULIT content: reading them is audited too.
        await audit.record(
            "paper.list",
            actor_id=principal.user_id,
            agency_id=access.agency_id,
            target_type="meeting",
            target_id=meeting_id,
            ip=ip,
            detail={"sulit_papers": sulit},
        )
    items = await (
        AgendaItem.select(AgendaItem.id, AgendaItem.position, AgendaItem.title)
        .where(AgendaItem.meeting == meeting_id)
        .order_by(AgendaItem.position)
    )
    return PapersOut(
        meeting_id=meeting_id,
        meeting_classification=access.classification.value,
        can_manage=access.can_manage,
        max_bytes=get_settings().paper_max_bytes,
        agenda_items=[
            AgendaChoice(
                id=i["id"],
                position=i["position"],
                title=opened(i["title"], agenda_purpose(meeting_id)),
            )
            for i in items
        ],
        papers=[_out(r) for r in visible],
    )


async def _readable_paper(principal: Principal, paper_id: int) -> dict[str, Any]:
    row = await Paper.select().where(Paper.id == paper_id).first()
    if row is None:
        raise NotFound()
    access = await meeting_access(principal, row["meeting"])
    if access is None or not _stricter(access, row["classification"]).can_read_content:
        raise NotFound()
    row["agency"] = access.agency_id
    return row


class Download(msgspec.Struct, frozen=True):
    paper: PaperOut
    data: bytes


async def download(principal: Principal, paper_id: int, ip: str = "") -> Download:
    """The paper's content (decrypted when SULIT); the download is counted, and for SULIT
    audited, before anything is returned."""
    row = await _readable_paper(principal, paper_id)
    stored = await get_store().get(row["storage_key"])
    if row["classification"] == Classification.SULIT:
        data = decrypt_bytes(
            stored,
            WrappedKey(wrapped=row["wrapped_key"], key_id=row["key_id"]),
            file_purpose(row["storage_key"]),
        )
    else:
        data = stored
    async with write_transaction():
        await Paper.update(
            {
                Paper.download_count: Paper.download_count + 1,
                Paper.last_downloaded_at: datetime.now(UTC),
            }
        ).where(Paper.id == paper_id)
        await PaperDownload.insert(PaperDownload(paper=paper_id, user=principal.user_id))
        if row["classification"] == Classification.SULIT:
            await audit.record(
                "paper.read",
                actor_id=principal.user_id,
                agency_id=row["agency"],
                target_type="paper",
                target_id=paper_id,
                ip=ip,
                detail={"meeting": row["meeting"]},
            )
    return Download(paper=_out(row), data=data)


class DownloadOut(msgspec.Struct, rename="camel"):
    user_id: int
    name: str
    at: datetime


async def download_log(principal: Principal, paper_id: int) -> list[DownloadOut]:
    """Who downloaded the paper and when, newest first: for the committee's secretariat."""
    row = await _readable_paper(principal, paper_id)
    access = await meeting_access(principal, row["meeting"])
    if access is None or not access.can_manage:
        raise Forbidden()
    rows = (
        await PaperDownload.select(
            PaperDownload.user, PaperDownload.at, PaperDownload.user.name.as_alias("name")
        )
        .where(PaperDownload.paper == paper_id)
        .order_by(PaperDownload.at, ascending=False)
        .order_by(PaperDownload.id, ascending=False)
        .limit(1000)
    )
    return [DownloadOut(user_id=r["user"], name=r["name"], at=r["at"]) for r in rows]


async def delete(principal: Principal, paper_id: int, ip: str = "") -> None:
    row = await Paper.select().where(Paper.id == paper_id).first()
    if row is None:
        raise NotFound()
    access = await meeting_access(principal, row["meeting"])
    if access is None or not _stricter(access, row["classification"]).can_read_content:
        raise NotFound()
    access = await managed_meeting(principal, row["meeting"])
    if row["kind"] == "minutes":
        raise Conflict("paper_minutes_kept")
    async with write_transaction():
        # Once the meeting's minutes are confirmed the record is locked, papers included.
        if await MINUTES_CONFIRMED.any(row["meeting"]):
            raise Conflict("paper_meeting_locked")
        await Paper.delete().where(Paper.id == paper_id)
        await audit.record(
            "paper.delete",
            actor_id=principal.user_id,
            agency_id=access.agency_id,
            target_type="paper",
            target_id=paper_id,
            ip=ip,
            detail={"meeting": row["meeting"], "classification": row["classification"]},
        )
    # After the commit: a failure here leaves an unreferenced file, never a row without one.
    await get_store().delete(row["storage_key"])
