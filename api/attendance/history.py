"""The history of an officer's attendance day as the people concerned see it: each check-in that
needed a decision (recorded, the officer's reason, the supervisor's decision with its note) and
each attendance issue of that day (opened, the officer's justification, the decision with its
note, or why it closed), in time order, with who did it.

Built from the records themselves (a decision is final, so each record holds its one decision);
the same decisions, reasons and justifications are also in the audit trail with their notes.
Visible to the officer, the supervisors who may decide their items (direct, and one level up)
and the agency's administrators; anyone else gets 404.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec

from api.accounts.authz import Principal
from api.attendance import rules
from api.attendance.services import POLICY
from api.attendance.tables import AttendanceIssue, CheckIn
from api.attendance.team import covers, direct_reports, reports_of_reports
from api.core.errors import NotFound
from api.org.tables import User


class HistoryEvent(msgspec.Struct, rename="camel"):
    # recorded / reason / approved / rejected (a check-in); issue_opened / justified /
    # issue_approved / issue_rejected / issue_closed (an attendance issue)
    event: str
    at: datetime | None
    actor_name: str
    note: str = ""
    check_in_id: int | None = None
    issue_id: int | None = None
    issue_kind: str | None = None
    mode: str | None = None


class DayHistory(msgspec.Struct, rename="camel"):
    officer_id: int
    officer_name: str
    day: date
    events: list[HistoryEvent]


def _aware(at: Any) -> datetime | None:
    if at is None:
        return None
    moment: datetime = datetime.fromisoformat(at) if isinstance(at, str) else at
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def _may_see(principal: Principal, officer_id: int, agency_id: int, day: date) -> bool:
    """The officer, their agency's administrators, and the supervisors of that day (a transfer
    splits an officer's days between the old and the new supervisor)."""
    if officer_id == principal.user_id:
        return True
    if principal.can_administer(agency_id):
        return True
    direct = await direct_reports(principal)
    if officer_id in direct:
        return covers(direct[officer_id]["windows"], day)
    return officer_id in await reports_of_reports(principal)


async def for_check_in(principal: Principal, check_in_id: int) -> DayHistory:
    row = (
        await CheckIn.select(CheckIn.user, CheckIn.occurred_at)
        .where(CheckIn.id == check_in_id)
        .first()
    )
    if row is None:
        raise NotFound()
    day = rules.local_day(_aware(row["occurred_at"]) or datetime.now(UTC), POLICY.timezone)
    return await _day(principal, row["user"], day)


async def for_issue(principal: Principal, issue_id: int) -> DayHistory:
    row = (
        await AttendanceIssue.select(AttendanceIssue.user, AttendanceIssue.day)
        .where(AttendanceIssue.id == issue_id)
        .first()
    )
    if row is None:
        raise NotFound()
    return await _day(principal, row["user"], row["day"])


async def _day(principal: Principal, officer_id: int, day: date) -> DayHistory:
    officer = (
        await User.select(User.id, User.name, User.agency).where(User.id == officer_id).first()
    )
    if officer is None or not await _may_see(principal, officer_id, officer["agency"], day):
        raise NotFound()
    start = datetime.combine(day, datetime.min.time(), POLICY.timezone)
    check_ins = (
        await CheckIn.select()
        .where(
            (CheckIn.user == officer_id)
            & (CheckIn.occurred_at >= start)
            & (CheckIn.occurred_at < start + timedelta(days=1))
            & (CheckIn.approval != "not_needed")
        )
        .order_by(CheckIn.occurred_at)
    )
    issues = await AttendanceIssue.select().where(
        (AttendanceIssue.user == officer_id) & (AttendanceIssue.day == day)
    )
    deciders = {r["decided_by"] for r in [*check_ins, *issues] if r["decided_by"]}
    names = {officer_id: officer["name"]}
    if deciders:
        names |= {
            r["id"]: r["name"]
            for r in await User.select(User.id, User.name).where(User.id.is_in(list(deciders)))
        }
    events: list[HistoryEvent] = []
    for c in check_ins:
        events.append(
            HistoryEvent("recorded", _aware(c["received_at"]), names[officer_id], "", c["id"])
        )
        if c["note"]:
            events.append(
                HistoryEvent("reason", None, names[officer_id], c["note"], c["id"], mode=c["mode"])
            )
        if c["approval"] in ("approved", "rejected") and c["decided_at"] is not None:
            events.append(
                HistoryEvent(
                    c["approval"],
                    _aware(c["decided_at"]),
                    names.get(c["decided_by"], ""),
                    c["decision_note"],
                    c["id"],
                )
            )
    for i in issues:
        common = {"issue_id": i["id"], "issue_kind": i["kind"]}
        events.append(HistoryEvent("issue_opened", _aware(i["opened_at"]), "", "", **common))
        if i["justification"]:
            events.append(
                HistoryEvent(
                    "justified",
                    _aware(i["justified_at"]),
                    names[officer_id],
                    i["justification"],
                    **common,
                )
            )
        if i["status"] in ("approved", "rejected"):
            events.append(
                HistoryEvent(
                    f"issue_{i['status']}",
                    _aware(i["decided_at"]),
                    names.get(i["decided_by"], ""),
                    i["decision_note"],
                    **common,
                )
            )
        if i["status"] == "closed":
            events.append(HistoryEvent("issue_closed", None, "", i["closed_reason"], **common))
    # A reason or a closing has no time of its own: it follows the event before it.
    keyed: list[tuple[datetime, int, HistoryEvent]] = []
    last = datetime.min.replace(tzinfo=UTC)
    for n, event in enumerate(events):
        last = event.at or last
        keyed.append((last, n, event))
    keyed.sort(key=lambda k: (k[0], k[1]))
    return DayHistory(officer_id, officer["name"], day, [k[2] for k in keyed])
