"""Working patterns per person (issue 13): the yearly grid, assignments for people or a unit
from a month on, the agency's own staggered patterns with their Ramadan twin, WBF shortened in
Ramadan, a past change recomputing the issues of closed days (through the queue and its job),
early-leave entitlements used by the rules, and the office's own state deciding weekends."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from api.accounts.authz import Principal
from api.accounts.tables import AuditEvent
from api.attendance import agency_settings, services
from api.attendance.issues import open_issues_for_day
from api.attendance.pattern_admin import run_queued_recomputes
from api.attendance.reports import evaluate_days
from api.attendance.tables import AttendanceIssue, IssueRecompute
from api.org.tables import Office, OfficeAssignment
from tests.api.test_policy_settings import punch
from tests.fixtures import SQUARE_PUTRAJAYA, ApiClient, Org, employed_since

MONDAY = date(2026, 10, 5)
LATER = datetime(2026, 10, 20, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fresh_caches() -> Any:
    agency_settings.forget()
    yield
    agency_settings.forget()


async def _assign(admin: ApiClient, **body: Any) -> Any:
    return await admin.post("/api/attendance/working-patterns/assignments", json=body)


async def _day(org: Org, day: date, who: str = "officer_a", now: datetime = LATER) -> Any:
    agency = org.agency_b if who.endswith("_b") else org.agency_a
    (result,) = await evaluate_days(org.users[who], agency, day, day, now)
    return result


async def test_the_grid_shows_each_month_and_a_change_from_a_month_on(
    admin_a: ApiClient, org: Org
) -> None:
    answer = await _assign(
        admin_a, patternCode="WP2", first="2026-03", userIds=[org.users["officer_a"]]
    )
    assert answer.status_code == 200, answer.text
    answer = await _assign(
        admin_a,
        patternCode="WP1",
        first="2026-06",
        last="2026-07",
        userIds=[org.users["officer_a"]],
    )
    assert answer.json()["people"] == 1
    grid = (await admin_a.get("/api/attendance/working-patterns?year=2026&q=officer_a")).json()
    (row,) = grid["rows"]
    assert [m[0] for m in row["months"]] == (
        ["WBF", "WBF"] + ["WP2"] * 3 + ["WP1", "WP1"] + ["WP2"] * 5
    )
    assert {"WP1", "WP2", "WP3", "WBF"} <= {p["code"] for p in grid["patterns"]}
    assert "WP4" not in {p["code"] for p in grid["patterns"]}  # Ramadan follows, not assigned
    assert str((await _day(org, date(2026, 6, 15))).pattern_code) == "WP1"
    assert str((await _day(org, date(2026, 8, 17))).pattern_code) == "WP2"
    assert await AuditEvent.exists().where(AuditEvent.action == "attendance.pattern.assign")


async def test_bad_assignments_are_refused(
    admin_a: ApiClient, client_factory: Any, org: Org
) -> None:
    officer = org.users["officer_a"]
    for body in (
        {"patternCode": "WP9", "first": "2026-03", "userIds": [officer]},
        {"patternCode": "WP1", "first": "2026-13", "userIds": [officer]},
        {"patternCode": "WP1", "first": "2026-05", "last": "2026-04", "userIds": [officer]},
        {"patternCode": "WP1", "first": "2026-05"},
    ):
        answer = await _assign(admin_a, **body)
        assert answer.status_code == 422, (body, answer.text)
    other_agency = await _assign(
        admin_a, patternCode="WP1", first="2026-05", userIds=[org.users["officer_b"]]
    )
    assert other_agency.status_code == 404
    plain = await client_factory()
    await plain.sign_in(org.login["officer_a"])
    answer = await _assign(plain, patternCode="WP1", first="2026-05", userIds=[officer])
    assert answer.status_code in (403, 404)


async def test_a_unit_changes_in_bulk(admin_a: ApiClient, org: Org) -> None:
    answer = await _assign(admin_a, patternCode="WP3", first="2026-09", unitId=org.units_a["it"])
    assert answer.status_code == 200, answer.text
    assert answer.json()["people"] == 2  # exec_a (IT) and officer_a (Aplikasi, below IT)
    assert (await _day(org, date(2026, 9, 7), "exec_a")).pattern_code == "WP3"
    assert (await _day(org, date(2026, 9, 7), "admin_a")).pattern_code == "WBF"
    grid = await admin_a.get(f"/api/attendance/working-patterns?year=2026&unit={org.units_a['it']}")
    assert sorted(r["userId"] for r in grid.json()["rows"]) == sorted(
        [org.users["exec_a"], org.users["officer_a"]]
    )
    assert all(r["months"][8] == ["WP3"] for r in grid.json()["rows"])


async def test_ramadan_follows_the_assignment_and_shortens_wbf_too(
    admin_a: ApiClient, org: Org
) -> None:
    await _assign(admin_a, patternCode="WP1", first="2026-01", userIds=[org.users["officer_a"]])
    ramadan_monday = date(2026, 3, 2)
    staggered = await _day(org, ramadan_monday, now=datetime(2026, 3, 10, tzinfo=UTC))
    assert (staggered.pattern_code, staggered.expected_end) == ("WP4", time(16, 0))
    flexible = await _day(org, ramadan_monday, "exec_a", now=datetime(2026, 3, 10, tzinfo=UTC))
    assert (flexible.pattern_code, flexible.expected_end) == ("WBF_RAMADAN", time(17, 30))


async def test_the_agency_defines_its_own_staggered_pattern(admin_a: ApiClient, org: Org) -> None:
    too_long = await admin_a.put(
        "/api/attendance/agency-patterns/WP7", json={"start": "07:00", "end": "18:00"}
    )
    assert too_long.status_code == 422
    federal = await admin_a.put(
        "/api/attendance/agency-patterns/WP1", json={"start": "07:00", "end": "16:00"}
    )
    assert federal.status_code == 422
    # Regression (schemathesis): a day ending at midnight has no default Ramadan end: 422, not 500.
    midnight = await admin_a.put(
        "/api/attendance/agency-patterns/WP8", json={"start": "00:00", "end": "00:00", "name": ""}
    )
    assert midnight.status_code == 422, midnight.text
    made = await admin_a.put(
        "/api/attendance/agency-patterns/WP7",
        json={"start": "09:30", "end": "18:30", "name": "Shif kaunter"},
    )
    assert made.status_code == 200, made.text
    assert made.json()["ramadanEnd"] == "18:00"
    await _assign(admin_a, patternCode="WP7", first="2026-01", userIds=[org.users["officer_a"]])
    normal = await _day(org, MONDAY)
    assert (normal.pattern_code, normal.expected_start) == ("WP7", time(9, 30))
    ramadan = await _day(org, date(2026, 3, 2), now=datetime(2026, 3, 10, tzinfo=UTC))
    assert (ramadan.pattern_code, ramadan.expected_end) == ("WP7_R", time(18, 0))
    in_use = await admin_a.delete("/api/attendance/agency-patterns/WP7")
    assert in_use.status_code == 409


async def test_a_past_change_recomputes_the_closed_days(admin_a: ApiClient, org: Org) -> None:
    officer = org.users["officer_a"]
    await employed_since([officer], date(2026, 9, 1), org.office_a)
    # WBF by default: in 08:45, out 17:00 is 45 minutes early.
    await punch(officer, MONDAY, time(8, 45), "in")
    await punch(officer, MONDAY, time(17, 0), "out")
    await open_issues_for_day(MONDAY, now=datetime(2026, 10, 7, tzinfo=UTC))

    async def issues() -> list[tuple[str, str, str]]:
        rows = await AttendanceIssue.select().where(AttendanceIssue.day == MONDAY)
        return sorted((r["kind"], r["status"], r["closed_reason"]) for r in rows)

    assert await issues() == [("early_out", "open", "")]
    answer = await _assign(admin_a, patternCode="WP1", first="2026-10", userIds=[officer])
    assert answer.json()["recomputeQueued"] == 1
    assert await issues() == [("early_out", "open", "")]  # not in the request: queued
    await run_queued_recomputes()
    # WP1 07:30–16:30: 08:45 is late, 17:00 is not early.
    assert await issues() == [
        ("early_out", "closed", "pattern_changed"),
        ("late_in", "open", ""),
    ]
    assert await IssueRecompute.count() == 0


async def test_early_leave_is_recorded_audited_and_used(
    admin_a: ApiClient, client_factory: Any, org: Org
) -> None:
    officer = org.users["officer_a"]
    await _assign(admin_a, patternCode="WP1", first="2026-01", userIds=[officer])
    await punch(officer, MONDAY, time(7, 25), "in")
    await punch(officer, MONDAY, time(15, 30), "out")
    assert str((await _day(org, MONDAY)).status) == "early_out"
    plain = await client_factory()
    await plain.sign_in(org.login["exec_a"])
    body = {"userId": officer, "start": "2026-09-01", "end": "2026-12-31"}
    assert (await plain.post("/api/attendance/early-leave", json=body)).status_code in (403, 404)
    wrong = await admin_a.post("/api/attendance/early-leave", json={**body, "start": "2027-01-01"})
    assert wrong.status_code == 422
    made = await admin_a.post("/api/attendance/early-leave", json=body)
    assert made.status_code == 200, made.text
    result = await _day(org, MONDAY)
    assert str(result.status) == "present"
    assert result.expected_end == time(15, 30)
    assert "early_leave_entitlement" in {str(f) for f in result.flags}
    assert await AuditEvent.exists().where(AuditEvent.action == "attendance.early_leave.add")
    listed = (await admin_a.get(f"/api/attendance/early-leave?user={officer}")).json()
    assert [(e["minutes"], e["basis"]) for e in listed] == [(60, "PP 11/2017")]
    gone = await admin_a.delete(f"/api/attendance/early-leave/{made.json()['id']}")
    assert gone.status_code == 204
    assert str((await _day(org, MONDAY)).status) == "early_out"


async def _office(org: Org, state: str) -> int:
    return (
        await Office.insert(
            Office(
                agency=org.agency_a,
                code=f"BR-{state}",
                name=f"Cawangan {state}",
                state=state,
                geometry=SQUARE_PUTRAJAYA,
            )
        ).returning(Office.id)
    )[0]["id"]


async def test_the_office_state_decides_the_weekend(org: Org) -> None:
    """Agency A is in Putrajaya; an officer of its Kedah branch rests on Friday and works on
    Sunday."""
    friday, sunday = date(2026, 10, 9), date(2026, 10, 11)
    assert str((await _day(org, friday)).status) == "absent"
    assert str((await _day(org, sunday)).status) == "weekend"
    await OfficeAssignment.insert(
        OfficeAssignment(user=org.users["officer_a"], office=await _office(org, "KDH"))
    )
    assert str((await _day(org, friday)).status) == "weekend"
    assert str((await _day(org, sunday)).status) == "absent"


async def test_the_first_office_decides_for_an_officer_with_several(org: Org) -> None:
    friday = date(2026, 10, 9)
    user = org.users["officer_a"]
    await OfficeAssignment.insert(OfficeAssignment(user=user, office=await _office(org, "KDH")))
    await OfficeAssignment.insert(OfficeAssignment(user=user, office=org.office_a))
    assert str((await _day(org, friday)).status) == "weekend"


async def test_the_today_card_shows_the_friday_prayer_break(org: Org) -> None:
    user = org.users["officer_a"]
    principal = Principal(
        user_id=user, agency_id=org.agency_a, login_id="x", name="Pegawai", language="ms"
    )
    friday_noon = datetime(2026, 10, 9, 4, tzinfo=UTC)  # 12:00 in Malaysia
    card = await services.today(principal, now=friday_noon)
    assert (card.break_start, card.break_end, card.friday_prayer) == (
        "12:15:00",
        "14:45:00",
        True,
    )
    await OfficeAssignment.insert(OfficeAssignment(user=user, office=await _office(org, "SBH")))
    card = await services.today(principal, now=friday_noon)
    assert (card.break_start, card.break_end) == ("11:30:00", "14:00:00")
    monday = await services.today(principal, now=datetime(2026, 10, 5, 4, tzinfo=UTC))
    assert (monday.break_start, monday.friday_prayer) == ("13:00:00", False)
