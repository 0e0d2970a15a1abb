"""Attendance issues (isu kehadiran) and daily task notes (catatan tugasan).

Issues are opened by a daily job once a day has closed (`open_issues_for_day`; idempotent:
the unique (officer, day, kind) index makes a second run open nothing). The officer justifies,
the supervisor approves or rejects. Unanswered issues turn yellow and then red after the
agency's number of working days; red ones also appear in the inbox of the supervisor's own
supervisor.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec

from api.accounts import audit
from api.accounts.authz import Principal
from api.attendance import policy, rules
from api.attendance.calendar import WorkingCalendar
from api.attendance.calendar_admin import working_calendar
from api.attendance.decisions import require_note_to_reject
from api.attendance.reports import evaluate_days
from api.attendance.services import POLICY
from api.attendance.tables import AttendanceIssue, PatternAssignment, TaskNote
from api.attendance.team import covers, direct_reports, reports_of_reports
from api.core.errors import AppError, FieldError, Invalid, NotFound
from api.db import for_update, write_transaction
from api.org.tables import OfficeAssignment, User


class IssueOut(msgspec.Struct, rename="camel"):
    id: int
    user_id: int
    officer_name: str
    day: date
    kind: str
    status: str
    justification: str
    decision_note: str
    escalation: str  # none / yellow / red
    # Red, from one level down: the officer's own supervisor has not answered in time.
    escalated: bool = False
    # Status "closed": why it no longer holds (`CLOSE_REASONS`).
    closed_reason: str = ""


class NoteOut(msgspec.Struct, rename="camel"):
    day: date
    text: str
    updated_at: datetime
    user_id: int
    officer_name: str = ""


async def attendance_starts_on(user_id: int, created_at: datetime | None) -> date | None:
    """The first day an officer can be absent: the day their account was created or their
    first assignment (an office, or a working pattern) began, whichever is later; None while
    they have no assignment at all."""
    offices = await OfficeAssignment.select(OfficeAssignment.created_at).where(
        OfficeAssignment.user == user_id
    )
    patterns = await PatternAssignment.select(PatternAssignment.effective_from).where(
        PatternAssignment.user == user_id
    )
    starts = [rules.local_day(_aware(r["created_at"]), POLICY.timezone) for r in offices]
    starts += [r["effective_from"] for r in patterns]
    if not starts:
        return None
    first_assignment = min(starts)
    if created_at is None:
        return first_assignment
    return max(first_assignment, rules.local_day(_aware(created_at), POLICY.timezone))


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


async def expected_issues(
    user_id: int,
    agency_id: int,
    created_at: datetime | None,
    first: date,
    last: date,
    now: datetime,
) -> dict[date, set[str]]:
    """The issue kinds each day from `first` to `last` calls for under today's inputs (punches,
    leave, holidays and overrides, clock-broken days); never "absent" before the officer's
    attendance starts (`attendance_starts_on`)."""
    results = await evaluate_days(user_id, agency_id, first, last, now)
    starts: list[date | None] = []  # read only when a day calls for "absent"
    expected: dict[date, set[str]] = {}
    for result in results:
        kinds = {str(k) for k in rules.issues_for_day(result)}
        if "absent" in kinds:
            if not starts:
                starts.append(await attendance_starts_on(user_id, created_at))
            starts_on = starts[0]
            if starts_on is None or result.day < starts_on:
                kinds.discard("absent")
        expected[result.day] = kinds
    return expected


async def open_issues_for_day(day: date, now: datetime | None = None) -> int:
    """Opens the issues of every active officer for a closed day; returns how many are new."""
    now = now or datetime.now(UTC)
    opened = 0
    officers = await User.select(User.id, User.agency, User.created_at).where(
        User.state == "active"
    )
    for officer in officers:
        expected = await expected_issues(
            officer["id"], officer["agency"], officer["created_at"], day, day, now
        )
        kinds = expected.get(day, set())
        if not kinds:
            continue
        async with write_transaction():
            inserted = (
                await AttendanceIssue.insert(
                    *[AttendanceIssue(user=officer["id"], day=day, kind=k) for k in sorted(kinds)]
                )
                .on_conflict(action="DO NOTHING")
                .returning(AttendanceIssue.id)
            )
        opened += len(inserted)
    return opened


class RecomputeResult(msgspec.Struct, rename="camel"):
    opened: int = 0
    closed: int = 0
    reopened: int = 0


# Why a recompute closed an issue (shown in words by the PWA, `issueClosed.<reason>`).
CLOSE_REASONS = frozenset(
    {
        "leave_imported",
        "punches_imported",
        "calendar_changed",
        "clock_broken_changed",
        "pattern_changed",
        "early_leave_changed",
    }
)


async def recompute_issues(
    user_ids: Iterable[int],
    first: date,
    last: date,
    reason: str,
    now: datetime | None = None,
) -> RecomputeResult:
    """The issues of closed days whose inputs changed, made to match them again: an open or
    justified issue that no longer holds is closed with `reason`; one that holds again after
    being closed is reopened; a missing one is opened. Decided issues stay as decided (a
    person answered them). Running it twice changes nothing the second time."""
    assert reason in CLOSE_REASONS, reason
    now = now or datetime.now(UTC)
    result = RecomputeResult()
    last = min(last, rules.local_day(now, POLICY.timezone) - timedelta(days=1))
    if first > last:
        return result
    ids = sorted(set(user_ids))
    if not ids:
        return result
    officers = await User.select(User.id, User.agency, User.created_at).where(
        User.id.is_in(ids) & (User.state == "active")
    )
    for officer in officers:
        expected = await expected_issues(
            officer["id"], officer["agency"], officer["created_at"], first, last, now
        )
        async with write_transaction():
            existing = await for_update(
                AttendanceIssue.select().where(
                    (AttendanceIssue.user == officer["id"])
                    & (AttendanceIssue.day >= first)
                    & (AttendanceIssue.day <= last)
                )
            ).run()
            have = {(r["day"], r["kind"]) for r in existing}
            to_close, to_reopen = [], []
            for row in existing:
                holds = row["kind"] in expected.get(row["day"], set())
                if row["status"] in ("open", "justified") and not holds:
                    to_close.append(row)
                elif row["status"] == "closed" and holds:
                    to_reopen.append(row)
            for row in to_close:
                await AttendanceIssue.update(
                    {AttendanceIssue.status: "closed", AttendanceIssue.closed_reason: reason}
                ).where(AttendanceIssue.id == row["id"])
                await audit.record(
                    "attendance_issue_closed",
                    actor_id=None,
                    agency_id=officer["agency"],
                    target_type="attendance_issue",
                    target_id=row["id"],
                    detail={"officer": officer["id"], "kind": row["kind"], "reason": reason},
                )
            for row in to_reopen:
                status = "justified" if row["justification"] else "open"
                await AttendanceIssue.update(
                    {AttendanceIssue.status: status, AttendanceIssue.closed_reason: ""}
                ).where(AttendanceIssue.id == row["id"])
            missing = [
                AttendanceIssue(user=officer["id"], day=day, kind=kind)
                for day, kinds in sorted(expected.items())
                for kind in sorted(kinds)
                if (day, kind) not in have
            ]
            if missing:
                inserted = (
                    await AttendanceIssue.insert(*missing)
                    .on_conflict(action="DO NOTHING")
                    .returning(AttendanceIssue.id)
                )
                result.opened += len(inserted)
        result.closed += len(to_close)
        result.reopened += len(to_reopen)
    return result


async def calendar_for(agency_id: int) -> WorkingCalendar:
    """The agency's working days (its state's weekends and holidays, and its own overrides)."""
    return await working_calendar(agency_id)


def _issue_out(
    row: dict[str, Any],
    name: str,
    calendar: WorkingCalendar,
    today: date,
    thresholds: rules.EscalationThresholds,
) -> IssueOut:
    escalation = rules.Escalation.NONE
    if row["status"] in ("open", "justified"):
        escalation = rules.escalation_level(row["day"], today, calendar, thresholds)
    return IssueOut(
        id=row["id"],
        user_id=row["user"],
        officer_name=name,
        day=row["day"],
        kind=row["kind"],
        status=row["status"],
        justification=row["justification"],
        decision_note=row["decision_note"],
        escalation=str(escalation),
        closed_reason=row.get("closed_reason") or "",
    )


def _today() -> date:
    return rules.local_day(datetime.now(UTC), POLICY.timezone)


async def own_issues(principal: Principal) -> list[IssueOut]:
    rows = (
        await AttendanceIssue.select()
        .where(AttendanceIssue.user == principal.user_id)
        .order_by(AttendanceIssue.day, ascending=False)
        .limit(200)
    )
    calendar = await calendar_for(principal.agency_id)
    thresholds = await policy.escalation_thresholds(principal.agency_id)
    return [_issue_out(r, principal.name, calendar, _today(), thresholds) for r in rows]


JUSTIFICATION_MIN = 3


async def justify(principal: Principal, issue_id: int, text: str) -> IssueOut:
    # The schema counts characters as sent; spaces alone are no justification.
    if len(text.strip()) < JUSTIFICATION_MIN:
        raise Invalid(
            "justification_too_short",
            errors=[FieldError("justification", "justification_too_short")],
        )
    async with write_transaction():
        row = await for_update(
            AttendanceIssue.select().where(AttendanceIssue.id == issue_id)
        ).first()
        if row is None or row["user"] != principal.user_id:
            raise NotFound()
        if row["status"] not in ("open", "justified"):
            raise AppError("issue_already_decided", status_code=409)
        await AttendanceIssue.update(
            {
                AttendanceIssue.justification: text.strip(),
                AttendanceIssue.status: "justified",
                AttendanceIssue.justified_at: datetime.now(UTC),
            }
        ).where(AttendanceIssue.id == issue_id)
        await audit.record(
            "attendance_issue_justified",
            actor_id=principal.user_id,
            agency_id=principal.agency_id,
            target_type="attendance_issue",
            target_id=issue_id,
            detail={"kind": row["kind"], "day": row["day"].isoformat(), "text": text.strip()},
        )
        row = await AttendanceIssue.select().where(AttendanceIssue.id == issue_id).first()
    assert row is not None
    return _issue_out(
        row,
        principal.name,
        await calendar_for(principal.agency_id),
        _today(),
        await policy.escalation_thresholds(principal.agency_id),
    )


async def _decidable_by(principal: Principal) -> dict[int, dict[str, Any]]:
    """The direct reports (id → name, dated windows) whose issues this person decides; red
    issues one level further down are added by `issue_inbox`."""
    return await direct_reports(principal)


async def issue_inbox(principal: Principal) -> list[IssueOut]:
    today = _today()
    calendar = await calendar_for(principal.agency_id)
    thresholds = await policy.escalation_thresholds(principal.agency_id)
    direct = await _decidable_by(principal)
    found: list[IssueOut] = []
    if direct:
        rows = (
            await AttendanceIssue.select()
            .where(
                AttendanceIssue.status.is_in(["open", "justified"])
                & AttendanceIssue.user.is_in(list(direct))
            )
            .order_by(AttendanceIssue.day)
        )
        found += [
            _issue_out(r, direct[r["user"]]["name"], calendar, today, thresholds)
            for r in rows
            if covers(direct[r["user"]]["windows"], r["day"])
        ]
        # Red items of the next level down come up to this supervisor too.
        second = {
            r["id"]: r["name"]
            for r in await User.select(User.id, User.name).where(
                User.supervisor.is_in(list(direct)) & (User.id != principal.user_id)
            )
        }
        if second:
            rows = (
                await AttendanceIssue.select()
                .where(
                    AttendanceIssue.status.is_in(["open", "justified"])
                    & AttendanceIssue.user.is_in(list(second))
                )
                .order_by(AttendanceIssue.day)
            )
            found += [
                msgspec.structs.replace(issue, escalated=True)
                for issue in (
                    _issue_out(r, second[r["user"]], calendar, today, thresholds) for r in rows
                )
                if issue.escalation == "red"
            ]
    return found


async def issue_inbox_count(direct: list[int], below: list[int], last_red: date) -> int:
    """How many issues `issue_inbox` lists, counted by the database (the red ones of the level
    below are those opened on `last_red` or earlier)."""
    undecided = AttendanceIssue.status.is_in(["open", "justified"])
    total = 0
    if direct:
        total += await AttendanceIssue.count().where(undecided & AttendanceIssue.user.is_in(direct))
    if below:
        total += await AttendanceIssue.count().where(
            undecided & AttendanceIssue.user.is_in(below) & (AttendanceIssue.day <= last_red)
        )
    return total


async def own_open_count(principal: Principal) -> int:
    """The person's own issues still waiting for their justification."""
    return int(
        await AttendanceIssue.count().where(
            (AttendanceIssue.user == principal.user_id) & (AttendanceIssue.status == "open")
        )
    )


