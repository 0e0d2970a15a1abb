"""Warnings: check-ins judged inside an office that carry plausibility findings (impossible
speed, clock skew, a repeated or stale fix, a mock-location accuracy, a late sync …).

They count without a decision, so they never reach the approvals inbox; this is where a
supervisor sees them (their direct reports), and an agency administrator (the whole agency,
filtered by unit, officer or finding). The daily notice to supervisors carries yesterday's
count (`counts_for_day`, used by `api.attendance.escalation`).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

import msgspec

from api.accounts.authz import Principal
from api.attendance import fences, rules, schemas
from api.attendance.services import POLICY, check_in_out
from api.attendance.tables import CheckIn
from api.attendance.team import covers_moment, direct_reports
from api.core.errors import FieldError, Invalid, NotFound
from api.org.tables import OrgUnit, User

LONGEST_RANGE = timedelta(days=31)
DEFAULT_RANGE = timedelta(days=7)
MOST_ITEMS = 500


class WarningItem(msgspec.Struct, rename="camel"):
    check_in: schemas.CheckInOut
    officer_id: int
    officer_name: str
    officer_login_id: str


def has_warning(row: dict[str, Any]) -> bool:
    """Inside, and the server found something a person should know."""
    if row["status"] != "inside":
        return False
    findings = row["findings"]
    if isinstance(findings, str):
        findings = msgspec.json.decode(findings)
    return bool(findings)


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    tz = POLICY.timezone
    start = datetime.combine(first, datetime.min.time(), tz)
    return start, datetime.combine(last + timedelta(days=1), datetime.min.time(), tz)


async def _people(
    principal: Principal, scope: str, unit_id: int | None, officer_id: int | None
) -> dict[int, dict[str, Any]]:
    if scope == "team":
        people = await direct_reports(principal)
    else:
        if not principal.can_administer(principal.agency_id):
            raise NotFound()
        query = User.select(User.id, User.name, User.login_id).where(
            User.agency == principal.agency_id
        )
        if unit_id is not None:
            unit = (
                await OrgUnit.select(OrgUnit.path, OrgUnit.agency)
                .where(OrgUnit.id == unit_id)
                .first()
            )
            if unit is None or unit["agency"] != principal.agency_id:
                raise NotFound()
            below = OrgUnit.select(OrgUnit.id).where(
                (OrgUnit.agency == principal.agency_id) & OrgUnit.path.like(f"{unit['path']}%")
            )
            query = query.where(User.unit.is_in(below))
        people = {r["id"]: r for r in await query}
    if officer_id is not None:
        people = {officer_id: people[officer_id]} if officer_id in people else {}
    return people


async def warnings(
    principal: Principal,
    *,
    first: date | None = None,
    last: date | None = None,
    scope: Literal["team", "agency"] = "team",
    code: str | None = None,
    unit_id: int | None = None,
    officer_id: int | None = None,
) -> list[WarningItem]:
    """Inside check-ins with findings from `first` to `last` (default the last 7 days), newest
    first; at most `MOST_ITEMS`."""
    today = rules.local_day(datetime.now(UTC), POLICY.timezone)
    last = last or today
    first = first or last - DEFAULT_RANGE + timedelta(days=1)
    if first > last or last - first >= LONGEST_RANGE:
        raise Invalid(
            "warnings_range_invalid", errors=[FieldError("from", "warnings_range_invalid")]
        )
    people = await _people(principal, scope, unit_id, officer_id)
    if not people:
        return []
    start, end = _day_bounds(first, last)
    rows = (
        await CheckIn.select()
        .where(
            CheckIn.user.is_in(list(people))
            & (CheckIn.status == "inside")
            & (CheckIn.occurred_at >= start)
            & (CheckIn.occurred_at < end)
        )
        .order_by(CheckIn.occurred_at, ascending=False)
    )
    names = (await fences.fence_for_agency(principal.agency_id)).names
    found: list[WarningItem] = []
    for row in rows:
        if not has_warning(row):
            continue
        out = check_in_out(row, names)
        if code and code not in {f.code for f in out.findings}:
            continue
        person = people[row["user"]]
        if scope == "team" and not covers_moment(person, row["occurred_at"]):
            continue  # a day the officer did not report to this supervisor
        found.append(WarningItem(out, row["user"], person["name"], person["login_id"]))
        if len(found) >= MOST_ITEMS:
            break
    return found


async def counts_for_days(first: date, last: date, agency_id: int) -> Counter[int]:
    """Per supervisor, how many of their direct reports' inside check-ins from `first` to
    `last` carry findings (for the daily notice), in one agency."""
    start, end = _day_bounds(first, last)
    rows = await CheckIn.select(
        CheckIn.user, CheckIn.status, CheckIn.findings, CheckIn.user.supervisor
    ).where(
        (CheckIn.status == "inside")
        & (CheckIn.occurred_at >= start)
        & (CheckIn.occurred_at < end)
        & (CheckIn.user.agency == agency_id)
    )
    counts: Counter[int] = Counter()
    for row in rows:
        supervisor = row["user.supervisor"]
        if supervisor is not None and supervisor != row["user"] and has_warning(row):
            counts[supervisor] += 1
    return counts
