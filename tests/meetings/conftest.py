"""Meetings core fixtures: a committee of agency A with a chair, a secretariat, two members, a
colleague outside the committee, and a way to get a signed-in client per person.

People (keys of `Cmt.users`): chair (exec_a), sec, member (officer_a), member2, colleague (not a
member), plus the org fixture's admin_a (agency administrator), officer_b (agency B)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.fixtures import ApiClient, Org, _test_hash, enrol_totp


@dataclass
class Cmt:
    id: int = 0
    org: Org | None = None
    users: dict[str, int] = field(default_factory=dict)
    login: dict[str, str] = field(default_factory=dict)
    clients: dict[str, ApiClient] = field(default_factory=dict)
    make_client: Callable[[], Awaitable[ApiClient]] | None = None

    async def client(self, who: str) -> ApiClient:
        """A client signed in as `who` (made on first use, then reused)."""
        if who not in self.clients:
            assert self.make_client is not None
            client = await self.make_client()
            await client.sign_in(self.login[who])
            self.clients[who] = client
        return self.clients[who]


async def add_person(org: Org, key: str, name: str, agency: str = "a") -> int:
    from api.accounts.tables import Credential
    from api.org.tables import User

    login_id = f"mc_{key}"
    user_id = (
        await User.insert(
            User(
                agency=org.agency_a if agency == "a" else org.agency_b,
                login_id=login_id,
                name=name,
                unit=org.units_a["apps"] if agency == "a" else org.units_b["root"],
                email=f"{login_id}@example.gov.my",
                position="Penolong Setiausaha",
            )
        ).returning(User.id)
    )[0]["id"]
    await Credential.insert(Credential(user=user_id, password_hash=await _test_hash()))
    await enrol_totp(user_id, login_id)
    org.users[key] = user_id
    org.login[key] = login_id
    return int(user_id)


@pytest.fixture
async def cmt(org: Org, client_factory: Any) -> Cmt:
    from api.meetings.tables import Committee, CommitteeMember

    result = Cmt(org=org, make_client=client_factory)
    await add_person(org, "sec", "Siti Urus Setia")
    await add_person(org, "member2", "Ahmad Ahli Dua")
    await add_person(org, "colleague", "Zainab Rakan Sekerja")
    for key in ("sec", "member2", "colleague", "admin_a", "officer_a", "officer_b", "super"):
        result.users[key] = org.users[key]
        result.login[key] = org.login[key]
    result.users["chair"] = org.users["exec_a"]
    result.login["chair"] = org.login["exec_a"]
    result.users["member"] = org.users["officer_a"]
    result.login["member"] = org.login["officer_a"]
    result.id = (
        await Committee.insert(
            Committee(
                agency=org.agency_a,
                unit=org.units_a["it"],
                code="JK-ICT",
                name="Jawatankuasa Pemandu ICT",
            )
        ).returning(Committee.id)
    )[0]["id"]
    await CommitteeMember.insert(
        CommitteeMember(
            committee=result.id, user=result.users["chair"], role="chair", seniority=10
        ),
        CommitteeMember(
            committee=result.id, user=result.users["member"], role="member", seniority=20
        ),
        CommitteeMember(
            committee=result.id, user=result.users["member2"], role="member", seniority=30
        ),
        CommitteeMember(
            committee=result.id, user=result.users["sec"], role="secretariat", seniority=90
        ),
    )
    return result


def later(days: int = 7, hour: int = 9) -> datetime:
    """A time `days` from now at `hour`:00 Malaysian time (01:00 UTC = 09:00 MYT)."""
    base = datetime.now(UTC) + timedelta(days=days)
    return base.replace(hour=hour - 8, minute=0, second=0, microsecond=0)


def meeting_body(cmt: Cmt, **overrides: Any) -> dict[str, Any]:
    start = later()
    body: dict[str, Any] = {
        "committeeId": cmt.id,
        "subject": "Semakan projek pendigitalan",
        "startsAt": start.isoformat(),
        "endsAt": (start + timedelta(hours=2)).isoformat(),
        "mode": "physical",
        "venueOfficeId": cmt.org.office_a if cmt.org else 0,
        "room": "Bilik Gerakan 1",
        "classification": "TERBUKA",
        "agenda": [{"title": "Pengesahan minit"}, {"title": "Status projek"}],
    }
    body.update(overrides)
    return body
