"""The CSV import kit every importer builds on: parse → pure plan → write.

1. `read_table` decodes the file (UTF-8 with or without BOM; ',', ';' or tab, sniffed), lower-
   cases the header and maps each importer's column aliases (English or Malay) to canonical
   names, so a row is a `Record` with a `get(column)` and its line number in the file.
2. The importer turns the records and what it read from the database into a plan with a pure
   function: no I/O, so it is tested without a database and a dry run is the plan alone.
3. The importer writes the plan in one transaction, all or nothing.

Every problem is a `RowError`: line number (the header is line 1), canonical column, a message
code with its parameters. `RowError.reason(language)` renders it in Malay or English from
`MESSAGES` (importers add their own codes with `register_messages`), so one file rejected for
a Malay user reads in Malay.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MESSAGES: dict[str, dict[str, str]] = {
    "unreadable": {
        "ms": "Fail tidak dapat dibaca sebagai CSV: {detail}",
        "en": "The file cannot be read as CSV: {detail}",
    },
    "column_missing": {
        "ms": "Lajur ini tiada dalam baris tajuk.",
        "en": "This column is missing from the header.",
    },
    "too_many_rows": {
        "ms": "Lebih daripada {limit} baris; pecahkan fail.",
        "en": "More than {limit} rows; split the file.",
    },
    "required": {"ms": "Wajib diisi.", "en": "Required."},
    "too_long": {
        "ms": "Melebihi {limit} aksara.",
        "en": "Longer than {limit} characters.",
    },
    "duplicate": {
        "ms": "Berulang (kali pertama pada baris {line}).",
        "en": "Appears again (first on line {line}).",
    },
}


def register_messages(messages: Mapping[str, Mapping[str, str]]) -> None:
    """An importer's own row messages (code → {"ms": …, "en": …})."""
    for code, texts in messages.items():
        MESSAGES[code] = dict(texts)


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def reason(self, language: str = "ms") -> str:
        texts = MESSAGES.get(self.code)
        if texts is None:
            return self.code
        template = texts.get(language) or texts["ms"]
        try:
            return template.format(**self.params)
        except (KeyError, IndexError):
            return template


class Rejected(Exception):
    """The file is rejected: every problem found, nothing written."""

    def __init__(self, errors: Sequence[RowError], rows: int = 0) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = sorted(errors, key=lambda e: (e.row, e.column))
        self.rows = rows


@dataclass(frozen=True, slots=True)
class Record:
    line: int
    values: Mapping[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True, slots=True)
class Table:
    columns: frozenset[str]
    records: list[Record]


def decode(body: bytes) -> str:
    """UTF-8 (the BOM dropped); a file saved by an old spreadsheet as Windows-1252 still reads."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("cp1252", errors="replace")
    return text.lstrip("\ufeff")


def read_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """The lower-cased header and the rows as header → trimmed value (no alias mapping)."""
    text = text.lstrip("\ufeff")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    rows = [{k: (v or "").strip() for k, v in record.items() if k is not None} for record in reader]
    return header, rows


def read_table(
    text: str,
    aliases: Mapping[str, Iterable[str]],
    *,
    required: Iterable[str] = (),
    max_rows: int = 20_000,
) -> Table:
    """The file's records under canonical column names. Raises `Rejected` for an unreadable
    file, a missing required column or too many rows (nothing else is checked here)."""
    try:
        header, rows = read_rows(text)
    except (csv.Error, UnicodeError) as error:
        raise Rejected([RowError(1, "", "unreadable", {"detail": str(error)})]) from None
    found: dict[str, str] = {}
    for canonical, names in aliases.items():
        for name in names:
            if name in header:
                found[canonical] = name
                break
    missing = [RowError(1, c, "column_missing") for c in required if c not in found]
    if missing:
        raise Rejected(missing, rows=len(rows))
    if len(rows) > max_rows:
        raise Rejected([RowError(1, "", "too_many_rows", {"limit": max_rows})], rows=len(rows))
    records = [
        Record(line, {c: row.get(name, "") for c, name in found.items()})
        for line, row in enumerate(rows, start=2)  # line 1 is the header
    ]
    return Table(columns=frozenset(found), records=records)


def split_list(raw: str) -> list[str]:
    """A list inside one cell: "HQ; BR-KDH" or "HQ|BR-KDH" (commas would split the row)."""
    return [part.strip() for part in re.split(r"[;|]", raw) if part.strip()]


def check_length(record: Record, limits: Mapping[str, int]) -> list[RowError]:
    return [
        RowError(record.line, column, "too_long", {"limit": limit})
        for column, limit in limits.items()
        if len(record.get(column)) > limit
    ]
