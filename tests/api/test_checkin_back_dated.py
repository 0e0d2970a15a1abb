"""Back-dated and future-dated offline taps (issue 15, item 1).

An offline tap that reaches the server after the end of its own (Malaysian) day plus the
agency's late-sync grace is pending for the supervisor with a `synced_after_day` finding,
whatever the verdict, and does not make its day "present" until approved. A tap dated in the
future beyond the clock-skew allowance is recorded at the server's time with a `clock_ahead`
finding, pending. Same-day offline taps keep working as before (inside, no approval).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest

from api.accounts.tables import AuditEvent
from api.attendance import agency_settings, fences
from api.attendance.services import offline_dating
from api.attendance.tables import CheckIn
from api.org.tables import OfficeAssignment, User
from tests.fixtures import Org

KL = ZoneInfo("Asia/Kuala_Lumpur")
CENTRE = {"lat": 2.9266, "lon": 101.69675}


@pytest.fixture
async def team(org: Org, client_factory: Any) -> AsyncIterator[dict[str, Any]]:
    fences.forget()
    agency_settings.forget()
    await OfficeAssignment.insert(
        OfficeAssignment(user=org.users["officer_a"], office=org.office_a)
    )
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    officer, supervisor = await client_factory(), await client_factory()
    admin = await client_factory()
    await officer.sign_in(org.login["officer_a"])
    await supervisor.sign_in(org.login["exec_a"])
    await admin.sign_in(org.login["admin_a"])
    yield {"officer": officer, "supervisor": supervisor, "admin": admin}
    agency_settings.forget()  # the settings changed here must not reach the next test


def _offline_tap(at: datetime, kind: str = "in") -> dict[str, Any]:
    return {
        "clientId": str(uuid.uuid4()),
        "kind": kind,
        "fix": {**CENTRE, "accuracy": 10.0, "fixAt": at.isoformat()},
        "clientAt": at.isoformat(),
        "offline": True,
    }


def _codes(body: dict[str, Any]) -> set[str]:
    return {f["code"] for f in body["findings"]}


def _working_day_before(days: int) -> date:
    """A Putrajaya working day at least `days` ago (the fixture agency is in Putrajaya)."""
    day = datetime.now(KL).date() - timedelta(days=days)
    closed = holidays.Malaysia(subdiv="PJY", years=[day.year - 1, day.year])
    while day.weekday() >= 5 or day in closed:
        day -= timedelta(days=1)
    return day


# --------------------------------------------------------------------------- the rule, pure

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=KL)  # a Monday morning
GRACE = timedelta(hours=2)


@pytest.mark.parametrize(
    ("tapped", "now", "expected_code", "expected_at"),
    [
        pytest.param(NOW - timedelta(minutes=5), NOW, None, "fix", id="same-day, minutes ago"),
        pytest.param(
            datetime(2026, 12, 7, 0, 1, tzinfo=KL), NOW, None, "fix", id="same-day, just after 0"
        ),
        pytest.param(
            datetime(2026, 12, 6, 23, 30, tzinfo=KL),
            datetime(2026, 12, 7, 1, 59, tzinfo=KL),
            None,
            "fix",
            id="yesterday, within the grace",
        ),
        pytest.param(
            datetime(2026, 12, 6, 23, 30, tzinfo=KL),
            datetime(2026, 12, 7, 2, 0, 1, tzinfo=KL),
            "synced_after_day",
            "fix",
            id="yesterday, just past the grace",
        ),
        pytest.param(NOW - timedelta(days=3), NOW, "synced_after_day", "fix", id="three days ago"),
        pytest.param(NOW - timedelta(days=730), NOW, "synced_after_day", "fix", id="two years ago"),
        pytest.param(NOW + timedelta(minutes=4), NOW, None, "now", id="ahead within allowance"),
        pytest.param(NOW + timedelta(minutes=6), NOW, "clock_ahead", "now", id="ahead too far"),
        pytest.param(NOW + timedelta(days=400), NOW, "clock_ahead", "now", id="next year"),
    ],
)
def test_offline_dating(
    tapped: datetime, now: datetime, expected_code: str | None, expected_at: str
) -> None:
    occurred_at, finding = offline_dating(tapped, now, GRACE)
    assert occurred_at == (tapped if expected_at == "fix" else now)
    assert (finding or {}).get("code") == expected_code
    if finding is not None:
        assert finding["message"]  # in words, for logs and the supervisor


def test_the_grace_is_measured_from_midnight_in_malaysia_not_utc() -> None:
    # 23:30 in Kuala Lumpur is 15:30 UTC: the day ends 30 minutes later, not 8.5 hours.
    tapped = datetime(2026, 12, 6, 23, 30, tzinfo=KL).astimezone(UTC)
    now = datetime(2026, 12, 7, 0, 45, tzinfo=KL).astimezone(UTC)
    assert offline_dating(tapped, now, timedelta(0))[1] is not None
    assert offline_dating(tapped, now, timedelta(hours=1))[1] is None


# --------------------------------------------------------------------------- over HTTP


@pytest.mark.parametrize("days_ago", [3, 730])
async def test_a_back_dated_tap_inside_the_office_is_pending_with_the_finding(
    team: dict[str, Any], days_ago: int
) -> None:
    tapped = datetime.now(UTC) - timedelta(days=days_ago)
    answer = await team["officer"].post("/api/attendance/check-ins", json=_offline_tap(tapped))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["verdict"]["status"] == "inside"
    assert body["approval"] == "pending"
    assert "synced_after_day" in _codes(body)
    assert abs((datetime.fromisoformat(body["occurredAt"]) - tapped).total_seconds()) < 1
    # The supervisor sees it, with the finding in words.
    inbox = (await team["supervisor"].get("/api/attendance/approvals")).json()
    [item] = [i for i in inbox if i["checkIn"]["id"] == body["id"]]
    [finding] = [f for f in item["checkIn"]["findings"] if f["code"] == "synced_after_day"]
    assert "after the end of that day" in finding["message"]


async def test_the_month_does_not_count_a_back_dated_day_as_present_until_approved(
    team: dict[str, Any],
) -> None:
    day = _working_day_before(3)
    taps = [
        _offline_tap(datetime.combine(day, time(7, 55), KL), "in"),
        _offline_tap(datetime.combine(day, time(17, 35), KL), "out"),
    ]
    ids = [
        (await team["officer"].post("/api/attendance/check-ins", json=t)).json()["id"] for t in taps
    ]

    async def status() -> str:
        month = (await team["officer"].get(f"/api/attendance/months/{day:%Y-%m}")).json()
        return str(next(d["status"] for d in month["days"] if d["day"] == day.isoformat()))

    assert await status() == "external_pending"
    decided = await team["supervisor"].post(
        "/api/attendance/approvals/decisions", json={"ids": ids, "decision": "approved"}
    )
    assert decided.status_code == 200, decided.text
    assert await status() == "present"


async def test_a_future_dated_tap_is_recorded_at_server_time_with_a_clock_finding(
    team: dict[str, Any],
) -> None:
    before = datetime.now(UTC)
    tapped = before + timedelta(hours=5)
    body = (
        await team["officer"].post("/api/attendance/check-ins", json=_offline_tap(tapped))
    ).json()
    occurred = datetime.fromisoformat(body["occurredAt"])
    assert before <= occurred <= datetime.now(UTC)
    assert body["approval"] == "pending"
    assert "clock_ahead" in _codes(body)
    row = await CheckIn.select(CheckIn.fix_at).where(CheckIn.id == body["id"]).first()
    assert row is not None
    assert abs((row["fix_at"] - tapped).total_seconds()) < 1  # the phone's date kept for audit


async def test_same_day_offline_taps_keep_working(team: dict[str, Any]) -> None:
    for minutes in (1, 3):  # a little ago, and within the clock-skew allowance ahead
        tapped = datetime.now(UTC) + timedelta(minutes=minutes if minutes == 3 else -minutes)
        body = (
            await team["officer"].post("/api/attendance/check-ins", json=_offline_tap(tapped))
        ).json()
        assert body["approval"] == "not_needed", body
        assert not _codes(body) & {"synced_after_day", "clock_ahead"}


async def test_the_grace_is_the_agency_setting(team: dict[str, Any], org: Org) -> None:
    officer, admin = team["officer"], team["admin"]
    assert (await officer.get("/api/attendance/settings")).json()["lateSyncGraceMinutes"] == 120
    yesterday_late = datetime.combine(datetime.now(KL).date() - timedelta(days=1), time(23, 0), KL)
    # Two days' grace: yesterday's tap is still in time.
    changed = await admin.put("/api/attendance/settings", json={"lateSyncGraceMinutes": 2880})
    assert changed.status_code == 200, changed.text
    assert changed.json()["lateSyncGraceMinutes"] == 2880
    assert changed.json()["passkeyRequired"] is False  # left out: unchanged
    body = (
        await officer.post("/api/attendance/check-ins", json=_offline_tap(yesterday_late))
    ).json()
    assert body["approval"] == "not_needed"
    # No grace: it is late.
    await admin.put("/api/attendance/settings", json={"lateSyncGraceMinutes": 0})
    body = (
        await officer.post("/api/attendance/check-ins", json=_offline_tap(yesterday_late))
    ).json()
    assert body["approval"] == "pending" and "synced_after_day" in _codes(body)
    # Audited with the value before; bad values refused; officers may not change it.
    events = await AuditEvent.select(AuditEvent.detail).where(
        AuditEvent.action == "attendance.settings.set"
    )
    details = [
        e["detail"] if isinstance(e["detail"], dict) else json.loads(e["detail"]) for e in events
    ]
    assert [(d["lateSyncGraceMinutes"], d["lateSyncGraceMinutesBefore"]) for d in details] == [
        (2880, 120),
        (0, 2880),
    ]
    for bad in (-1, 2881, "dua jam"):
        refused = await admin.put("/api/attendance/settings", json={"lateSyncGraceMinutes": bad})
        assert refused.status_code == 400, bad
    forbidden = await officer.put("/api/attendance/settings", json={"lateSyncGraceMinutes": 600})
    assert forbidden.status_code == 403
    # The passkey switch still works alone and keeps the grace.
    both = await admin.put("/api/attendance/settings", json={"passkeyRequired": True})
    assert (both.json()["passkeyRequired"], both.json()["lateSyncGraceMinutes"]) == (True, 0)
