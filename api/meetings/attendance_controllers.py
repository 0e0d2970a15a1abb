"""HTTP for the meeting day (attendance, check-in, room code, official list), the calendar
screen and the usage statistics: thin handlers over attendance.py, calendar_view.py, stats.py."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_304_NOT_MODIFIED

from api.accounts.authz import Access, Principal
from api.core.downloads import CSV, download
from api.core.i18n import request_language
from api.core.params import PathId, query_id
from api.meetings import attendance, calendar_view, stats
from api.meetings import attendance_schemas as schemas

SIGNED_IN = {"access": Access.SIGNED_IN}
EXECUTIVE = {"access": Access.EXECUTIVE}

From = Annotated[date, QueryParameter(name="from")]
To = Annotated[date, QueryParameter(name="to")]


class MeetingDayController(Controller):
    path = "/api"
    tags = ["meetings"]

    @get("/meetings/{meeting_id:int}/attendance", opt=SIGNED_IN)
    async def sheet(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        meeting_id: PathId,
    ) -> Response[Any]:
        """The secretariat's attendance sheet with the live quorum. Poll it with If-None-Match:
        304 while nothing changed."""
        sheet = await attendance.attendance_sheet(principal, meeting_id)
        etag = attendance.etag_of(sheet)
        if request.headers.get("if-none-match") == etag:
            return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers={"etag": etag})
        return Response(sheet, headers={"etag": etag})

    @put("/meetings/{meeting_id:int}/attendance/{invitation_id:int}", opt=SIGNED_IN)
    async def mark(
        self,
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        invitation_id: PathId,
        data: JSONBody[schemas.MarkRequest],
    ) -> schemas.AttendanceOut:
        """Marks one invitee present, absent (with a reason) or represented."""
        return await attendance.mark(principal, meeting_id, invitation_id, data)

    @post("/meetings/{meeting_id:int}/check-in", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def check_in(
        self,
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        data: JSONBody[schemas.CheckInRequest],
    ) -> schemas.CheckInOut:
        """A member's own check-in with the room's code or their position at the venue."""
        return await attendance.self_check_in(principal, meeting_id, data)

    @get("/meetings/{meeting_id:int}/room-code", opt=SIGNED_IN)
    async def room_code(
        self, principal: NamedDependency[Principal], meeting_id: PathId
    ) -> schemas.RoomCodeOut:
        """The room screen's current check-in code and QR (changes every 30 seconds)."""
        return await attendance.room_code(principal, meeting_id)

    @get("/meetings/{meeting_id:int}/attendance-list", opt=SIGNED_IN)
    async def attendance_list(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        meeting_id: PathId,
    ) -> schemas.AttendanceListOut:
        """The official attendance list in the user's language."""
        return await attendance.readable_attendance_list(
            principal, meeting_id, request_language(request)
        )

    @get("/meeting-calendar", opt=SIGNED_IN)
    async def calendar(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        start: From,
        end: To,
    ) -> schemas.CalendarOut:
        """The user's meetings and their committees' meetings between two dates (≤ 62 days)."""
        return await calendar_view.calendar(principal, start, end, request_language(request))

    @get("/meeting-stats", opt=EXECUTIVE)
    async def stats(
        self,
        principal: NamedDependency[Principal],
        start: From,
        end: To,
        agency_id: Annotated[int | None, query_id("agency")] = None,
    ) -> schemas.StatsOut:
        """Usage statistics of the agency's committees (administrators and executives)."""
        return await stats.meeting_stats(principal, start, end, agency_id)

    @get("/meeting-stats.csv", opt=EXECUTIVE)
    async def stats_csv(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        start: From,
        end: To,
        agency_id: Annotated[int | None, query_id("agency")] = None,
    ) -> Response[bytes]:
        data = await stats.meeting_stats(principal, start, end, agency_id)
        name = f"statistik-mesyuarat-{start.isoformat()}-{end.isoformat()}.csv"
        return download(
            stats.stats_csv(data, request_language(request)).encode("utf-8-sig"), name, CSV
        )
