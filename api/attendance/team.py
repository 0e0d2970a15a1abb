"""Who reports to whom, as the attendance rules need it: dated.

A supervisor decides an officer's records only for the days the officer reported to them
(`api.org.tables.Placement`: a transfer closes the old line the day before it opens the new
one), so after a transfer the new supervisor sees and decides from the transfer date on and
the old one keeps what was before. A colleague named acting supervisor
(`api.org.tables.ActingSupervisor`) decides the supervisor's records, with the supervisor's
own dates, while today lies in the acting range.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from api.accounts.authz import Principal
from api.attendance.rules import MALAYSIA_TZ, local_day
from api.core import raw_sql
from api.org.tables import ActingSupervisor, Placement, User

Window = tuple[date | None, date | None]


def today() -> date:
    return local_day(datetime.now(MALAYSIA_TZ), MALAYSIA_TZ)


def covers(windows: Iterable[Window], day: date) -> bool:
    """True when `day` lies in one of the windows (None ends are open)."""
    return any(
        (start is None or start <= day) and (end is None or day <= end) for start, end in windows
    )


def covers_moment(person: dict[str, Any], moment: datetime) -> bool:
    """True when the person's line to the supervisor covers the Malaysian day of `moment`."""
    return covers(person.get("windows", ()), local_day(moment, MALAYSIA_TZ))


async def acting_for(user_id: int, day: date | None = None) -> list[int]:
    """The supervisors this person acts for on `day` (today by default)."""
    day = day or today()
    rows = await ActingSupervisor.select(ActingSupervisor.supervisor).where(
        (ActingSupervisor.acting == user_id)
        & (ActingSupervisor.starts_on <= day)
        & (ActingSupervisor.ends_on >= day)
        & ActingSupervisor.cancelled_at.is_null()
    )
    return sorted({r["supervisor"] for r in rows})


async def acting_deciders(supervisor_ids: Iterable[int], day: date | None = None) -> list[int]:
    """Those acting on `day` for any of these supervisors: notifications go to them too."""
    ids = sorted(set(supervisor_ids))
    if not ids:
        return []
    day = day or today()
    rows = await ActingSupervisor.select(ActingSupervisor.acting).where(
        ActingSupervisor.supervisor.is_in(ids)
        & (ActingSupervisor.starts_on <= day)
        & (ActingSupervisor.ends_on >= day)
        & ActingSupervisor.cancelled_at.is_null()
    )
    return sorted({r["acting"] for r in rows})


async def _lines_of(supervisor_ids: list[int], exclude: int) -> dict[int, dict[str, Any]]:
    """Who reports to these supervisors now (`User.supervisor`, from the start of their open
    placement) or did before (their closed placements), with those dates."""
    current = await User.select(User.id, User.name, User.login_id, User.supervisor).where(
        User.supervisor.is_in(supervisor_ids)
    )
    current_ids = [r["id"] for r in current]
    dated = await Placement.select(
        Placement.user,
        Placement.user.name,
        Placement.user.login_id,
        Placement.supervisor,
        Placement.starts_on,
        Placement.ends_on,
    ).where(
        (Placement.supervisor.is_in(supervisor_ids) & Placement.ends_on.is_not_null())
        | (Placement.user.is_in(current_ids or [0]) & Placement.ends_on.is_null())
    )
    people: dict[int, dict[str, Any]] = {}

    def person(user_id: int, name: str, login_id: str) -> dict[str, Any]:
        return people.setdefault(
            user_id, {"id": user_id, "name": name, "login_id": login_id, "windows": []}
        )

    open_since = {
        r["user"]: (r["starts_on"], r["supervisor"]) for r in dated if r["ends_on"] is None
    }
    for row in current:
        since, line_supervisor = open_since.get(row["id"], (None, None))
        start = since if line_supervisor == row["supervisor"] else None
        person(row["id"], row["name"], row["login_id"])["windows"].append((start, None))
    for row in dated:
        if row["ends_on"] is not None:
            person(row["user"], row["user.name"], row["user.login_id"])["windows"].append(
                (row["starts_on"], row["ends_on"])
            )
    people.pop(exclude, None)
    return dict(sorted(people.items(), key=lambda item: item[1]["name"]))


async def direct_reports(principal: Principal) -> dict[int, dict[str, Any]]:
    """The people who report or reported to this supervisor, or to those they act for today
    (id → id, name, login id, `windows`: the dates whose records they decide), never
    themselves. Check an item's day against `windows` with `covers`."""
    supervisors = [principal.user_id, *await acting_for(principal.user_id)]
    return await _lines_of(supervisors, exclude=principal.user_id)


async def current_reports(principal: Principal) -> dict[int, dict[str, Any]]:
    """`direct_reports` reduced to those whose line covers today (the team as it is now)."""
    day = today()
    return {i: p for i, p in (await direct_reports(principal)).items() if covers(p["windows"], day)}


async def reports_of_reports(principal: Principal) -> dict[int, dict[str, Any]]:
    """One level further down: the people who report today to this person's current reports.
    Their red (escalated) items come up to this person's inbox too."""
    direct = await current_reports(principal)
    if not direct:
        return {}
    day = today()
    below = await _lines_of(list(direct), exclude=principal.user_id)
    return {i: p for i, p in below.items() if i not in direct and covers(p["windows"], day)}


# Who reports to this person or those they act for today (now = 1), or did before (now = 0);
# `dated` is 1 when that line does not cover all time: acted for, begun on a date (a transfer
# in) or ended (a transfer out).
_DIRECT_IDS_SQL = (
    "SELECT id, 1 AS now, CASE WHEN supervisor <> {} OR EXISTS (SELECT 1 FROM placement p"
    ' WHERE p."user" = app_user.id AND p.ends_on IS NULL AND p.starts_on IS NOT NULL)'
    " THEN 1 ELSE 0 END AS dated FROM app_user WHERE (supervisor = {} OR supervisor IN"
    " (SELECT supervisor FROM acting_supervisor WHERE acting = {} AND starts_on <= {}"
    " AND ends_on >= {} AND cancelled_at IS NULL)) AND id <> {}"
    ' UNION SELECT "user" AS id, 0 AS now, 1 AS dated FROM placement'
    " WHERE (supervisor = {} OR supervisor IN"
    " (SELECT supervisor FROM acting_supervisor WHERE acting = {} AND starts_on <= {}"
    ' AND ends_on >= {} AND cancelled_at IS NULL)) AND ends_on IS NOT NULL AND "user" <> {}'
)


async def levels(principal: Principal) -> tuple[list[int], list[int], bool]:
    """The ids of `direct_reports` and of `reports_of_reports`, in two statements (the waiting
    counts run on every page), and whether any direct line is dated: then counting by person
    would include days this person does not decide, so the caller counts the inbox itself."""
    me, day = principal.user_id, today()
    rows = await raw_sql.fetch(_DIRECT_IDS_SQL, me, me, me, day, day, me, me, me, day, day, me)
    if not rows:
        return [], [], False
    direct = sorted({int(r["id"]) for r in rows})
    current = sorted({int(r["id"]) for r in rows if int(r["now"]) == 1})
    dated = any(int(r["dated"]) == 1 for r in rows)
    below = sorted(
        {
            r["id"]
            for r in await User.select(User.id).where(User.supervisor.is_in(current or [0]))
            if r["id"] != me and r["id"] not in direct
        }
    )
    return direct, below, dated
