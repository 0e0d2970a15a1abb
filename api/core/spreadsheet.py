"""Cells for CSV and XLSX exports that a spreadsheet cannot run as formulas.

A text cell beginning with = + - @, a tab or a carriage return is read as a formula by
spreadsheet programs (CSV injection, OWASP); such text gets a leading apostrophe, so it shows
as typed and never runs. Numbers, dates and times stay as they are (real cells in XLSX).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value`, with an apostrophe in front when it is text that would start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for spec in sheets:
        sheet = book.create_sheet(spec.title)
        for line in spec.preamble:
            sheet.append([safe_cell(line)])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.append(safe_row(spec.headings))
        heading_row = sheet.max_row
        for cell in sheet[heading_row]:
            cell.font = Font(bold=True)
        for values in spec.rows:
            sheet.append(values)
        for column, number_format in spec.number_formats.items():
            for row in sheet.iter_rows(min_row=heading_row + 1, min_col=column, max_col=column):
                for cell in row:
                    cell.number_format = number_format
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
        sheet.freeze_panes = sheet.cell(row=heading_row + 1, column=1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
