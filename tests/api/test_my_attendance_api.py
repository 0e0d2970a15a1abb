"""What the officer's own attendance screen (pwa/js/views/my-attendance.js) needs from the API:
a day of the month carries its expected times, and blank justifications and notes are refused
at their field in the caller's language."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from api.attendance.issues import open_issues_for_day
from api.attendance.tables import AttendanceIssue, CheckIn, TaskNote
from tests.fixtures import Org

KL = ZoneInfo("Asia/Kuala_Lumpur")
MONDAY = date(2026, 10, 5)


async def _late_monday(user_id: int) -> None:
    for kind, hour, minute in (("in", 9, 40), ("out", 18, 45)):
        at = datetime(2026, 10, 5, hour, minute, tzinfo=KL)
        await CheckIn.insert(
            CheckIn(
                user=user_id,
                client_id=f"my-{kind}",
                kind=kind,
                occurred_at=at,
                received_at=at,
                status="inside",
                approval="not_needed",
            )
        )


async def test_a_day_of_the_month_has_its_expected_times(client_factory: Any, org: Org) -> None:
    await _late_monday(org.users["officer_a"])
    officer = await client_factory()
    await officer.sign_in(org.login["officer_a"])
    month = (await officer.get("/api/attendance/months/2026-10")).json()
    by_day = {d["day"]: d for d in month["days"]}
    late = by_day["2026-10-05"]
    assert late["status"] == "late_in" and late["minutesLate"] == 40
    # Flexible hours (WBF): in by 09:00; a late start still ends at 09:00 + 9 h.
    assert (late["patternCode"], late["expectedStart"], late["expectedEnd"]) == (
        "WBF",
        "09:00:00",
        "18:00:00",
    )
    saturday = by_day["2026-10-03"]
    assert saturday["status"] == "weekend"
    assert (saturday["expectedStart"], saturday["expectedEnd"]) == (None, None)


async def test_a_blank_justification_is_refused_at_its_field(client_factory: Any, org: Org) -> None:
    await _late_monday(org.users["officer_a"])
    await open_issues_for_day(MONDAY, now=datetime(2026, 10, 6, 3, tzinfo=UTC))
    officer = await client_factory()
    await officer.sign_in(org.login["officer_a"])
    [issue] = (await officer.get("/api/attendance/issues")).json()
    await officer.patch("/api/auth/me", json={"language": "en"})
    blank = await officer.patch(
        f"/api/attendance/issues/{issue['id']}", json={"justification": "     "}
    )
    assert blank.status_code == 422
    body = blank.json()
    assert body["code"] == "justification_too_short"
    assert body["errors"] == [
        {"field": "justification", "message": "Write a justification of at least 3 characters."}
    ]
    [row] = await AttendanceIssue.select().where(AttendanceIssue.id == issue["id"])
    assert (row["status"], row["justification"]) == ("open", "")

    # In Malay too; a real justification still goes through, trimmed.
    await officer.patch("/api/auth/me", json={"language": "ms"})
    short = await officer.patch(
        f"/api/attendance/issues/{issue['id']}", json={"justification": " a  "}
    )
    assert short.json()["detail"] == "Tulis justifikasi sekurang-kurangnya 3 aksara."
    done = await officer.patch(
        f"/api/attendance/issues/{issue['id']}", json={"justification": "  Kereta rosak  "}
    )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["justification"]) == ("justified", "Kereta rosak")


async def test_someone_elses_issue_cannot_be_justified(client_factory: Any, org: Org) -> None:
    await _late_monday(org.users["officer_a"])
    await open_issues_for_day(MONDAY, now=datetime(2026, 10, 6, 3, tzinfo=UTC))
    [issue] = await AttendanceIssue.select().where(AttendanceIssue.user == org.users["officer_a"])
    other = await client_factory()
    await other.sign_in(org.login["exec_a"])
    answer = await other.patch(
        f"/api/attendance/issues/{issue['id']}", json={"justification": "Bukan isu saya"}
    )
    assert answer.status_code == 404


async def test_a_blank_task_note_is_refused_at_its_field(client_factory: Any, org: Org) -> None:
    officer = await client_factory()
    await officer.sign_in(org.login["officer_a"])
    today = datetime.now(KL).date()
    blank = await officer.put(f"/api/attendance/notes/{today}", json={"text": "  \n "})
    assert blank.status_code == 422
    assert blank.json()["code"] == "note_text_required"
    assert [e["field"] for e in blank.json()["errors"]] == ["text"]
    assert await TaskNote.count().where(TaskNote.user == org.users["officer_a"]) == 0
