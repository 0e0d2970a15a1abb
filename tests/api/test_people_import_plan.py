"""The user import's plan is a pure function of the file and what the database held: checked
here without a database. And the password slips: one unit per page group."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from api.core import csv_import
from api.org import importer
from api.org.password_slips import Slip, slips_pdf


def _context(**changes: object) -> importer.Context:
    base = importer.Context(
        agency_id=1,
        unit_by_path={("hq",): 10, ("hq", "it"): 11},
        office_by_code={"HQ": 100},
        pattern_codes=frozenset({"WP1", "WBF"}),
        existing={},
        offices_of={},
        pattern_of={},
        other_agency_logins=set(),
        outranking=set(),
    )
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def _records(text: str) -> list[csv_import.Record]:
    return csv_import.read_table(text, importer.COLUMN_ALIASES).records


HEADER = "no_kp,nama,emel,unit,penyelia_no_kp,pejabat,corak_kerja\n"


def test_a_good_file_plans_every_row() -> None:
    plan = importer.plan_import(
        _records(
            HEADER
            + "900101141001,A,a@x.my,HQ,,HQ,wp1\n"
            + "900101141002,B,b@x.my,HQ / IT,900101141001,,\n"
        ),
        _context(),
    )
    assert plan.errors == []
    first, second = plan.rows
    assert (first.unit_id, first.office_ids, first.pattern) == (10, {100}, "WP1")
    assert (second.unit_id, second.office_ids, second.pattern) == (11, None, None)
    assert second.supervisor_login == "900101141001"


def test_every_problem_is_a_row_error() -> None:
    plan = importer.plan_import(
        _records(
            HEADER
            + "900101141001,A,a@x.my,HQ,900101141002,HQ,WP1\n"
            + "900101141002,B,b@x.my,HQ,900101141001,NOPE,WP7\n"
            + "900101141001,C,bad,Nowhere,,,\n"
        ),
        _context(),
    )
    found = {(e.row, e.column, e.code) for e in plan.errors}
    assert found == {
        (2, "supervisor_ic", "reporting_loop"),
        (3, "supervisor_ic", "reporting_loop"),
        (3, "offices", "unknown_office"),
        (3, "pattern", "unknown_pattern"),
        (4, "ic_number", "duplicate"),
        (4, "supervisor_ic", "reporting_loop"),  # the same person as line 2
        (4, "email", "not_email"),
        (4, "unit_path", "unknown_unit"),
    }
    duplicate = next(e for e in plan.errors if e.code == "duplicate")
    assert duplicate.reason("ms") == "Berulang (kali pertama pada baris 2)."
    assert duplicate.reason("en") == "Appears again (first on line 2)."


def test_someone_outranking_the_importer_may_only_be_listed_unchanged() -> None:
    before = {
        "id": 5,
        "name": "Boss",
        "title": "",
        "position": "",
        "grade": "",
        "phone": "",
        "email": "boss@x.my",
        "unit": 10,
        "supervisor": None,
    }
    context = _context(existing={"900101141005": before}, outranking={5})
    same = importer.plan_import(_records(HEADER + "900101141005,Boss,boss@x.my,HQ,,,\n"), context)
    assert same.errors == [] and same.refused_ids == []
    changed = importer.plan_import(
        _records(HEADER + "900101141005,Boss,boss@x.my,HQ,,,WBF\n"), context
    )
    assert [(e.column, e.code) for e in changed.errors] == [("ic_number", "outranked")]
    assert changed.refused_ids == [5]


def test_slips_start_a_new_page_per_unit() -> None:
    expires = datetime(2026, 12, 14, tzinfo=UTC)
    slips = [Slip(f"P{n}", f"S{n:05d}", "Unit A", "pw", expires) for n in range(5)]
    slips += [Slip("Q", "S99999", "Unit B", "pw", expires)]
    pdf = slips_pdf(slips)
    assert pdf.startswith(b"%PDF")
    # Four slips a page: Unit A fills 2 pages (4 + 1), Unit B starts a third.
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 3
