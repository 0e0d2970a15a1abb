"""Officers keep their own contact details: the fields their agency allows (`Agency.
profile_fields`: phone, e-mail, title, language; name, IC, unit, grade and supervisor come from
HR through the administrator, the photo is not kept).

An e-mail change is what a real product treats with care: the address is where password-reset
links go, so taking it over takes the account over. A real product therefore confirms the new
address by a link sent to it before using it, and tells the old address of the change. Here it
needs a complete sign-in (second factor included) and is audited with the old and the new
address; the confirmation link and the notice to the old address are not built yet (they
need a notification kind that goes to an address rather than to a person).
"""

from __future__ import annotations

from typing import Any

from api.accounts import audit
from api.accounts.authz import Principal
from api.core.errors import FieldError, Forbidden, Invalid, NotFound
from api.db import write_transaction
from api.org import schemas
from api.org.services import agency_in_scope
from api.org.tables import Agency, OrgUnit, User

FIELDS = ("phone", "email", "title", "language")


def editable_fields(row: dict[str, Any]) -> list[str]:
    return [f for f in (row.get("profile_fields") or "").split(",") if f in FIELDS]


async def _agency_fields(agency_id: int) -> list[str]:
    row = await Agency.select(Agency.profile_fields).where(Agency.id == agency_id).first()
    return editable_fields(row or {})


async def own_profile(principal: Principal) -> schemas.ProfileOut:
    user = await User.select().where(User.id == principal.user_id).first()
    if user is None:
        raise NotFound()
    unit = (
        await OrgUnit.select(OrgUnit.name).where(OrgUnit.id == user["unit"]).first()
        if user["unit"]
        else None
    )
    supervisor = (
        await User.select(User.name).where(User.id == user["supervisor"]).first()
        if user["supervisor"]
        else None
    )
    return schemas.ProfileOut(
        login_id=user["login_id"],
        name=user["name"],
        title=user["title"],
        position=user["position"],
        grade=user["grade"],
        phone=user["phone"],
        email=user["email"],
        language=user["language"],
        unit_name=unit["name"] if unit else "",
        supervisor_name=supervisor["name"] if supervisor else "",
        editable=await _agency_fields(principal.agency_id),
    )


async def update_own_profile(
    principal: Principal, data: schemas.ProfilePatch, ip: str = ""
) -> schemas.ProfileOut:
    allowed = set(await _agency_fields(principal.agency_id))
    wanted = {f: getattr(data, f) for f in FIELDS if getattr(data, f) is not None}
    refused = sorted(set(wanted) - allowed)
    if refused:
        raise Forbidden(
            "profile_field_not_editable",
            params={"fields": ", ".join(refused)},
        )
    async with write_transaction():
        before = await User.select().where(User.id == principal.user_id).first()
        if before is None:
            raise NotFound()
        changes = {f: v.strip() if isinstance(v, str) else v for f, v in wanted.items()}
        if "email" in changes:
            changes["email"] = changes["email"].lower()
            taken = await User.exists().where(
                (User.email == changes["email"]) & (User.id != principal.user_id)
            )
            if taken:
                raise Invalid("email_taken", errors=[FieldError("email", "email_taken")])
        changes = {f: v for f, v in changes.items() if before[f] != v}
        if changes:
            await User.update({getattr(User, f): v for f, v in changes.items()}).where(
                User.id == principal.user_id
            )
            detail: dict[str, Any] = {"fields": sorted(changes)}
            if "email" in changes:
                detail["email_from"] = before["email"]
                detail["email_to"] = changes["email"]
            await audit.record(
                "own_profile_updated",
                actor_id=principal.user_id,
                agency_id=principal.agency_id,
                target_type="user",
                target_id=principal.user_id,
                ip=ip,
                detail=detail,
            )
    return await own_profile(principal)


async def profile_policy(principal: Principal, agency_id: int) -> schemas.ProfilePolicyOut:

    return schemas.ProfilePolicyOut(
        editable=editable_fields(await agency_in_scope(principal, agency_id))
    )


async def set_profile_policy(
    principal: Principal, agency_id: int, data: schemas.ProfilePolicyIn
) -> schemas.ProfilePolicyOut:

    before = await agency_in_scope(principal, agency_id)
    fields: list[str] = [f for f in FIELDS if f in set(data.editable)]
    async with write_transaction():
        await Agency.update({Agency.profile_fields: ",".join(fields)}).where(Agency.id == agency_id)
        await audit.record(
            "profile_policy_changed",
            actor_id=principal.user_id,
            agency_id=agency_id,
            target_type="agency",
            target_id=agency_id,
            detail={"from": editable_fields(before), "to": fields},
        )
    return schemas.ProfilePolicyOut(editable=list(fields))
