"""Agency holiday overrides and offices' clock-broken days: editing, scope, and their effect on
the rules engine (monthly report) and the dashboard."""

from __future__ import annotations

from typing import Any

from api.accounts.tables import AuditEvent
from api.org.tables import OfficeAssignment
from tests.attendance.test_dashboard import RANGE, kl, punch, signed_in
from tests.fixtures import Org


async def month_statuses(client: Any, month: str) -> dict[str, dict[str, Any]]:
    response = await client.get(f"/api/attendance/months/{month}")
    assert response.status_code == 200, response.text
    return {d["day"]: d for d in response.json()["days"]}


async def test_extra_holiday_and_working_day(client_factory: Any, org: Org) -> None:
    admin = await signed_in(client_factory, org.login["admin_a"])
    officer = await signed_in(client_factory, org.login["officer_a"])
    await punch(org.users["officer_a"], kl(2, 9, 30))  # late on Friday 2 October
    await punch(org.users["officer_a"], kl(2, 18, 30), kind="out")

    before = await month_statuses(officer, "2026-10")
    assert before["2026-10-02"]["status"] == "late_in"
    assert (await month_statuses(officer, "2026-08"))["2026-08-31"]["status"] == "public_holiday"

    response = await admin.put(
        "/api/attendance/calendar/overrides/2026-10-02",
        json={"kind": "holiday", "name": "Cuti Peristiwa"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"day": "2026-10-02", "kind": "holiday", "name": "Cuti Peristiwa"}
    # Merdeka day worked by this agency (e.g. an operations centre).
    response = await admin.put(
        "/api/attendance/calendar/overrides/2026-08-31", json={"kind": "working"}
    )
    assert response.status_code == 200

    after = await month_statuses(officer, "2026-10")
    assert after["2026-10-02"]["status"] == "public_holiday"
    assert after["2026-10-02"]["holidayName"] == "Cuti Peristiwa"
    assert (await month_statuses(officer, "2026-08"))["2026-08-31"]["status"] == "absent"

    calendar = (await admin.get("/api/attendance/calendar", params={"year": 2026})).json()
    assert calendar["state"] == "PJY"
    assert [(o["day"], o["kind"]) for o in calendar["overrides"]] == [
        ("2026-08-31", "working"),
        ("2026-10-02", "holiday"),
    ]
    assert calendar["holidays"]["2026-10-02"] == "Cuti Peristiwa"
    assert "2026-08-31" not in calendar["holidays"]
    assert calendar["holidays"]["2026-09-16"] == "Hari Malaysia"

    # The dashboard counts one working day fewer.
    data = (await admin.get("/api/attendance/dashboard", params=RANGE)).json()
    assert data["workingDays"] == 2
    assert {b["label"]: b["count"] for b in data["buckets"]}["≥09:01"] == 0

    # Replacing is idempotent; deleting restores the package's calendar.
    again = await admin.put(
        "/api/attendance/calendar/overrides/2026-10-02", json={"kind": "holiday", "name": "Banjir"}
    )
    assert again.json()["name"] == "Banjir"
    assert (
        len(
            (await admin.get("/api/attendance/calendar", params={"year": 2026})).json()["overrides"]
        )
        == 2
    )
    assert (await admin.delete("/api/attendance/calendar/overrides/2026-10-02")).status_code == 204
    assert (await month_statuses(officer, "2026-10"))["2026-10-02"]["status"] == "late_in"
    gone = await admin.delete("/api/attendance/calendar/overrides/2026-10-02")
    assert gone.status_code == 404
    actions = {r["action"] for r in await AuditEvent.select(AuditEvent.action)}
    assert {"attendance.calendar_override.set", "attendance.calendar_override.delete"} <= actions


async def test_overrides_belong_to_one_agency(client_factory: Any, org: Org) -> None:
    admin_a = await signed_in(client_factory, org.login["admin_a"])
    admin_b = await signed_in(client_factory, org.login["admin_b"])
    await admin_a.put(
        "/api/attendance/calendar/overrides/2026-10-02", json={"kind": "holiday", "name": "X"}
    )
    calendar_b = (await admin_b.get("/api/attendance/calendar", params={"year": 2026})).json()
    assert calendar_b["overrides"] == [] and calendar_b["state"] == "KDH"
    # Agency B cannot delete agency A's override: for them it does not exist.
    assert (
        await admin_b.delete("/api/attendance/calendar/overrides/2026-10-02")
    ).status_code == 404
    for who in ("officer_a", "exec_a"):
        client = await signed_in(client_factory, org.login[who])
        response = await client.put(
            "/api/attendance/calendar/overrides/2026-10-02", json={"kind": "holiday"}
        )
        assert response.status_code == 403


async def test_bad_override_input(client_factory: Any, org: Org) -> None:
    admin = await signed_in(client_factory, org.login["admin_a"])
    wrong_kind = await admin.put(
        "/api/attendance/calendar/overrides/2026-10-02", json={"kind": "weekend"}
    )
    assert wrong_kind.status_code == 400
    assert wrong_kind.json()["errors"]
    bad_day = await admin.put(
        "/api/attendance/calendar/overrides/2026-02-30", json={"kind": "holiday"}
    )
    assert bad_day.status_code in (400, 404)
    too_long = await admin.put(
        "/api/attendance/calendar/overrides/2026-10-02", json={"kind": "holiday", "name": "x" * 300}
    )
    assert too_long.status_code == 400
    no_year = await admin.get("/api/attendance/calendar")
    assert no_year.status_code == 400


async def test_clock_broken_day_of_an_office(client_factory: Any, org: Org) -> None:
    await OfficeAssignment.insert(
        OfficeAssignment(user=org.users["officer_a"], office=org.office_a)
    )
    await punch(org.users["officer_a"], kl(2, 9, 30))  # late, but the clock was broken
    await punch(org.users["officer_a"], kl(2, 18, 30), kind="out")
    admin = await signed_in(client_factory, org.login["admin_a"])
    officer = await signed_in(client_factory, org.login["officer_a"])
    url = f"/api/attendance/offices/{org.office_a}/clock-broken/2026-10-02"
    response = await admin.put(url, json={"note": "Mesin rosak"})
    assert response.status_code == 200, response.text
    assert response.json()["officeName"] == "HQ A"
    days = await month_statuses(officer, "2026-10")
    assert days["2026-10-02"]["status"] == "clock_broken"
    assert days["2026-10-01"]["status"] == "absent"  # only that day
    # An officer not assigned to that office is not affected.
    exec_days = await month_statuses(
        await signed_in(client_factory, org.login["exec_a"]), "2026-10"
    )
    assert exec_days["2026-10-02"]["status"] == "absent"

    calendar = (await admin.get("/api/attendance/calendar", params={"year": 2026})).json()
    assert calendar["clockBroken"] == [
        {"officeId": org.office_a, "officeName": "HQ A", "day": "2026-10-02", "note": "Mesin rosak"}
    ]
    assert calendar["offices"] == {str(org.office_a): "HQ A"}

    admin_b = await signed_in(client_factory, org.login["admin_b"])
    assert (await admin_b.put(url, json={})).status_code == 404  # another agency's office
    assert (await admin_b.delete(url)).status_code == 404
    assert (
        await admin.put("/api/attendance/offices/999999/clock-broken/2026-10-02", json={})
    ).status_code == 404

    assert (await admin.delete(url)).status_code == 204
    assert (await month_statuses(officer, "2026-10"))["2026-10-02"]["status"] == "late_in"
    assert (await admin.delete(url)).status_code == 404
