"""HTTP for the executive dashboard, punch/leave imports and the agency's calendar corrections:
thin handlers over `dashboard`, `imports` and `calendar_admin`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from api.accounts.authz import Access, Principal
from api.attendance import (
    calendar_admin,
    dashboard,
    exec_reports,
    imports,
    recompute,
    report_exports,
)
from api.core.downloads import CSV, NO_STORE, XLSX, download
from api.core.errors import Invalid, NotFound
from api.core.i18n import request_language
from api.core.params import PathId, query_id
from api.core.proxies import client_ip
from api.core.security import TEXT_IMPORT_MAX_BYTES

EXECUTIVE = {"access": Access.EXECUTIVE}
ADMIN = {"access": Access.AGENCY_ADMIN}


def _report_file(
    request: Request[Any, Any, Any], report: str, data: Any, file_format: str, name: str
) -> Response[bytes]:
    language = request_language(request)
    file_name = f"{name}.{file_format}"
    if file_format == "xlsx":
        content = exec_reports.report_xlsx(report, data, language)
        return download(content, file_name, XLSX, NO_STORE)
    return download(
        exec_reports.report_csv(report, data, language),
        file_name,
        CSV,
        NO_STORE,
    )


FileFormat = Annotated[Literal["csv", "xlsx"], QueryParameter(name="format")]


async def _csv_body(request: Request[Any, Any, Any]) -> str:
    """The CSV from a multipart form (field "file") or sent as the raw body (text/csv)."""
    if request.content_type[0] == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise Invalid("import_file_missing")
        return imports.decode_csv(await upload.read())
    body = await request.body()
    if not body:
        raise Invalid("import_file_missing")
    return imports.decode_csv(body)


def _admin_agency(principal: Principal) -> int:
    if not principal.can_administer(principal.agency_id):
        raise NotFound()
    return principal.agency_id


class AttendanceAdminController(Controller):
    path = "/api/attendance"
    tags = ["attendance administration"]

    @get("/dashboard", opt=EXECUTIVE)
    async def dashboard(
        self,
        principal: NamedDependency[Principal],
        unit: Annotated[int | None, query_id("unit")] = None,
        first: Annotated[date | None, QueryParameter(name="from")] = None,
        last: Annotated[date | None, QueryParameter(name="to")] = None,
    ) -> Response[dashboard.DashboardOut]:
        """Registered officers, % checked in, where they are, first-check-in buckets and open
        issues for the agency or a unit subtree from `from` to `to` (default today)."""
        data = await dashboard.dashboard(principal, unit, first, last)
        return Response(data, headers=NO_STORE)

    @get("/dashboard/download", opt=EXECUTIVE)
    async def dashboard_download(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        unit: Annotated[int | None, query_id("unit")] = None,
        first: Annotated[date | None, QueryParameter(name="from")] = None,
        last: Annotated[date | None, QueryParameter(name="to")] = None,
        file_format: Annotated[Literal["csv", "xlsx"], QueryParameter(name="format")] = "csv",
    ) -> Response[bytes]:
        data = await dashboard.dashboard(principal, unit, first, last)
        name = f"papan-pemuka-{data.first.isoformat()}-{data.last.isoformat()}.{file_format}"
        if file_format == "xlsx":
            return download(
                dashboard.dashboard_xlsx(data, request_language(request)), name, XLSX, NO_STORE
            )
        return download(dashboard.dashboard_csv(data).encode("utf-8-sig"), name, CSV, NO_STORE)

    @get("/reports/transactions", opt=EXECUTIVE)
    async def transactions(
        self,
        principal: NamedDependency[Principal],
        unit: Annotated[int | None, query_id("unit")] = None,
        officer: Annotated[int | None, query_id("officer")] = None,
        first: Annotated[date | None, QueryParameter(name="from")] = None,
        last: Annotated[date | None, QueryParameter(name="to")] = None,
    ) -> Response[exec_reports.TransactionsOut]:
        """Transaksi Kehadiran: the check-ins / check-outs of the officers in the unit subtree
        (or one `officer` of it) from `from` to `to`: the first 1,000 and the total (the
        download has them all)."""
        data = await exec_reports.transactions(
            principal, unit, first, last, officer, limit=exec_reports.SCREEN_ROWS
        )
        return Response(data, headers=NO_STORE)

    @get("/reports/transactions/download", opt=EXECUTIVE)
    async def transactions_download(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        unit: Annotated[int | None, query_id("unit")] = None,
        officer: Annotated[int | None, query_id("officer")] = None,
        first: Annotated[date | None, QueryParameter(name="from")] = None,
        last: Annotated[date | None, QueryParameter(name="to")] = None,
        file_format: FileFormat = "xlsx",
    ) -> Response[bytes]:
        if file_format == "xlsx":
            probe = await exec_reports.transactions(principal, unit, first, last, officer, limit=1)
            if probe.total > report_exports.DIRECT_XLSX_ROWS:
                # Minutes of openpyxl: built in the background instead (POST …/exports).
                raise Invalid(
                    "report_export_needed", params={"limit": report_exports.DIRECT_XLSX_ROWS}
                )
        data = await exec_reports.transactions(principal, unit, first, last, officer)
        name = f"transaksi-kehadiran-{data.first.isoformat()}-{data.last.isoformat()}"
        return _report_file(request, "transactions", data, file_format, name)

    @post("/reports/transactions/exports", opt=EXECUTIVE, status_code=HTTP_202_ACCEPTED)
    async def transactions_export(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        unit: Annotated[int | None, query_id("unit")] = None,
        officer: Annotated[int | None, query_id("officer")] = None,
        first: Annotated[date | None, QueryParameter(name="from")] = None,
        last: Annotated[date | None, QueryParameter(name="to")] = None,
        file_format: FileFormat = "xlsx",
    ) -> Response[report_exports.ExportOut]:
        """Starts building the whole Transaksi Kehadiran file in the background; ask
        `/reports/exports/{id}` for its status and download it when `ready` (kept 24 hours,
        for the person who asked only)."""
        data = await report_exports.request_export(
            principal,
            "transactions",
            unit,
            first,
            last,
            officer,
            file_format,
            request_language(request),
            client_ip(request),
        )
        return Response(data, status_code=HTTP_202_ACCEPTED, headers=NO_STORE)

    @get("/reports/exports/{export_id:str}", opt=EXECUTIVE)
    async def export_status(
        self, principal: NamedDependency[Principal], export_id: FromPath[str]
    ) -> Response[report_exports.ExportOut]:
        return Response(report_exports.status_of(principal, export_id), headers=NO_STORE)

    @get("/reports/exports/{export_id:str}/download", opt=EXECUTIVE)
    async def export_download(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        export_id: FromPath[str],
    ) -> Response[bytes]:
        content, media_type, name = await report_exports.download(
            principal, export_id, client_ip(request)
        )
        return download(content, name, media_type, NO_STORE)

    @get("/reports/month-grid", opt=EXECUTIVE)
    async def month_grid(
        self,
        principal: NamedDependency[Principal],
        month: Annotated[str, QueryParameter(max_length=7)],
        unit: Annotated[int | None, query_id("unit")] = None,
    ) -> Response[exec_reports.UnitMonthOut]:
        """The monthly grid (YYYY-MM) of every officer in a unit in scope (at most 300)."""
        data = await exec_reports.unit_month(principal, unit, month)
        return Response(data, headers=NO_STORE)

    @get("/reports/movements", opt=EXECUTIVE)
    async def movements(
        self,
        principal: NamedDependency[Principal],
        unit: Annotated[int | None, query_id("unit")] = None,
        day: Annotated[date | None, QueryParameter(name="day")] = None,
    ) -> Response[exec_reports.MovementsOut]:
        """Laporan Pergerakan Harian for one day (default today)."""
        return Response(await exec_reports.movements(principal, unit, day), headers=NO_STORE)

    @get("/reports/movements/download", opt=EXECUTIVE)
    async def movements_download(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        unit: Annotated[int | None, query_id("unit")] = None,
        day: Annotated[date | None, QueryParameter(name="day")] = None,
        file_format: FileFormat = "xlsx",
    ) -> Response[bytes]:
        data = await exec_reports.movements(principal, unit, day)
        name = f"pergerakan-harian-{data.day.isoformat()}"
        return _report_file(request, "movements", data, file_format, name)

    @get("/reports/usage", opt=EXECUTIVE)
    async def usage(
        self,
        principal: NamedDependency[Principal],
        unit: Annotated[int | None, query_id("unit")] = None,
        first: Annotated[date | None, QueryParameter(name="from")] = None,
        last: Annotated[date | None, QueryParameter(name="to")] = None,
    ) -> Response[exec_reports.UsageOut]:
        """Usage statistics: people, sign-ins, check-ins, devices and adoption per unit."""
        data = await exec_reports.usage(principal, unit, first, last)
        return Response(data, headers=NO_STORE)

    @get("/reports/usage/download", opt=EXECUTIVE)
    async def usage_download(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        unit: Annotated[int | None, query_id("unit")] = None,
        first: Annotated[date | None, QueryParameter(name="from")] = None,
        last: Annotated[date | None, QueryParameter(name="to")] = None,
        file_format: FileFormat = "xlsx",
    ) -> Response[bytes]:
        data = await exec_reports.usage(principal, unit, first, last)
        name = f"statistik-penggunaan-{data.first.isoformat()}-{data.last.isoformat()}"
        return _report_file(request, "usage", data, file_format, name)

    @post(
        "/punch-imports",
        opt=ADMIN,
        status_code=HTTP_200_OK,
        request_max_body_size=TEXT_IMPORT_MAX_BYTES,
    )
    async def import_punches(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        dry_run: Annotated[bool, QueryParameter(name="dryRun")] = False,
    ) -> imports.PunchReport:
        """Biometric-device punches as CSV (multipart field "file", or text/csv body);
        answers the reconciliation report. Importing the same file again changes nothing."""
        agency_id = _admin_agency(principal)
        text = await _csv_body(request)
        return await imports.import_punches(
            text, agency_id=agency_id, dry_run=dry_run, actor_id=principal.user_id
        )

    @post(
        "/leave-imports",
        opt=ADMIN,
        status_code=HTTP_200_OK,
        request_max_body_size=TEXT_IMPORT_MAX_BYTES,
    )
    async def import_leave(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        dry_run: Annotated[bool, QueryParameter(name="dryRun")] = False,
    ) -> imports.LeaveReport:
        """Leave records as CSV (login ID, start date, end date, type); idempotent."""
        agency_id = _admin_agency(principal)
        text = await _csv_body(request)
        return await imports.import_leave(
            text, agency_id=agency_id, dry_run=dry_run, actor_id=principal.user_id
        )

    @get("/punch-devices", opt=ADMIN)
    async def punch_devices(self, principal: NamedDependency[Principal]) -> list[imports.DeviceOut]:
        """The agency's biometric devices and the office each stands in."""
        return await imports.devices(_admin_agency(principal))

    @put("/punch-devices/{code:str}", opt=ADMIN)
    async def set_punch_device(
        self,
        principal: NamedDependency[Principal],
        code: FromPath[str],
        data: JSONBody[imports.DeviceIn],
    ) -> imports.DeviceOut:
        """Registers a device at an office: its imported punches are recorded there."""
        return await imports.set_device(_admin_agency(principal), code, data, principal.user_id)

    @delete("/punch-devices/{code:str}", opt=ADMIN, status_code=HTTP_204_NO_CONTENT)
    async def delete_punch_device(
        self, principal: NamedDependency[Principal], code: FromPath[str]
    ) -> None:
        await imports.delete_device(_admin_agency(principal), code, principal.user_id)

    @get("/calendar", opt=ADMIN)
    async def calendar(
        self,
        principal: NamedDependency[Principal],
        year: Annotated[int, QueryParameter(name="year", ge=2000, le=2100)],
    ) -> calendar_admin.CalendarOut:
        """The agency's holiday overrides and offices' clock-broken days in a year, with the
        public holidays after overrides."""
        _admin_agency(principal)
        return await calendar_admin.calendar_for_year(principal, year)

    @put("/calendar/overrides/{day:date}", opt=ADMIN)
    async def set_override(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        day: FromPath[date],
        data: JSONBody[calendar_admin.OverrideIn],
    ) -> calendar_admin.OverrideOut:
        _admin_agency(principal)
        return await recompute.set_override(principal, day, data, client_ip(request))

    @delete("/calendar/overrides/{day:date}", opt=ADMIN, status_code=HTTP_204_NO_CONTENT)
    async def delete_override(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        day: FromPath[date],
    ) -> None:
        _admin_agency(principal)
        await recompute.delete_override(principal, day, client_ip(request))

    @put("/offices/{office_id:int}/clock-broken/{day:date}", opt=ADMIN)
    async def set_clock_broken(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        office_id: PathId,
        day: FromPath[date],
        data: JSONBody[calendar_admin.ClockBrokenIn],
    ) -> calendar_admin.ClockBrokenOut:
        return await recompute.set_clock_broken(principal, office_id, day, data, client_ip(request))

    @delete(
        "/offices/{office_id:int}/clock-broken/{day:date}",
        opt=ADMIN,
        status_code=HTTP_204_NO_CONTENT,
    )
    async def delete_clock_broken(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        office_id: PathId,
        day: FromPath[date],
    ) -> None:
        await recompute.delete_clock_broken(principal, office_id, day, client_ip(request))
