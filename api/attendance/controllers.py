"""HTTP for attendance: thin handlers over `api.attendance.services`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from api.accounts.authz import Access, Principal
from api.attendance import (
    agency_settings,
    fences,
    history,
    issues,
    movements,
    reports,
    schemas,
    services,
    warnings,
)
from api.core.downloads import CSV, XLSX, download
from api.core.i18n import request_language
from api.core.params import PathId, query_id
from api.core.proxies import client_ip

SIGNED_IN = {"access": Access.SIGNED_IN}


class AttendanceController(Controller):
    path = "/api/attendance"
    tags = ["attendance"]

    @post("/check-ins", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def check_in(
        self, principal: NamedDependency[Principal], data: JSONBody[schemas.CheckInRequest]
    ) -> schemas.CheckInOut:
        """Records a check-in or check-out; the same clientId again returns the original."""
        return await services.record_check_in(principal, data)

    @post("/judge", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def judge(
        self, principal: NamedDependency[Principal], data: JSONBody[schemas.JudgeRequest]
    ) -> schemas.VerdictOut:
        """What the server would decide for this position now, without recording anything
        (so the officer can try again when the position is uncertain)."""
        verdict, reason = await services.judge(principal, data.fix)
        names = (await fences.fence_for_agency(principal.agency_id)).names
        return services.verdict_out(verdict, reason, data.fix.accuracy, names)

    @patch("/check-ins/{check_in_id:int}", opt=SIGNED_IN)
    async def give_reason(
        self,
        principal: NamedDependency[Principal],
        check_in_id: PathId,
        data: JSONBody[schemas.ReasonRequest],
    ) -> schemas.CheckInOut:
        return await services.give_reason(principal, check_in_id, data)

    @get("/check-ins/pending", opt=SIGNED_IN)
    async def own_pending(self, principal: NamedDependency[Principal]) -> list[schemas.CheckInOut]:
        """The caller's own check-ins waiting for the supervisor, oldest first: a reason can
        be given or replaced on each until it is decided (PATCH /check-ins/{id})."""
        return await services.own_pending(principal)

    @get("/check-ins/{check_in_id:int}/history", opt=SIGNED_IN)
    async def check_in_history(
        self, principal: NamedDependency[Principal], check_in_id: PathId
    ) -> history.DayHistory:
        """Who decided what on the check-in's day, when, with which note (the check-ins that
        needed a decision and the day's attendance issues)."""
        return await history.for_check_in(principal, check_in_id)

    @get("/issues/{issue_id:int}/history", opt=SIGNED_IN)
    async def issue_history(
        self, principal: NamedDependency[Principal], issue_id: PathId
    ) -> history.DayHistory:
        """The same history, from an attendance issue of that day."""
        return await history.for_issue(principal, issue_id)

    @get("/settings", opt=SIGNED_IN)
    async def settings(self, principal: NamedDependency[Principal]) -> agency_settings.SettingsOut:
        """The own agency's check-in settings (is a passkey confirmation required) and what the
        app needs to ask for it: the relying-party id and the officer's own passkey ids."""
        return await agency_settings.settings_for(principal)

    @put("/settings", opt={"access": Access.AGENCY_ADMIN})
    async def set_settings(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[agency_settings.SettingsIn],
    ) -> agency_settings.SettingsOut:
        """The agency administrator changes the agency's check-in settings (audited)."""
        return await agency_settings.set_settings(principal, data, client_ip(request))

    @get("/today", opt=SIGNED_IN)
    async def today(self, principal: NamedDependency[Principal]) -> schemas.TodayOut:
        return await services.today(principal)

    @get("/days/{day:date}", opt=SIGNED_IN)
    async def own_day(
        self, principal: NamedDependency[Principal], day: date
    ) -> list[schemas.CheckInOut]:
        """The officer's own check-ins of that day, each with the drawing of its verdict."""
        return await services.own_day(principal, day)

    @get("/approvals", opt=SIGNED_IN)
    async def approvals(self, principal: NamedDependency[Principal]) -> list[schemas.InboxItem]:
        """The supervisor's inbox: pending check-ins of their direct reports."""
        return await services.inbox(principal)

    @get("/warnings", opt=SIGNED_IN)
    async def warnings(
        self,
        principal: NamedDependency[Principal],
        first: Annotated[date | None, QueryParameter(name="from")] = None,
        last: Annotated[date | None, QueryParameter(name="to")] = None,
        seen_by: Annotated[Literal["team", "agency"], QueryParameter(name="scope")] = "team",
        code: Annotated[str | None, QueryParameter(name="code", max_length=40)] = None,
        unit: Annotated[int | None, query_id("unit")] = None,
        officer: Annotated[int | None, query_id("officer")] = None,
    ) -> list[warnings.WarningItem]:
        """Check-ins judged inside that carry findings: the supervisor's direct reports, or
        (scope=agency, agency administrators) the agency, by unit, officer or finding code."""
        return await warnings.warnings(
            principal,
            first=first,
            last=last,
            scope=seen_by,
            code=code,
            unit_id=unit,
            officer_id=officer,
        )

    @post("/approvals/decisions", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def decide(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[schemas.DecisionRequest],
    ) -> schemas.DecisionResult:
        return await services.decide(principal, data, client_ip(request))

    @get("/offices", opt=SIGNED_IN)
    async def offices(self, principal: NamedDependency[Principal]) -> list[schemas.OfficeChoice]:
        """The agency's offices, to choose a movement slip's destination."""
        names = (await fences.fence_for_agency(principal.agency_id)).names
        return [
            schemas.OfficeChoice(id=i, name=n) for i, n in sorted(names.items(), key=lambda x: x[1])
        ]

    @post("/movement-slips", opt=SIGNED_IN)
    async def request_slip(
        self, principal: NamedDependency[Principal], data: JSONBody[schemas.MovementSlipIn]
    ) -> schemas.MovementSlipOut:
        return await movements.request_slip(principal, data)

    @get("/movement-slips", opt=SIGNED_IN)
    async def own_slips(
        self, principal: NamedDependency[Principal]
    ) -> list[schemas.MovementSlipOut]:
        return await movements.own_slips(principal)

    @delete("/movement-slips/{slip_id:int}", opt=SIGNED_IN, status_code=HTTP_204_NO_CONTENT)
    async def cancel_slip(self, principal: NamedDependency[Principal], slip_id: PathId) -> None:
        await movements.cancel_slip(principal, slip_id)

    @get("/approvals/movement-slips", opt=SIGNED_IN)
    async def slip_approvals(
        self, principal: NamedDependency[Principal]
    ) -> list[schemas.SlipInboxItem]:
        return await movements.pending_for_supervisor(principal)

    @post("/approvals/movement-slips/decisions", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def decide_slips(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[schemas.DecisionRequest],
    ) -> schemas.DecisionResult:
        return await movements.decide_slips(principal, data, client_ip(request))

    @get("/months/{month:str}", opt=SIGNED_IN)
    async def own_month(
        self, principal: NamedDependency[Principal], month: FromPath[str]
    ) -> reports.MonthOut:
        """The officer's own month (YYYY-MM): a status per day, for a colour calendar."""
        return await reports.month_for(principal.user_id, principal.agency_id, month)

    @get("/months/{month:str}/download", opt=SIGNED_IN)
    async def own_month_download(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        month: FromPath[str],
        file_format: Annotated[Literal["csv", "xlsx"], QueryParameter(name="format")] = "csv",
    ) -> Response[bytes]:
        data = await reports.month_for(principal.user_id, principal.agency_id, month)
        name = f"kehadiran-{month}.{file_format}"
        if file_format == "xlsx":
            workbook = reports.month_xlsx(
                data,
                request_language(request),
                await reports.agency_name_of(principal.agency_id),
            )
            return download(workbook, name, XLSX)
        return download(reports.month_csv(data).encode("utf-8-sig"), name, CSV)

    @get("/team/today", opt=SIGNED_IN)
    async def team_today(
        self, principal: NamedDependency[Principal]
    ) -> list[reports.TeamMemberToday]:
        return await reports.team_today(principal)

    @get("/team/months/{month:str}", opt=SIGNED_IN)
    async def team_month(
        self, principal: NamedDependency[Principal], month: FromPath[str]
    ) -> list[reports.MonthOut]:
        """The monthly grid of the supervisor's direct reports."""
        return await reports.team_month(principal, month)

    @get("/issues", opt=SIGNED_IN)
    async def own_issues(self, principal: NamedDependency[Principal]) -> list[issues.IssueOut]:
        return await issues.own_issues(principal)

    @patch("/issues/{issue_id:int}", opt=SIGNED_IN)
    async def justify(
        self,
        principal: NamedDependency[Principal],
        issue_id: PathId,
        data: JSONBody[schemas.JustificationRequest],
    ) -> issues.IssueOut:
        return await issues.justify(principal, issue_id, data.justification)

    @get("/approvals/issues", opt=SIGNED_IN)
    async def issue_approvals(self, principal: NamedDependency[Principal]) -> list[issues.IssueOut]:
        """Open and justified issues of direct reports, plus red ones from the level below."""
        return await issues.issue_inbox(principal)

    @post("/approvals/issues/decisions", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def decide_issues(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[schemas.DecisionRequest],
    ) -> schemas.DecisionResult:
        decided = await issues.decide_issues(
            principal, data.ids, data.decision, data.note, client_ip(request)
        )
        return schemas.DecisionResult(decided=decided)

    @put("/notes/{day:date}", opt=SIGNED_IN)
    async def save_note(
        self,
        principal: NamedDependency[Principal],
        day: FromPath[date],
        data: JSONBody[schemas.NoteRequest],
    ) -> issues.NoteOut:
        return await issues.save_note(principal, day, data.text)

    @get("/notes/{month:str}", opt=SIGNED_IN)
    async def own_notes(
        self, principal: NamedDependency[Principal], month: FromPath[str]
    ) -> list[issues.NoteOut]:
        first, last = reports.parse_month(month)
        return await issues.own_notes(principal, first, last)

    @get("/team/notes/{day:date}", opt=SIGNED_IN)
    async def team_notes(
        self, principal: NamedDependency[Principal], day: FromPath[date]
    ) -> list[issues.NoteOut]:
        return await issues.team_notes(principal, day)
