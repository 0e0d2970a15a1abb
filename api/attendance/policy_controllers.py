"""HTTP for the agency's policy screen, working patterns (yearly grid, assignments, the
agency's own patterns) and early-leave entitlements: thin handlers over `policy_screen` and
`pattern_admin`."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from api.accounts.authz import Access, Principal
from api.attendance import pattern_admin, policy_screen
from api.core.params import PathId
from api.core.proxies import client_ip

ADMIN = {"access": Access.AGENCY_ADMIN}


class AttendancePolicyController(Controller):
    path = "/api/attendance"
    tags = ["attendance policy"]

    @get("/policy", opt=ADMIN)
    async def policy(self, principal: NamedDependency[Principal]) -> policy_screen.PolicyOut:
        """The agency's policy settings with their defaults and ranges, and its mail sender
        (the settings are changed with PUT /api/attendance/settings)."""
        return await policy_screen.policy_for(principal)

    @put("/policy/mail-sender", opt=ADMIN)
    async def set_mail_sender(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[policy_screen.MailSender],
    ) -> policy_screen.MailSender | None:
        return await policy_screen.set_mail_sender(principal, data, client_ip(request))

    @delete("/policy/mail-sender", opt=ADMIN, status_code=HTTP_204_NO_CONTENT)
    async def delete_mail_sender(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> None:
        await policy_screen.set_mail_sender(principal, None, client_ip(request))

    @get("/working-patterns", opt=ADMIN)
    async def working_patterns(
        self,
        principal: NamedDependency[Principal],
        year: Annotated[int, QueryParameter(name="year", ge=2000, le=2100)],
        unit: Annotated[int | None, QueryParameter(name="unit", ge=1)] = None,
        q: Annotated[str, QueryParameter(name="q", max_length=100)] = "",
        page: Annotated[int, QueryParameter(name="page", ge=1, le=10_000)] = 1,
    ) -> pattern_admin.GridOut:
        """The yearly grid: each person's patterns per month (50 people a page)."""
        return await pattern_admin.grid(principal, year, unit, q, page)

    @post("/working-patterns/assignments", opt=ADMIN, status_code=200)
    async def assign(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[pattern_admin.AssignIn],
    ) -> pattern_admin.AssignOut:
        """Sets a pattern for people or a unit from a month on (or for months)."""
        return await pattern_admin.assign(principal, data, client_ip(request))

    @put("/agency-patterns/{code:str}", opt=ADMIN)
    async def set_agency_pattern(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        code: FromPath[str],
        data: JSONBody[pattern_admin.AgencyPatternIn],
    ) -> pattern_admin.PatternOption:
        return await pattern_admin.set_agency_pattern(principal, code, data, client_ip(request))

    @delete("/agency-patterns/{code:str}", opt=ADMIN, status_code=HTTP_204_NO_CONTENT)
    async def delete_agency_pattern(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        code: FromPath[str],
    ) -> None:
        await pattern_admin.delete_agency_pattern(principal, code, client_ip(request))

    @get("/early-leave", opt=ADMIN)
    async def early_leave(
        self,
        principal: NamedDependency[Principal],
        user: Annotated[int | None, QueryParameter(name="user", ge=1)] = None,
    ) -> list[pattern_admin.EarlyLeaveOut]:
        return await pattern_admin.early_leave_list(principal, user)

    @post("/early-leave", opt=ADMIN, status_code=200)
    async def add_early_leave(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[pattern_admin.EarlyLeaveIn],
    ) -> pattern_admin.EarlyLeaveOut:
        """Records an early-leave entitlement (PP 11/2017) for an officer (audited)."""
        return await pattern_admin.add_early_leave(principal, data, client_ip(request))

    @delete("/early-leave/{entitlement_id:int}", opt=ADMIN, status_code=HTTP_204_NO_CONTENT)
    async def delete_early_leave(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        entitlement_id: PathId,
    ) -> None:
        await pattern_admin.delete_early_leave(principal, entitlement_id, client_ip(request))
