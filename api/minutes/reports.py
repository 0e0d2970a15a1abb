"""The feedback report of a meeting as files: XLSX (openpyxl) and PDF (fpdf2).

Both carry the classification marking (on every PDF page, top and bottom; in the sheet's first
row and its printed header and footer) and the committee's name; times are in the agency's
time zone."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from api.core.exports import append_row
from api.minutes.schemas import ReportOut

STATUS_MS = {
    "open": "Belum mula",
    "in_progress": "Dalam tindakan",
    "done": "Selesai",
    "dropped": "Digugurkan",
}
HEADERS = ("Bil.", "Tindakan", "Oleh", "Tarikh akhir", "Status", "Maklum balas terkini")
# A Unicode TrueType font renders any name or Malay text; without it the PDF falls back to a
# core font (Latin-1), replacing what it cannot show.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _row(n: int, report: ReportOut) -> tuple[str, ...]:
    a = report.actions[n]
    status = STATUS_MS.get(a.status, a.status) + (" (LEWAT)" if a.overdue else "")
    feedback = a.latest_feedback.text if a.latest_feedback else ""
    due = a.due_date.strftime("%d/%m/%Y") if a.due_date else "-"
    return (str(n + 1), a.text, a.assignee or "-", due, status, feedback)


def _local(report: ReportOut) -> datetime:
    return report.generated_at.astimezone(ZoneInfo(report.timezone))


def _generated(report: ReportOut) -> str:
    """The agency's local time with its zone named: "07/12/2026 14:05 (Asia/Kuala_Lumpur)"."""
    return f"{_local(report):%d/%m/%Y %H:%M} ({report.timezone})"


def _subtitle(report: ReportOut) -> str:
    return (
        f"{report.committee_name} · {report.meeting_label} · dijana {_generated(report)} · "
        f"{len(report.actions)} tindakan, {report.overdue} lewat"
    )


def report_xlsx(report: ReportOut) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Maklum balas"
    append_row(sheet, [report.classification])
    sheet["A1"].font = Font(bold=True, size=12, color="B00020")
    append_row(sheet, [f"Laporan maklum balas: {report.meeting_title} ({report.meeting_label})"])
    sheet["A2"].font = Font(bold=True, size=13)
    append_row(sheet, [f"Jawatankuasa: {report.committee_name}"])
    append_row(sheet, [f"Dijana: {_generated(report)}"])
    sheet.append([])
    append_row(sheet, HEADERS)
    for cell in sheet[6]:
        cell.font = Font(bold=True)
    # The marking on every printed page as well.
    for part in (sheet.oddHeader.center, sheet.oddFooter.center):
        part.text = report.classification
        part.font = "Arial,Bold"
    late = PatternFill("solid", fgColor="FDE2E1")
    for n in range(len(report.actions)):
        append_row(sheet, _row(n, report))
        if report.actions[n].overdue:
            for cell in sheet[sheet.max_row]:
                cell.fill = late
    for column, width in zip("ABCDEF", (6, 50, 28, 14, 22, 50), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _font(pdf: FPDF) -> str:
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        return "DejaVu"
    return "Helvetica"


class _MarkedPdf(FPDF):
    """Landscape A4 with the classification marking at the top and bottom of every page."""

    marking = ""
    family = "Helvetica"

    def header(self) -> None:
        self.set_font(self.family, "B", 11)
        self.set_text_color(176, 0, 32)
        self.cell(0, 6, self.marking, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(1)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "B", 11)
        self.set_text_color(176, 0, 32)
        self.cell(0, 6, self.marking, align="C")
        self.set_text_color(0, 0, 0)


def report_pdf(report: ReportOut) -> bytes:
    pdf = _MarkedPdf(orientation="L", format="A4")
    pdf.set_title(f"Laporan maklum balas {report.meeting_label}")
    pdf.marking = report.classification
    family = _font(pdf)
    pdf.family = family
    pdf.add_page()

    def text(value: str) -> str:
        if family == "DejaVu":
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    pdf.set_font(family, "B", 14)
    pdf.multi_cell(
        0,
        8,
        text(f"Laporan maklum balas: {report.meeting_title}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(family, "", 10)
    # multi_cell: a long committee name or title wraps within the page instead of running off.
    pdf.multi_cell(0, 6, text(_subtitle(report)), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    widths = (10, 80, 40, 25, 35, 87)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5.5) as table:
        pdf.set_font(family, "", 9)
        header = table.row()  # the first row is the heading row (bold)
        for h in HEADERS:
            header.cell(text(h))
        for n in range(len(report.actions)):
            row = table.row()
            for value in _row(n, report):
                row.cell(text(value))
    return bytes(pdf.output())
