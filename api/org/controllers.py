"""HTTP for the organisation (agency administrators): thin handlers over `api.org.services`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from api.accounts import lifecycle
from api.accounts.authz import Access, Principal
from api.accounts.schemas import TemporaryPassword
from api.config import get_settings
from api.core import csv_import
from api.core.params import PathId, query_id
from api.core.proxies import client_ip
from api.core.security import TEXT_IMPORT_MAX_BYTES
from api.org import importer, schemas, services

ADMIN = {"access": Access.AGENCY_ADMIN}


class OrgController(Controller):
    path = "/api"
    tags = ["organisation"]

    # agencies
    @get("/agencies", opt=ADMIN)
    async def list_agencies(self, principal: NamedDependency[Principal]) -> list[schemas.AgencyOut]:
        return await services.list_agencies(principal)

    @post("/agencies", opt={"access": Access.SUPER_ADMIN})
    async def create_agency(
        self, principal: NamedDependency[Principal], data: JSONBody[schemas.AgencyIn]
    ) -> schemas.AgencyOut:
        return await services.create_agency(principal, data)

    # units
    @get("/agencies/{agency_id:int}/units", opt=ADMIN)
    async def list_units(
        self, principal: NamedDependency[Principal], agency_id: PathId
    ) -> list[schemas.UnitOut]:
        return await services.list_units(principal, agency_id)

    @post("/agencies/{agency_id:int}/units", opt=ADMIN)
    async def create_unit(
        self,
        principal: NamedDependency[Principal],
        agency_id: PathId,
        data: JSONBody[schemas.UnitIn],
    ) -> schemas.UnitOut:
        return await services.create_unit(principal, agency_id, data)

    @patch("/units/{unit_id:int}", opt=ADMIN)
    async def update_unit(
        self,
        principal: NamedDependency[Principal],
        unit_id: PathId,
        data: JSONBody[schemas.UnitPatch],
    ) -> schemas.UnitOut:
        return await services.update_unit(principal, unit_id, data)

    @delete("/units/{unit_id:int}", opt=ADMIN, status_code=HTTP_204_NO_CONTENT)
    async def delete_unit(self, principal: NamedDependency[Principal], unit_id: PathId) -> None:
        await services.delete_unit(principal, unit_id)

    # offices
    @get("/agencies/{agency_id:int}/offices", opt=ADMIN)
    async def list_offices(
        self, principal: NamedDependency[Principal], agency_id: PathId
    ) -> list[schemas.OfficeOut]:
        return await services.list_offices(principal, agency_id)

    @post("/agencies/{agency_id:int}/offices", opt=ADMIN)
    async def create_office(
        self,
        principal: NamedDependency[Principal],
        agency_id: PathId,
        data: JSONBody[schemas.OfficeIn],
    ) -> schemas.OfficeOut:
        return await services.create_office(principal, agency_id, data)

    @post("/agencies/{agency_id:int}/offices/preview", opt=ADMIN, status_code=200)
    async def preview_office(
        self,
        principal: NamedDependency[Principal],
        agency_id: PathId,
        data: JSONBody[schemas.OfficePreviewIn],
    ) -> schemas.OfficePreviewOut:
        """Checks an outline (GeoJSON Polygon or MultiPolygon) without saving it."""
        return await services.preview_office(principal, agency_id, data)

    @get("/offices/map-settings", opt=ADMIN)
    async def map_settings(self) -> schemas.MapSettingsOut:
        """The office map's tile template and attribution (MAP_TILE_URL); the CSP allows it."""
        settings = get_settings()
        return schemas.MapSettingsOut(
            tile_url=settings.map_tile_url, attribution=settings.map_tile_attribution
        )

    @get("/offices/{office_id:int}", opt=ADMIN)
    async def get_office(
        self, principal: NamedDependency[Principal], office_id: PathId
    ) -> schemas.OfficeOut:
        return services.office_out(await services.office_in_scope(principal, office_id))

    @patch("/offices/{office_id:int}", opt=ADMIN)
    async def update_office(
        self,
        principal: NamedDependency[Principal],
        office_id: PathId,
        data: JSONBody[schemas.OfficePatch],
    ) -> schemas.OfficeOut:
        return await services.update_office(principal, office_id, data)

    # users
    @get("/agencies/{agency_id:int}/users", opt=ADMIN)
    async def list_users(
        self,
        principal: NamedDependency[Principal],
        agency_id: PathId,
        q: Annotated[str, QueryParameter(max_length=100)] = "",
        unit_id: Annotated[int | None, query_id("unitId")] = None,
        account_state: Annotated[
            Literal["active", "frozen", "terminated"] | None, QueryParameter(name="state")
        ] = None,
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
        page_size: Annotated[int, QueryParameter(name="pageSize", ge=1, le=200)] = 50,
    ) -> schemas.UserPage:
        return await services.list_users(
            principal,
            agency_id,
            q=q,
            unit_id=unit_id,
            state=account_state,
            page=page,
            page_size=page_size,
        )

    @post("/agencies/{agency_id:int}/users", opt=ADMIN)
    async def create_user(
        self,
        principal: NamedDependency[Principal],
        agency_id: PathId,
        data: JSONBody[schemas.UserIn],
    ) -> schemas.UserOut:
        return await services.create_user(principal, agency_id, data)

    @post(
        "/agencies/{agency_id:int}/users/import",
        opt=ADMIN,
        status_code=200,
        request_max_body_size=TEXT_IMPORT_MAX_BYTES,
    )
    async def import_users(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        agency_id: PathId,
        dry_run: Annotated[bool, QueryParameter(name="dryRun")] = False,
    ) -> Response[schemas.PeopleImportReport]:
        """CSV in the body (text/csv, UTF-8). 200 with a report, or 422 with every bad row
        (row, column, code and the reason in the user's language)."""
        text = csv_import.decode(await request.body())
        try:
            report = await importer.import_users(
                principal, agency_id, text, dry_run=dry_run, language=principal.language
            )
        except importer.ImportRejected as rejected:
            return Response(rejected.report, status_code=422)
        return Response(report, status_code=200)

    @get("/users/{user_id:int}", opt=ADMIN)
    async def get_user(
        self, principal: NamedDependency[Principal], user_id: PathId
    ) -> schemas.UserOut:
        return await services.one_user_out(await services.user_in_scope(principal, user_id))

    @patch("/users/{user_id:int}", opt=ADMIN)
    async def update_user(
        self,
        principal: NamedDependency[Principal],
        user_id: PathId,
        data: JSONBody[schemas.UserPatch],
    ) -> schemas.UserOut:
        return await services.update_user(principal, user_id, data)

    @post("/users/{user_id:int}/temporary-password", opt=ADMIN, status_code=200)
    async def issue_temporary_password(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        user_id: PathId,
    ) -> TemporaryPassword:
        login_id, password, expires_at = await lifecycle.issue_temporary_password(
            principal, user_id, client_ip(request)
        )
        return TemporaryPassword(
            login_id=login_id,
            temporary_password=password,
            expires_at=expires_at.isoformat(),
        )

    @post("/users/{user_id:int}/unlock", opt=ADMIN, status_code=HTTP_204_NO_CONTENT)
    async def unlock_user(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        user_id: PathId,
    ) -> None:
        await lifecycle.unlock(principal, user_id, client_ip(request))

    # roles
    @get("/users/{user_id:int}/roles", opt=ADMIN)
    async def list_roles(
        self, principal: NamedDependency[Principal], user_id: PathId
    ) -> list[schemas.RoleGrantOut]:
        return await services.list_grants(principal, user_id)

    @post("/users/{user_id:int}/roles", opt=ADMIN)
    async def grant_role(
        self,
        principal: NamedDependency[Principal],
        user_id: PathId,
        data: JSONBody[schemas.RoleGrantIn],
    ) -> schemas.RoleGrantOut:
        return await services.grant_role(principal, user_id, data)

    @delete("/role-grants/{grant_id:int}", opt=ADMIN, status_code=HTTP_204_NO_CONTENT)
    async def revoke_role(self, principal: NamedDependency[Principal], grant_id: PathId) -> None:
        await services.revoke_role(principal, grant_id)

    # office assignments
    @get("/users/{user_id:int}/offices", opt=ADMIN)
    async def list_user_offices(
        self, principal: NamedDependency[Principal], user_id: PathId
    ) -> list[int]:
        return await services.list_assigned_offices(principal, user_id)

    @put("/users/{user_id:int}/offices", opt=ADMIN)
    async def set_user_offices(
        self,
        principal: NamedDependency[Principal],
        user_id: PathId,
        data: JSONBody[schemas.OfficeAssignmentIn],
    ) -> list[int]:
        return await services.set_assigned_offices(principal, user_id, data.office_ids)
