"""The history of a rejected check-in and of the officer's justification (issue 15, item 8):
who decided what, when, with which note, for the officer and the supervisor (and the agency's
administrator), nobody else; the same steps, with their notes, in the audit trail."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from api.accounts.tables import AuditEvent
from api.attendance import fences
from api.attendance.issues import open_issues_for_day
from api.attendance.tables import CheckIn
from api.org.tables import User
from tests.fixtures import Org, employed_since

MONDAY = date(2026, 10, 5)
FAR_AWAY = {"lat": 2.9400, "lon": 101.7100}


@pytest.fixture
async def people(org: Org, client_factory: Any) -> dict[str, Any]:
    fences.forget()
    await employed_since([org.users["officer_a"]], date(2026, 9, 1), org.office_a)
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    clients = {}
    for key in ("officer_a", "exec_a", "admin_a", "admin_b", "officer_b"):
        clients[key] = await client_factory()
        await clients[key].sign_in(org.login[key])
    return clients


async def _rejected_then_justified(people: dict[str, Any]) -> tuple[int, int]:
    officer, supervisor = people["officer_a"], people["exec_a"]
    tap = {"clientId": str(uuid.uuid4()), "kind": "in", "fix": {**FAR_AWAY, "accuracy": 10.0}}
    check_in = (await officer.post("/api/attendance/check-ins", json=tap)).json()["id"]
    await officer.patch(
        f"/api/attendance/check-ins/{check_in}",
        json={"mode": "official_duty", "note": "Mesyuarat di Kementerian Kewangan"},
    )
    rejected = await supervisor.post(
        "/api/attendance/approvals/decisions",
        json={"ids": [check_in], "decision": "rejected", "note": "Tiada slip pergerakan"},
    )
    assert rejected.status_code == 200, rejected.text
    # The tap was on Monday 5 October (moved there); the day closes and its issue opens.
    at = datetime(2026, 10, 5, 0, 30, tzinfo=UTC)
    await CheckIn.update({CheckIn.occurred_at: at}).where(CheckIn.id == check_in)
    await open_issues_for_day(MONDAY, now=datetime(2026, 10, 6, 3, tzinfo=UTC))
    # The rejected check-in leaves the day without a valid check-out: its issue.
    [issue] = [
        i for i in (await officer.get("/api/attendance/issues")).json() if i["day"] == "2026-10-05"
    ]
    justified = await officer.patch(
        f"/api/attendance/issues/{issue['id']}",
        json={"justification": "Slip dipohon lewat kerana mesyuarat mengejut"},
    )
    assert justified.status_code == 200
    decided = await supervisor.post(
        "/api/attendance/approvals/issues/decisions",
        json={"ids": [issue["id"]], "decision": "approved", "note": "Diterima kali ini"},
    )
    assert decided.status_code == 200, decided.text
    return check_in, issue["id"]


async def test_the_officer_and_the_supervisor_see_the_whole_history(
    people: dict[str, Any], org: Org
) -> None:
    check_in, issue = await _rejected_then_justified(people)
    expected = [
        ("recorded", "Pegawai officer_a", ""),
        ("reason", "Pegawai officer_a", "Mesyuarat di Kementerian Kewangan"),
        ("rejected", "Pegawai exec_a", "Tiada slip pergerakan"),
        ("issue_opened", "", ""),
        ("justified", "Pegawai officer_a", "Slip dipohon lewat kerana mesyuarat mengejut"),
        ("issue_approved", "Pegawai exec_a", "Diterima kali ini"),
    ]
    for who in ("officer_a", "exec_a", "admin_a"):
        for url in (
            f"/api/attendance/check-ins/{check_in}/history",
            f"/api/attendance/issues/{issue}/history",
        ):
            answer = await people[who].get(url)
            assert answer.status_code == 200, (who, answer.text)
            body = answer.json()
            assert body["day"] == "2026-10-05" and body["officerName"] == "Pegawai officer_a"
            got = [(e["event"], e["actorName"], e["note"]) for e in body["events"]]
            assert got == expected, who
    decided = [e for e in body["events"] if e["event"] in ("rejected", "issue_approved")]
    assert all(e["at"] for e in decided)
    assert body["events"][1]["mode"] == "official_duty"


async def test_nobody_else_sees_it(people: dict[str, Any], org: Org) -> None:
    check_in, issue = await _rejected_then_justified(people)
    for who in ("officer_b", "admin_b"):
        for url in (
            f"/api/attendance/check-ins/{check_in}/history",
            f"/api/attendance/issues/{issue}/history",
        ):
            assert (await people[who].get(url)).status_code == 404, who
    missing = await people["officer_a"].get("/api/attendance/check-ins/999999/history")
    assert missing.status_code == 404


async def test_the_audit_trail_has_every_step_with_its_note(
    people: dict[str, Any], org: Org
) -> None:
    check_in, issue = await _rejected_then_justified(people)
    events = await AuditEvent.select(
        AuditEvent.action, AuditEvent.actor_id, AuditEvent.target_id, AuditEvent.detail
    ).where(AuditEvent.target_type.is_in(["check_in", "attendance_issue"]))

    def detail(e: dict[str, Any]) -> dict[str, Any]:
        return e["detail"] if isinstance(e["detail"], dict) else json.loads(e["detail"])

    steps = [
        (
            e["action"],
            e["actor_id"],
            str(e["target_id"]),
            detail(e).get("note") or detail(e).get("text"),
        )
        for e in events
    ]
    officer, supervisor = org.users["officer_a"], org.users["exec_a"]
    assert steps == [
        ("check_in_reason_given", officer, str(check_in), "Mesyuarat di Kementerian Kewangan"),
        ("check_in_rejected", supervisor, str(check_in), "Tiada slip pergerakan"),
        (
            "attendance_issue_justified",
            officer,
            str(issue),
            "Slip dipohon lewat kerana mesyuarat mengejut",
        ),
        ("attendance_issue_approved", supervisor, str(issue), "Diterima kali ini"),
    ]
