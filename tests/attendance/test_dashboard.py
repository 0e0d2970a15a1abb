"""The executive dashboard: figures checked against a hand-computed fixture, scope, downloads."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl

from api.attendance.tables import AttendanceIssue, CheckIn
from api.org.tables import User
from tests.fixtures import Org

KL = ZoneInfo("Asia/Kuala_Lumpur")
RANGE = {"from": "2026-10-01", "to": "2026-10-05"}  # Thu, Fri, Sat, Sun, Mon (PJY: Sat–Sun off)


def kl(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, tzinfo=KL)


async def punch(
    user: int,
    at: datetime,
    kind: str = "in",
    status: str = "inside",
    approval: str = "not_needed",
    source: str = "phone",
) -> None:
    await CheckIn.insert(
        CheckIn(
            user=user,
            client_id=f"t-{user}-{at.isoformat()}-{kind}",
            kind=kind,
            occurred_at=at,
            received_at=at,
            status=status,
            approval=approval,
            source=source,
        )
    )


async def seed(org: Org) -> None:
    """Agency A has 4 active officers: admin_a and super (root), exec_a (IT), officer_a (IT/apps).

    Hand-computed for 1–5 October 2026 (working days 1, 2, 5):
    first check-ins officer_a 1st 07:20 (≤07:29), 2nd 09:05 (≥09:01), 5th 08:30 outside pending
    (08:30–09:00); exec_a 1st 08:00 (08:00–08:29), 5th 07:45 device (07:30–07:59); admin_a 3rd
    (Saturday, not bucketed) and 5th 08:10 outside approved (08:00–08:29).
    """
    officer, executive, admin = (org.users[k] for k in ("officer_a", "exec_a", "admin_a"))
    await punch(officer, kl(1, 7, 20))
    await punch(officer, kl(1, 7, 50))  # a second check-in: not the first
    await punch(officer, kl(1, 17, 0), kind="out")
    await punch(officer, kl(2, 9, 5))
    await punch(officer, kl(5, 8, 30), status="outside", approval="pending")
    await punch(executive, kl(1, 8, 0))
    await punch(executive, kl(5, 7, 45), source="device")
    await punch(admin, kl(3, 10, 0))
    await punch(admin, kl(5, 8, 10), status="outside", approval="approved")
    await punch(org.users["officer_b"], kl(1, 7, 0))  # another agency
    # The edges of the range in local time: 30 Sep 23:59 and 6 Oct 00:00 are outside it,
    # Sunday 4 Oct 23:59 is inside (a rest day: counted per day, not bucketed).
    superuser = org.users["super"]
    await punch(superuser, datetime(2026, 9, 30, 23, 59, tzinfo=KL))
    await punch(superuser, datetime(2026, 10, 6, 0, 0, tzinfo=KL))
    await punch(superuser, kl(4, 23, 59))
    frozen = (
        await User.insert(
            User(
                agency=org.agency_a,
                login_id="880101145555",
                name="Beku",
                unit=org.units_a["apps"],
                email="beku@example.gov.my",
                state="frozen",
            )
        ).returning(User.id)
    )[0]["id"]
    await punch(frozen, kl(1, 7, 0))  # not an active officer
    for user, day, status in (
        (officer, 2, "open"),
        (executive, 1, "justified"),
        (admin, 2, "approved"),  # decided: not open
        (org.users["officer_b"], 2, "open"),  # another agency
    ):
        await AttendanceIssue.insert(
            AttendanceIssue(
                user=user, day=datetime(2026, 10, day).date(), kind="late_in", status=status
            )
        )
    await AttendanceIssue.insert(
        AttendanceIssue(user=officer, day=datetime(2026, 9, 30).date(), kind="absent")
    )


async def signed_in(client_factory: Any, login: str) -> Any:
    client = await client_factory()
    await client.sign_in(login)
    return client


async def test_agency_dashboard_matches_hand_computed_figures(
    client_factory: Any, org: Org
) -> None:
    await seed(org)
    admin = await signed_in(client_factory, org.login["admin_a"])
    response = await admin.get("/api/attendance/dashboard", params=RANGE)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    data = response.json()
    assert data["registered"] == 4
    assert data["workingDays"] == 3
    assert data["checkedInPercent"] == 50.0  # 6 officer-days of 4 × 3
    assert [(d["day"], d["working"], d["checkedIn"], d["percent"]) for d in data["days"]] == [
        ("2026-10-01", True, 2, 50.0),
        ("2026-10-02", True, 1, 25.0),
        ("2026-10-03", False, 1, 25.0),
        ("2026-10-04", False, 1, 25.0),
        ("2026-10-05", True, 3, 75.0),
    ]
    assert {b["label"]: b["count"] for b in data["buckets"]} == {
        "≤07:29": 1,
        "07:30–07:59": 1,
        "08:00–08:29": 2,
        "08:30–09:00": 1,
        "≥09:01": 1,
    }
    assert data["at"] == "2026-10-05"
    assert data["snapshot"] == {
        "in_office": 1,
        "outside_pending": 1,
        "outside_approved": 1,
        "outside_rejected": 0,
        "not_checked_in": 1,
    }
    assert data["openIssues"] == 2
    assert [u["name"] for u in data["units"]] == [
        "Ibu Pejabat A",
        "Bahagian IT",
        "Seksyen Aplikasi",
    ]


async def test_unit_executive_sees_their_subtree_only(client_factory: Any, org: Org) -> None:
    await seed(org)
    executive = await signed_in(client_factory, org.login["exec_a"])
    data = (await executive.get("/api/attendance/dashboard", params=RANGE)).json()
    assert data["unitId"] == org.units_a["it"]
    assert data["registered"] == 2  # exec_a and officer_a
    assert [d["checkedIn"] for d in data["days"]] == [2, 1, 0, 0, 2]
    assert data["checkedInPercent"] == 83.3  # 5 of 2 × 3
    assert data["snapshot"]["in_office"] == 1
    assert data["snapshot"]["outside_pending"] == 1
    assert data["snapshot"]["not_checked_in"] == 0
    assert data["openIssues"] == 2
    assert [u["id"] for u in data["units"]] == [org.units_a["it"], org.units_a["apps"]]

    apps = await executive.get(
        "/api/attendance/dashboard", params={**RANGE, "unit": org.units_a["apps"]}
    )
    assert apps.status_code == 200 and apps.json()["registered"] == 1
    # Above their unit, another agency's unit, a unit that does not exist: all 404.
    for unit in (org.units_a["root"], org.units_b["root"], 999_999):
        outside = await executive.get("/api/attendance/dashboard", params={**RANGE, "unit": unit})
        assert outside.status_code == 404, unit
        outside = await executive.get(
            "/api/attendance/dashboard/download", params={**RANGE, "unit": unit}
        )
        assert outside.status_code == 404, unit


async def test_other_agency_admin_and_officers_are_refused(client_factory: Any, org: Org) -> None:
    admin_b = await signed_in(client_factory, org.login["admin_b"])
    response = await admin_b.get("/api/attendance/dashboard", params={"unit": org.units_a["it"]})
    assert response.status_code == 404
    own = await admin_b.get("/api/attendance/dashboard")
    assert own.status_code == 200 and own.json()["registered"] == 2
    officer = await signed_in(client_factory, org.login["officer_a"])
    assert (await officer.get("/api/attendance/dashboard")).status_code == 403


async def test_bad_ranges_are_explained(client_factory: Any, org: Org) -> None:
    admin = await signed_in(client_factory, org.login["admin_a"])
    backwards = await admin.get(
        "/api/attendance/dashboard", params={"from": "2026-10-05", "to": "2026-10-01"}
    )
    assert backwards.status_code == 422 and backwards.json()["code"] == "date_range_invalid"
    long = await admin.get(
        "/api/attendance/dashboard", params={"from": "2024-01-01", "to": "2026-10-01"}
    )
    assert long.status_code == 422 and long.json()["code"] == "date_range_too_long"
    assert "366" in long.json()["detail"]
    garbage = await admin.get("/api/attendance/dashboard", params={"from": "1 Okt"})
    assert garbage.status_code == 400


async def test_downloads_carry_the_same_numbers(client_factory: Any, org: Org) -> None:
    await seed(org)
    admin = await signed_in(client_factory, org.login["admin_a"])
    as_csv = await admin.get("/api/attendance/dashboard/download", params=RANGE)
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "papan-pemuka-2026-10-01-2026-10-05.csv" in as_csv.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    figures = {r[0]: r[1] for r in rows if len(r) == 2}
    assert figures["registered_officers"] == "4"
    assert figures["checked_in_percent"] == "50.0"
    assert figures["open_issues"] == "2"
    assert figures["snapshot_outside_pending"] == "1"
    assert figures["first_check_in 08:00–08:29"] == "2"
    assert ["2026-10-05", "yes", "3", "75.0"] in rows

    as_xlsx = await admin.get(
        "/api/attendance/dashboard/download", params={**RANGE, "format": "xlsx"}
    )
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx.content))
    assert book.sheetnames == ["Ringkasan", "Harian", "Unit"]
    for sheet in book.worksheets:
        top = [r[0] for r in sheet.iter_rows(max_row=3, values_only=True)]
        assert top[0].startswith("TERHAD") and "Agensi A" in top[1]
        assert top[2] == "2026-10-01 – 2026-10-05"
    summary = {r[0]: r[1] for r in book["Ringkasan"].iter_rows(min_row=5, values_only=True)}
    assert summary["Pegawai berdaftar"] == 4
    assert summary["Hari bekerja"] == 3
    assert summary["Daftar masuk pertama 08:00–08:29"] == 2
    daily = list(book["Harian"].iter_rows(min_row=4, values_only=True))
    assert daily[0][:6] == (
        "Tarikh",
        "Hari bekerja",
        "Daftar masuk",
        "Peratus",
        "Di pejabat",
        "Di luar pejabat",
    )
    # A real date cell, the day's in-office/outside split and its buckets.
    assert daily[5][0] == datetime(2026, 10, 5)
    assert daily[5][1:] == ("Ya", 3, 75, 1, 2, 0, 1, 1, 1, 0)
    units = list(book["Unit"].iter_rows(min_row=5, values_only=True))
    assert [u[:3] for u in units] == [("Ibu Pejabat A", 2, 1), ("Bahagian IT", 2, 5)]


async def test_check_ins_through_the_real_endpoint_are_counted_today(
    client_factory: Any, org: Org
) -> None:
    """Whatever the check-in write path stores, the dashboard's SQL must read it (time format,
    time zone): officer_a checks in inside, exec_a outside; both show up today."""
    import uuid
    from datetime import UTC

    from api.attendance import fences
    from api.org.tables import OfficeAssignment

    fences.forget()
    await OfficeAssignment.insert(
        OfficeAssignment(user=org.users["officer_a"], office=org.office_a)
    )
    for who, where in (("officer_a", (2.9266, 101.69675)), ("exec_a", (2.94, 101.71))):
        client = await signed_in(client_factory, org.login[who])
        tap = {
            "clientId": str(uuid.uuid4()),
            "kind": "in",
            "fix": {"lat": where[0], "lon": where[1], "accuracy": 10.0},
            "clientAt": datetime.now(UTC).isoformat(),
        }
        response = await client.post("/api/attendance/check-ins", json=tap)
        assert response.status_code == 200, response.text
    admin = await signed_in(client_factory, org.login["admin_a"])
    data = (await admin.get("/api/attendance/dashboard")).json()
    assert data["days"][0]["checkedIn"] == 2
    assert data["snapshot"]["in_office"] == 1
    assert data["snapshot"]["outside_pending"] == 1
    if data["days"][0]["working"]:
        assert sum(b["count"] for b in data["buckets"]) == 2


async def test_open_issues_of_any_day_are_counted_beside_those_of_the_range(
    client_factory: Any, org: Org
) -> None:
    """The default range is today, and issues are opened for days that have ended: the range's
    count alone said "0 open" while issues were open (issue 12)."""
    await seed(org)
    admin = await signed_in(client_factory, org.login["admin_a"])
    today = (await admin.get("/api/attendance/dashboard")).json()
    assert today["openIssues"] == 0  # none of today's
    # 1, 2 October and 30 September are open or justified; the decided one and agency B's are not.
    assert today["openIssuesNow"] == 3
    ranged = (await admin.get("/api/attendance/dashboard", params=RANGE)).json()
    assert (ranged["openIssues"], ranged["openIssuesNow"]) == (2, 3)


async def test_in_office_and_outside_and_buckets_per_day_and_per_unit(
    client_factory: Any, org: Org
) -> None:
    """Per day by each officer's first check-in: inside or not, and its bucket; per direct
    child unit of the scope over the working days (hand-computed from `seed`)."""
    await seed(org)
    admin = await signed_in(client_factory, org.login["admin_a"])
    data = (await admin.get("/api/attendance/dashboard", params=RANGE)).json()
    assert [(d["day"], d["inOffice"], d["outside"]) for d in data["days"]] == [
        ("2026-10-01", 2, 0),
        ("2026-10-02", 1, 0),
        ("2026-10-03", 1, 0),
        ("2026-10-04", 1, 0),
        ("2026-10-05", 1, 2),
    ]
    # ≤07:29, 07:30–07:59, 08:00–08:29, 08:30–09:00, ≥09:01; rest days too.
    assert [d["buckets"] for d in data["days"]] == [
        [1, 0, 1, 0, 0],
        [0, 0, 0, 0, 1],
        [0, 0, 0, 0, 1],
        [0, 0, 0, 0, 1],
        [0, 1, 1, 1, 0],
    ]
    # The root's own officers (admin_a, super) and Bahagian IT (exec_a, officer_a).
    assert [
        (u["name"], u["registered"], u["checkedIn"], u["percent"], u["inOffice"], u["outside"])
        for u in data["perUnit"]
    ] == [
        ("Ibu Pejabat A", 2, 1, 16.7, 0, 1),
        ("Bahagian IT", 2, 5, 83.3, 4, 1),
    ]
    executive = await signed_in(client_factory, org.login["exec_a"])
    scoped = (await executive.get("/api/attendance/dashboard", params=RANGE)).json()
    assert [(u["name"], u["registered"], u["checkedIn"]) for u in scoped["perUnit"]] == [
        ("Bahagian IT", 1, 2),
        ("Seksyen Aplikasi", 1, 3),
    ]
