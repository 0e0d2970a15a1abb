"""How many database statements one check-in costs (docs/performance.md keeps the history).

Not a timing test: the number of statements a warm check-in sends is a property of the code,
the same on every machine, and each one is a round trip on the hot path of the morning rush.
Uses the database (marked `db`), so CI counts them on PostgreSQL too (`-m db`).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from api.accounts import authz
from api.attendance import fences
from api.core import raw_sql
from api.db import engine
from api.org.tables import OfficeAssignment
from tests.fixtures import Org

CENTRE = {"lat": 2.9266, "lon": 101.69675, "accuracy": 10.0}


@contextmanager
def counted_statements() -> Iterator[Counter[str]]:
    """Counts the statements sent (by their first words) while the block runs: through Piccolo
    and directly (`api.core.raw_sql`)."""
    engine_class = type(engine())  # PostgresEngine has __slots__: patch the class
    seen: Counter[str] = Counter()
    original = engine_class.run_querystring

    def count(text: str) -> None:
        seen[" ".join(text.strip().split()[:3])[:60]] += 1

    async def counting(self: Any, querystring: Any, in_pool: bool = True) -> Any:
        count(str(querystring))
        return await original(self, querystring, in_pool=in_pool)

    engine_class.run_querystring = counting  # type: ignore[method-assign]
    raw_sql.observer = count
    try:
        yield seen
    finally:
        engine_class.run_querystring = original  # type: ignore[method-assign]
        raw_sql.observer = None


@pytest.fixture
async def officer(org: Org, client_factory: Any) -> Any:
    fences.forget()
    await OfficeAssignment.insert(
        OfficeAssignment(user=org.users["officer_a"], office=org.office_a)
    )
    client = await client_factory()
    await client.sign_in(org.login["officer_a"])
    return client


def _tap() -> dict[str, Any]:
    return {"clientId": str(uuid.uuid4()), "kind": "in", "fix": CENTRE}


async def test_a_warm_check_in_sends_few_statements(officer: Any) -> None:
    for _ in range(2):  # warm the caches (fence, principal, offices, last fix)
        assert (await officer.post("/api/attendance/check-ins", json=_tap())).status_code == 200
    with counted_statements() as seen:
        response = await officer.post("/api/attendance/check-ins", json=_tap())
    assert response.status_code == 200, response.text
    total = sum(seen.values())
    print(f"\nstatements per warm check-in: {total} {dict(seen)}")
    assert total <= BUDGET, dict(seen)
    # The security stamp comes with the session: no statement of its own.
    assert not any("security_stamp FROM credential" in s for s in seen), dict(seen)


async def test_a_cold_check_in_sends_few_statements(officer: Any) -> None:
    """The first request of a session in this process: the principal is built and the
    assigned offices are read (docs/scale.md counts these for the morning's first request)."""
    assert (await officer.post("/api/attendance/check-ins", json=_tap())).status_code == 200
    authz.forget_principals()
    fences.forget()
    with counted_statements() as seen:
        response = await officer.post("/api/attendance/check-ins", json=_tap())
    assert response.status_code == 200, response.text
    total = sum(seen.values())
    print(f"\nstatements per cold check-in: {total} {dict(seen)}")
    assert total <= COLD_BUDGET, dict(seen)


# Session with the security stamp, recent fixes, insert (docs/performance.md: 8 before the
# rush work, 4 until the stamp came with the session).
BUDGET = 3
# + the principal (one statement; grants only for people who hold a role), the assigned
# offices and the agency's offices for the fence.
COLD_BUDGET = 6
