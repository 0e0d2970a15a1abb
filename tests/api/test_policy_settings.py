"""The agency's policy as settings (issue 13): each with its default and range, audited with
the value before and after, and read by the rules: the late grace changes a day's verdict, the
escalation days change an issue's colour, the retention days decide which coordinates are
erased, the accuracy limit makes a vague fix uncertain. The agency's mail sender is set here
too and used by the outbox."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from api.accounts.tables import AuditEvent
from api.attendance import agency_settings, fences
from api.attendance.calendar_admin import working_calendar
from api.attendance.reports import evaluate_days
from api.attendance.rules import local_day, working_days_elapsed
from api.attendance.services import erase_old_coordinates
from api.attendance.tables import AttendanceIssue, CheckIn
from api.org.tables import OfficeAssignment
from api.outbox.senders import mail_identity
from tests.fixtures import ApiClient, Org

KL = ZoneInfo("Asia/Kuala_Lumpur")
MONDAY = date(2026, 10, 5)
CENTRE = (2.9266, 101.69675)


@pytest.fixture(autouse=True)
def _fresh_caches() -> Any:
    agency_settings.forget()
    fences.forget()
    yield
    agency_settings.forget()
    fences.forget()


async def punch(user_id: int, day: date, at: time, kind: str, **extra: Any) -> None:
    occurred = datetime.combine(day, at, KL)
    await CheckIn.insert(
        CheckIn(
            user=user_id,
            client_id=f"t-{user_id}-{occurred.timestamp()}-{kind}",
            kind=kind,
            occurred_at=occurred,
            received_at=occurred,
            status="inside",
            approval="not_needed",
            **extra,
        )
    )


async def _put(admin: ApiClient, **values: Any) -> Any:
    return await admin.put("/api/attendance/settings", json=values)


async def test_defaults_and_bounds_are_shown(admin_a: ApiClient) -> None:
    policy = (await admin_a.get("/api/attendance/policy")).json()
    settings = policy["settings"]
    assert (
        settings["lateGraceMinutes"],
        settings["yellowAfterDays"],
        settings["redAfterDays"],
        settings["coordinateRetentionDays"],
        settings["accuracyLimitM"],
        settings["passkeyRequired"],
    ) == (0, 3, 5, 90, 100, False)
    assert policy["bounds"]["coordinateRetentionDays"] == {"default": 90, "min": 7, "max": 365}
    assert policy["mailSender"] is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"lateGraceMinutes": 61}, "lateGraceMinutes"),
        ({"coordinateRetentionDays": 3}, "coordinateRetentionDays"),
        ({"accuracyLimitM": 5000}, "accuracyLimitM"),
        ({"redAfterDays": 0}, "redAfterDays"),
        ({"yellowAfterDays": 6}, "yellowAfterDays"),  # after red (5)
    ],
)
async def test_bad_values_are_refused_in_malay_and_change_nothing(
    admin_a: ApiClient, values: dict[str, int], field: str
) -> None:
    answer = await _put(admin_a, **values)
    assert answer.status_code in (400, 422), answer.text
    assert field in answer.text
    settings = (await admin_a.get("/api/attendance/policy")).json()["settings"]
    assert settings["yellowAfterDays"] == 3 and settings["lateGraceMinutes"] == 0


async def test_a_change_is_audited_with_before_and_after(admin_a: ApiClient, org: Org) -> None:
    answer = await _put(admin_a, lateGraceMinutes=10, coordinateRetentionDays=30)
    assert answer.status_code == 200, answer.text
    event = (
        await AuditEvent.select()
        .where(AuditEvent.action == "attendance.settings.set")
        .order_by(AuditEvent.id, ascending=False)
        .first()
    )
    assert event is not None
    detail = event["detail"]
    if isinstance(detail, str):
        import json

        detail = json.loads(detail)
    assert detail["lateGraceMinutes"] == 10 and detail["lateGraceMinutesBefore"] == 0
    assert detail["coordinateRetentionDays"] == 30
    assert detail["coordinateRetentionDaysBefore"] == 90
    assert "accuracyLimitM" not in detail  # unchanged values are not listed


async def test_officers_and_other_agencies_cannot_change_it(client_factory: Any, org: Org) -> None:
    officer = await client_factory()
    await officer.sign_in(org.login["officer_a"])
    assert (await _put(officer, lateGraceMinutes=5)).status_code in (403, 404)
    assert (await officer.get("/api/attendance/policy")).status_code in (403, 404)


async def test_the_late_grace_changes_the_verdict(admin_a: ApiClient, org: Org) -> None:
    officer = org.users["officer_a"]
    await punch(officer, MONDAY, time(9, 5), "in")
    await punch(officer, MONDAY, time(18, 10), "out")
    now = datetime(2026, 10, 7, tzinfo=UTC)
    (before,) = await evaluate_days(officer, org.agency_a, MONDAY, MONDAY, now)
    assert str(before.status) == "late_in" and before.minutes_late == 5
    assert (await _put(admin_a, lateGraceMinutes=10)).status_code == 200
    (after,) = await evaluate_days(officer, org.agency_a, MONDAY, MONDAY, now)
    assert str(after.status) == "present"


async def test_the_escalation_days_change_the_colour(
    admin_a: ApiClient, client_factory: Any, org: Org
) -> None:
    calendar = await working_calendar(org.agency_a)
    today = local_day(datetime.now(UTC))
    opened = today - timedelta(days=1)
    while working_days_elapsed(opened, today, calendar) < 3:
        opened -= timedelta(days=1)
    await AttendanceIssue.insert(
        AttendanceIssue(user=org.users["officer_a"], day=opened, kind="absent")
    )
    officer = await client_factory()
    await officer.sign_in(org.login["officer_a"])

    async def colour() -> str:
        return str((await officer.get("/api/attendance/issues")).json()[0]["escalation"])

    assert await colour() == "yellow"  # 3 working days, defaults 3 / 5
    assert (await _put(admin_a, yellowAfterDays=1, redAfterDays=3)).status_code == 200
    assert await colour() == "red"
    assert (await _put(admin_a, yellowAfterDays=4, redAfterDays=6)).status_code == 200
    assert await colour() == "none"


async def test_the_retention_days_decide_which_coordinates_go(admin_a: ApiClient, org: Org) -> None:
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    forty_days_ago = (now - timedelta(days=40)).astimezone(KL).date()
    await punch(org.users["officer_a"], forty_days_ago, time(8), "in", lat=2.9, lon=101.7)
    await punch(org.users["officer_b"], forty_days_ago, time(8), "in", lat=6.1, lon=100.3)
    assert await erase_old_coordinates(now) == 0  # 90 days by default
    assert (await _put(admin_a, coordinateRetentionDays=30)).status_code == 200
    assert await erase_old_coordinates(now) == 1
    rows = {r["user"]: r["lat"] for r in await CheckIn.select(CheckIn.user, CheckIn.lat)}
    # Agency A keeps 30 days; agency B still keeps the default 90.
    assert rows == {org.users["officer_a"]: None, org.users["officer_b"]: 6.1}


async def test_the_accuracy_limit_makes_a_vague_fix_uncertain(admin_a: ApiClient, org: Org) -> None:
    await OfficeAssignment.insert(
        OfficeAssignment(user=org.users["officer_a"], office=org.office_a)
    )

    async def status(accuracy: float) -> str:
        fence = (await fences.fence_for_agency(org.agency_a)).fence
        assert fence is not None
        return str(fence.check(*CENTRE, accuracy, office_ids=[str(org.office_a)]).status)

    assert await status(60.0) == "inside"
    assert (await _put(admin_a, accuracyLimitM=50)).status_code == 200
    assert await status(60.0) == "uncertain"
    assert await status(20.0) == "inside"


async def test_the_mail_sender_is_set_audited_and_used(admin_a: ApiClient, org: Org) -> None:
    bad = await admin_a.put(
        "/api/attendance/policy/mail-sender",
        json={"fromAddress": "not an address", "fromName": "Agensi A"},
    )
    assert bad.status_code in (400, 422)
    answer = await admin_a.put(
        "/api/attendance/policy/mail-sender",
        json={"fromAddress": "noreply@agensi-a.gov.my", "fromName": "Agensi A"},
    )
    assert answer.status_code == 200, answer.text
    identity = await mail_identity(org.agency_a)
    assert (identity.from_address, identity.from_name) == ("noreply@agensi-a.gov.my", "Agensi A")
    assert (await mail_identity(org.agency_b)).from_address != "noreply@agensi-a.gov.my"
    assert await AuditEvent.exists().where(AuditEvent.action == "attendance.mail_sender.set")
    removed = await admin_a.delete("/api/attendance/policy/mail-sender")
    assert removed.status_code == 204
    assert (await mail_identity(org.agency_a)).from_address != "noreply@agensi-a.gov.my"
