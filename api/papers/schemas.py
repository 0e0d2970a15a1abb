"""Request and response shapes of the papers API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import msgspec
from litestar.datastructures import UploadFile

from api.core.params import Id


@dataclass
class PaperUploadForm:
    """multipart/form-data: title, file, and optionally agendaItem and classification
    (TERBUKA, TERHAD or SULIT; empty = the meeting's own)."""

    title: str
    file: UploadFile
    agendaItem: Id | None = None
    classification: str = ""


@dataclass
class MeetingsImportForm:
    """multipart/form-data: a zip with committees.csv, members.csv, meetings.csv and the
    minutes PDFs; dryRun=true only checks."""

    file: UploadFile
    dryRun: bool = False


class PaperOut(msgspec.Struct, rename="camel"):
    id: int
    meeting_id: int
    agenda_item_id: int | None
    kind: str
    classification: str
    title: str
    file_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    download_count: int
    last_downloaded_at: datetime | None
    url: str  # the download address; saved offline under this key


class AgendaChoice(msgspec.Struct, rename="camel"):
    id: int
    position: int
    title: str


class PapersOut(msgspec.Struct, rename="camel"):
    meeting_id: int
    meeting_classification: str
    can_manage: bool
    max_bytes: int
    agenda_items: list[AgendaChoice]
    papers: list[PaperOut]
