"""The user import with offices and working patterns, on the shared CSV kit: row errors carry
row, column, a code and the reason in the user's language; dry runs write nothing."""

from __future__ import annotations

from api.attendance.tables import PatternAssignment
from api.core import csv_import
from api.org.tables import OfficeAssignment, Placement, User
from tests.fixtures import ApiClient, Org

HEADER = "no_kp,nama,emel,unit,penyelia_no_kp,pejabat,corak_kerja\n"
ROWS = (
    "900101141001,Aminah,aminah@example.gov.my,Ibu Pejabat A,,HQ-A,WP2\n"
    "900101141002,Farid,farid@example.gov.my,Ibu Pejabat A / Bahagian IT,900101141001,hq-a,wbf\n"
)


async def _import(client: ApiClient, org: Org, text: str, **params: str) -> tuple[int, dict]:
    response = await client.post(
        f"/api/agencies/{org.agency_a}/users/import",
        content=text.encode(),
        headers={"content-type": "text/csv"},
        params=params,
    )
    return response.status_code, response.json()


def test_the_kit_reads_aliases_and_reports_missing_columns() -> None:
    table = csv_import.read_table(
        "\ufeffNama;Emel\nAli;a@b.my\n", {"name": ("name", "nama"), "email": ("email", "emel")}
    )
    assert [(r.line, r.get("name"), r.get("email")) for r in table.records] == [
        (2, "Ali", "a@b.my")
    ]
    try:
        csv_import.read_table("nama\nAli\n", {"email": ("email",)}, required=("email",))
    except csv_import.Rejected as rejected:
        [error] = rejected.errors
        assert (error.row, error.column) == (1, "email")
        assert error.reason("ms") == "Lajur ini tiada dalam baris tajuk."
        assert error.reason("en") == "This column is missing from the header."
    else:
        raise AssertionError("a missing column must reject the file")
    assert csv_import.split_list(" HQ ; BR-KDH|X ") == ["HQ", "BR-KDH", "X"]


async def test_offices_and_patterns_are_imported(admin_a: ApiClient, org: Org) -> None:
    status, report = await _import(admin_a, org, HEADER + ROWS)
    assert status == 200, report
    assert report["created"] == 2 and len(report["createdIds"]) == 2
    people = {
        r["login_id"]: r["id"]
        for r in await User.select(User.id, User.login_id).where(User.agency == org.agency_a)
    }
    farid = people["900101141002"]
    offices = await OfficeAssignment.select(OfficeAssignment.office).where(
        OfficeAssignment.user == farid
    )
    assert [o["office"] for o in offices] == [org.office_a]
    pattern = await PatternAssignment.select(PatternAssignment.pattern_code).where(
        PatternAssignment.user == farid
    )
    assert [p["pattern_code"] for p in pattern] == ["WBF"]
    placed = await Placement.select(Placement.supervisor).where(Placement.user == farid)
    assert [p["supervisor"] for p in placed] == [people["900101141001"]]

    # The same file again changes nothing; a new pattern is one update.
    status, report = await _import(admin_a, org, HEADER + ROWS)
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 2)
    status, report = await _import(admin_a, org, HEADER + ROWS.replace("wbf", "WP3"))
    assert (report["updated"], report["unchanged"]) == (1, 1)


async def test_unknown_offices_and_patterns_are_row_errors_in_the_users_language(
    client_factory: ApiClient, admin_a: ApiClient, org: Org
) -> None:
    bad = HEADER + "900101141001,Aminah,aminah@example.gov.my,Ibu Pejabat A,,HQ-A;NOPE,WP9\n"
    status, report = await _import(admin_a, org, bad)
    assert status == 422
    errors = {(e["row"], e["column"], e["code"]): e["reason"] for e in report["errors"]}
    assert errors == {
        (2, "offices", "unknown_office"): "Tiada pejabat berkod 'NOPE' dalam agensi ini.",
        (2, "pattern", "unknown_pattern"): "Corak kerja 'WP9' tidak dikenali.",
    }
    await User.update({User.language: "en"}).where(User.id == org.users["admin_a"])
    english = await client_factory()
    await english.sign_in(org.login["admin_a"])
    status, report = await _import(english, org, bad)
    assert {e["reason"] for e in report["errors"]} == {
        "No office with code 'NOPE' in this agency.",
        "Unknown working pattern 'WP9'.",
    }
    assert not await User.exists().where(User.login_id == "900101141001")


async def test_a_dry_run_writes_nothing(admin_a: ApiClient, org: Org) -> None:
    status, report = await _import(admin_a, org, HEADER + ROWS, dryRun="true")
    assert status == 200 and report["dryRun"] is True and report["created"] == 2
    assert not await User.exists().where(User.login_id == "900101141001")
    assert not await OfficeAssignment.exists()
