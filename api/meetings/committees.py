"""Committee rules: who sees and manages a committee, its members in seniority order, and the
all-or-nothing CSV import of members.

* Agency administrators create and edit committees of their agency (under one of its units;
  a sub-committee names its parent committee of the same agency).
* Members are managed by the committee's own secretariat or chair, and by the agency
  administrator only while the committee has no SULIT meeting: administrators manage people,
  not content, so they cannot add themselves (or anyone) to a committee whose SULIT papers and
  minutes membership would open (`committee_sulit_members_by_committee`).
* A committee has at most one chair. Members come from the committee's agency.
* **Who changes the chair** (naming, demoting or removing the chair): the current chair (who
  hands over: naming another member chair makes the outgoing chair a member) or the agency's
  designated authority for committees, its administrator, who appoints committees in the
  first place (DOMAIN.md) and may do so on a SULIT committee too, among its existing members.
  Not the secretariat (it would choose who approves its own minutes), except to name the
  first chair of a committee that has none; an administrator never names themselves. Never
  while minutes of the committee await the chair's approval (`chair_change_during_approval`).
  Audited as `committee.chair_change` with before and after.
* Every member write locks the committee row first (SQLite: the IMMEDIATE transaction; PostgreSQL:
  SELECT … FOR UPDATE), so two concurrent writes cannot both add a chair.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from api.accounts import audit
from api.accounts.authz import Principal
from api.core.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from api.core.messages import message
from api.db import for_update, is_sqlite, write_transaction
from api.meetings import schemas
from api.meetings.access import Classification, CommitteeRole, committee_role, role_from_text
from api.meetings.tables import Committee, CommitteeMember, Meeting
from api.org.tables import Agency, OrgUnit, User

ROLE_ORDER = {"chair": 0, "member": 1, "secretariat": 2}
MAX_IMPORT_ROWS = 1000


# --------------------------------------------------------------------------- reading


async def _committee_row(committee_id: int) -> dict[str, Any] | None:
    return await (
        Committee.select(
            *Committee.all_columns(),
            Committee.unit.name.as_alias("unit_name"),
        )
        .where(Committee.id == committee_id)
        .first()
    )


async def visible_committee(principal: Principal, committee_id: int) -> dict[str, Any]:
    """A committee the principal belongs to or administers; NotFound otherwise."""
    row = await _committee_row(committee_id)
    if row is None:
        raise NotFound()
    if principal.can_administer(row["agency"]):
        return row
    if await committee_role(principal.user_id, committee_id) is None:
        raise NotFound()
    return row


async def has_sulit_meetings(committee_id: int) -> bool:
    return bool(
        await Meeting.exists().where(
            (Meeting.committee == committee_id)
            & (Meeting.classification == Classification.SULIT.value)
        )
    )


async def open_approval(committee_id: int) -> bool:
    """Minutes of one of the committee's meetings await the chair's approval. Raw SQL: the
    minutes area imports this one."""
    rows = await Meeting.raw(
        "SELECT 1 AS found FROM minutes JOIN meeting ON meeting.id = minutes.meeting "
        "WHERE meeting.committee = {} AND minutes.status = 'submitted'",
        committee_id,
    )
    return bool(rows)


async def _may_manage_members(
    principal: Principal, row: dict[str, Any], role: CommitteeRole | None
) -> bool:
    if role in (CommitteeRole.SECRETARIAT, CommitteeRole.CHAIR):
        return True
    return principal.can_administer(row["agency"]) and not await has_sulit_meetings(row["id"])


async def managed_committee(
    principal: Principal, committee_id: int, *, chair_designation: bool = False
) -> dict[str, Any]:
    """The principal may change the committee's membership (its secretariat or chair; the
    agency administrator while the committee has no SULIT meeting, or, with
    `chair_designation`, to change the chair among the existing members)."""
    row = await visible_committee(principal, committee_id)
    role = await committee_role(principal.user_id, committee_id)
    if await _may_manage_members(principal, row, role):
        return row
    if principal.can_administer(row["agency"]):
        if chair_designation:
            return row
        raise Forbidden("committee_sulit_members_by_committee")
    raise Forbidden()


async def _current_chair(committee_id: int) -> int | None:
    found = (
        await CommitteeMember.select(CommitteeMember.user)
        .where((CommitteeMember.committee == committee_id) & (CommitteeMember.role == "chair"))
        .first()
    )
    return int(found["user"]) if found else None


async def _check_chair_change(
    principal: Principal, row: dict[str, Any], new_chair: int | None
) -> int | None:
    """Call inside the write transaction (committee locked) before a write that names,
    demotes or removes the chair; `new_chair` is who will chair afterwards (None: nobody).
    Returns the current chair."""
    current = await _current_chair(row["id"])
    if current == new_chair:
        return current
    is_chair = current is not None and current == principal.user_id
    is_authority = principal.can_administer(row["agency"])
    first_chair = current is None and (
        is_authority
        or await committee_role(principal.user_id, row["id"]) == CommitteeRole.SECRETARIAT
    )
    if not (is_chair or is_authority or first_chair):
        raise Forbidden("chair_change_not_allowed")
    if new_chair == principal.user_id and not is_chair:
        raise Forbidden("chair_change_not_self")
    if await open_approval(row["id"]):
        raise Conflict("chair_change_during_approval")
    return current


async def _audit_chair_change(
    principal: Principal, row: dict[str, Any], before: int | None, after: int | None
) -> None:
    if before == after:
        return
    await audit.record(
        "committee.chair_change",
        actor_id=principal.user_id,
        agency_id=row["agency"],
        target_type="committee",
        target_id=row["id"],
        detail={"before": before, "after": after},
    )


async def members(committee_id: int, *, with_login_ids: bool = True) -> list[schemas.MemberOut]:
    """The committee's members in order. Their IC numbers / staff IDs only for those who manage
    the committee (its secretariat, the agency's administrators): members see names and
    positions of one another, not identity numbers."""
    rows = await CommitteeMember.select(
        CommitteeMember.id,
        CommitteeMember.user,
        CommitteeMember.role,
        CommitteeMember.seniority,
        CommitteeMember.user.name.as_alias("name"),
        CommitteeMember.user.login_id.as_alias("login_id"),
        CommitteeMember.user.position.as_alias("position"),
    ).where(CommitteeMember.committee == committee_id)
    rows.sort(key=lambda r: (ROLE_ORDER.get(r["role"], 1), r["seniority"], r["name"]))
    return [
        schemas.MemberOut(
            id=r["id"],
            user_id=r["user"],
            name=r["name"],
            login_id=r["login_id"] if with_login_ids else None,
            position=r["position"] or "",
            role=r["role"],
            seniority=r["seniority"],
        )
        for r in rows
    ]


async def committee_out(
    principal: Principal, row: dict[str, Any], *, with_members: bool = False
) -> schemas.CommitteeOut:
    role = await committee_role(principal.user_id, row["id"])
    can_manage = await _may_manage_members(principal, row, role)
    # IC numbers for those who manage the membership or the people, not for fellow members.
    sees_login_ids = can_manage or principal.can_administer(row["agency"])
    return schemas.CommitteeOut(
        id=row["id"],
        agency_id=row["agency"],
        code=row["code"],
        name=row["name"],
        unit_id=row["unit"],
        unit_name=row.get("unit_name") or "",
        parent_id=row["parent"],
        quorum=row["quorum"],
        active=row["active"],
        my_role=role.value if role else None,
        can_manage=can_manage,
        members=await members(row["id"], with_login_ids=sees_login_ids) if with_members else [],
        can_edit=principal.can_administer(row["agency"]),
    )


async def list_committees(principal: Principal) -> list[schemas.CommitteeOut]:
    mine = await CommitteeMember.select(CommitteeMember.committee).where(
        CommitteeMember.user == principal.user_id
    )
    ids = {r["committee"] for r in mine}
    query = Committee.select(*Committee.all_columns(), Committee.unit.name.as_alias("unit_name"))
    if principal.is_super_admin:
        rows = await query
    elif principal.is_agency_admin():
        rows = await query.where(
            (Committee.agency == principal.agency_id) | Committee.id.is_in(list(ids) or [0])
        )
    else:
        rows = await query.where(Committee.id.is_in(list(ids) or [0]))
    rows.sort(key=lambda r: (not r["active"], r["name"]))
    return [await committee_out(principal, r) for r in rows]


# --------------------------------------------------------------------------- writing


async def _check_placement(
    agency_id: int, unit_id: int | None, parent_id: int | None, self_id: int | None = None
) -> None:
    errors = []
    if unit_id is not None and not await OrgUnit.exists().where(
        (OrgUnit.id == unit_id) & (OrgUnit.agency == agency_id)
    ):
        errors.append(FieldError("unitId", "committee_unit_invalid"))
    if parent_id is not None:
        if parent_id == self_id or not await Committee.exists().where(
            (Committee.id == parent_id) & (Committee.agency == agency_id)
        ):
            errors.append(FieldError("parentId", "committee_parent_invalid"))
        elif self_id is not None:
            # No cycles: walk up from the new parent.
            seen: set[int] = set()
            current: int | None = parent_id
            while current is not None and current not in seen:
                if current == self_id:
                    errors.append(FieldError("parentId", "committee_parent_invalid"))
                    break
                seen.add(current)
                up = await Committee.select(Committee.parent).where(Committee.id == current).first()
                current = up["parent"] if up else None
    if errors:
        raise Invalid("committee_invalid", errors=errors)


async def create_committee(principal: Principal, data: schemas.CommitteeIn) -> schemas.CommitteeOut:
    agency_id = data.agency_id or principal.agency_id
    if not principal.can_administer(agency_id) or not await Agency.exists().where(
        Agency.id == agency_id
    ):
        raise NotFound()
    await _check_placement(agency_id, data.unit_id, data.parent_id)
    async with write_transaction():
        if await Committee.exists().where(
            (Committee.agency == agency_id) & (Committee.code == data.code)
        ):
            raise Conflict(
                "committee_code_taken", errors=[FieldError("code", "committee_code_taken")]
            )
        committee_id = (
            await Committee.insert(
                Committee(
                    agency=agency_id,
                    unit=data.unit_id,
                    parent=data.parent_id,
                    code=data.code,
                    name=data.name.strip(),
                    quorum=data.quorum,
                )
            ).returning(Committee.id)
        )[0]["id"]
        await audit.record(
            "committee.create",
            actor_id=principal.user_id,
            agency_id=agency_id,
            target_type="committee",
            target_id=committee_id,
            detail={"code": data.code},
        )
    row = await _committee_row(committee_id)
    assert row is not None
    return await committee_out(principal, row, with_members=True)


async def update_committee(
    principal: Principal, committee_id: int, data: schemas.CommitteePatch
) -> schemas.CommitteeOut:
    row = await visible_committee(principal, committee_id)
    if not principal.can_administer(row["agency"]):
        raise Forbidden()
    unit_id = data.unit_id if data.unit_id is not None else row["unit"]
    parent_id = data.parent_id if data.parent_id is not None else row["parent"]
    await _check_placement(row["agency"], unit_id, parent_id, self_id=committee_id)
    values: dict[Any, Any] = {Committee.unit: unit_id, Committee.parent: parent_id}
    if data.name is not None:
        values[Committee.name] = data.name.strip()
    if data.quorum is not None:
        values[Committee.quorum] = data.quorum
    elif data.clear_quorum:
        values[Committee.quorum] = None
    if data.active is not None:
        values[Committee.active] = data.active
    async with write_transaction():
        await Committee.update(values).where(Committee.id == committee_id)
        await audit.record(
            "committee.update",
            actor_id=principal.user_id,
            agency_id=row["agency"],
            target_type="committee",
            target_id=committee_id,
        )
    new = await _committee_row(committee_id)
    assert new is not None
    return await committee_out(principal, new, with_members=True)


async def _lock_committee(committee_id: int) -> None:
    await for_update(Committee.select(Committee.id).where(Committee.id == committee_id))


async def _chair_elsewhere(committee_id: int, user_id: int) -> bool:
    return bool(
        await CommitteeMember.exists().where(
            (CommitteeMember.committee == committee_id)
            & (CommitteeMember.role == "chair")
            & (CommitteeMember.user != user_id)
        )
    )


async def _next_seniority(committee_id: int) -> int:
    rows = await CommitteeMember.select(CommitteeMember.seniority).where(
        CommitteeMember.committee == committee_id
    )
    return max((r["seniority"] for r in rows), default=0) + 10


async def add_member(
    principal: Principal, committee_id: int, data: schemas.MemberIn
) -> list[schemas.MemberOut]:
    row = await managed_committee(principal, committee_id)
    user = (
        await User.select(User.id, User.agency, User.state).where(User.id == data.user_id).first()
    )
    if user is None or user["agency"] != row["agency"] or user["state"] != "active":
        raise Invalid("member_user_invalid", errors=[FieldError("userId", "member_user_invalid")])
    async with write_transaction():
        await _lock_committee(committee_id)
        if await CommitteeMember.exists().where(
            (CommitteeMember.committee == committee_id) & (CommitteeMember.user == data.user_id)
        ):
            raise Conflict("member_exists", errors=[FieldError("userId", "member_exists")])
        if data.role == "chair":
            if await _chair_elsewhere(committee_id, data.user_id):
                raise Conflict("chair_exists", errors=[FieldError("role", "chair_exists")])
            await _check_chair_change(principal, row, data.user_id)
        seniority = (
            data.seniority if data.seniority is not None else await _next_seniority(committee_id)
        )
        await CommitteeMember.insert(
            CommitteeMember(
                committee=committee_id, user=data.user_id, role=data.role, seniority=seniority
            )
        )
        await audit.record(
            "committee.member_add",
            actor_id=principal.user_id,
            agency_id=row["agency"],
            target_type="committee",
            target_id=committee_id,
            detail={"user_id": data.user_id, "role": data.role},
        )
        if data.role == "chair":
            await _audit_chair_change(principal, row, None, data.user_id)
    return await members(committee_id)


async def update_member(
    principal: Principal, committee_id: int, member_id: int, data: schemas.MemberPatch
) -> list[schemas.MemberOut]:
    row = await managed_committee(
        principal,
        committee_id,
        chair_designation=data.role is not None and data.seniority is None,
    )
    async with write_transaction():
        await _lock_committee(committee_id)
        member = (
            await CommitteeMember.select()
            .where((CommitteeMember.id == member_id) & (CommitteeMember.committee == committee_id))
            .first()
        )
        if member is None:
            raise NotFound()
        values: dict[Any, Any] = {}
        touches_chair = (
            data.role is not None
            and data.role != member["role"]
            and (data.role == "chair" or member["role"] == "chair")
        )
        if not touches_chair and not await _may_manage_members(
            principal, row, await committee_role(principal.user_id, committee_id)
        ):
            raise Forbidden("committee_sulit_members_by_committee")
        chair_before: int | None = None
        if touches_chair:
            new_chair = member["user"] if data.role == "chair" else None
            chair_before = await _check_chair_change(principal, row, new_chair)
            if data.role == "chair" and chair_before == principal.user_id:
                # The chair hands over: the outgoing chair stays on as a member.
                await CommitteeMember.update({CommitteeMember.role: "member"}).where(
                    (CommitteeMember.committee == committee_id)
                    & (CommitteeMember.user == principal.user_id)
                )
            elif data.role == "chair" and await _chair_elsewhere(committee_id, member["user"]):
                raise Conflict("chair_exists", errors=[FieldError("role", "chair_exists")])
        if data.role is not None:
            values[CommitteeMember.role] = data.role
        if data.seniority is not None:
            values[CommitteeMember.seniority] = data.seniority
        if values:
            await CommitteeMember.update(values).where(CommitteeMember.id == member_id)
            await audit.record(
                "committee.member_update",
                actor_id=principal.user_id,
                agency_id=row["agency"],
                target_type="committee",
                target_id=committee_id,
                detail={"user_id": member["user"], "role": data.role or member["role"]},
            )
        if touches_chair:
            await _audit_chair_change(
                principal, row, chair_before, member["user"] if data.role == "chair" else None
            )
    return await members(committee_id)


async def remove_member(principal: Principal, committee_id: int, member_id: int) -> None:
    row = await managed_committee(principal, committee_id)
    async with write_transaction():
        await _lock_committee(committee_id)
        member = (
            await CommitteeMember.select(CommitteeMember.user, CommitteeMember.role)
            .where((CommitteeMember.id == member_id) & (CommitteeMember.committee == committee_id))
            .first()
        )
        if member is None:
            raise NotFound()
        if member["role"] == "chair":
            await _check_chair_change(principal, row, None)
            await _audit_chair_change(principal, row, member["user"], None)
        await CommitteeMember.delete().where(CommitteeMember.id == member_id)
        await audit.record(
            "committee.member_remove",
            actor_id=principal.user_id,
            agency_id=row["agency"],
            target_type="committee",
            target_id=committee_id,
            detail={"user_id": member["user"]},
        )


async def reorder_members(
    principal: Principal, committee_id: int, data: schemas.MemberOrder
) -> list[schemas.MemberOut]:
    await managed_committee(principal, committee_id)
    async with write_transaction():
        await _lock_committee(committee_id)
        current = await CommitteeMember.select(CommitteeMember.id).where(
            CommitteeMember.committee == committee_id
        )
        if sorted(r["id"] for r in current) != sorted(data.member_ids) or len(
            set(data.member_ids)
        ) != len(data.member_ids):
            raise Invalid(
                "member_order_invalid", errors=[FieldError("memberIds", "member_order_invalid")]
            )
        for position, member_id in enumerate(data.member_ids, start=1):
            await CommitteeMember.update({CommitteeMember.seniority: position * 10}).where(
                CommitteeMember.id == member_id
            )
    return await members(committee_id)


# --------------------------------------------------------------------------- CSV import


def _parse_csv(text: str) -> list[tuple[int, list[str]]]:
    rows = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for line_no, cells in enumerate(reader, start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if (
            line_no == 1
            and cells
            and cells[0].lower().replace(" ", "_")
            in {
                "login_id",
                "loginid",
                "id_log_masuk",
                "login",
            }
        ):
            continue  # header
        rows.append((line_no, cells))
    return rows


async def import_members(
    principal: Principal, committee_id: int, text: str, *, dry_run: bool = False
) -> schemas.ImportResult:
    """Validates every row first; applies them all in one transaction only when none fails.

    Rows: login ID, role (chair/secretariat/member, Malay names accepted), seniority (a whole
    number, optional). Importing the same file again changes nothing ("unchanged").
    """
    row = await managed_committee(principal, committee_id)
    parsed = _parse_csv(text)
    if not parsed:
        raise Invalid("import_empty", errors=[FieldError("file", "import_empty")])
    if len(parsed) > MAX_IMPORT_ROWS:
        raise Invalid("import_too_many", params={"limit": MAX_IMPORT_ROWS})
    async with write_transaction():
        await _lock_committee(committee_id)
        existing = {
            r["user"]: r
            for r in await CommitteeMember.select().where(CommitteeMember.committee == committee_id)
        }
        logins = [cells[0] for _, cells in parsed if cells]
        users = {
            u["login_id"]: u
            for u in await User.select(User.id, User.login_id, User.agency, User.state).where(
                User.login_id.is_in(logins or [""])
            )
        }
        out: list[schemas.ImportRowOut] = []
        seen: set[str] = set()
        chairs_in_file: list[int] = []
        planned: list[tuple[str, int, str, int | None, dict[str, Any] | None]] = []
        for line, cells in parsed:
            reasons: list[str] = []
            login = cells[0] if cells else ""
            raw_role = (cells[1] if len(cells) > 1 else "member").lower() or "member"
            role = role_from_text(raw_role) or ""
            seniority: int | None = None
            if len(cells) > 2 and cells[2]:
                try:
                    seniority = int(cells[2])
                    if not 0 <= seniority <= 100_000:
                        raise ValueError
                except ValueError:
                    reasons.append("import_bad_seniority")
            if not role:
                reasons.append("import_bad_role")
            user = users.get(login)
            if not login:
                reasons.append("import_no_login")
            elif login in seen:
                reasons.append("import_duplicate")
            elif user is None or user["agency"] != row["agency"]:
                reasons.append("import_unknown_user")
            elif user["state"] != "active":
                reasons.append("import_inactive_user")
            seen.add(login)
            if role == "chair" and user is not None:
                chairs_in_file.append(line)
            current = existing.get(user["id"]) if user is not None else None
            status = "error"
            if not reasons:
                assert user is not None
                if current is None:
                    status = "added"
                elif current["role"] == role and (
                    seniority is None or current["seniority"] == seniority
                ):
                    status = "unchanged"
                else:
                    status = "updated"
                planned.append((status, user["id"], role, seniority, current))
            out.append(
                schemas.ImportRowOut(
                    line=line,
                    login_id=login,
                    role=role or raw_role,
                    seniority=seniority,
                    status=status,
                    reasons=reasons,
                )
            )
        # At most one chair: in the file, and with the chair already there (unless the file
        # names the same person).
        file_chair_users = {p[1] for p in planned if p[2] == "chair"}
        other_chairs = {
            u for u, r in existing.items() if r["role"] == "chair" and u not in file_chair_users
        }
        # An existing chair whom the file demotes no longer counts.
        demoted = {p[1] for p in planned if p[2] != "chair"}
        other_chairs -= demoted
        if len(chairs_in_file) > 1 or (file_chair_users and other_chairs):
            for item in out:
                if item.role == "chair" and "import_two_chairs" not in item.reasons:
                    item.reasons.append("import_two_chairs")
                    item.status = "error"
        current_chair = next((u for u, r in existing.items() if r["role"] == "chair"), None)
        chair_after = next(iter(file_chair_users), None) if len(file_chair_users) == 1 else None
        if not file_chair_users and current_chair not in demoted:
            chair_after = current_chair
        if len(file_chair_users) <= 1 and chair_after != current_chair:
            try:
                await _check_chair_change(principal, row, chair_after)
            except (Forbidden, Conflict) as refused:
                chair_users = file_chair_users | ({current_chair} - {None})
                for item, plan_user in zip(out, _row_users(out, users), strict=True):
                    if plan_user in chair_users and refused.code not in item.reasons:
                        item.reasons.append(refused.code)
                        item.status = "error"
        errors = sum(1 for item in out if item.status == "error")
        result = schemas.ImportResult(
            applied=False,
            rows=out,
            added=sum(1 for item in out if item.status == "added"),
            updated=sum(1 for item in out if item.status == "updated"),
            unchanged=sum(1 for item in out if item.status == "unchanged"),
            errors=errors,
        )
        for item in out:
            item.reasons = [message(code, principal.language) for code in item.reasons]
        if errors or dry_run:
            return result
        next_seniority = max((r["seniority"] for r in existing.values()), default=0) + 10
        for status, user_id, role, seniority, current in planned:
            if status == "added":
                if seniority is None:
                    seniority, next_seniority = next_seniority, next_seniority + 10
                await CommitteeMember.insert(
                    CommitteeMember(
                        committee=committee_id, user=user_id, role=role, seniority=seniority
                    )
                )
            elif status == "updated":
                assert current is not None
                await CommitteeMember.update(
                    {
                        CommitteeMember.role: role,
                        CommitteeMember.seniority: (
                            seniority if seniority is not None else current["seniority"]
                        ),
                    }
                ).where(CommitteeMember.id == current["id"])
        await audit.record(
            "committee.member_import",
            actor_id=principal.user_id,
            agency_id=row["agency"],
            target_type="committee",
            target_id=committee_id,
            detail={"added": result.added, "updated": result.updated},
        )
        await _audit_chair_change(principal, row, current_chair, chair_after)
        result.applied = True
        return result


def _row_users(
    rows: list[schemas.ImportRowOut], users: dict[str, dict[str, Any]]
) -> list[int | None]:
    return [users[r.login_id]["id"] if r.login_id in users else None for r in rows]


async def candidates(principal: Principal, committee_id: int, q: str) -> list[schemas.Colleague]:
    """Active officers of the committee's agency who are not members yet (for managers)."""
    row = await managed_committee(principal, committee_id)
    taken = [
        r["user"]
        for r in await CommitteeMember.select(CommitteeMember.user).where(
            CommitteeMember.committee == committee_id
        )
    ]
    query = User.select(User.id, User.name, User.position, User.login_id).where(
        (User.agency == row["agency"]) & (User.state == "active") & User.id.not_in(taken or [0])
    )
    q = q.strip().replace("\\", "").replace("%", "").replace("_", "")
    if q:
        name = User.name.like(f"%{q}%") if is_sqlite() else User.name.ilike(f"%{q}%")
        query = query.where(name | (User.login_id == q))
    rows = await query.order_by(User.name).limit(20)
    return [
        schemas.Colleague(id=r["id"], name=r["name"], position=r["position"] or "") for r in rows
    ]
