"""Usage statistics of meetings per agency, per committee and in total, for a date range.

- **Meetings held**: scheduled (not draft, not cancelled) meetings that started in the range and
  have already ended.
- **Days to distributed minutes**: from the end of a held meeting to its minutes'
  `distributed_at` (api.minutes); average and median over the meetings whose minutes went out.
- **Actions on time**: actions (not decisions, not dropped) of held meetings with a due date that
  has passed or that are done; on time = done no later than the due date (the day of the
  assignee's feedback that set "done", Malaysian time).
- **RSVP response rate**: invitations of held meetings answered (anything but needs_action) over
  all of them.

Who: agency administrators and executives with the agency in scope see every committee of the
agency; executives with a unit scope see the committees of their unit subtree
(`Principal.can_view_unit`). Another agency's figures answer 404.
When the minutes tables are not available (no api.minutes) those figures are None ("n/a").
"""

from __future__ import annotations

import io
import statistics
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from api.accounts.authz import Principal
from api.attendance.rules import MALAYSIA_TZ
from api.core.errors import FieldError, Invalid, NotFound
from api.core.exports import csv_writer
from api.meetings import attendance_schemas as schemas
from api.meetings.calendar_view import YEARS
from api.meetings.tables import Committee, Invitation, Meeting

MAX_DAYS = 400


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    if (
        start.year not in YEARS
        or end.year not in YEARS
        or end < start
        or (end - start).days + 1 > MAX_DAYS
    ):
        raise Invalid(
            "meeting_stats_range",
            params={"days": MAX_DAYS},
            errors=[FieldError("to", "meeting_stats_range")],
        )
    return (
        datetime.combine(start, time.min, MALAYSIA_TZ),
        datetime.combine(end + timedelta(days=1), time.min, MALAYSIA_TZ),
    )


async def _visible_committees(principal: Principal, agency_id: int) -> list[dict[str, Any]]:
    """The agency's committees the principal may count, or NotFound for another's agency."""
    whole_agency = principal.can_view_unit(agency_id, None)
    unit_scoped = agency_id == principal.agency_id and any(
        g.role == "executive" and g.scope_type == "unit" for g in principal.grants
    )
    if not whole_agency and not unit_scoped:
        raise NotFound()
    rows = await (
        Committee.select(Committee.id, Committee.name, Committee.unit.path.as_alias("unit_path"))
        .where(Committee.agency == agency_id)
        .order_by(Committee.name)
        .order_by(Committee.id)
    )
    return [r for r in rows if whole_agency or principal.can_view_unit(agency_id, r["unit_path"])]


async def _minutes_days(held: dict[int, dict[str, Any]]) -> dict[int, float] | None:
    try:
        from api.minutes.tables import Minutes
    except ImportError:  # pragma: no cover - the minutes area is part of the app
        return None
    if not held:
        return {}
    rows = await Minutes.select(Minutes.meeting, Minutes.distributed_at).where(
        Minutes.meeting.is_in(sorted(held)), Minutes.distributed_at.is_not_null()
    )
    return {
        r["meeting"]: max(
            (r["distributed_at"] - held[r["meeting"]]["ends_at"]).total_seconds() / 86400, 0.0
        )
        for r in rows
    }


async def _actions(held: dict[int, dict[str, Any]], today: date) -> list[dict[str, Any]] | None:
    """[{meeting, on_time}] for the actions that count, or None without api.minutes."""
    try:
        from api.minutes.tables import Action, ActionFeedback
    except ImportError:  # pragma: no cover
        return None
    if not held:
        return []
    actions = await Action.select(Action.id, Action.meeting, Action.due_date, Action.status).where(
        Action.meeting.is_in(sorted(held)),
        Action.kind == "action",
        Action.status != "dropped",
        Action.due_date.is_not_null(),
    )
    done_ids = [a["id"] for a in actions if a["status"] == "done"]
    done_on: dict[int, date] = {}
    if done_ids:
        feedback = await (
            ActionFeedback.select(ActionFeedback.action, ActionFeedback.created_at)
            .where(ActionFeedback.action.is_in(done_ids), ActionFeedback.status == "done")
            .order_by(ActionFeedback.created_at)
        )
        for f in feedback:
            done_on.setdefault(f["action"], f["created_at"].astimezone(MALAYSIA_TZ).date())
    counted = []
    for a in actions:
        due: date = a["due_date"]
        if a["status"] == "done":
            finished = done_on.get(a["id"], due)
            counted.append({"meeting": a["meeting"], "on_time": finished <= due})
        elif due < today:
            counted.append({"meeting": a["meeting"], "on_time": False})
    return counted


