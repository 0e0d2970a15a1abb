"""XLSX reports with a title block (classification and agency first), streamed, and their rows
for CSV: every text cell goes through `api.core.exports.csv_cell`, so that nothing a person
typed runs as a formula (numbers, dates and times stay real cells)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from api.core.exports import csv_cell as safe_cell


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


class Sheet:
    """One worksheet: a title block (the classification and agency first), headings, rows."""

    def __init__(
        self,
        title: str,
        preamble: Sequence[str],
        headings: Sequence[str],
        widths: Sequence[int] = (),
    ) -> None:
        self.title = title[:31]
        self.preamble = list(preamble)
        self.headings = list(headings)
        self.widths = list(widths)
        self.rows: list[list[Any]] = []
        self.number_formats: dict[int, str] = {}

    def append(self, values: Iterable[Any]) -> None:
        self.rows.append(safe_row(values))


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as an XLSX file, streamed (openpyxl's write-only mode: rows are written as
    they come, so a month of an agency's check-ins does not sit in memory as cell objects)."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = book.create_sheet(spec.title)
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        heading_row = len(spec.preamble) + 1
        sheet.freeze_panes = f"A{heading_row + 1}"
        for line in spec.preamble:
            cell = WriteOnlyCell(sheet, value=safe_cell(line))
            cell.font = bold
            sheet.append([cell])
        headings = []
        for heading in safe_row(spec.headings):
            cell = WriteOnlyCell(sheet, value=heading)
            cell.font = bold
            headings.append(cell)
        sheet.append(headings)
        formats = {column - 1: f for column, f in spec.number_formats.items()}
        for values in spec.rows:
            if formats:
                values = list(values)
                for index, number_format in formats.items():
                    if index < len(values) and values[index] is not None:
                        cell = WriteOnlyCell(sheet, value=values[index])
                        cell.number_format = number_format
                        values[index] = cell
            sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
