"""Issue 16 defect 7: the feedback report's PDF and XLSX carry the classification marking and
the committee's name, show times in the agency's zone, and the PDF's subtitle wraps within
the page."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.minutes.conftest import Committee
from tests.minutes.test_actions_api import approved_with_actions, two_actions

LONG_NAME = (
    "Jawatankuasa Pemandu Transformasi Digital, Keselamatan Siber dan Tadbir Urus Data "
    "Sektor Awam Peringkat Kementerian"
)


def _local_minutes() -> set[str]:
    now = datetime.now(UTC).astimezone(ZoneInfo("Asia/Kuala_Lumpur"))
    return {f"{t:%d/%m/%Y %H:%M}" for t in (now - timedelta(minutes=1), now)}


async def test_report_files_are_marked_named_local_and_wrapped(
    sulit_committee: Committee,
) -> None:
    from api.meetings.tables import Committee as CommitteeTable

    committee = sulit_committee
    await CommitteeTable.update({CommitteeTable.name: LONG_NAME}).where(
        CommitteeTable.id == committee.id
    )
    meeting_id = await approved_with_actions(committee, **two_actions(committee))
    sec = await committee.client("secretary")
    base = f"/api/meetings/{meeting_id}/actions/report"
    report = (await sec.get(base)).json()
    assert (report["committeeName"], report["classification"]) == (LONG_NAME, "SULIT")
    assert report["timezone"] == "Asia/Kuala_Lumpur"

    r = await sec.get(f"{base}/download?format=pdf")
    assert r.status_code == 200
    pdf = PdfReader(io.BytesIO(r.content))
    for page in pdf.pages:
        lines = [line.strip() for line in page.extract_text().splitlines()]
        assert lines[0] == "SULIT" and lines[-1] == "SULIT"  # top and bottom of every page
    lines = [" ".join(line.split()) for line in pdf.pages[0].extract_text().splitlines()]
    text = " ".join(lines)
    assert "UTC" not in text and "(Asia/Kuala_Lumpur)" in text
    assert any(stamp in text for stamp in _local_minutes())
    # The long subtitle is broken into lines that fit, not one line running off the page.
    start = next(n for n, line in enumerate(lines) if line.startswith("Jawatankuasa Pemandu"))
    assert not lines[start].rstrip().endswith("lewat")
    assert any(line.rstrip().endswith("1 lewat") for line in lines[start + 1 : start + 3])
    assert " ".join(lines[start : start + 3]).count("Peringkat") == 1

    r = await sec.get(f"{base}/download?format=xlsx")
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    assert sheet["A1"].value == "SULIT"
    assert sheet.oddHeader.center.text == "SULIT" and sheet.oddFooter.center.text == "SULIT"
    assert sheet["A3"].value == f"Jawatankuasa: {LONG_NAME}"
    generated = str(sheet["A4"].value)
    assert "(Asia/Kuala_Lumpur)" in generated and "UTC" not in generated
    assert any(stamp in generated for stamp in _local_minutes())
