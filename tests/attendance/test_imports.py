"""Biometric-device punch and leave imports: parsing, idempotency, precedence, scope, CLI,
scheduled folder."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from api.attendance import imports
from api.attendance.tables import CheckIn, LeaveRecord
from api.config import get_settings
from api.jobs import default_jobs
from api.ops.scheduler import daily_at_minute
from tests.attendance.test_dashboard import kl, punch, signed_in
from tests.fixtures import Org

KL = ZoneInfo("Asia/Kuala_Lumpur")


def punch_csv(org: Org) -> str:
    officer, executive = org.login["officer_a"], org.login["exec_a"]
    return "\n".join(
        [
            "Device ID,Login ID,Timestamp",
            f"BLK-A-01,{officer},2026-10-01 07:55",  # local time → in
            f"BLK-A-01,{officer},2026-10-01T09:30:00Z",  # 17:30 local → out
            f"BLK-A-01,{officer},2026-10-01 07:55:00",  # the same punch again in the file
            f"BLK-A-02,{executive[:6]}-{executive[6:8]}-{executive[8:]},2026-10-02T08:05:00+08:00",
            f"BLK-A-01,{org.login['officer_b']},2026-10-01 07:40",  # another agency: unknown
            "BLK-A-01,990101010101,2026-10-01 07:40",  # nobody
            f"BLK-A-01,{officer},2026-10-32 07:40",  # no such date
            f"BLK A 01!,{officer},2026-10-01 07:40",  # bad device id
            f"BLK-A-01,{officer},2026-10-03",  # a date alone
            f"BLK-A-01,{officer},03/10/2026 10:15",  # Saturday: imported, reported
        ]
    )


async def device_rows() -> list[dict[str, Any]]:
    return (
        await CheckIn.select(
            CheckIn.user, CheckIn.kind, CheckIn.occurred_at, CheckIn.status, CheckIn.approval
        )
        .where(CheckIn.source == "device")
        .order_by(CheckIn.occurred_at)
    )


async def test_punch_import_report_and_rows(client_factory: Any, org: Org) -> None:
    admin = await signed_in(client_factory, org.login["admin_a"])
    response = await admin.post(
        "/api/attendance/punch-imports",
        files={"file": ("punches.csv", punch_csv(org).encode(), "text/csv")},
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["rowsRead"] == 10
    assert report["imported"] == 4
    assert report["alreadyPresent"] == 1
    assert [(p["line"], p["value"]) for p in report["unknownLoginIds"]] == [
        (6, org.login["officer_b"]),
        (7, "990101010101"),
    ]
    assert [(p["line"], p["column"]) for p in report["unparseable"]] == [
        (8, "timestamp"),
        (9, "device_id"),
        (10, "timestamp"),
    ]
    assert [p["line"] for p in report["outsideWorkingDays"]] == [11]
    # No device is registered yet: both are reported, with the punches of known officers.
    assert report["devicesWithoutOffice"] == [
        {"code": "BLK-A-01", "punches": 4},
        {"code": "BLK-A-02", "punches": 1},
    ]
    rows = await device_rows()
    assert [
        (r["user"], r["kind"], r["occurred_at"].astimezone(KL).strftime("%d %H:%M")) for r in rows
    ] == [
        (org.users["officer_a"], "in", "01 07:55"),
        (org.users["officer_a"], "out", "01 17:30"),
        (org.users["exec_a"], "in", "02 08:05"),
        (org.users["officer_a"], "in", "03 10:15"),
    ]
    assert {(r["status"], r["approval"]) for r in rows} == {("inside", "not_needed")}

    # The same file again changes nothing.
    again = (
        await admin.post(
            "/api/attendance/punch-imports",
            content=punch_csv(org).encode(),
            headers={"content-type": "text/csv"},
        )
    ).json()
    assert again["imported"] == 0 and again["alreadyPresent"] == 5
    assert len(await device_rows()) == 4


async def test_malay_headers_direction_column_and_dry_run(client_factory: Any, org: Org) -> None:
    admin = await signed_in(client_factory, org.login["admin_a"])
    text = "\n".join(
        [
            "ID Peranti;No KP;Tarikh Masa;Jenis",
            f"P1;{org.login['officer_a']};01/10/2026 08:01;masuk",
            f"P1;{org.login['officer_a']};01/10/2026 12:30;keluar",
            f"P1;{org.login['officer_a']};01/10/2026 13:30;keluar",
            f"P1;{org.login['officer_a']};01/10/2026 17:30;pulang",
        ]
    )
    dry = await admin.post(
        "/api/attendance/punch-imports",
        params={"dryRun": "true"},
        files={"file": ("p.csv", text.encode("utf-8-sig"), "text/csv")},
    )
    assert dry.status_code == 200 and dry.json()["imported"] == 3 and dry.json()["dryRun"]
    assert dry.json()["unparseable"][0]["column"] == "kind"
    assert await device_rows() == []
    real = await admin.post(
        "/api/attendance/punch-imports", files={"file": ("p.csv", text.encode(), "text/csv")}
    )
    assert real.json()["imported"] == 3
    assert [r["kind"] for r in await device_rows()] == ["in", "out", "out"]


async def test_bad_files_are_explained(client_factory: Any, org: Org) -> None:
    admin = await signed_in(client_factory, org.login["admin_a"])
    missing = await admin.post(
        "/api/attendance/punch-imports",
        files={"file": ("p.csv", b"device,when\nA,2026-10-01 08:00\n", "text/csv")},
    )
    assert missing.status_code == 422
    problem = missing.json()
    assert problem["code"] == "import_columns_missing"
    assert {e["field"] for e in problem["errors"]} == {"login_id", "timestamp"}
    assert "login_id" in problem["detail"]
    empty = await admin.post(
        "/api/attendance/punch-imports", content=b"", headers={"content-type": "text/csv"}
    )
    assert empty.status_code == 422 and empty.json()["code"] == "import_file_missing"
    no_file = await admin.post(
        "/api/attendance/leave-imports", files={"other": ("x.csv", b"a", "text/csv")}
    )
    assert no_file.status_code == 422 and no_file.json()["code"] == "import_file_missing"


async def test_only_agency_admins_import(client_factory: Any, org: Org) -> None:
    for who in ("officer_a", "exec_a"):
        client = await signed_in(client_factory, org.login[who])
        response = await client.post(
            "/api/attendance/punch-imports", files={"file": ("p.csv", b"x", "text/csv")}
        )
        assert response.status_code == 403
    admin_b = await signed_in(client_factory, org.login["admin_b"])
    report = (
        await admin_b.post(
            "/api/attendance/punch-imports",
            files={"file": ("p.csv", punch_csv(org).encode(), "text/csv")},
        )
    ).json()
    # Agency A's officers are unknown to agency B's administrator; their own officer is not.
    assert report["imported"] == 1
    assert [p["line"] for p in report["unknownLoginIds"]] == [2, 3, 4, 5, 7, 11]


async def test_precedence_with_phone_check_ins(client_factory: Any, org: Org) -> None:
    """The earliest check-in of either source is the first-in; a pending phone punch stays
    pending (the day is external_pending); device punches need no approval."""
    officer = org.users["officer_a"]
    # 1 Oct: phone outside pending 07:30, device 08:00 → disagree by 30 minutes.
    await punch(officer, kl(1, 7, 30), status="outside", approval="pending")
    # 2 Oct: phone outside approved 08:10, device 07:55 → first-in 07:55, 15 min: agree.
    await punch(officer, kl(2, 8, 10), status="outside", approval="approved")
    admin = await signed_in(client_factory, org.login["admin_a"])
    login = org.login["officer_a"]
    text = "\n".join(
        [
            "device_id,login_id,timestamp",
            f"D1,{login},2026-10-01 08:00",
            f"D1,{login},2026-10-01 17:10",
            f"D1,{login},2026-10-02 07:55",
            f"D1,{login},2026-10-02 17:05",
        ]
    )
    report = (
        await admin.post(
            "/api/attendance/punch-imports", files={"file": ("p.csv", text.encode(), "text/csv")}
        )
    ).json()
    assert report["imported"] == 4
    assert [(d["day"], d["minutesApart"]) for d in report["disagreements"]] == [("2026-10-01", 30)]
    pending = await CheckIn.select(CheckIn.approval).where(
        (CheckIn.user == officer) & (CheckIn.source == "phone")
    )
    assert sorted(r["approval"] for r in pending) == ["approved", "pending"]  # untouched

    client = await signed_in(client_factory, login)
    month = (await client.get("/api/attendance/months/2026-10")).json()
    by_day = {d["day"]: d for d in month["days"]}
    assert by_day["2026-10-01"]["status"] == "external_pending"
    assert datetime.fromisoformat(by_day["2026-10-01"]["firstIn"]) == kl(1, 7, 30)
    assert by_day["2026-10-02"]["status"] == "external_approved"
    assert datetime.fromisoformat(by_day["2026-10-02"]["firstIn"]) == kl(2, 7, 55)  # device
    assert datetime.fromisoformat(by_day["2026-10-02"]["lastOut"]) == kl(2, 17, 5)


LEAVE = "\n".join(
    [
        "No KP,Tarikh Mula,Tarikh Tamat,Jenis Cuti",
        "{officer},2026-10-06,2026-10-07,Cuti Rehat",
        "{officer},08/10/2026,08/10/2026,Cuti Sakit",
        "{officer},2026-10-09,2026-10-08,Cuti Rehat",
        "{officer},2026-10-40,2026-10-41,Cuti Rehat",
        "990101010101,2026-10-06,2026-10-06,Cuti Rehat",
    ]
)


async def test_leave_import_feeds_the_rules_engine(client_factory: Any, org: Org) -> None:
    admin = await signed_in(client_factory, org.login["admin_a"])
    text = LEAVE.format(officer=org.login["officer_a"])
    report = (
        await admin.post(
            "/api/attendance/leave-imports", files={"file": ("c.csv", text.encode(), "text/csv")}
        )
    ).json()
    assert report["rowsRead"] == 5 and report["imported"] == 2
    assert [(p["line"], p["column"], p["reason"]) for p in report["unparseable"]] == [
        (4, "end", "before the start"),
        (5, "start", "not a date"),
    ]
    assert [p["line"] for p in report["unknownLoginIds"]] == [6]
    again = (
        await admin.post(
            "/api/attendance/leave-imports", files={"file": ("c.csv", text.encode(), "text/csv")}
        )
    ).json()
    assert again["imported"] == 0 and again["alreadyPresent"] == 2
    assert await LeaveRecord.count() == 2

    officer = await signed_in(client_factory, org.login["officer_a"])
    days = {
        d["day"]: d["status"]
        for d in (await officer.get("/api/attendance/months/2026-10")).json()["days"]
    }
    assert days["2026-10-05"] == "absent"
    assert [days[f"2026-10-0{n}"] for n in (6, 7, 8)] == ["on_leave"] * 3
    assert days["2026-10-09"] == "absent"


async def test_command_line_and_scheduled_folder(org: Org, tmp_path: Path) -> None:
    file = tmp_path / "punches.csv"
    file.write_text(punch_csv(org))
    text, code = await imports.run_cli_import(str(file), "punches", dry_run=True)
    assert code == 0 and json.loads(text)["imported"] == 5  # all agencies: officer_b too
    assert await CheckIn.count() == 0
    text, code = await imports.run_cli_import(str(tmp_path / "nope.csv"), "punches", False)
    assert code == 2 and "cannot read" in text
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    text, code = await imports.run_cli_import(str(bad), "leave", False)
    assert code == 1 and "import_columns_missing" in text

    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "device-2026-10-01.csv").write_text(punch_csv(org))
    (drop / "cuti-oktober.csv").write_text(LEAVE.format(officer=org.login["officer_a"]))
    (drop / "rosak.csv").write_text("x\n")
    done = await imports.import_folder(drop)
    assert sorted(done) == [
        "cuti-oktober.csv: 2 imported",
        "device-2026-10-01.csv: 5 imported",
        "rosak.csv: import_columns_missing",
    ]
    assert list(drop.glob("*.csv")) == []
    reports = sorted((drop / "done").glob("*.report.json"))
    assert len(reports) == 3 and len(list((drop / "done").glob("*.csv"))) == 3
    device_report = json.loads(next(r for r in reports if "device" in r.name).read_text())
    assert device_report["imported"] == 5 and device_report["alreadyPresent"] == 1
    assert await imports.import_folder(drop) == []  # nothing left to import
    assert await CheckIn.count() == 5


def test_schedule_defaults_to_0930_and_2300() -> None:
    settings = get_settings()
    assert settings.punch_import_times == ((9, 30), (23, 0))
    names = [job.name for job in default_jobs(settings)]
    assert "punch-import-0930" in names and "punch-import-2300" in names
    due = daily_at_minute(9, 30)
    assert due(datetime(2026, 10, 1, 9, 29, tzinfo=KL)) is None
    assert due(datetime(2026, 10, 1, 9, 30, tzinfo=KL)) == "2026-10-01"
    assert due(datetime(2026, 10, 1, 23, 0, tzinfo=UTC)) == "2026-10-01"


def test_timestamps() -> None:
    assert imports.parse_timestamp("2026-10-01 07:55") == datetime(2026, 10, 1, 7, 55, tzinfo=KL)
    assert imports.parse_timestamp("2026-09-30T23:55:00Z") == datetime(
        2026, 10, 1, 7, 55, tzinfo=KL
    )
    assert imports.parse_timestamp("01-10-2026 07:55:10") == datetime(
        2026, 10, 1, 7, 55, 10, tzinfo=KL
    )
    for bad in ("", "2026-10-01", "yesterday 8:00", "31/02/2026 08:00"):
        assert imports.parse_timestamp(bad) is None


async def test_two_imports_of_one_file_at_once_store_each_punch_once(org: Org) -> None:
    import asyncio

    text = punch_csv(org)
    reports = await asyncio.gather(
        imports.import_punches(text, agency_id=org.agency_a),
        imports.import_punches(text, agency_id=org.agency_a),
    )
    assert all(r.imported + r.already_present == 5 for r in reports)
    assert len(await device_rows()) == 4


async def test_registered_devices_put_punches_at_their_office(
    client_factory: Any, org: Org
) -> None:
    admin = await signed_in(client_factory, org.login["admin_a"])
    response = await admin.put(
        "/api/attendance/punch-devices/BLK-A-01", json={"officeId": org.office_a}
    )
    assert response.status_code == 200, response.text
    device = response.json()
    registered_at = datetime.fromisoformat(device.pop("updatedAt"))
    assert abs(datetime.now(UTC) - registered_at).total_seconds() < 60
    assert device == {"code": "BLK-A-01", "officeId": org.office_a, "officeName": "HQ A"}
    # Another agency's office, a bad code, a device that does not exist: explained or 404.
    other = await admin.put(
        "/api/attendance/punch-devices/BLK-A-02", json={"officeId": org.office_b}
    )
    assert other.status_code == 404
    bad = await admin.put("/api/attendance/punch-devices/BLK%20A", json={})
    assert bad.status_code == 422 and bad.json()["code"] == "device_code_invalid"
    assert (await admin.delete("/api/attendance/punch-devices/NOPE")).status_code == 404
    listed = (await admin.get("/api/attendance/punch-devices")).json()
    assert [d["code"] for d in listed] == ["BLK-A-01"]
    assert datetime.fromisoformat(listed[0]["updatedAt"]) == registered_at
    admin_b = await signed_in(client_factory, org.login["admin_b"])
    assert (await admin_b.get("/api/attendance/punch-devices")).json() == []

    report = (
        await admin.post(
            "/api/attendance/punch-imports",
            files={"file": ("p.csv", punch_csv(org).encode(), "text/csv")},
        )
    ).json()
    # The unregistered device is named in the report, with its number of punches.
    assert report["devicesWithoutOffice"] == [{"code": "BLK-A-02", "punches": 1}]
    offices = {
        r["status_reason"]: r["office"]
        for r in await CheckIn.select(CheckIn.status_reason, CheckIn.office)
    }
    assert offices == {"device:BLK-A-01": org.office_a, "device:BLK-A-02": None}
    assert (await admin.delete("/api/attendance/punch-devices/BLK-A-01")).status_code == 204
    assert (await admin.get("/api/attendance/punch-devices")).json() == []


async def test_the_scheduled_job_imports_the_configured_folder(org: Org, tmp_path: Path) -> None:
    import msgspec

    settings = msgspec.structs.replace(get_settings(), punch_import_dir=tmp_path)
    (tmp_path / "pintu.csv").write_text(punch_csv(org))
    [job] = [j for j in default_jobs(settings) if j.name == "punch-import-2300"]
    assert await job.run() == "pintu.csv: 5 imported"
    assert await job.run() == "no files"
    assert await CheckIn.count() == 5
