"""A check-in whose accuracy is a mock-location signature is recorded as judged, with a
`mock_accuracy` finding (issue 15, item 3): flagged, never blocked."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from api.attendance import agency_settings, fences
from api.org.tables import OfficeAssignment
from tests.fixtures import Org

CENTRE = {"lat": 2.9266, "lon": 101.69675}


@pytest.fixture
async def officer(org: Org, client_factory: Any) -> Any:
    fences.forget()
    agency_settings.forget()
    await OfficeAssignment.insert(
        OfficeAssignment(user=org.users["officer_a"], office=org.office_a)
    )
    client = await client_factory()
    await client.sign_in(org.login["officer_a"])
    return client


@pytest.mark.parametrize(
    ("accuracy", "flagged"), [(0, True), (0.001, True), (1.0, True), (4.0, False)]
)
async def test_mock_accuracy_is_a_finding_not_a_block(
    officer: Any, accuracy: float, flagged: bool
) -> None:
    tap = {
        "clientId": str(uuid.uuid4()),
        "kind": "in",
        "fix": {**CENTRE, "accuracy": accuracy},
        "clientAt": datetime.now(UTC).isoformat(),
    }
    answer = await officer.post("/api/attendance/check-ins", json=tap)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["verdict"]["status"] == "inside"
    assert body["approval"] == "not_needed"
    assert ("mock_accuracy" in {f["code"] for f in body["findings"]}) is flagged
    # Kept on the record: today's list shows it again.
    today = (await officer.get("/api/attendance/today")).json()
    [again] = [c for c in today["checkIns"] if c["id"] == body["id"]]
    assert again["findings"] == body["findings"]
