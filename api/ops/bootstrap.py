"""Creating the first super administrator of a new installation (no demo data)."""

from __future__ import annotations

from api.accounts import audit
from api.accounts.services import check_password_policy, set_password
from api.db import write_transaction
from api.org.tables import Agency, RoleGrant, User


async def create_first_admin(
    *,
    agency_code: str,
    agency_name: str,
    state: str,
    login_id: str,
    name: str,
    email: str,
    password: str,
) -> str:
    await check_password_policy(
        password, {"login_id": login_id, "name": name, "agency": agency_name}
    )
    async with write_transaction():
        if await RoleGrant.exists().where(RoleGrant.role == "super_admin"):
            return "hadir: a super administrator already exists; nothing done"
        agency = await Agency.select(Agency.id).where(Agency.code == agency_code).first()
        agency_id = (
            agency["id"]
            if agency
            else (
                await Agency.insert(
                    Agency(code=agency_code, name=agency_name, state=state.upper())
                ).returning(Agency.id)
            )[0]["id"]
        )
        user_id = (
            await User.insert(
                User(agency=agency_id, login_id=login_id, name=name, email=email)
            ).returning(User.id)
        )[0]["id"]
        await RoleGrant.insert(
            RoleGrant(user=user_id, role="super_admin", scope_type="platform"),
            RoleGrant(user=user_id, role="agency_admin", scope_type="agency", scope_id=agency_id),
        )
        await audit.record(
            "first_admin_created",
            actor_id=user_id,
            agency_id=agency_id,
            target_type="user",
            target_id=user_id,
        )
    await set_password(user_id, password)
    return f"hadir: super administrator {login_id} created in agency {agency_code}"
