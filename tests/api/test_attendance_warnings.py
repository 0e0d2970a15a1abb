"""Warnings on inside check-ins (issue 15, item 2): a check-in judged inside that carries
findings needs no decision, so it never reaches the approvals inbox; supervisors see their
direct reports' in the warnings list, agency administrators the agency's (filtered by unit,
officer or finding); nobody else sees them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.attendance import fences
from api.attendance.rules import local_day
from api.attendance.tables import CheckIn
from api.attendance.warnings import counts_for_days
from api.org.tables import OfficeAssignment, User
from tests.fixtures import Org

CENTRE = {"lat": 2.9266, "lon": 101.69675}
KL_TZ = "Asia/Kuala_Lumpur"


@pytest.fixture
async def team(org: Org, client_factory: Any) -> dict[str, Any]:
    fences.forget()
    await OfficeAssignment.insert(
        OfficeAssignment(user=org.users["officer_a"], office=org.office_a)
    )
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    clients = {}
    for key in ("officer_a", "exec_a", "admin_a", "admin_b"):
        clients[key] = await client_factory()
        await clients[key].sign_in(org.login[key])
    return clients


def _tap(accuracy: float = 10.0, **extra: Any) -> dict[str, Any]:
    return {
        "clientId": str(uuid.uuid4()),
        "kind": "in",
        "fix": {**CENTRE, "accuracy": accuracy},
        "clientAt": datetime.now(UTC).isoformat(),
        **extra,
    }


async def test_the_supervisor_sees_inside_check_ins_with_findings(
    team: dict[str, Any], org: Org
) -> None:
    officer, supervisor = team["officer_a"], team["exec_a"]
    clean = (await officer.post("/api/attendance/check-ins", json=_tap())).json()
    mocked = (await officer.post("/api/attendance/check-ins", json=_tap(accuracy=0))).json()
    skewed_at = (datetime.now(UTC) + timedelta(minutes=30)).isoformat()
    skewed = (await officer.post("/api/attendance/check-ins", json=_tap(clientAt=skewed_at))).json()
    assert mocked["approval"] == skewed["approval"] == "not_needed"
    # Not in the approvals inbox (nothing to decide) ...
    assert (await supervisor.get("/api/attendance/approvals")).json() == []
    # ... but in the warnings, newest first, with the findings in words.
    answer = await supervisor.get("/api/attendance/warnings")
    assert answer.status_code == 200, answer.text
    listed = answer.json()
    assert [w["checkIn"]["id"] for w in listed] == [skewed["id"], mocked["id"]]
    assert clean["id"] not in {w["checkIn"]["id"] for w in listed}
    assert listed[0]["officerName"] == "Pegawai officer_a"
    assert "clock_skew" in {f["code"] for f in listed[0]["checkIn"]["findings"]}
    assert all(f["message"] for w in listed for f in w["checkIn"]["findings"])
    # Filtered by finding.
    only = (
        await supervisor.get("/api/attendance/warnings", params={"code": "mock_accuracy"})
    ).json()
    assert [w["checkIn"]["id"] for w in only] == [mocked["id"]]


async def test_outside_check_ins_are_not_warnings(team: dict[str, Any]) -> None:
    far = {"lat": 2.9400, "lon": 101.7100}
    tap = _tap(accuracy=0)
    tap["fix"].update(far)
    await team["officer_a"].post("/api/attendance/check-ins", json=tap)
    assert (await team["exec_a"].get("/api/attendance/warnings")).json() == []


async def test_who_sees_what(team: dict[str, Any], org: Org) -> None:
    mocked = (
        await team["officer_a"].post("/api/attendance/check-ins", json=_tap(accuracy=1.0))
    ).json()
    # The officer has no reports; their own team list is empty and the agency list is refused.
    assert (await team["officer_a"].get("/api/attendance/warnings")).json() == []
    refused = await team["officer_a"].get("/api/attendance/warnings", params={"scope": "agency"})
    assert refused.status_code == 404
    refused = await team["exec_a"].get("/api/attendance/warnings", params={"scope": "agency"})
    assert refused.status_code == 404
    # The agency administrator: the whole agency, and by unit or officer.
    admin = team["admin_a"]
    everyone = (await admin.get("/api/attendance/warnings", params={"scope": "agency"})).json()
    assert [w["checkIn"]["id"] for w in everyone] == [mocked["id"]]
    apps = {"scope": "agency", "unit": org.units_a["it"]}
    assert len((await admin.get("/api/attendance/warnings", params=apps)).json()) == 1
    other_officer = {"scope": "agency", "officer": org.users["exec_a"]}
    assert (await admin.get("/api/attendance/warnings", params=other_officer)).json() == []
    # Another agency's administrator sees nothing of it, nor its units.
    other = team["admin_b"]
    assert (await other.get("/api/attendance/warnings", params={"scope": "agency"})).json() == []
    foreign_unit = {"scope": "agency", "unit": org.units_a["it"]}
    assert (await other.get("/api/attendance/warnings", params=foreign_unit)).status_code == 404


async def test_a_bad_range_is_refused_in_the_users_language(team: dict[str, Any]) -> None:
    supervisor = team["exec_a"]
    for params in (
        {"from": "2026-12-07", "to": "2026-12-01"},
        {"from": "2026-10-01", "to": "2026-12-01"},
    ):
        answer = await supervisor.get("/api/attendance/warnings", params=params)
        assert answer.status_code == 422
        assert answer.json()["code"] == "warnings_range_invalid"
        assert answer.json()["detail"].startswith("Julat tarikh tidak sah")


async def test_the_daily_count_per_supervisor(team: dict[str, Any], org: Org) -> None:
    officer = team["officer_a"]
    body = (await officer.post("/api/attendance/check-ins", json=_tap())).json()
    assert body["findings"] == []
    await officer.post("/api/attendance/check-ins", json=_tap(accuracy=0))
    await officer.post("/api/attendance/check-ins", json=_tap(accuracy=0.001))
    from zoneinfo import ZoneInfo

    today = local_day(datetime.now(UTC), ZoneInfo(KL_TZ))
    counts = await counts_for_days(today, today, org.agency_a)
    assert await counts_for_days(today, today, org.agency_b) == {}
    assert counts == {org.users["exec_a"]: 2}
    assert await CheckIn.count() == 3
