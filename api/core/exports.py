"""CSV and XLSX exports that never run what people typed (CSV / formula injection, OWASP).

A spreadsheet treats a cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return
before one) as a formula: a committee named `=HYPERLINK(...)` would become a live link or
worse in the reader's spreadsheet. Every exporter writes its rows through here:

- CSV has no cell types, so such text gets a leading apostrophe, which spreadsheets read as
  "this is text" (`'=1+2` shows as text);
- XLSX cells holding text are written as text cells (never formulas), and those starting with
  a trigger also get Excel's quote prefix, so editing the cell does not turn it into one.

Numbers, dates and empty cells are written as they are: a negative number stays a number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def csv_cell(value: Any) -> Any:
    """The value to write in a CSV cell: text that could start a formula is quoted."""
    return "'" + value if is_formula_like(value) else value


class SafeCsvWriter:
    """`csv.writer` whose rows go through `csv_cell`."""

    def __init__(self, stream: Any, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: Any, **options: Any) -> SafeCsvWriter:
    return SafeCsvWriter(stream, **options)


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Appends a row to an XLSX sheet; text is always a text cell, never a formula."""
    values = list(values)
    sheet.append(values)
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and value:
            cell = sheet.cell(row=row, column=column)
            cell.data_type = "s"
            if is_formula_like(value):
                cell.quotePrefix = True