def _row(
    committee_id: int | None,
    name: str,
    meetings: list[int],
    invitations: dict[int, tuple[int, int]],
    days: dict[int, float] | None,
    actions: list[dict[str, Any]] | None,
) -> schemas.StatsRow:
    invited = sum(invitations.get(m, (0, 0))[0] for m in meetings)
    answered = sum(invitations.get(m, (0, 0))[1] for m in meetings)
    wanted = set(meetings)
    minutes_days = [d for m, d in (days or {}).items() if m in wanted]
    counted = [a for a in (actions or []) if a["meeting"] in wanted]
    return schemas.StatsRow(
        committee_id=committee_id,
        committee_name=name,
        meetings_held=len(meetings),
        invitations=invited,
        responses=answered,
        rsvp_response_rate=round(100 * answered / invited, 1) if invited else None,
        minutes_distributed=len(minutes_days) if days is not None else None,
        minutes_days_average=round(statistics.fmean(minutes_days), 1) if minutes_days else None,
        minutes_days_median=round(statistics.median(minutes_days), 1) if minutes_days else None,
        actions_due=len(counted) if actions is not None else None,
        actions_on_time_rate=(
            round(100 * sum(1 for a in counted if a["on_time"]) / len(counted), 1)
            if counted
            else None
        ),
    )


async def meeting_stats(
    principal: Principal,
    start: date,
    end: date,
    agency_id: int | None = None,
    now: datetime | None = None,
) -> schemas.StatsOut:
    agency = principal.agency_id if agency_id is None else agency_id
    since, until = _bounds(start, end)
    now = now or datetime.now(UTC)
    committees = await _visible_committees(principal, agency)
    names = {c["id"]: c["name"] for c in committees}
    held_rows = (
        await Meeting.select(Meeting.id, Meeting.committee, Meeting.ends_at).where(
            Meeting.committee.is_in(sorted(names)),
            Meeting.status == "scheduled",
            Meeting.starts_at >= since,
            Meeting.starts_at < until,
            Meeting.ends_at <= now,
        )
        if names
        else []
    )
    held = {r["id"]: r for r in held_rows}
    invitations: dict[int, tuple[int, int]] = {}
    if held:
        for r in await Invitation.select(Invitation.meeting, Invitation.response).where(
            Invitation.meeting.is_in(sorted(held))
        ):
            total, answered = invitations.get(r["meeting"], (0, 0))
            invitations[r["meeting"]] = (
                total + 1,
                answered + (1 if r["response"] != "needs_action" else 0),
            )
    days = await _minutes_days(held)
    actions = await _actions(held, now.astimezone(MALAYSIA_TZ).date())
    by_committee: dict[int, list[int]] = {c: [] for c in names}
    for r in held_rows:
        by_committee[r["committee"]].append(r["id"])
    rows = [_row(c, names[c], by_committee[c], invitations, days, actions) for c in names]
    totals = _row(None, "", sorted(held), invitations, days, actions)
    return schemas.StatsOut(
        agency_id=agency,
        start=start,
        end=end,
        minutes_available=days is not None,
        actions_available=actions is not None,
        committees=rows,
        totals=totals,
    )


CSV_HEADERS = {
    "ms": [
        "Jawatankuasa",
        "Mesyuarat diadakan",
        "Jemputan",
        "Maklum balas RSVP",
        "Kadar maklum balas RSVP (%)",
        "Minit diedarkan",
        "Purata hari ke edaran minit",
        "Median hari ke edaran minit",
        "Tindakan cukup tempoh",
        "Tindakan siap tepat masa (%)",
    ],
    "en": [
        "Committee",
        "Meetings held",
        "Invitations",
        "RSVP responses",
        "RSVP response rate (%)",
        "Minutes distributed",
        "Average days to distributed minutes",
        "Median days to distributed minutes",
        "Actions due",
        "Actions done on time (%)",
    ],
}
TOTAL_LABEL = {"ms": "Jumlah agensi", "en": "Agency total"}
NOT_AVAILABLE = "n/a"


def _cell(value: float | int | None) -> float | int | str:
    return NOT_AVAILABLE if value is None else value


def stats_csv(data: schemas.StatsOut, language: str = "ms") -> str:
    language = language if language in CSV_HEADERS else "ms"
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(CSV_HEADERS[language])
    for row in [*data.committees, data.totals]:
        name = row.committee_name if row.committee_id is not None else TOTAL_LABEL[language]
        writer.writerow(
            [
                name,
                row.meetings_held,
                row.invitations,
                row.responses,
                _cell(row.rsvp_response_rate),
                _cell(row.minutes_distributed),
                _cell(row.minutes_days_average),
                _cell(row.minutes_days_median),
                _cell(row.actions_due),
                _cell(row.actions_on_time_rate),
            ]
        )
    return out.getvalue()