async def _closed_meanwhile(principal: Principal, ids: list[int]) -> bool:
    """True when every one of `ids` is an issue this person could have decided (of a direct
    report or one level further down, never their own) that is no longer open: decided by
    someone meanwhile (409), rather than not theirs at all (404)."""
    rows = await AttendanceIssue.select(
        AttendanceIssue.id, AttendanceIssue.user, AttendanceIssue.status
    ).where(AttendanceIssue.id.is_in(ids))
    if len(rows) != len(ids):
        return False
    team = {**await direct_reports(principal), **await reports_of_reports(principal)}
    return all(
        r["user"] in team
        and r["user"] != principal.user_id
        and r["status"] not in ("open", "justified")
        for r in rows
    )


async def decide_issues(
    principal: Principal, ids: list[int], decision: str, note: str, ip: str = ""
) -> list[int]:
    require_note_to_reject(decision, note)
    allowed = {i.id for i in await issue_inbox(principal)}
    wanted = sorted(set(ids))
    outside = [i for i in wanted if i not in allowed]
    if outside:
        if await _closed_meanwhile(principal, outside):
            raise AppError("issue_already_decided", status_code=409)
        raise NotFound()
    async with write_transaction():
        rows = await for_update(
            AttendanceIssue.select().where(AttendanceIssue.id.is_in(wanted))
        ).run()
        if any(r["status"] not in ("open", "justified") for r in rows):
            raise AppError("issue_already_decided", status_code=409)
        await AttendanceIssue.update(
            {
                AttendanceIssue.status: decision,
                AttendanceIssue.decided_by: principal.user_id,
                AttendanceIssue.decided_at: datetime.now(UTC),
                AttendanceIssue.decision_note: note.strip(),
            }
        ).where(AttendanceIssue.id.is_in(wanted))
        for row in rows:
            await audit.record(
                f"attendance_issue_{decision}",
                actor_id=principal.user_id,
                agency_id=principal.agency_id,
                target_type="attendance_issue",
                target_id=row["id"],
                ip=ip,
                detail={"officer": row["user"], "kind": row["kind"], "note": note.strip()},
            )
    return wanted


