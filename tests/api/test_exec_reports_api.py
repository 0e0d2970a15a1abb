"""Reports for executives and administrators: attendance transactions, the daily movement
report and usage statistics, within scope, as JSON, CSV and XLSX."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from openpyxl import load_workbook

from api.accounts import audit
from api.attendance import fences
from api.org.tables import OfficeAssignment
from tests.fixtures import Org

CENTRE = {"lat": 2.9266, "lon": 101.69675}
FAR_AWAY = {"lat": 2.9400, "lon": 101.7100}


@pytest.fixture
async def people(org: Org, client_factory: Any) -> dict[str, Any]:
    """officer_a (unit Apps, under IT) taps in inside and out outside; exec_a is executive of IT."""
    fences.forget()
    await OfficeAssignment.insert(
        OfficeAssignment(user=org.users["officer_a"], office=org.office_a)
    )
    clients = {}
    for key in ("officer_a", "exec_a", "admin_a", "admin_b"):
        clients[key] = await client_factory()
        await clients[key].sign_in(org.login[key])
    for kind, where in (("in", CENTRE), ("out", FAR_AWAY)):
        answer = await clients["officer_a"].post(
            "/api/attendance/check-ins",
            json={
                "clientId": str(uuid.uuid4()),
                "kind": kind,
                "fix": {**where, "accuracy": 10.0},
                "clientAt": datetime.now(UTC).isoformat(),
            },
        )
        assert answer.status_code == 200, answer.text
    return clients


async def test_transactions_for_a_unit_in_scope(people: dict[str, Any], org: Org) -> None:
    answer = await people["exec_a"].get("/api/attendance/reports/transactions")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [(r["name"], r["kind"], r["status"]) for r in body["rows"]] == [
        ("Pegawai officer_a", "in", "inside"),
        ("Pegawai officer_a", "out", "outside"),
    ]
    assert body["rows"][0]["unit"] == "Seksyen Aplikasi" and body["rows"][0]["office"] == "HQ A"
    one = await people["exec_a"].get(
        "/api/attendance/reports/transactions", params={"officer": org.users["officer_a"]}
    )
    assert len(one.json()["rows"]) == 2
    # The executive's subtree is IT: the root unit and another agency are outside it.
    for params in ({"unit": org.units_a["root"]}, {"unit": org.units_b["root"]}):
        outside = await people["exec_a"].get("/api/attendance/reports/transactions", params=params)
        assert outside.status_code == 404
    assert (
        await people["exec_a"].get(
            "/api/attendance/reports/transactions", params={"officer": org.users["admin_a"]}
        )
    ).status_code == 404
    # Another agency's administrator sees none of agency A's officers.
    other = await people["admin_b"].get("/api/attendance/reports/transactions")
    assert other.json()["rows"] == []
    # An officer is not an executive.
    assert (
        await people["officer_a"].get("/api/attendance/reports/transactions")
    ).status_code == 403


async def test_transactions_as_xlsx_with_real_dates_and_the_classification(
    people: dict[str, Any],
) -> None:
    answer = await people["admin_a"].get(
        "/api/attendance/reports/transactions/download", params={"format": "xlsx"}
    )
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0].startswith("TERHAD")
    assert values[1][0] == "Transaksi Kehadiran — Agensi A"
    assert values[3][:6] == ["Nama", "No. pengenalan", "Unit", "Tarikh", "Masa", "Jenis"]
    first = values[4]
    assert isinstance(first[3], datetime | date) and isinstance(first[4], time | datetime)
    assert first[5] == "Masuk" and first[6] == "Di dalam pejabat"
    csv_answer = await people["admin_a"].get(
        "/api/attendance/reports/transactions/download", params={"format": "csv"}
    )
    text = csv_answer.content.decode("utf-8-sig")
    assert text.startswith("Nama,No. pengenalan,Unit,Tarikh,Masa")
    assert "Di luar pejabat" in text


async def test_daily_movements(people: dict[str, Any], org: Org) -> None:
    body = (await people["exec_a"].get("/api/attendance/reports/movements")).json()
    rows = {r["name"]: r for r in body["rows"]}
    # IT's subtree: exec_a (IT) and officer_a (Apps).
    assert set(rows) == {"Pegawai exec_a", "Pegawai officer_a"}
    officer = rows["Pegawai officer_a"]
    assert officer["firstInWhere"] == "in_office" and officer["lastOut"] is not None
    assert officer["taps"] == 2 and officer["outsideTaps"] == 1
    assert rows["Pegawai exec_a"]["firstInWhere"] == "not_checked_in"
    sheet = await people["exec_a"].get("/api/attendance/reports/movements/download")
    book = load_workbook(io.BytesIO(sheet.content)).active
    assert book is not None
    assert book.cell(row=2, column=1).value.startswith("Laporan Pergerakan Harian")


async def test_usage_statistics_per_unit(people: dict[str, Any], org: Org) -> None:
    await audit.record("sign_in", actor_id=org.users["officer_a"], agency_id=org.agency_a)
    body = (await people["admin_a"].get("/api/attendance/reports/usage")).json()
    total = body["total"]
    # Agency A: admin_a, officer_a, exec_a and the super administrator; one checked in.
    assert total["people"] == 4 and total["checkedInPeople"] == 1
    assert total["adoptionPercent"] == 25.0
    assert total["signIns"] >= 4 and total["signedInPeople"] >= 3
    # The agency is broken down by its top units (one here).
    assert [(u["unit"], u["people"]) for u in body["units"]] == [("Ibu Pejabat A", 4)]
    # The executive's subtree (IT) by its child units: exec_a sits in IT itself.
    scoped = (await people["exec_a"].get("/api/attendance/reports/usage")).json()
    assert scoped["total"]["people"] == 2 and scoped["total"]["adoptionPercent"] == 50.0
    units = {u["unit"]: u for u in scoped["units"]}
    assert units["Seksyen Aplikasi"]["checkedInPeople"] == 1
    assert units["Bahagian IT"]["people"] == 1 and units["Bahagian IT"]["checkedInPeople"] == 0


async def test_the_month_grid_of_a_unit_in_scope(
    people: dict[str, Any], org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    month = datetime.now(UTC).strftime("%Y-%m")
    grid = await people["exec_a"].get(
        "/api/attendance/reports/month-grid", params={"month": month, "unit": org.units_a["apps"]}
    )
    assert grid.status_code == 200, grid.text
    body = grid.json()
    assert [o["name"] for o in body["officers"]] == ["Pegawai officer_a"]
    assert body["officers"][0]["days"]
    outside = await people["exec_a"].get(
        "/api/attendance/reports/month-grid", params={"month": month, "unit": org.units_a["root"]}
    )
    assert outside.status_code == 404
    from api.attendance import exec_reports

    monkeypatch.setattr(exec_reports, "MAX_GRID_OFFICERS", 1)
    too_many = await people["admin_a"].get(
        "/api/attendance/reports/month-grid", params={"month": month}
    )
    assert too_many.status_code == 422
    assert "pilih unit yang lebih kecil" in too_many.json()["detail"]


async def test_the_screen_gets_the_first_rows_and_the_total(
    people: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.attendance import exec_reports

    monkeypatch.setattr(exec_reports, "SCREEN_ROWS", 1)
    body = (await people["exec_a"].get("/api/attendance/reports/transactions")).json()
    assert len(body["rows"]) == 1 and body["total"] == 2
    # The download has every row.
    text = (
        await people["exec_a"].get(
            "/api/attendance/reports/transactions/download", params={"format": "csv"}
        )
    ).content.decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 3


async def test_nobody_sees_the_month_grid_of_a_unit_outside_their_scope(
    people: dict[str, Any], org: Org
) -> None:
    month = datetime.now(UTC).strftime("%Y-%m")
    path = "/api/attendance/reports/month-grid"
    # The executive of IT sees IT and its sections, not the head office above it.
    for unit, expected in (("it", 200), ("apps", 200), ("root", 404)):
        answer = await people["exec_a"].get(
            path, params={"month": month, "unit": org.units_a[unit]}
        )
        assert answer.status_code == expected, (unit, answer.text)
    # Another agency's administrator: agency A's units do not exist for them.
    for unit in ("root", "apps"):
        answer = await people["admin_b"].get(
            path, params={"month": month, "unit": org.units_a[unit]}
        )
        assert answer.status_code == 404
    # An officer (no executive or administrator role) is refused outright.
    assert (await people["officer_a"].get(path, params={"month": month})).status_code == 403
    bad = await people["admin_a"].get(path, params={"month": "2026-13"})
    assert bad.status_code == 422


async def test_the_whole_transactions_file_is_built_in_the_background(
    people: dict[str, Any], org: Org
) -> None:
    """Asked for, built off the request, downloaded by the person who asked only (audited
    both times), with the classification, Malay headings and real date/time cells; deleted
    when it expires."""
    from api.accounts.tables import AuditEvent
    from api.attendance import report_exports

    asked = await people["admin_a"].post(
        "/api/attendance/reports/transactions/exports", params={"format": "xlsx"}
    )
    assert asked.status_code == 202, asked.text
    export = asked.json()
    assert export["status"] == "pending" and export["rows"] == 2
    await report_exports.wait_for_builds()
    status = await people["admin_a"].get(f"/api/attendance/reports/exports/{export['id']}")
    assert status.json()["status"] == "ready"
    # Someone else (even an executive of the same agency) does not see it.
    for who in ("exec_a", "admin_b"):
        other = await people[who].get(f"/api/attendance/reports/exports/{export['id']}/download")
        assert other.status_code == 404
    got = await people["admin_a"].get(f"/api/attendance/reports/exports/{export['id']}/download")
    assert got.status_code == 200 and got.headers["cache-control"] == "no-store"
    assert export["fileName"] in got.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(got.content)).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0].startswith("TERHAD") and "Agensi A" in values[1][0]
    assert values[3][:5] == ["Nama", "No. pengenalan", "Unit", "Tarikh", "Masa"]
    assert isinstance(values[4][3], datetime | date) and isinstance(values[4][4], time | datetime)
    actions = [
        (e["action"], e["target_id"])
        for e in await AuditEvent.select(AuditEvent.action, AuditEvent.target_id).where(
            AuditEvent.action.like("report_export.%")
        )
    ]
    assert actions == [
        ("report_export.request", export["id"]),
        ("report_export.download", export["id"]),
    ]
    folder = report_exports.exports_dir()
    assert sorted(p.suffix for p in folder.glob(f"{export['id']}.*")) == [".json", ".xlsx"]
    report_exports.purge_expired(datetime.now(UTC) + report_exports.EXPORT_TTL)
    assert list(folder.glob(f"{export['id']}.*")) == []
    gone = await people["admin_a"].get(f"/api/attendance/reports/exports/{export['id']}")
    assert gone.status_code == 404


async def test_an_export_outside_scope_is_refused_at_once(people: dict[str, Any], org: Org) -> None:
    from api.attendance import report_exports

    before = set(report_exports.exports_dir().iterdir())
    answer = await people["exec_a"].post(
        "/api/attendance/reports/transactions/exports",
        params={"unit": org.units_a["root"], "format": "xlsx"},
    )
    assert answer.status_code == 404
    assert set(report_exports.exports_dir().iterdir()) == before
    bad = await people["exec_a"].post(
        "/api/attendance/reports/transactions/exports",
        params={"from": "2026-10-05", "to": "2026-10-01"},
    )
    assert bad.status_code == 422


async def test_a_large_direct_xlsx_is_sent_to_the_background(
    people: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.attendance import report_exports

    monkeypatch.setattr(report_exports, "DIRECT_XLSX_ROWS", 1)
    answer = await people["admin_a"].get(
        "/api/attendance/reports/transactions/download", params={"format": "xlsx"}
    )
    assert answer.status_code == 422
    assert "latar belakang" in answer.json()["detail"]
    # CSV stays direct (fast whatever the size).
    csv_answer = await people["admin_a"].get(
        "/api/attendance/reports/transactions/download", params={"format": "csv"}
    )
    assert csv_answer.status_code == 200
