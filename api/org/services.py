"""Organisation rules: agencies, unit trees, offices, people, roles, office assignments.

Every function takes the acting `Principal` and checks scope itself: an administrator of one
agency can see nothing of another (records outside scope are "not found").
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from piccolo.custom_types import Combinable

import geo
from api.accounts import audit
from api.accounts.authz import ROLE_SCOPES, Grant, Principal, Role, Scope, grants_of
from api.core.errors import AppError, Conflict, FieldError, Forbidden, Invalid, NotFound
from api.db import for_update, is_sqlite, write_transaction
from api.org import schemas
from api.org.tables import Agency, Office, OfficeAssignment, OrgUnit, RoleGrant, User

# --------------------------------------------------------------------------- agencies


def agency_out(row: dict[str, Any]) -> schemas.AgencyOut:
    return schemas.AgencyOut(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        state=row["state"],
        timezone=row["timezone"],
    )


async def agency_in_scope(principal: Principal, agency_id: int) -> dict[str, Any]:
    """The agency if the principal administers it; otherwise NotFound (no existence leak)."""
    if not principal.can_administer(agency_id):
        raise NotFound()
    row = await Agency.select().where(Agency.id == agency_id).first()
    if row is None:
        raise NotFound()
    return row


async def list_agencies(principal: Principal) -> list[schemas.AgencyOut]:
    query = Agency.select().order_by(Agency.name)
    if not principal.is_super_admin:
        query = query.where(Agency.id == principal.agency_id)
    return [agency_out(r) for r in await query]


async def create_agency(principal: Principal, data: schemas.AgencyIn) -> schemas.AgencyOut:
    async with write_transaction():
        if await Agency.exists().where(Agency.code == data.code):
            raise Conflict("duplicate_code", params={"code": data.code})
        row = (
            await Agency.insert(
                Agency(code=data.code, name=data.name, state=data.state, timezone=data.timezone)
            ).returning(*Agency.all_columns())
        )[0]
        await audit.record(
            "agency_created",
            actor_id=principal.user_id,
            agency_id=row["id"],
            target_type="agency",
            target_id=row["id"],
            detail={"code": data.code},
        )
    return agency_out(row)


# --------------------------------------------------------------------------- units


def unit_out(row: dict[str, Any]) -> schemas.UnitOut:
    return schemas.UnitOut(
        id=row["id"],
        name=row["name"],
        code=row["code"],
        parent_id=row["parent"],
        path=row["path"],
        depth=row["path"].count("/") - 2,
    )


async def _unit_in_agency(unit_id: int, agency_id: int) -> dict[str, Any]:
    row = await OrgUnit.select().where(OrgUnit.id == unit_id).first()
    if row is None or row["agency"] != agency_id:
        raise Invalid("unit_not_in_agency", errors=[FieldError("unitId", "unit_not_in_agency")])
    return row


async def unit_in_scope(principal: Principal, unit_id: int) -> dict[str, Any]:
    row = await for_update(OrgUnit.select().where(OrgUnit.id == unit_id)).first()
    if row is None or not principal.can_administer(row["agency"]):
        raise NotFound()
    return row


async def list_units(principal: Principal, agency_id: int) -> list[schemas.UnitOut]:
    await agency_in_scope(principal, agency_id)
    rows = await OrgUnit.select().where(OrgUnit.agency == agency_id).order_by(OrgUnit.path)
    return [unit_out(r) for r in rows]


async def _name_taken(agency_id: int, parent_id: int | None, name: str, exclude: int = 0) -> bool:
    query = OrgUnit.exists().where(
        (OrgUnit.agency == agency_id) & (OrgUnit.name == name) & (OrgUnit.id != exclude)
    )
    query = query.where(
        OrgUnit.parent.is_null() if parent_id is None else OrgUnit.parent == parent_id
    )
    return bool(await query)


async def create_unit_row(agency_id: int, name: str, code: str, parent_id: int | None) -> int:
    """Inserts a unit and sets its path; the caller holds a write transaction."""
    parent_path = "/"
    if parent_id is not None:
        parent_path = (await _unit_in_agency(parent_id, agency_id))["path"]
    if await _name_taken(agency_id, parent_id, name):
        raise Conflict("duplicate_name", params={"name": name})
    unit_id = (
        await OrgUnit.insert(
            OrgUnit(agency=agency_id, parent=parent_id, name=name, code=code)
        ).returning(OrgUnit.id)
    )[0]["id"]
    await OrgUnit.update({OrgUnit.path: f"{parent_path}{unit_id}/"}).where(OrgUnit.id == unit_id)
    return int(unit_id)


async def create_unit(
    principal: Principal, agency_id: int, data: schemas.UnitIn
) -> schemas.UnitOut:
    await agency_in_scope(principal, agency_id)
    async with write_transaction():
        unit_id = await create_unit_row(agency_id, data.name, data.code, data.parent_id)
        await audit.record(
            "unit_created",
            actor_id=principal.user_id,
            agency_id=agency_id,
            target_type="unit",
            target_id=unit_id,
            detail={"name": data.name},
        )
        row = await OrgUnit.select().where(OrgUnit.id == unit_id).first()
    assert row is not None
    return unit_out(row)


async def update_unit(
    principal: Principal, unit_id: int, data: schemas.UnitPatch
) -> schemas.UnitOut:
    async with write_transaction():
        unit = await unit_in_scope(principal, unit_id)
        agency_id = unit["agency"]
        values: dict[Any, Any] = {}
        new_parent = unit["parent"]
        if data.move_to_root:
            new_parent = None
        elif data.parent_id is not None:
            new_parent = data.parent_id
        name = data.name if data.name is not None else unit["name"]
        moved_or_renamed = new_parent != unit["parent"] or name != unit["name"]
        if moved_or_renamed and await _name_taken(agency_id, new_parent, name, exclude=unit_id):
            raise Conflict("duplicate_name", params={"name": name})
        if data.name is not None:
            values[OrgUnit.name] = data.name
        if data.code is not None:
            values[OrgUnit.code] = data.code
        if new_parent != unit["parent"]:
            parent_path = "/"
            if new_parent is not None:
                parent = await _unit_in_agency(new_parent, agency_id)
                if parent["path"].startswith(unit["path"]):
                    raise Invalid("unit_cycle", errors=[FieldError("parentId", "unit_cycle")])
                parent_path = parent["path"]
            values[OrgUnit.parent] = new_parent
            await _rewrite_subtree_paths(unit["path"], f"{parent_path}{unit_id}/", agency_id)
        if values:
            await OrgUnit.update(values).where(OrgUnit.id == unit_id)
        await audit.record(
            "unit_updated",
            actor_id=principal.user_id,
            agency_id=agency_id,
            target_type="unit",
            target_id=unit_id,
        )
        row = await OrgUnit.select().where(OrgUnit.id == unit_id).first()
    assert row is not None
    return unit_out(row)


async def _rewrite_subtree_paths(old_prefix: str, new_prefix: str, agency_id: int) -> None:
    rows = await OrgUnit.select(OrgUnit.id, OrgUnit.path).where(
        (OrgUnit.agency == agency_id) & OrgUnit.path.like(f"{old_prefix}%")
    )
    for row in rows:
        await OrgUnit.update({OrgUnit.path: new_prefix + row["path"][len(old_prefix) :]}).where(
            OrgUnit.id == row["id"]
        )


async def delete_unit(principal: Principal, unit_id: int) -> None:
    async with write_transaction():
        unit = await unit_in_scope(principal, unit_id)
        has_children = await OrgUnit.exists().where(OrgUnit.parent == unit_id)
        has_people = await User.exists().where(User.unit == unit_id)
        if has_children or has_people:
            raise Conflict("unit_not_empty")
        await OrgUnit.delete().where(OrgUnit.id == unit_id)
        await audit.record(
            "unit_deleted",
            actor_id=principal.user_id,
            agency_id=unit["agency"],
            target_type="unit",
            target_id=unit_id,
        )


# --------------------------------------------------------------------------- offices


def check_outline(
    geometry: dict[str, Any], state: str, position: schemas.TestPosition | None = None
) -> schemas.OfficePreviewOut:
    """Checks an office outline with the geo library: errors raise, doubts are returned; a test
    position is judged exactly as a check-in there would be (the same geofence defaults)."""
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "id": "office", "geometry": geometry, "properties": {}}],
    }
    try:
        fence = geo.Geofence.from_geojson(collection)
    except geo.GeofenceError as error:
        raise Invalid(
            "invalid_geometry",
            params={"reason": str(error)},
            errors=[FieldError("geometry", str(error))],
        ) from None
    verdict = None
    if position is not None:
        judged = fence.check(position.lat, position.lon, position.accuracy_m)
        verdict = schemas.PositionVerdictOut(
            status=str(judged.status),
            distance_m=round(float(judged.distance_m), 1),
            accuracy_m=position.accuracy_m,
        )
    return schemas.OfficePreviewOut(
        area_m2=round(fence.area_m2("office"), 1),
        warnings=[
            schemas.OfficeWarningOut(code=w.code, message=w.message, value=w.value, limit=w.limit)
            for w in geo.audit_office(fence, "office", state)
        ],
        test_verdict=verdict,
    )


def office_warnings(geometry: dict[str, Any], state: str) -> list[schemas.OfficeWarningOut]:
    return check_outline(geometry, state).warnings


async def preview_office(
    principal: Principal, agency_id: int, data: schemas.OfficePreviewIn
) -> schemas.OfficePreviewOut:
    await agency_in_scope(principal, agency_id)
    return check_outline(data.geometry, data.state, data.test_position)


def office_out(
    row: dict[str, Any], warnings: list[schemas.OfficeWarningOut] | None = None
) -> schemas.OfficeOut:
    geometry = row["geometry"]
    if isinstance(geometry, str):
        geometry = msgspec.json.decode(geometry)
    return schemas.OfficeOut(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        address=row["address"],
        state=row["state"],
        geometry=geometry,
        active=row["active"],
        warnings=warnings or [],
    )


async def office_in_scope(principal: Principal, office_id: int) -> dict[str, Any]:
    row = await Office.select().where(Office.id == office_id).first()
    if row is None or not principal.can_administer(row["agency"]):
        raise NotFound()
    return row


async def list_offices(principal: Principal, agency_id: int) -> list[schemas.OfficeOut]:
    await agency_in_scope(principal, agency_id)
    rows = await Office.select().where(Office.agency == agency_id).order_by(Office.name)
    return [office_out(r) for r in rows]


async def create_office(
    principal: Principal, agency_id: int, data: schemas.OfficeIn
) -> schemas.OfficeOut:
    await agency_in_scope(principal, agency_id)
    warnings = office_warnings(data.geometry, data.state)
    async with write_transaction():
        if await Office.exists().where((Office.agency == agency_id) & (Office.code == data.code)):
            raise Conflict("duplicate_code", params={"code": data.code})
        row = (
            await Office.insert(
                Office(
                    agency=agency_id,
                    code=data.code,
                    name=data.name,
                    address=data.address,
                    state=data.state,
                    geometry=data.geometry,
                    active=data.active,
                )
            ).returning(*Office.all_columns())
        )[0]
        await audit.record(
            "office_created",
            actor_id=principal.user_id,
            agency_id=agency_id,
            target_type="office",
            target_id=row["id"],
            detail={"code": data.code},
        )
    return office_out(row, warnings)


async def update_office(
    principal: Principal, office_id: int, data: schemas.OfficePatch
) -> schemas.OfficeOut:
    office = await office_in_scope(principal, office_id)
    values: dict[Any, Any] = {}
    for field, column in (
        ("name", Office.name),
        ("state", Office.state),
        ("address", Office.address),
        ("active", Office.active),
        ("geometry", Office.geometry),
    ):
        value = getattr(data, field)
        if value is not None:
            values[column] = value
    warnings: list[schemas.OfficeWarningOut] = []
    if data.geometry is not None or data.state is not None:
        geometry = data.geometry if data.geometry is not None else office_out(office).geometry
        warnings = office_warnings(geometry, data.state or office["state"])
    async with write_transaction():
        if values:
            await Office.update(values).where(Office.id == office_id)
        await audit.record(
            "office_updated",
            actor_id=principal.user_id,
            agency_id=office["agency"],
            target_type="office",
            target_id=office_id,
            detail={"fields": sorted(c._meta.name for c in values)},
        )
        row = await Office.select().where(Office.id == office_id).first()
    from api.attendance import fences  # the check-in path caches each agency's fence

    fences.forget(office["agency"])
    assert row is not None
    return office_out(row, warnings)


# --------------------------------------------------------------------------- users


async def users_out(rows: list[dict[str, Any]]) -> list[schemas.UserOut]:
    """Users with their lock state (kept with the credentials, in `api.accounts`)."""
    from api.accounts.tables import Credential

    ids = [r["id"] for r in rows]
    locked = {
        r["user"]
        for r in await Credential.select(Credential.user).where(
            Credential.user.is_in(ids or [0]) & Credential.locked_at.is_not_null()
        )
    }
    return [msgspec.structs.replace(user_out(r), locked=r["id"] in locked) for r in rows]


async def one_user_out(row: dict[str, Any]) -> schemas.UserOut:
    """One person with their lock state, offices and current working pattern."""
    # Imported here: attendance sits above org: layering debt listed in .importlinter.
    from api.attendance.tables import PatternAssignment

    offices = await OfficeAssignment.select(OfficeAssignment.office).where(
        OfficeAssignment.user == row["id"]
    )
    pattern = (
        await PatternAssignment.select(PatternAssignment.pattern_code)
        .where(PatternAssignment.user == row["id"])
        .order_by(PatternAssignment.effective_from, ascending=False)
        .order_by(PatternAssignment.id, ascending=False)
        .first()
    )
    return msgspec.structs.replace(
        (await users_out([row]))[0],
        office_ids=sorted(r["office"] for r in offices),
        pattern_code=pattern["pattern_code"] if pattern else None,
    )


async def assign_pattern(user_id: int, code: str, effective_from: date | None) -> bool:
    """Writes a working-pattern assignment (`api.attendance.tables.PatternAssignment`, the
    rules are in `api.attendance.patterns`) from `effective_from` (today when None) unless the
    person already works that pattern then. True when written. The caller holds a write
    transaction and has checked the account may be managed."""
    # Imported here: attendance sits above org: layering debt listed in .importlinter.
    from api.attendance import patterns

    # Imported here: attendance sits above org: layering debt listed in .importlinter.
    from api.attendance.tables import PatternAssignment

    # Imported here: attendance sits above org: layering debt listed in .importlinter.
    from api.attendance.team import today

    code = code.upper()
    if code not in patterns.SEED_PATTERNS:
        raise Invalid("unknown_pattern", errors=[FieldError("patternCode", "unknown_pattern")])
    day = effective_from or today()
    rows = await PatternAssignment.select().where(PatternAssignment.user == user_id)
    rules = [patterns.PatternAssignment(r["effective_from"], r["pattern_code"]) for r in rows]
    if patterns.assigned_pattern_code(rules, day) == code:
        return False
    await PatternAssignment.insert(
        PatternAssignment(user=user_id, pattern_code=code, effective_from=day)
    )
    return True


async def _write_offices(user_id: int, agency_id: int, wanted: set[int]) -> dict[str, list[int]]:
    """Sets the person's offices to `wanted` (the caller holds a write transaction)."""
    if wanted:
        found = await Office.select(Office.id).where(
            Office.id.is_in(list(wanted)) & (Office.agency == agency_id)
        )
        if len(found) != len(wanted):
            raise Invalid(
                "office_not_in_agency", errors=[FieldError("officeIds", "office_not_in_agency")]
            )
    current = {
        r["office"]
        for r in await OfficeAssignment.select(OfficeAssignment.office).where(
            OfficeAssignment.user == user_id
        )
    }
    removed, added = current - wanted, wanted - current
    if removed:
        await OfficeAssignment.delete().where(
            (OfficeAssignment.user == user_id) & OfficeAssignment.office.is_in(list(removed))
        )
    for office_id in sorted(added):
        await OfficeAssignment.insert(OfficeAssignment(user=user_id, office=office_id))
    return {"added": sorted(added), "removed": sorted(removed)}