# --------------------------------------------------------------------------- task notes


async def save_note(principal: Principal, day: date, text: str) -> NoteOut:
    if not text.strip():
        raise Invalid("note_text_required", errors=[FieldError("text", "note_text_required")])
    if day > _today() + timedelta(days=1):
        raise AppError("note_in_the_future", status_code=422)
    now = datetime.now(UTC)
    async with write_transaction():
        updated = (
            await TaskNote.update({TaskNote.text: text.strip(), TaskNote.updated_at: now})
            .where((TaskNote.user == principal.user_id) & (TaskNote.day == day))
            .returning(TaskNote.id)
        )
        if not updated:
            await TaskNote.insert(
                TaskNote(user=principal.user_id, day=day, text=text.strip(), updated_at=now)
            )
    return NoteOut(day=day, text=text.strip(), updated_at=now, user_id=principal.user_id)


async def own_notes(principal: Principal, first: date, last: date) -> list[NoteOut]:
    rows = (
        await TaskNote.select()
        .where(
            (TaskNote.user == principal.user_id) & (TaskNote.day >= first) & (TaskNote.day <= last)
        )
        .order_by(TaskNote.day)
    )
    return [NoteOut(r["day"], r["text"], r["updated_at"], r["user"]) for r in rows]


async def team_notes(principal: Principal, day: date) -> list[NoteOut]:
    direct = await _decidable_by(principal)
    if not direct:
        return []
    rows = (
        await TaskNote.select()
        .where(TaskNote.user.is_in(list(direct)) & (TaskNote.day == day))
        .order_by(TaskNote.user)
    )
    return [
        NoteOut(r["day"], r["text"], r["updated_at"], r["user"], direct[r["user"]]["name"])
        for r in rows
        if covers(direct[r["user"]]["windows"], r["day"])
    ]
