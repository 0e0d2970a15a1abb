"""What a file really is, decided from its bytes, and whether its name agrees.

Allowed: PDF, Word/Excel/PowerPoint (OOXML), PNG, JPEG, plain text and CSV. Detection uses
magic bytes, and for OOXML (a zip container) the members that only that format has; text must
decode as UTF-8 with no NUL bytes. The served Content-Type is the detected one, never the
client's claim. Standard library only: the set is small and fixed, so a sniffing library
(filetype, puremagic) would add a dependency for six comparisons, and neither looks inside
zip containers (a .docx and a renamed .zip look the same to them).
"""

from __future__ import annotations

import io
import zipfile

import msgspec

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PNG = "image/png"
JPEG = "image/jpeg"
TEXT = "text/plain"
CSV = "text/csv"

EXTENSIONS: dict[str, frozenset[str]] = {
    PDF: frozenset({"pdf"}),
    DOCX: frozenset({"docx"}),
    XLSX: frozenset({"xlsx"}),
    PPTX: frozenset({"pptx"}),
    PNG: frozenset({"png"}),
    JPEG: frozenset({"jpg", "jpeg"}),
    TEXT: frozenset({"txt"}),
    CSV: frozenset({"csv"}),
}
ALLOWED_EXTENSIONS = ", ".join(sorted({e for exts in EXTENSIONS.values() for e in exts}))

_OOXML_MEMBERS = (
    ("word/document.xml", DOCX),
    ("xl/workbook.xml", XLSX),
    ("ppt/presentation.xml", PPTX),
)


class Detected(msgspec.Struct, frozen=True):
    content_type: str
    extension: str


class UnknownType(Exception):
    """The content is none of the allowed types."""


class Mismatch(Exception):
    """The content is an allowed type, but the file name says otherwise."""

    def __init__(self, detected: str, extension: str) -> None:
        super().__init__(detected)
        self.detected = detected
        self.extension = extension


def _ooxml(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for member, kind in _OOXML_MEMBERS:
        if member in names:
            return kind
    return None


def _text(data: bytes, extension: str) -> str | None:
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return CSV if extension == "csv" else TEXT


def sniff(data: bytes, extension: str = "") -> str:
    """The content type of `data`, or UnknownType."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        kind = _ooxml(data)
        if kind:
            return kind
        raise UnknownType()
    kind = _text(data, extension) if data else None
    if kind:
        return kind
    raise UnknownType()


def extension_of(file_name: str) -> str:
    name = file_name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


def detect(data: bytes, file_name: str) -> Detected:
    """The type of the content, checked against the file name's extension."""
    extension = extension_of(file_name)
    content_type = sniff(data, extension)
    # Plain text named .csv (or the other way round) is the same thing.
    same_text = content_type in (TEXT, CSV) and extension in ("txt", "csv")
    if extension not in EXTENSIONS[content_type] and not same_text:
        raise Mismatch(content_type, extension)
    return Detected(content_type=content_type, extension=extension)
