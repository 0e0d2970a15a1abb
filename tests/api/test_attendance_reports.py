"""The officer's month, its downloads, and the supervisor's team view."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time
from typing import Any

import openpyxl

from api.attendance import fences
from api.attendance.tables import CheckIn
from api.org.tables import OfficeAssignment, User
from tests.fixtures import Org


async def _record(user_id: int, at: datetime, kind: str, status: str = "inside") -> None:
    await CheckIn.insert(
        CheckIn(
            user=user_id,
            client_id=f"seed-{user_id}-{at.timestamp()}-{kind}",
            kind=kind,
            occurred_at=at,
            received_at=at,
            status=status,
            approval="not_needed" if status == "inside" else "pending",
        )
    )


def _kl(day: int, hour: int, minute: int = 0) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(2026, 10, day, hour, minute, tzinfo=ZoneInfo("Asia/Kuala_Lumpur"))


async def _october(org: Org) -> None:
    officer = org.users["officer_a"]
    await _record(officer, _kl(1, 8, 0), "in")  # Thursday: on time (WBF), full day
    await _record(officer, _kl(1, 17, 5), "out")
    await _record(officer, _kl(2, 9, 20), "in")  # Friday: late
    await _record(officer, _kl(2, 18, 30), "out")
    await _record(officer, _kl(5, 8, 30), "in", status="outside")  # Monday: pending outside
    await _record(officer, _kl(5, 17, 45), "out", status="outside")


async def test_own_month_has_a_status_per_day(client_factory: Any, org: Org) -> None:
    await _october(org)
    officer = await client_factory()
    await officer.sign_in(org.login["officer_a"])
    month = (await officer.get("/api/attendance/months/2026-10")).json()
    by_day = {d["day"]: d for d in month["days"]}
    assert len(month["days"]) == 31
    assert by_day["2026-10-01"]["status"] == "present"
    assert by_day["2026-10-02"]["status"] == "late_in"
    assert by_day["2026-10-02"]["minutesLate"] == 20
    assert by_day["2026-10-03"]["status"] == "weekend"  # Saturday in Putrajaya
    assert by_day["2026-10-05"]["status"] == "external_pending"
    assert by_day["2026-10-06"]["status"] == "absent"
    assert month["totals"]["present"] == 1


async def test_month_downloads(client_factory: Any, org: Org) -> None:
    await _october(org)
    officer = await client_factory()
    await officer.sign_in(org.login["officer_a"])
    as_csv = await officer.get("/api/attendance/months/2026-10/download")
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["date", "status"]
    assert rows[2] == ["2026-10-02", "late_in", "09:20", "18:30", "20", "0", ""]
    as_xlsx = await officer.get(
        "/api/attendance/months/2026-10/download", params={"format": "xlsx"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    # The classification and who / which agency on top, Malay headings, real cells.
    assert sheet["A1"].value.startswith("TERHAD")
    assert "Pegawai officer_a" in sheet["A2"].value and "Agensi A" in sheet["A2"].value
    assert [c.value for c in sheet[4]][:4] == [
        "Tarikh",
        "Status",
        "Masuk pertama",
        "Keluar terakhir",
    ]
    assert sheet["A6"].value == datetime(2026, 10, 2) and sheet["B6"].value == "Lewat masuk"
    assert sheet["C6"].value == time(9, 20) and sheet["E6"].value == 20
    bad = await officer.get("/api/attendance/months/2026-13")
    assert bad.status_code == 422 and bad.json()["code"] == "month_invalid"


async def test_team_views_cover_only_direct_reports(client_factory: Any, org: Org) -> None:
    await _october(org)
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    supervisor = await client_factory()
    await supervisor.sign_in(org.login["exec_a"])
    grid = (await supervisor.get("/api/attendance/team/months/2026-10")).json()
    assert [m["userId"] for m in grid] == [org.users["officer_a"]]
    today = (await supervisor.get("/api/attendance/team/today")).json()
    assert [(t["userId"], t["where"]) for t in today] == [
        (org.users["officer_a"], "not_checked_in")
    ]
    # Someone else's officer is not visible.
    stranger = await client_factory()
    await stranger.sign_in(org.login["officer_b"])
    assert (await stranger.get("/api/attendance/team/months/2026-10")).json() == []


async def test_team_today_says_where_people_are(client_factory: Any, org: Org) -> None:
    fences.forget()
    await OfficeAssignment.insert(
        OfficeAssignment(user=org.users["officer_a"], office=org.office_a)
    )
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    await _record(org.users["officer_a"], datetime.now(UTC), "in", status="outside")
    supervisor = await client_factory()
    await supervisor.sign_in(org.login["exec_a"])
    today = (await supervisor.get("/api/attendance/team/today")).json()
    assert today[0]["where"] == "outside"
