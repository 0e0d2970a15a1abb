"""Temporary passwords in bulk, printed as sealed slips per unit (PDF, fpdf2).

After an import the administrator prints one slip per new person, grouped by unit (a unit
starts a new page, so each head of unit gets their own sheets), to cut and hand over folded.
The passwords exist only in that response: each is hashed at once (as a single temporary
password is, `api.accounts.services.issue_temporary_password`), never stored or logged in
clear, and printing again issues new ones (the old slips stop working). Every person goes
through the rank rule (`account_to_manage`) first, all or nothing; the batch is audited per
person (`temporary_password_issued`) and as a whole (`temporary_passwords_printed`).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fpdf import FPDF

from api.accounts import audit
from api.accounts import services as account_services
from api.accounts.authz import Principal
from api.core.errors import Forbidden, NotFound
from api.org.services import account_to_manage, agency_in_scope
from api.org.tables import OrgUnit, User

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SLIPS_PER_PAGE = 4
MALAYSIA = ZoneInfo("Asia/Kuala_Lumpur")
TEXT = {
    "ms": {
        "title": "SULIT PERIBADI — Kata laluan sementara Hadir",
        "name": "Nama",
        "login": "ID log masuk",
        "unit": "Unit",
        "password": "Kata laluan sementara",
        "expires": "Tamat",
        "hint": "Log masuk di Hadir, tukar kata laluan ini dan daftar faktor kedua. "
        "Jangan kongsi slip ini.",
        "no_unit": "(tiada unit)",
    },
    "en": {
        "title": "PERSONAL — Hadir temporary password",
        "name": "Name",
        "login": "Sign-in ID",
        "unit": "Unit",
        "password": "Temporary password",
        "expires": "Expires",
        "hint": "Sign in to Hadir, change this password and enrol a second factor. "
        "Do not share this slip.",
        "no_unit": "(no unit)",
    },
}


class Slip:
    def __init__(self, name: str, login_id: str, unit: str, password: str, expires: datetime):
        self.name, self.login_id, self.unit = name, login_id, unit
        self.password, self.expires = password, expires


async def _people(
    principal: Principal, agency_id: int, user_ids: list[int]
) -> list[dict[str, Any]]:

    rows = await User.select(User.id, User.agency, User.name, User.login_id, User.unit).where(
        User.id.is_in(user_ids)
    )
    if len(rows) != len(set(user_ids)) or any(r["agency"] != agency_id for r in rows):
        raise NotFound()
    if any(r["id"] == principal.user_id for r in rows):
        raise Forbidden("self_action")
    for row in rows:
        await account_to_manage(principal, row["id"], "temporary_password")
    return rows


async def issue_slips(
    principal: Principal, agency_id: int, user_ids: list[int], ip: str = ""
) -> list[Slip]:
    """New temporary passwords for these people of the agency, ordered by unit then name."""

    await agency_in_scope(principal, agency_id)
    people = await _people(principal, agency_id, sorted(set(user_ids)))
    units = {
        u["id"]: u["path"]
        for u in await OrgUnit.select(OrgUnit.id, OrgUnit.path).where(OrgUnit.agency == agency_id)
    }
    unit_names = {
        u["id"]: u["name"]
        for u in await OrgUnit.select(OrgUnit.id, OrgUnit.name).where(OrgUnit.agency == agency_id)
    }
    people.sort(key=lambda p: (units.get(p["unit"], "~"), p["name"]))
    slips = []
    for person in people:
        password, expires = await account_services.issue_temporary_password(
            person["id"], principal, ip
        )
        slips.append(
            Slip(
                person["name"],
                person["login_id"],
                unit_names.get(person["unit"], ""),
                password,
                expires,
            )
        )
    await audit.record(
        "temporary_passwords_printed",
        actor_id=principal.user_id,
        agency_id=agency_id,
        target_type="agency",
        target_id=agency_id,
        ip=ip,
        detail={"people": len(slips), "user_ids": sorted(p["id"] for p in people)},
    )
    return slips


def _font(pdf: FPDF) -> str:
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        return "DejaVu"
    return "Helvetica"


def _slip(pdf: FPDF, font: str, slip: Slip, text: dict[str, str], top: float) -> None:
    """One slip: cut along the dashed line, fold along the middle so the password is inside."""
    pdf.set_draw_color(120, 120, 120)
    pdf.set_dash_pattern(dash=2, gap=2)
    pdf.line(10, top, 200, top)
    pdf.set_dash_pattern()
    pdf.set_xy(12, top + 4)
    pdf.set_font(font, "B", 10)
    pdf.cell(0, 6, text["title"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 11)
    for label, value in (
        (text["name"], slip.name),
        (text["login"], slip.login_id),
        (text["unit"], slip.unit or text["no_unit"]),
    ):
        pdf.set_x(12)
        pdf.cell(48, 7, f"{label}:")
        pdf.cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(12)
    pdf.cell(48, 9, f"{text['password']}:")
    pdf.set_font("Courier", "B", 15)
    pdf.cell(0, 9, slip.password, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 9)
    pdf.set_x(12)
    expires = slip.expires.astimezone(MALAYSIA)
    pdf.cell(0, 6, f"{text['expires']}: {expires:%d/%m/%Y %H:%M}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(12)
    pdf.multi_cell(180, 5, text["hint"])


def slips_pdf(slips: list[Slip], language: str = "ms") -> bytes:
    """Four slips a page; each unit starts on a new page."""
    text = TEXT.get(language, TEXT["ms"])
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    font = _font(pdf)
    on_page, unit = SLIPS_PER_PAGE, None
    for slip in slips:
        if on_page == SLIPS_PER_PAGE or slip.unit != unit:
            pdf.add_page()
            on_page, unit = 0, slip.unit
        _slip(pdf, font, slip, text, 10 + on_page * 70)
        on_page += 1
    if not slips:
        pdf.add_page()
    return bytes(pdf.output())
