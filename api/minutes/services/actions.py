"""The actions that approved minutes assign, as the assignees and executives see them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from api.accounts import audit
from api.accounts.authz import Principal
from api.core.errors import NotFound
from api.meetings.access import meeting_access
from api.meetings.confidential import subject_of
from api.meetings.tables import CommitteeMember
from api.minutes import schemas
from api.minutes.services.common import (
    MALAYSIA,
    OPEN_STATUSES,
    _names,
    _open,
    _unit_names,
    meeting_label,
)
from api.minutes.services.sections import _assignee_text, _latest_feedback
from api.minutes.tables import (
    Action,
    ActionFeedback,
)
from api.org.tables import OrgUnit, User


async def _user_unit(user_id: int) -> tuple[int | None, str]:
    row = (
        await User.select(User.unit, User.unit.path.as_alias("path"))
        .where(User.id == user_id)
        .first()
    )
    if row is None:
        return None, ""
    return row["unit"], row["path"] or ""


def _is_assignee(row: dict[str, Any], user_id: int, unit_id: int | None) -> bool:
    if row["assignee_user"] == user_id:
        return True
    return row["assignee_unit"] is not None and row["assignee_unit"] == unit_id


def _today() -> date:
    """Today in Malaysia: due dates are calendar days there, not in UTC."""
    return datetime.now(MALAYSIA).date()


def _overdue(row: dict[str, Any]) -> bool:
    return bool(
        row["kind"] == "action"
        and row["status"] in OPEN_STATUSES
        and row["due_date"] is not None
        and row["due_date"] < _today()
    )


_ACTION_COLUMNS: tuple[Any, ...] = (
    *Action.all_columns(),
    Action.meeting.title.as_alias("meeting_title"),
    Action.meeting.number.as_alias("number"),
    Action.meeting.year.as_alias("year"),
    Action.meeting.classification.as_alias("classification"),
    Action.meeting._.committee._.agency.as_alias("agency"),
)


async def _action_out(
    rows: list[dict[str, Any]],
    user_id: int,
    unit_id: int | None,
    with_history: bool = False,
) -> list[schemas.ActionOut]:
    ids = [r["id"] for r in rows]
    latest = await _latest_feedback(ids)
    users = await _names(r["assignee_user"] for r in rows)
    units = await _unit_names(r["assignee_unit"] for r in rows)
    history: dict[int, list[schemas.FeedbackOut]] = {}
    if with_history and ids:
        fb_rows = (
            await ActionFeedback.select(
                *ActionFeedback.all_columns(), ActionFeedback.author.name.as_alias("author_name")
            )
            .where(ActionFeedback.action.is_in(ids))
            .order_by(ActionFeedback.id, ascending=False)
        )
        for f in fb_rows:
            history.setdefault(f["action"], []).append(_feedback_out(f))
    out = []
    for r in rows:
        fb = latest.get(r["id"])
        out.append(
            schemas.ActionOut(
                id=r["id"],
                meeting_id=r["meeting"],
                meeting_title=subject_of(r, id_key="meeting", title_key="meeting_title"),
                meeting_label=meeting_label(r),
                kind=r["kind"],
                text=_open(r["text"], f"action:{r['id']}"),
                status=r["status"],
                assignee=_assignee_text(r, users, units),
                assignee_user_id=r["assignee_user"],
                assignee_unit_id=r["assignee_unit"],
                due_date=r["due_date"],
                overdue=_overdue(r),
                can_give_feedback=r["kind"] == "action" and _is_assignee(r, user_id, unit_id),
                latest_feedback=_feedback_out(fb) if fb else None,
                feedback=history.get(r["id"], []),
            )
        )
    return out


def _feedback_out(f: dict[str, Any]) -> schemas.FeedbackOut:
    has_file = bool(f.get("attachment_key"))
    return schemas.FeedbackOut(
        id=f["id"],
        author_name=f["author_name"],
        text=_open(f["text"], f"action-feedback:{f['id']}"),
        status=f["status"],
        created_at=f["created_at"],
        attachment_name=_open(f["attachment_name"], f"action-feedback-file-name:{f['id']}")
        if has_file
        else "",
        attachment_size=f.get("attachment_size") or 0,
        attachment_url=f"/api/actions/{f['action']}/feedback/{f['id']}/attachment"
        if has_file
        else "",
    )


async def _readable_action(principal: Principal, action_id: int) -> dict[str, Any]:
    """The action, if the principal may read it: anyone who may read its meeting's content, or
    (unless the meeting is SULIT, which stays with the committee) its assignees."""
    row = await Action.select(*_ACTION_COLUMNS).where(Action.id == action_id).first()
    if row is None:
        raise NotFound()
    access = await meeting_access(principal, row["meeting"])
    if access is not None and access.can_read_content:
        return row
    unit_id, _ = await _user_unit(principal.user_id)
    if row["classification"] != "SULIT" and _is_assignee(row, principal.user_id, unit_id):
        return row
    raise NotFound()


async def my_actions(principal: Principal) -> list[schemas.ActionOut]:
    unit_id, _ = await _user_unit(principal.user_id)
    condition: Any = Action.assignee_user == principal.user_id
    if unit_id is not None:
        condition = condition | (Action.assignee_unit == unit_id)
    rows = (
        await Action.select(*_ACTION_COLUMNS)
        .where(condition & (Action.kind == "action"))
        .order_by(Action.due_date)
        .order_by(Action.id)
    )
    readable = []
    cache: dict[int, bool] = {}
    for r in rows:
        if r["classification"] == "SULIT":
            if r["meeting"] not in cache:
                access = await meeting_access(principal, r["meeting"])
                cache[r["meeting"]] = access is not None and access.can_read_content
            if not cache[r["meeting"]]:
                continue
        readable.append(r)
    return await _action_out(readable, principal.user_id, unit_id)


async def open_actions_count(principal: Principal) -> int:
    """How many of the actions `my_actions` lists are still open or in progress: each waits
    for the assignee's feedback until it is done or dropped."""
    unit_id, _ = await _user_unit(principal.user_id)
    condition: Any = Action.assignee_user == principal.user_id
    if unit_id is not None:
        condition = condition | (Action.assignee_unit == unit_id)
    # SULIT actions are read by the committee's members only (api.meetings.access).
    readable = (Action.meeting.classification != "SULIT") | Action.meeting.committee.is_in(
        CommitteeMember.select(CommitteeMember.committee).where(
            CommitteeMember.user == principal.user_id
        )
    )
    return int(
        await Action.count().where(
            condition
            & (Action.kind == "action")
            & Action.status.is_in(list(OPEN_STATUSES))
            & readable
        )
    )


