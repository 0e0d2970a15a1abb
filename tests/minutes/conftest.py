"""A committee with a chair, a secretary, two members and an outsider, and two meetings (an
earlier and a later one), made directly with the tables."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.fixtures import ApiClient, Org, _test_hash, enrol_totp


@dataclass
class Committee:
    id: int = 0
    users: dict[str, int] = field(default_factory=dict)
    meetings: dict[str, int] = field(default_factory=dict)
    items: dict[str, list[int]] = field(default_factory=dict)
    clients: dict[str, ApiClient] = field(default_factory=dict)
    make_client: Callable[[], Awaitable[ApiClient]] | None = None

    async def client(self, who: str) -> ApiClient:
        """A client signed in as `who` (one per person, made on first use)."""
        if who not in self.clients:
            assert self.make_client is not None
            client = await self.make_client()
            await client.sign_in(f"min_{who}")
            self.clients[who] = client
        return self.clients[who]


async def add_user(org: Org, key: str, unit: str = "apps") -> int:
    from api.accounts.tables import Credential
    from api.org.tables import User

    login_id = f"min_{key}"
    user_id = (
        await User.insert(
            User(
                agency=org.agency_a,
                login_id=login_id,
                name=f"Ahli {key.capitalize()}",
                unit=org.units_a[unit],
                email=f"{login_id}@example.gov.my",
            )
        ).returning(User.id)
    )[0]["id"]
    await Credential.insert(Credential(user=user_id, password_hash=await _test_hash()))
    await enrol_totp(user_id, login_id)
    return int(user_id)


async def add_meeting(
    committee_id: int,
    number: int,
    starts_at: datetime,
    users: dict[str, int],
    classification: str = "TERBUKA",
) -> tuple[int, list[int]]:
    from api.meetings.tables import AgendaItem, Invitation, Meeting

    meeting_id = (
        await Meeting.insert(
            Meeting(
                committee=committee_id,
                year=starts_at.year,
                number=number,
                title=f"Mesyuarat Jawatankuasa ICT Bil. {number}",
                classification=classification,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                status="scheduled",
            )
        ).returning(Meeting.id)
    )[0]["id"]
    items = []
    for position, title in enumerate(("Pengesahan minit", "Projek pendigitalan"), start=1):
        items.append(
            (
                await AgendaItem.insert(
                    AgendaItem(meeting=meeting_id, position=position, title=title)
                ).returning(AgendaItem.id)
            )[0]["id"]
        )
    roles = {"chair": "chair", "secretary": "secretariat", "ali": "member", "bala": "member"}
    for seniority, (who, role) in enumerate(roles.items()):
        await Invitation.insert(
            Invitation(
                meeting=meeting_id,
                user=users[who],
                role=role,
                seniority=seniority,
                response="accepted",
                attendance="present" if who != "bala" else "absent",
                absence_reason="Bercuti" if who == "bala" else "",
            )
        )
    return int(meeting_id), items


async def make_committee(org: Org, client_factory: Any, classification: str) -> Committee:
    from api.meetings.tables import Committee as CommitteeTable
    from api.meetings.tables import CommitteeMember
    from api.outbox.tables import PushSubscriptionRecord

    result = Committee(make_client=client_factory)
    for key in ("chair", "secretary", "ali", "bala", "outsider"):
        result.users[key] = await add_user(org, key)
    result.id = (
        await CommitteeTable.insert(
            CommitteeTable(agency=org.agency_a, unit=org.units_a["it"], code="JICT", name="JK ICT")
        ).returning(CommitteeTable.id)
    )[0]["id"]
    roles = {"chair": "chair", "secretary": "secretariat", "ali": "member", "bala": "member"}
    for seniority, (who, role) in enumerate(roles.items()):
        await CommitteeMember.insert(
            CommitteeMember(
                committee=result.id, user=result.users[who], role=role, seniority=seniority
            )
        )
    # The secretary and Bala have a phone subscribed to push (the outbox writes push rows only
    # for people with a subscription); nothing is delivered in these tests.
    for who in ("secretary", "bala"):
        await PushSubscriptionRecord.insert(
            PushSubscriptionRecord(
                user=result.users[who],
                endpoint=f"https://push.example.test/{who}",
                p256dh="B" * 87,
                auth="A" * 22,
            )
        )
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(days=30)
    first, items1 = await add_meeting(result.id, 1, base, result.users, classification)
    later, items2 = await add_meeting(
        result.id, 2, base + timedelta(days=20), result.users, classification
    )
    result.meetings = {"first": first, "later": later}
    result.items = {"first": items1, "later": items2}
    return result


@pytest.fixture
async def committee(org: Org, client_factory: Any) -> Committee:
    return await make_committee(org, client_factory, "TERBUKA")


@pytest.fixture
async def sulit_committee(org: Org, client_factory: Any) -> Committee:
    return await make_committee(org, client_factory, "SULIT")
