"""Fixtures of the meeting day tests (attendance, check-in, list, calendar, statistics): a
committee of agency A with rows written straight into the tables (the meetings API is another
area's), and signed-in clients for its people.

Import the fixtures from a test module: `from tests.meetings.conftest_attendance import *`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.fixtures import ApiClient, Org, _test_hash, enrol_totp

# Inside the fixture office square (tests.fixtures.SQUARE_PUTRAJAYA) and ~1.5 km away.
INSIDE = {"lat": 2.9266, "lon": 101.6967, "accuracy": 10.0}
OUTSIDE = {"lat": 2.9400, "lon": 101.7100, "accuracy": 10.0}


@dataclass
class Day:
    """Committee "JKICT" of agency A: chair exec_a, secretariat admin_a, members officer_a
    (seniority 10) and Ahmad, Bakar, Chong (20, 30, 40); Bakar sends Rahim as representative;
    Gopal is an invited guest. One meeting now (started 10 minutes ago, 2 hours long, venue the
    fixture office), TERHAD."""

    org: Org
    committee: int = 0
    meeting: int = 0
    users: dict[str, int] = field(default_factory=dict)
    invitations: dict[str, int] = field(default_factory=dict)


async def add_user(org: Org, key: str, name: str, *, sign_in: bool = False) -> int:
    from api.accounts.tables import Credential
    from api.org.tables import User

    login_id = f"9001011{len(org.users):05d}"
    user_id: int = (
        await User.insert(
            User(
                agency=org.agency_a,
                login_id=login_id,
                name=name,
                unit=org.units_a["apps"],
                email=f"{key}@example.gov.my",
            )
        ).returning(User.id)
    )[0]["id"]
    org.users[key] = user_id
    org.login[key] = login_id
    if sign_in:
        await Credential.insert(Credential(user=user_id, password_hash=await _test_hash()))
        await enrol_totp(user_id, login_id)
    return user_id


async def add_meeting(
    day: Day,
    *,
    committee: int | None = None,
    starts_in: timedelta = timedelta(minutes=-10),
    hours: float = 2,
    status: str = "scheduled",
    classification: str = "TERHAD",
    title: str = "Mesyuarat Jawatankuasa ICT",
    number: int | None = None,
    venue: bool = True,
) -> int:
    from api.meetings.tables import Meeting

    starts = datetime.now(UTC) + starts_in
    count = await Meeting.count()
    meeting_id: int = (
        await Meeting.insert(
            Meeting(
                committee=committee or day.committee,
                year=starts.year,
                number=number or count + 1,
                title=title,
                classification=classification,
                mode="physical",
                venue_office=day.org.office_a if venue else None,
                room="Bilik Gerakan",
                starts_at=starts,
                ends_at=starts + timedelta(hours=hours),
                status=status,
            )
        ).returning(Meeting.id)
    )[0]["id"]
    return meeting_id


async def invite(
    meeting_id: int, user_id: int, role: str, seniority: int = 100, **extra: Any
) -> int:
    from api.meetings.tables import Invitation

    invitation_id: int = (
        await Invitation.insert(
            Invitation(meeting=meeting_id, user=user_id, role=role, seniority=seniority, **extra)
        ).returning(Invitation.id)
    )[0]["id"]
    return invitation_id


PEOPLE = [
    # key, role, seniority
    ("exec_a", "chair", 1),
    ("officer_a", "member", 10),
    ("ahmad", "member", 20),
    ("bakar", "member", 30),
    ("chong", "member", 40),
    ("admin_a", "secretariat", 90),
]


async def invite_committee(day: Day, meeting_id: int) -> dict[str, int]:
    users = day.org.users
    found = {}
    for key, role, seniority in PEOPLE:
        extra: dict[str, Any] = {}
        if key == "bakar":
            extra = {"response": "delegated", "representative": users["rahim"]}
        elif key == "chong":
            extra = {"response": "declined", "decline_reason": "Bercuti"}
        elif key == "officer_a":
            extra = {"response": "accepted"}
        found[key] = await invite(meeting_id, users[key], role, seniority, **extra)
    found["gopal"] = await invite(meeting_id, users["gopal"], "guest", 200)
    return found


@pytest.fixture
async def day(org: Org) -> Day:
    from api.meetings.tables import Committee, CommitteeMember

    result = Day(org=org)
    await add_user(org, "ahmad", "Ahmad bin Ali")
    await add_user(org, "bakar", "Bakar bin Salleh")
    await add_user(org, "chong", "Chong Wei Ming")
    await add_user(org, "rahim", "Rahim bin Osman", sign_in=True)
    await add_user(org, "gopal", "Gopal a/l Raju", sign_in=True)
    result.committee = (
        await Committee.insert(
            Committee(agency=org.agency_a, unit=org.units_a["it"], code="JKICT", name="JK ICT")
        ).returning(Committee.id)
    )[0]["id"]
    for key, role, seniority in PEOPLE:
        await CommitteeMember.insert(
            CommitteeMember(
                committee=result.committee, user=org.users[key], role=role, seniority=seniority
            )
        )
    result.meeting = await add_meeting(result)
    result.invitations = await invite_committee(result, result.meeting)
    result.users = org.users
    return result


@pytest.fixture
async def signed_in(client_factory: Any, org: Org) -> Any:
    """signed_in("admin_a") -> a client signed in as that person (one client per person)."""
    clients: dict[str, ApiClient] = {}

    async def make(key: str) -> ApiClient:
        if key not in clients:
            client = await client_factory()
            await client.sign_in(org.login[key])
            clients[key] = client
        return clients[key]

    return make
