"""The drawing of a verdict (office outline + tap + accuracy) goes to the officer and to the
supervisor who approves the check-in, and to nobody else."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from api.attendance import fences
from api.org.tables import OfficeAssignment, User
from tests.fixtures import Org

FAR_AWAY = {"lat": 2.9360, "lon": 101.69675}  # about 1 km north of HQ A


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
    for key in ("officer_a", "exec_a", "admin_a", "officer_b"):
        clients[key] = await client_factory()
        await clients[key].sign_in(org.login[key])
    return clients


async def _tap_far_away(officer: Any) -> dict[str, Any]:
    answer = await officer.post(
        "/api/attendance/check-ins",
        json={
            "clientId": str(uuid.uuid4()),
            "kind": "in",
            "fix": {**FAR_AWAY, "accuracy": 25.0},
            "clientAt": datetime.now(UTC).isoformat(),
        },
    )
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


async def test_the_supervisor_sees_the_tap_against_the_office(
    team: dict[str, Any], org: Org
) -> None:
    tapped = await _tap_far_away(team["officer_a"])
    inbox = (await team["exec_a"].get("/api/attendance/approvals")).json()
    sketch = inbox[0]["checkIn"]["sketch"]
    assert sketch["outline"]["type"] == "Polygon"
    ring = sketch["outline"]["coordinates"][0]
    assert ring[0] == ring[-1] and 4 <= len(ring) <= 200
    assert (sketch["lat"], sketch["lon"], sketch["accuracyM"]) == (2.936, 101.69675, 25.0)
    assert inbox[0]["checkIn"]["id"] == tapped["id"]


async def test_the_officer_sees_their_own_day_with_the_drawing(
    team: dict[str, Any], org: Org
) -> None:
    await _tap_far_away(team["officer_a"])
    today = (await team["officer_a"].get("/api/attendance/today")).json()
    assert today["checkIns"][0]["sketch"]["outline"]["type"] == "Polygon"
    day = today["day"]
    own = (await team["officer_a"].get(f"/api/attendance/days/{day}")).json()
    assert len(own) == 1 and own[0]["sketch"]["lat"] == 2.936
    # Another person's day is never served: the endpoint has no user, only "own".
    assert (await team["exec_a"].get(f"/api/attendance/days/{day}")).json() == []
    assert (await team["officer_b"].get(f"/api/attendance/days/{day}")).json() == []


async def test_an_outline_with_many_points_is_simplified(team: dict[str, Any], org: Org) -> None:
    """A surveyed outline (every 10 cm along the edges) is sent as a few points."""
    import math

    from api.org.tables import Office

    ring = []
    for i in range(2000):
        angle = 2 * math.pi * i / 2000
        ring.append([101.69675 + 0.0007 * math.cos(angle), 2.9266 + 0.0006 * math.sin(angle)])
    ring.append(ring[0])
    await Office.update({Office.geometry: {"type": "Polygon", "coordinates": [ring]}}).where(
        Office.id == org.office_a
    )
    fences.forget()
    await _tap_far_away(team["officer_a"])
    inbox = (await team["exec_a"].get("/api/attendance/approvals")).json()
    points = inbox[0]["checkIn"]["sketch"]["outline"]["coordinates"][0]
    assert len(points) < 120
