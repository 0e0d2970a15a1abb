"""What the supervisor's team view (PWA /team) reads: where each direct report is today (with
the office, and "checked out" once they have left), the working patterns of the month beside
the grid, the team's task notes; nothing about people who do not report to the caller."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from api.attendance import fences
from api.attendance.tables import CheckIn, PatternAssignment, TaskNote
from api.org.tables import User
from tests.fixtures import Org

KL = ZoneInfo("Asia/Kuala_Lumpur")


async def _record(user_id: int, at: datetime, kind: str, status: str, office: int | None) -> None:
    await CheckIn.insert(
        CheckIn(
            user=user_id,
            client_id=f"team-{user_id}-{at.timestamp()}-{kind}",
            kind=kind,
            occurred_at=at,
            received_at=at,
            status=status,
            office=office,
            approval="not_needed" if status == "inside" else "pending",
        )
    )


async def _report(org: Org, key: str) -> int:
    """Another officer of agency A who reports to exec_a."""
    user_id: int = (
        await User.insert(
            User(
                agency=org.agency_a,
                login_id=f"9001011450{len(org.users):02d}",
                name=f"Pegawai {key}",
                unit=org.units_a["apps"],
                email=f"{key}@example.gov.my",
                supervisor=org.users["exec_a"],
            )
        ).returning(User.id)
    )[0]["id"]
    org.users[key] = user_id
    return user_id


async def _supervisor(client_factory: Any, org: Org) -> Any:
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    client = await client_factory()
    await client.sign_in(org.login["exec_a"])
    return client


async def test_team_today_says_in_outside_gone_and_not_yet(client_factory: Any, org: Org) -> None:
    fences.forget()
    supervisor = await _supervisor(client_factory, org)
    inside, outside, gone = (
        org.users["officer_a"],
        await _report(org, "outside"),
        await _report(org, "gone"),
    )
    not_yet = await _report(org, "not_yet")
    now = datetime.now(UTC)
    # Every record a few seconds ago, so it is "today" whatever the time of day (only the
    # first second after midnight would fail this).
    earlier = max(
        now - timedelta(seconds=30),
        datetime.combine(now.astimezone(KL).date(), datetime.min.time(), KL),
    )
    await _record(inside, earlier, "in", "inside", org.office_a)
    await _record(outside, earlier, "in", "outside", org.office_a)
    await _record(gone, earlier, "in", "inside", org.office_a)
    await _record(gone, earlier + timedelta(seconds=5), "out", "inside", org.office_a)
    # Yesterday's record does not count for today.
    await _record(not_yet, earlier - timedelta(days=1), "in", "inside", org.office_a)

    response = await supervisor.get("/api/attendance/team/today")
    assert response.status_code == 200
    by_id = {m["userId"]: m for m in response.json()}
    assert set(by_id) == {inside, outside, gone, not_yet}
    assert (by_id[inside]["where"], by_id[inside]["office"]) == ("in_office", "HQ A")
    # Outside: the nearest office is not where they are.
    assert (by_id[outside]["where"], by_id[outside]["office"]) == ("outside", None)
    assert (by_id[gone]["where"], by_id[gone]["office"]) == ("checked_out", "HQ A")
    assert by_id[gone]["lastOut"] is not None
    assert (by_id[not_yet]["where"], by_id[not_yet]["office"]) == ("not_checked_in", None)
    assert by_id[not_yet]["firstIn"] is None
    assert by_id[inside]["firstIn"] is not None


async def test_team_today_leaves_out_others_and_inactive_people(
    client_factory: Any, org: Org
) -> None:
    supervisor = await _supervisor(client_factory, org)
    frozen = await _report(org, "frozen")
    await User.update({User.state: "frozen"}).where(User.id == frozen)
    today = (await supervisor.get("/api/attendance/team/today")).json()
    assert [m["userId"] for m in today] == [org.users["officer_a"]]
    # An officer with no reports sees an empty team, not an error.
    officer_b = await client_factory()
    await officer_b.sign_in(org.login["officer_b"])
    assert (await officer_b.get("/api/attendance/team/today")).json() == []
    assert (await officer_b.get("/api/attendance/team/months/2026-10")).json() == []


async def test_team_month_carries_the_patterns_of_the_month(client_factory: Any, org: Org) -> None:
    supervisor = await _supervisor(client_factory, org)
    changed = await _report(org, "changed")
    await PatternAssignment.insert(
        PatternAssignment(user=changed, pattern_code="WP2", effective_from=date(2026, 10, 15)),
        PatternAssignment(
            user=org.users["officer_a"], pattern_code="WP1", effective_from=date(2025, 1, 1)
        ),
    )
    october = (await supervisor.get("/api/attendance/team/months/2026-10")).json()
    by_id = {m["userId"]: m for m in october}
    # No assignment before the 15th: the agency default (WBF), then WP2.
    assert by_id[changed]["patterns"] == ["WBF", "WP2"]
    assert by_id[org.users["officer_a"]]["patterns"] == ["WP1"]
    assert len(by_id[changed]["days"]) == 31
    # Ramadan 2026 ends on 20 March: WP1's Ramadan substitute WP4 first, then WP1.
    march = (await supervisor.get("/api/attendance/team/months/2026-03")).json()
    assert {m["userId"]: m["patterns"] for m in march}[org.users["officer_a"]] == ["WP4", "WP1"]
    # The officer's own month says it too.
    officer = await client_factory()
    await officer.sign_in(org.login["officer_a"])
    own = (await officer.get("/api/attendance/months/2026-10")).json()
    assert own["patterns"] == ["WP1"]


async def test_team_month_refuses_a_wrong_month(client_factory: Any, org: Org) -> None:
    supervisor = await _supervisor(client_factory, org)
    for month in ("2026-13", "2026", "abcd-ef", "1999-12"):
        response = await supervisor.get(f"/api/attendance/team/months/{month}")
        assert response.status_code == 422, month
        assert response.json()["code"] == "month_invalid"
        assert "TTTT-BB" in response.json()["detail"]


async def test_team_notes_only_of_direct_reports(client_factory: Any, org: Org) -> None:
    supervisor = await _supervisor(client_factory, org)
    day = date(2026, 10, 5)
    now = datetime.now(UTC)
    await TaskNote.insert(
        TaskNote(user=org.users["officer_a"], day=day, text="Uji modul laporan", updated_at=now),
        TaskNote(user=org.users["officer_b"], day=day, text="Bukan pasukan ini", updated_at=now),
        TaskNote(
            user=org.users["officer_a"],
            day=day + timedelta(days=1),
            text="Hari lain",
            updated_at=now,
        ),
    )
    notes = (await supervisor.get(f"/api/attendance/team/notes/{day}")).json()
    assert [(n["officerName"], n["text"]) for n in notes] == [
        ("Pegawai officer_a", "Uji modul laporan")
    ]
    # Not a date: refused, nothing leaks.
    bad = await supervisor.get("/api/attendance/team/notes/2026-13-45")
    assert 400 <= bad.status_code < 500
    # Someone without reports reads no notes, even of a day that has some.
    officer_b = await client_factory()
    await officer_b.sign_in(org.login["officer_b"])
    assert (await officer_b.get(f"/api/attendance/team/notes/{day}")).json() == []