def user_out(row: dict[str, Any]) -> schemas.UserOut:
    return schemas.UserOut(
        id=row["id"],
        agency_id=row["agency"],
        login_id=row["login_id"],
        name=row["name"],
        title=row["title"],
        position=row["position"],
        grade=row["grade"],
        unit_id=row["unit"],
        phone=row["phone"],
        email=row["email"],
        supervisor_id=row["supervisor"],
        state=row["state"],
        state_reason=row["state_reason"],
        language=row["language"],
        last_active_at=row["last_active_at"],
    )


async def user_in_scope(principal: Principal, user_id: int) -> dict[str, Any]:
    row = await for_update(User.select().where(User.id == user_id)).first()
    if row is None or not principal.can_administer(row["agency"]):
        raise NotFound()
    return row


async def account_to_manage(
    principal: Principal, user_id: int, action: str, ip: str = ""
) -> dict[str, Any]:
    """The account `principal` may act on: freeze, unfreeze, unlock, terminate, reset its
    second factors, give it a temporary password, change its roles, offices or details.

    The rank rule, for every administrative action on a person: nobody acts on an account
    whose roles reach further than their own (a super administrator's account only by another
    super administrator). Outside the principal's agencies: 404 as everywhere. Refused: 403,
    audited as `account_action_refused`. Call it before opening the write transaction, so the
    audit of a refusal is not rolled back with it.
    """
    user = await user_in_scope(principal, user_id)
    if not principal.reaches(await grants_of(user_id), user["agency"]):
        await audit.record(
            "account_action_refused",
            actor_id=principal.user_id,
            agency_id=user["agency"],
            target_type="user",
            target_id=user_id,
            ip=ip,
            detail={"action": action, "reason": "outranked"},
        )
        raise Forbidden("account_outranks_you")
    return user


