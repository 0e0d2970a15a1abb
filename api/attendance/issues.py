"""Attendance issues (isu kehadiran) and daily task notes (catatan tugasan).

Issues are opened by a daily job once a day has closed (`open_issues_for_day`; idempotent:
the unique (officer, day, kind) index makes a second run open nothing). The officer justifies,
the supervisor approves or rejects. Unanswered issues turn yellow and then red after the
agency's number of working days; red ones also appear in the inbox of the supervisor's own
supervisor.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec

from api.accounts import audit
from api.accounts.authz import Principal
from api.attendance import rules
from api.attendance.calendar import WorkingCalendar
from api.attendance.calendar_admin import working_calendar
from api.attendance.reports import evaluate_days
from api.attendance.services import POLICY
from api.attendance.tables import AttendanceIssue, TaskNote
from api.attendance.team import direct_reports, reports_of_reports
from api.core.errors import AppError, FieldError, Invalid, NotFound
from api.db import for_update, write_transaction
from api.org.tables import User


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


class NoteOut(msgspec.Struct, rename="camel"):
    day: date
    text: str
    updated_at: datetime
    user_id: int
    officer_name: str = ""


async def open_issues_for_day(day: date, now: datetime | None = None) -> int:
    """Opens the issues of every active officer for a closed day; returns how many are new."""
    now = now or datetime.now(UTC)
    opened = 0
    officers = await User.select(User.id, User.agency).where(User.state == "active")
    for officer in officers:
        results = await evaluate_days(officer["id"], officer["agency"], day, day, now)
        kinds = {str(k) for r in results for k in rules.issues_for_day(r)}
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


async def calendar_for(agency_id: int) -> WorkingCalendar:
    """The agency's working days (its state's weekends and holidays, and its own overrides)."""
    return await working_calendar(agency_id)


def _issue_out(row: dict[str, Any], name: str, calendar: WorkingCalendar, today: date) -> IssueOut:
    escalation = rules.Escalation.NONE
    if row["status"] in ("open", "justified"):
        escalation = rules.escalation_level(row["day"], today, calendar, POLICY.escalation)
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
    return [_issue_out(r, principal.name, calendar, _today()) for r in rows]


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
        row = await AttendanceIssue.select().where(AttendanceIssue.id == issue_id).first()
    assert row is not None
    return _issue_out(row, principal.name, await calendar_for(principal.agency_id), _today())


async def _decidable_by(principal: Principal) -> dict[int, str]:
    """The direct reports (id → name) whose issues this person decides; red issues one level
    further down are added by `issue_inbox`."""
    return {i: r["name"] for i, r in (await direct_reports(principal)).items()}


async def issue_inbox(principal: Principal) -> list[IssueOut]:
    today = _today()
    calendar = await calendar_for(principal.agency_id)
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
        found += [_issue_out(r, direct[r["user"]], calendar, today) for r in rows]
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
                for issue in (_issue_out(r, second[r["user"]], calendar, today) for r in rows)
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
                detail={"officer": row["user"], "kind": row["kind"]},
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
        NoteOut(r["day"], r["text"], r["updated_at"], r["user"], direct[r["user"]]) for r in rows
    ]