async def get_action(principal: Principal, action_id: int) -> schemas.ActionOut:
    row = await _readable_action(principal, action_id)
    if row["classification"] == "SULIT":
        await audit.record(
            "action.read",
            actor_id=principal.user_id,
            agency_id=row["agency"],
            target_type="action",
            target_id=action_id,
            detail={"classification": "SULIT"},
        )
    unit_id, _ = await _user_unit(principal.user_id)
    return (await _action_out([row], principal.user_id, unit_id, with_history=True))[0]


async def overdue_by_unit(principal: Principal) -> list[schemas.UnitOverdue]:
    """Overdue actions of the principal's agency per unit, each unit counting its whole
    subtree, limited to the units the executive may see (their unit subtree, or the agency).
    Counts only: no action text, so SULIT actions are counted without being shown."""
    agency_id = principal.agency_id
    units = (
        await OrgUnit.select(OrgUnit.id, OrgUnit.name, OrgUnit.path)
        .where(OrgUnit.agency == agency_id)
        .order_by(OrgUnit.path)
    )
    visible = [u for u in units if principal.can_view_unit(agency_id, u["path"])]
    if not visible:
        return []
    rows = await Action.select(
        Action.assignee_unit,
        Action.assignee_user.unit.as_alias("user_unit"),
    ).where(
        (Action.kind == "action")
        & Action.status.is_in(list(OPEN_STATUSES))
        & (Action.due_date < _today())
        & (Action.meeting._.committee._.agency == agency_id)
    )
    path_of = {u["id"]: u["path"] for u in units}
    paths = [path_of.get(r["assignee_unit"] or r["user_unit"] or 0, "") for r in rows]
    out = []
    for unit in visible:
        direct = sum(1 for p in paths if p == unit["path"])
        total = sum(1 for p in paths if p and p.startswith(unit["path"]))
        out.append(
            schemas.UnitOverdue(
                unit_id=unit["id"],
                name=unit["name"],
                depth=unit["path"].count("/") - 2,
                direct=direct,
                total=total,
            )
        )
    return out
