"""HTTP for administrators: account lifecycle and the audit trail (thin over the services)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from api.accounts import audit_search, lifecycle
from api.accounts.authz import Access, Principal
from api.core.downloads import CSV, XLSX, download
from api.core.i18n import request_language
from api.core.params import PathId, query_id
from api.core.proxies import client_ip
from api.org.schemas import UserOut
from api.org.services import one_user_out

ADMIN = {"access": Access.AGENCY_ADMIN}


class FreezeRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    reason: Literal["long_leave", "course", "discipline", "inactivity", "pending_termination"]
    event_date: date | None = None


class TerminateRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    reason: Literal["transfer", "retirement", "resignation", "discipline", "inactivity"]
    event_date: date | None = None


class AccountAdminController(Controller):
    path = "/api"
    tags = ["accounts"]

    @post("/users/{user_id:int}/freeze", opt=ADMIN, status_code=HTTP_200_OK)
    async def freeze(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        user_id: PathId,
        data: JSONBody[FreezeRequest],
    ) -> UserOut:
        row = await lifecycle.freeze(
            principal, user_id, data.reason, data.event_date, client_ip(request)
        )
        return await one_user_out(row)

    @post("/users/{user_id:int}/unfreeze", opt=ADMIN, status_code=HTTP_200_OK)
    async def unfreeze(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        user_id: PathId,
    ) -> UserOut:
        return await one_user_out(await lifecycle.unfreeze(principal, user_id, client_ip(request)))

    @post("/users/{user_id:int}/terminate", opt=ADMIN, status_code=HTTP_200_OK)
    async def terminate(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        user_id: PathId,
        data: JSONBody[TerminateRequest],
    ) -> UserOut:
        row = await lifecycle.terminate(
            principal, user_id, data.reason, data.event_date, client_ip(request)
        )
        return await one_user_out(row)

    @post("/users/{user_id:int}/reset-mfa", opt=ADMIN, status_code=HTTP_204_NO_CONTENT)
    async def reset_mfa(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        user_id: PathId,
    ) -> None:
        await lifecycle.reset_second_factors(principal, user_id, client_ip(request))

    @get("/agencies/{agency_id:int}/termination-report", opt=ADMIN)
    async def termination_report(
        self, principal: NamedDependency[Principal], agency_id: PathId
    ) -> list[lifecycle.TerminationDue]:
        return await lifecycle.termination_report(principal, agency_id)

    @get("/audit", opt=ADMIN)
    async def audit_events(
        self,
        principal: NamedDependency[Principal],
        agency_id: Annotated[int | None, query_id("agencyId")] = None,
        action: Annotated[str | None, QueryParameter(max_length=64)] = None,
        actor_id: Annotated[int | None, query_id("actorId")] = None,
        target_id: Annotated[str | None, QueryParameter(name="targetId", max_length=64)] = None,
        since: Annotated[datetime | None, QueryParameter(name="from")] = None,
        until: Annotated[datetime | None, QueryParameter(name="to")] = None,
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
        page_size: Annotated[int, QueryParameter(name="pageSize", ge=1, le=500)] = 100,
    ) -> audit_search.AuditPage:
        return await audit_search.search(
            principal,
            agency_id=agency_id,
            action=action,
            actor_id=actor_id,
            target_id=target_id,
            since=since,
            until=until,
            page=page,
            page_size=page_size,
        )

    @get("/audit/filters", opt=ADMIN)
    async def audit_filters(
        self,
        principal: NamedDependency[Principal],
        agency_id: Annotated[int | None, query_id("agencyId")] = None,
    ) -> audit_search.AuditFilterChoices:
        return await audit_search.filter_choices(principal, agency_id)

    @get("/audit/export.csv", opt=ADMIN)
    async def audit_export(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        agency_id: Annotated[int | None, query_id("agencyId")] = None,
        action: Annotated[str | None, QueryParameter(max_length=64)] = None,
        actor_id: Annotated[int | None, query_id("actorId")] = None,
        since: Annotated[datetime | None, QueryParameter(name="from")] = None,
        until: Annotated[datetime | None, QueryParameter(name="to")] = None,
    ) -> Response[bytes]:
        text = await audit_search.export_csv(
            principal,
            request_language(request),
            agency_id=agency_id,
            action=action,
            actor_id=actor_id,
            since=since,
            until=until,
        )
        return download(text.encode("utf-8-sig"), "jejak-audit.csv", CSV)

    @get("/audit/export.xlsx", opt=ADMIN)
    async def audit_export_xlsx(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        agency_id: Annotated[int | None, query_id("agencyId")] = None,
        action: Annotated[str | None, QueryParameter(max_length=64)] = None,
        actor_id: Annotated[int | None, query_id("actorId")] = None,
        since: Annotated[datetime | None, QueryParameter(name="from")] = None,
        until: Annotated[datetime | None, QueryParameter(name="to")] = None,
    ) -> Response[bytes]:
        content = await audit_search.export_xlsx(
            principal,
            request_language(request),
            agency_id=agency_id,
            action=action,
            actor_id=actor_id,
            since=since,
            until=until,
        )
        return download(content, "jejak-audit.xlsx", XLSX)
