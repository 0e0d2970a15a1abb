"""How many database statements `GET /api/waiting` costs: a fixed number, whatever the number
of items waiting (counted by the database, never a statement per item or per person)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.test_checkin_query_budget import counted_statements
from tests.api.test_waiting import (
    LONG_AGO,
    attendance_items,
    chain,
    check_in,
    meeting_items,
    signed_in,
)
from tests.fixtures import Org


async def statements(client: Any) -> int:
    await client.get("/api/waiting")  # warm the principal and session caches
    with counted_statements() as seen:
        response = await client.get("/api/waiting")
    assert response.status_code == 200, response.text
    return sum(seen.values())


async def test_the_waiting_counts_cost_a_fixed_number_of_statements(
    client_factory: Any, org: Org
) -> None:
    await chain(org)
    await attendance_items(org)
    await meeting_items(org)
    supervisor = await signed_in(client_factory, org, "exec_a")
    before = await statements(supervisor)
    for n in range(10):  # ten more items of the officer: the same statements
        await check_in(org.users["officer_a"], LONG_AGO + timedelta(days=n % 3))
        await check_in(org.users["officer_a"], datetime.now(UTC) - timedelta(minutes=n))
    after = await statements(supervisor)
    print(f"\nstatements for /api/waiting (supervisor): {after}")
    assert after == before
    assert after <= BUDGET

    officer = await signed_in(client_factory, org, "officer_a")
    print(f"statements for /api/waiting (officer): {await statements(officer)}")
    assert await statements(officer) <= BUDGET


# Session (1) + nine counts + the reviewer's meetings + the person's unit + the team (2) and
# the agency's calendar (2) for a supervisor.
BUDGET = 17