async def list_users(
    principal: Principal,
    agency_id: int,
    *,
    q: str = "",
    unit_id: int | None = None,
    state: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> schemas.UserPage:
    await agency_in_scope(principal, agency_id)
    where: Combinable = User.agency == agency_id
    if q:
        pattern = f"%{q.strip()}%"
        # SQLite's LIKE is already case-insensitive (ASCII); PostgreSQL needs ILIKE.
        columns = (User.name, User.login_id, User.email)
        found = [c.like(pattern) if is_sqlite() else c.ilike(pattern) for c in columns]
        where = where & (found[0] | found[1] | found[2])
    if unit_id is not None:
        unit = await _unit_in_agency(unit_id, agency_id)
        subtree = await OrgUnit.select(OrgUnit.id).where(OrgUnit.path.like(f"{unit['path']}%"))
        where = where & User.unit.is_in([u["id"] for u in subtree])
    if state is not None:
        where = where & (User.state == state)
    total = await User.count().where(where)
    rows = (
        await User.select()
        .where(where)
        .order_by(User.name)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return schemas.UserPage(
        items=await users_out(rows), total=total, page=page, page_size=page_size
    )


async def check_supervisor(user_id: int | None, supervisor_id: int, agency_id: int) -> None:
    """Same agency, and the reporting line must not loop back to the officer."""
    supervisor = await User.select(User.id, User.agency).where(User.id == supervisor_id).first()
    if supervisor is None or supervisor["agency"] != agency_id:
        raise Invalid(
            "supervisor_not_in_agency",
            errors=[FieldError("supervisorId", "supervisor_not_in_agency")],
        )
    if user_id is None:
        return
    current: int | None = supervisor_id
    seen: set[int] = set()
    while current is not None and current not in seen:
        if current == user_id:
            raise Invalid(
                "supervisor_cycle", errors=[FieldError("supervisorId", "supervisor_cycle")]
            )
        seen.add(current)
        row = await User.select(User.supervisor).where(User.id == current).first()
        current = row["supervisor"] if row else None


async def create_user(
    principal: Principal, agency_id: int, data: schemas.UserIn
) -> schemas.UserOut:
    await agency_in_scope(principal, agency_id)
    async with write_transaction():
        if await User.exists().where(User.login_id == data.login_id):
            raise Conflict("duplicate_login_id", params={"login_id": data.login_id})
        if data.unit_id is not None:
            await _unit_in_agency(data.unit_id, agency_id)
        if data.supervisor_id is not None:
            await check_supervisor(None, data.supervisor_id, agency_id)
        row = (
            await User.insert(
                User(
                    agency=agency_id,
                    login_id=data.login_id,
                    name=data.name,
                    email=data.email,
                    title=data.title,
                    position=data.position,
                    grade=data.grade,
                    unit=data.unit_id,
                    phone=data.phone,
                    supervisor=data.supervisor_id,
                    language=data.language,
                )
            ).returning(*User.all_columns())
        )[0]
        # Imported here: org.services imports this module (a circle).
        from api.org import placements

        await placements.start(
            row["id"], agency_id, data.unit_id, data.supervisor_id, None, principal.user_id
        )
        await _write_offices(row["id"], agency_id, set(data.office_ids))
        if data.pattern_code is not None:
            await assign_pattern(row["id"], data.pattern_code, None)
        await audit.record(
            "user_created",
            actor_id=principal.user_id,
            agency_id=agency_id,
            target_type="user",
            target_id=row["id"],
            detail={"offices": sorted(data.office_ids), "pattern": data.pattern_code},
        )
    return await one_user_out(row)


async def update_user(
    principal: Principal, user_id: int, data: schemas.UserPatch
) -> schemas.UserOut:
    await account_to_manage(principal, user_id, "user_update")
    async with write_transaction():
        user = await user_in_scope(principal, user_id)
        agency_id = user["agency"]
        values: dict[Any, Any] = {}
        for field, column in (
            ("name", User.name),
            ("email", User.email),
            ("title", User.title),
            ("position", User.position),
            ("grade", User.grade),
            ("phone", User.phone),
            ("language", User.language),
        ):
            value = getattr(data, field)
            if value is not None:
                values[column] = value
        if data.unit_id is not None:
            await _unit_in_agency(data.unit_id, agency_id)
            values[User.unit] = data.unit_id
        if data.clear_supervisor:
            values[User.supervisor] = None
        elif data.supervisor_id is not None:
            await check_supervisor(user_id, data.supervisor_id, agency_id)
            values[User.supervisor] = data.supervisor_id
        if values:
            await User.update(values).where(User.id == user_id)
        fields = sorted(c._meta.name for c in values)
        if User.unit in values or User.supervisor in values:
            # An undated change of line is a transfer from today (`api.org.placements`).
            from api.org import placements

            await placements.follow_current(user_id, principal.user_id, user)
        if data.office_ids is not None:
            offices = await _write_offices(user_id, agency_id, set(data.office_ids))
            if offices["added"] or offices["removed"]:
                fields.append("offices")
        if data.pattern_code is not None and await assign_pattern(
            user_id, data.pattern_code, data.pattern_from
        ):
            fields.append("pattern")
        await audit.record(
            "user_updated",
            actor_id=principal.user_id,
            agency_id=agency_id,
            target_type="user",
            target_id=user_id,
            detail={"fields": fields, "pattern": data.pattern_code},
        )
        row = await User.select().where(User.id == user_id).first()
    # Imported here: attendance sits above org: layering debt listed in .importlinter.
    from api.attendance import fences

    fences.forget_offices_of(user_id)
    assert row is not None
    return await one_user_out(row)


# --------------------------------------------------------------------------- role grants


def grant_out(row: dict[str, Any]) -> schemas.RoleGrantOut:
    return schemas.RoleGrantOut(
        id=row["id"],
        user_id=row["user"],
        role=row["role"],
        scope_type=row["scope_type"],
        scope_id=row["scope_id"],
    )


async def list_grants(principal: Principal, user_id: int) -> list[schemas.RoleGrantOut]:
    await user_in_scope(principal, user_id)
    rows = await RoleGrant.select().where(RoleGrant.user == user_id).order_by(RoleGrant.id)
    return [grant_out(r) for r in rows]


async def grant_role(
    principal: Principal, user_id: int, data: schemas.RoleGrantIn
) -> schemas.RoleGrantOut:
    user = await account_to_manage(principal, user_id, "role_grant")
    if user_id == principal.user_id:
        raise Forbidden("self_action")
    role, scope = Role(data.role), Scope(data.scope_type)
    if scope not in ROLE_SCOPES[role]:
        raise Invalid("invalid_role", params={"role": role, "scope": scope})
    scope_id: int | None = None
    unit_path = ""
    if scope == Scope.AGENCY:
        scope_id = user["agency"]
    elif scope == Scope.UNIT:
        if data.scope_id is None:
            raise Invalid("invalid_role", params={"role": role, "scope": scope})
        unit_path = (await _unit_in_agency(data.scope_id, user["agency"]))["path"]
        scope_id = data.scope_id
    wanted = Grant(role=role, scope_type=scope, scope_id=scope_id, unit_path=unit_path)
    if not principal.reaches((wanted,), user["agency"]):
        # Nobody grants a role wider than their own.
        await audit.record(
            "role_grant_refused",
            actor_id=principal.user_id,
            agency_id=user["agency"],
            target_type="user",
            target_id=user_id,
            detail={"role": role.value, "scope_type": scope.value, "scope_id": scope_id},
        )
        raise Forbidden("role_wider_than_yours")
    async with write_transaction():
        existing = (
            await RoleGrant.select()
            .where(
                (RoleGrant.user == user_id)
                & (RoleGrant.role == role)
                & (RoleGrant.scope_type == scope)
                & (
                    RoleGrant.scope_id.is_null()
                    if scope_id is None
                    else RoleGrant.scope_id == scope_id
                )
            )
            .first()
        )
        if existing is not None:
            return grant_out(existing)
        row = (
            await RoleGrant.insert(
                RoleGrant(
                    user=user_id,
                    role=role,
                    scope_type=scope,
                    scope_id=scope_id,
                    granted_by=principal.user_id,
                )
            ).returning(*RoleGrant.all_columns())
        )[0]
        await audit.record(
            "role_granted",
            actor_id=principal.user_id,
            agency_id=user["agency"],
            target_type="user",
            target_id=user_id,
            detail={"role": role.value, "scope_type": scope.value, "scope_id": scope_id},
        )
    return grant_out(row)


async def revoke_role(principal: Principal, grant_id: int) -> None:
    grant = await RoleGrant.select().where(RoleGrant.id == grant_id).first()
    if grant is None:
        raise NotFound()
    user = await account_to_manage(principal, grant["user"], "role_revoke")
    if grant["user"] == principal.user_id:
        raise Forbidden("self_action")
    async with write_transaction():
        await RoleGrant.delete().where(RoleGrant.id == grant_id)
        await audit.record(
            "role_revoked",
            actor_id=principal.user_id,
            agency_id=user["agency"],
            target_type="user",
            target_id=grant["user"],
            detail={"role": grant["role"], "scope_type": grant["scope_type"]},
        )


# --------------------------------------------------------------------------- assignments


async def list_assigned_offices(principal: Principal, user_id: int) -> list[int]:
    await user_in_scope(principal, user_id)
    rows = await OfficeAssignment.select(OfficeAssignment.office).where(
        OfficeAssignment.user == user_id
    )
    return sorted(r["office"] for r in rows)


async def set_assigned_offices(
    principal: Principal, user_id: int, office_ids: list[int]
) -> list[int]:
    user = await account_to_manage(principal, user_id, "offices_assign")
    async with write_transaction():
        change = await _write_offices(user_id, user["agency"], set(office_ids))
        if change["added"] or change["removed"]:
            await audit.record(
                "offices_assigned",
                actor_id=principal.user_id,
                agency_id=user["agency"],
                target_type="user",
                target_id=user_id,
                detail=change,
            )
    from api.attendance import fences  # the check-in path caches assignments per officer

    fences.forget_offices_of(user_id)
    return sorted(set(office_ids))


__all__ = ["AppError"]
