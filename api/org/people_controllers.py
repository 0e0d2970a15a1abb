"""HTTP for people administration beyond the basics (issue 13): password slips, transfers,
acting supervisors and the officer's own profile. Thin handlers over `api.org` services."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from api.accounts.authz import Access, Principal
from api.core.downloads import NO_STORE, download
from api.core.params import PathId
from api.core.proxies import client_ip
from api.org import acting, password_slips, placements, profile, schemas

ADMIN = {"access": Access.AGENCY_ADMIN}
SIGNED_IN = {"access": Access.SIGNED_IN}


class PeopleController(Controller):
    path = "/api"
    tags = ["people"]

    @post("/agencies/{agency_id:int}/users/password-slips", opt=ADMIN, status_code=200)
    async def password_slips(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        agency_id: PathId,
        data: JSONBody[schemas.PasswordSlipsIn],
    ) -> Response[bytes]:
        """New temporary passwords for these people as printable slips (PDF), grouped by unit.
        Shown once: printing again issues new passwords."""
        slips = await password_slips.issue_slips(
            principal, agency_id, data.user_ids, client_ip(request)
        )
        return download(
            password_slips.slips_pdf(slips, principal.language),
            "hadir-slips.pdf",
            "application/pdf",
            NO_STORE,
        )

    @post("/users/{user_id:int}/transfer", opt=ADMIN, status_code=200)
    async def transfer(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        user_id: PathId,
        data: JSONBody[schemas.TransferIn],
    ) -> schemas.PlacementOut:
        return await placements.transfer(principal, user_id, data, client_ip(request))

    @get("/users/{user_id:int}/placements", opt=ADMIN)
    async def placement_history(
        self, principal: NamedDependency[Principal], user_id: PathId
    ) -> list[schemas.PlacementOut]:
        return await placements.history(principal, user_id)

    @get("/agencies/{agency_id:int}/profile-policy", opt=ADMIN)
    async def profile_policy(
        self, principal: NamedDependency[Principal], agency_id: PathId
    ) -> schemas.ProfilePolicyOut:
        return await profile.profile_policy(principal, agency_id)

    @put("/agencies/{agency_id:int}/profile-policy", opt=ADMIN)
    async def set_profile_policy(
        self,
        principal: NamedDependency[Principal],
        agency_id: PathId,
        data: JSONBody[schemas.ProfilePolicyIn],
    ) -> schemas.ProfilePolicyOut:
        return await profile.set_profile_policy(principal, agency_id, data)

    # the officer's own

    @get("/me/profile", opt=SIGNED_IN)
    async def own_profile(self, principal: NamedDependency[Principal]) -> schemas.ProfileOut:
        return await profile.own_profile(principal)

    @patch("/me/profile", opt=SIGNED_IN)
    async def update_own_profile(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[schemas.ProfilePatch],
    ) -> schemas.ProfileOut:
        return await profile.update_own_profile(principal, data, client_ip(request))

    @get("/me/acting", opt=SIGNED_IN)
    async def list_acting(self, principal: NamedDependency[Principal]) -> list[schemas.ActingOut]:
        return await acting.list_acting(principal)

    @post("/me/acting", opt=SIGNED_IN)
    async def name_acting(
        self, principal: NamedDependency[Principal], data: JSONBody[schemas.ActingIn]
    ) -> schemas.ActingOut:
        return await acting.name_acting(principal, data)

    @delete("/acting/{acting_id:int}", opt=SIGNED_IN, status_code=HTTP_204_NO_CONTENT)
    async def cancel_acting(self, principal: NamedDependency[Principal], acting_id: PathId) -> None:
        await acting.cancel_acting(principal, acting_id)

    @get("/me/colleagues", opt=SIGNED_IN)
    async def colleagues(
        self,
        principal: NamedDependency[Principal],
        q: Annotated[str, QueryParameter(max_length=100)] = "",
    ) -> list[schemas.ColleagueOut]:
        return await acting.colleagues(principal, q)
