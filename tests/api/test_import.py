"""Bulk import of officers from CSV: all rows validated first, all or nothing, idempotent."""

from __future__ import annotations

from api.org.tables import User
from tests.fixtures import ApiClient, Org

HEADER = "ic_number,name,title,position,grade,unit_path,phone,email,supervisor_ic\n"
GOOD = HEADER + (
    "900101-14-1001,Aminah binti Yusof,Puan,Pegawai Teknologi Maklumat,F44,"
    "Ibu Pejabat A / Bahagian IT,03-8000 1001,aminah@example.gov.my,\n"
    "900101141002,Farid bin Omar,Encik,Penolong Pegawai,FA29,"
    "Ibu Pejabat A / Bahagian IT / Seksyen Aplikasi,03-8000 1002,farid@example.gov.my,"
    "900101-14-1001\n"
    "S12345,Lim Mei Ling,Cik,Pegawai Kewangan,W41,Ibu Pejabat A,,meiling@example.gov.my,"
    "900101141001\n"
)


async def _import(client: ApiClient, org: Org, text: str, **params: str) -> tuple[int, dict]:
    response = await client.post(
        f"/api/agencies/{org.agency_a}/users/import",
        content=text.encode(),
        headers={"content-type": "text/csv"},
        params=params,
    )
    return response.status_code, response.json()


async def _agency_users(org: Org) -> list[dict]:
    return (
        await User.select(User.login_id, User.name, User.unit, User.supervisor, User.email)
        .where(User.agency == org.agency_a)
        .order_by(User.login_id)
    )


async def test_good_file_is_imported(admin_a: ApiClient, org: Org) -> None:
    status, report = await _import(admin_a, org, GOOD)
    assert status == 200, report
    assert (report["rows"], report["created"], report["updated"], report["unchanged"]) == (
        3,
        3,
        0,
        0,
    )
    users = {u["login_id"]: u for u in await _agency_users(org)}
    aminah, farid = users["900101141001"], users["900101141002"]
    assert farid["unit"] == org.units_a["apps"]
    assert users["S12345"]["supervisor"] == farid["supervisor"]
    assert aminah["supervisor"] is None
    ids = {u["login_id"]: u for u in await User.select(User.id, User.login_id)}
    assert farid["supervisor"] == ids["900101141001"]["id"]


async def test_importing_the_same_file_twice_changes_nothing(admin_a: ApiClient, org: Org) -> None:
    await _import(admin_a, org, GOOD)
    before = await _agency_users(org)
    status, report = await _import(admin_a, org, GOOD)
    assert status == 200
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 3)
    assert await _agency_users(org) == before


async def test_a_changed_row_is_an_update(admin_a: ApiClient, org: Org) -> None:
    await _import(admin_a, org, GOOD)
    changed = GOOD.replace("farid@example.gov.my", "farid.omar@example.gov.my")
    status, report = await _import(admin_a, org, changed)
    assert status == 200
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 2)


async def test_bad_rows_are_all_reported_and_nothing_is_imported(
    admin_a: ApiClient, org: Org
) -> None:
    bad = HEADER + (
        "900101141001,Aminah,,,,Ibu Pejabat A,,aminah@example.gov.my,\n"  # good
        "12345,Pendek,,,,Ibu Pejabat A,,pendek@example.gov.my,\n"  # IC too short
        "901399141003,Tarikh Salah,,,,Ibu Pejabat A,,tarikh@example.gov.my,\n"  # month 13
        "900101141004,,,,,Ibu Pejabat A,,tiada.nama@example.gov.my,\n"  # no name
        "900101141005,Emel Salah,,,,Ibu Pejabat A,,bukan-emel,\n"  # bad e-mail
        "900101141006,Unit Salah,,,,Tiada Unit Begini,,unit@example.gov.my,\n"  # unknown unit
        "900101141001,Berganda,,,,Ibu Pejabat A,,dua@example.gov.my,\n"  # duplicate IC
        "900101141007,Penyelia Hilang,,,,Ibu Pejabat A,,p@example.gov.my,900101149999\n"
        f"{'880101145101'},Agensi Lain,,,,Ibu Pejabat A,,b@example.gov.my,\n"  # agency B's
    )
    count_before = len(await _agency_users(org))
    status, report = await _import(admin_a, org, bad)
    assert status == 422
    assert report["ok"] is False
    found = {(e["row"], e["column"]) for e in report["errors"]}
    assert found == {
        (3, "ic_number"),
        (4, "ic_number"),
        (5, "name"),
        (6, "email"),
        (7, "unit_path"),
        (8, "ic_number"),
        (9, "supervisor_ic"),
        (10, "ic_number"),
    }
    assert all(e["reason"] for e in report["errors"])
    assert len(await _agency_users(org)) == count_before


async def test_reporting_loops_in_the_file_are_refused(admin_a: ApiClient, org: Org) -> None:
    looping = HEADER + (
        "900101141001,A,,,,Ibu Pejabat A,,a@example.gov.my,900101141002\n"
        "900101141002,B,,,,Ibu Pejabat A,,b@example.gov.my,900101141001\n"
    )
    status, report = await _import(admin_a, org, looping)
    assert status == 422
    assert {e["column"] for e in report["errors"]} == {"supervisor_ic"}


async def test_missing_columns_and_malay_headers(admin_a: ApiClient, org: Org) -> None:
    status, report = await _import(admin_a, org, "no_kp,nama\n900101141001,Ali\n")
    assert status == 422
    assert {e["column"] for e in report["errors"]} == {"email", "unit_path"}
    malay = "no_kp;nama;emel;unit\n900101141001;Ali bin Abu;ali@example.gov.my;Ibu Pejabat A\n"
    status, report = await _import(admin_a, org, malay)
    assert status == 200 and report["created"] == 1


async def test_dry_run_validates_without_writing(admin_a: ApiClient, org: Org) -> None:
    before = await _agency_users(org)
    status, report = await _import(admin_a, org, GOOD, dryRun="true")
    assert status == 200 and report["created"] == 3
    assert await _agency_users(org) == before
