"""HTTP for committees, meetings, RSVP and the calendar feed: thin handlers over the services
in this folder (committees, services, invitations, rsvp, calendar_feed)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from api.accounts.authz import Access, Principal
from api.core.errors import FieldError, Invalid, NotFound
from api.core.params import PathId
from api.core.proxies import client_ip
from api.meetings import archive, calendar_feed, committees, invitations, rsvp, schemas, services

SIGNED_IN = {"access": Access.SIGNED_IN}
AGENCY_ADMIN = {"access": Access.AGENCY_ADMIN}
MAX_CSV_BYTES = 512 * 1024


class CommitteeController(Controller):
    path = "/api/committees"
    tags = ["meetings"]

    @get("", opt=SIGNED_IN)
    async def list_committees(
        self, principal: NamedDependency[Principal]
    ) -> list[schemas.CommitteeOut]:
        """Committees I belong to; agency administrators: every committee of their agency."""
        return await committees.list_committees(principal)

    @post("", opt=AGENCY_ADMIN)
    async def create_committee(
        self, principal: NamedDependency[Principal], data: JSONBody[schemas.CommitteeIn]
    ) -> schemas.CommitteeOut:
        return await committees.create_committee(principal, data)

    @get("/{committee_id:int}", opt=SIGNED_IN)
    async def committee(
        self, principal: NamedDependency[Principal], committee_id: PathId
    ) -> schemas.CommitteeOut:
        row = await committees.visible_committee(principal, committee_id)
        return await committees.committee_out(principal, row, with_members=True)

    @get("/{committee_id:int}/meetings", opt=SIGNED_IN)
    async def archive(
        self,
        principal: NamedDependency[Principal],
        committee_id: PathId,
        page: Annotated[int, QueryParameter(ge=1, le=archive.MAX_PAGE)] = 1,
        page_size: Annotated[
            int, QueryParameter(name="pageSize", ge=1, le=archive.MAX_PAGE_SIZE)
        ] = 20,
    ) -> archive.ArchivePage:
        """The committee's meetings, newest first, a page at a time (all years)."""
        return await archive.committee_archive(principal, committee_id, page, page_size)

    @patch("/{committee_id:int}", opt=AGENCY_ADMIN)
    async def update_committee(
        self,
        principal: NamedDependency[Principal],
        committee_id: PathId,
        data: JSONBody[schemas.CommitteePatch],
    ) -> schemas.CommitteeOut:
        return await committees.update_committee(principal, committee_id, data)

    @get("/{committee_id:int}/candidates", opt=SIGNED_IN)
    async def candidates(
        self, principal: NamedDependency[Principal], committee_id: PathId, q: FromQuery[str] = ""
    ) -> list[schemas.Colleague]:
        """Officers of the agency who could be added (for the administrator or secretariat)."""
        return await committees.candidates(principal, committee_id, q[:100])

    @post("/{committee_id:int}/members", opt=SIGNED_IN)
    async def add_member(
        self,
        principal: NamedDependency[Principal],
        committee_id: PathId,
        data: JSONBody[schemas.MemberIn],
    ) -> list[schemas.MemberOut]:
        """Agency administrator or the committee's secretariat."""
        return await committees.add_member(principal, committee_id, data)

    @patch("/{committee_id:int}/members/{member_id:int}", opt=SIGNED_IN)
    async def update_member(
        self,
        principal: NamedDependency[Principal],
        committee_id: PathId,
        member_id: PathId,
        data: JSONBody[schemas.MemberPatch],
    ) -> list[schemas.MemberOut]:
        return await committees.update_member(principal, committee_id, member_id, data)

    @delete(
        "/{committee_id:int}/members/{member_id:int}",
        opt=SIGNED_IN,
        status_code=HTTP_204_NO_CONTENT,
    )
    async def remove_member(
        self, principal: NamedDependency[Principal], committee_id: PathId, member_id: PathId
    ) -> None:
        await committees.remove_member(principal, committee_id, member_id)

    @put("/{committee_id:int}/members/order", opt=SIGNED_IN)
    async def reorder_members(
        self,
        principal: NamedDependency[Principal],
        committee_id: PathId,
        data: JSONBody[schemas.MemberOrder],
    ) -> list[schemas.MemberOut]:
        return await committees.reorder_members(principal, committee_id, data)

    @post("/{committee_id:int}/members/import", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def import_members(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        committee_id: PathId,
        dry_run: Annotated[bool, QueryParameter(name="dryRun")] = False,
    ) -> schemas.ImportResult:
        """CSV body (text/csv): login ID, role, seniority per line. All rows are checked
        first; nothing is imported unless every row is valid. Re-importing changes nothing."""
        body = await request.body()
        if len(body) > MAX_CSV_BYTES:
            raise Invalid("import_too_large", status_code=413)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise Invalid(
                "import_not_utf8", errors=[FieldError("file", "import_not_utf8")]
            ) from None
        return await committees.import_members(principal, committee_id, text, dry_run=dry_run)


class MeetingController(Controller):
    path = "/api/meetings"
    tags = ["meetings"]

    @get("", opt=SIGNED_IN)
    async def my_meetings(
        self,
        principal: NamedDependency[Principal],
        when: FromQuery[Literal["upcoming", "past"]] = "upcoming",
    ) -> list[schemas.MeetingSummary]:
        """Meetings I am invited to, represent someone at, or whose committee I belong to."""
        return await services.my_meetings(principal, when)

    @get("/venues", opt=SIGNED_IN)
    async def venues(self, principal: NamedDependency[Principal]) -> list[schemas.OfficeChoice]:
        """Offices of my agency, to choose a meeting's venue."""
        return await services.venue_offices(principal)

    @post("", opt=SIGNED_IN)
    async def create_meeting(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[schemas.MeetingIn],
    ) -> schemas.MeetingOut:
        """By the committee's secretariat; numbered "Bil. N/YYYY" in the committee's year."""
        return await services.create_meeting(principal, data, client_ip(request))

    @get("/{meeting_id:int}", opt=SIGNED_IN)
    async def meeting(
        self, principal: NamedDependency[Principal], meeting_id: PathId
    ) -> Response[schemas.MeetingOut]:
        out = await services.meeting_detail(principal, meeting_id)
        # Meeting notices may be SULIT: never kept by the browser or a proxy.
        return Response(out, headers={"Cache-Control": "no-store"})

    @patch("/{meeting_id:int}", opt=SIGNED_IN)
    async def update_meeting(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        data: JSONBody[schemas.MeetingPatch],
    ) -> schemas.MeetingOut:
        """A change of time or place after the invitations is sent to everyone as an update."""
        return await services.update_meeting(principal, meeting_id, data, client_ip(request))

    @put("/{meeting_id:int}/classification", opt=SIGNED_IN)
    async def change_classification(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        data: JSONBody[schemas.ClassificationIn],
    ) -> schemas.MeetingOut:
        """The chair raises or lowers it, the secretariat only raises it; fixed once minutes
        exist. Audited with before and after."""
        return await services.change_classification(principal, meeting_id, data, client_ip(request))

    @post("/{meeting_id:int}/cancel", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def cancel_meeting(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        data: JSONBody[schemas.CancelIn | None] = None,
    ) -> schemas.MeetingOut:
        """The reason (optional) is told to every invitee, in the notice and the CANCEL."""
        return await services.cancel_meeting(
            principal, meeting_id, client_ip(request), reason=data.reason if data else ""
        )

    @post("/{meeting_id:int}/invitations", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def invite(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        data: JSONBody[schemas.InviteIn],
    ) -> schemas.InviteResult:
        """Invites every committee member and the given guests (push + e-mail with .ics)."""
        return await invitations.send_invitations(principal, meeting_id, data, client_ip(request))

    @get("/{meeting_id:int}/invitations", opt=SIGNED_IN)
    async def invitation_list(
        self, principal: NamedDependency[Principal], meeting_id: PathId
    ) -> list[schemas.InvitationOut]:
        from api.meetings.access import managed_meeting

        await managed_meeting(principal, meeting_id)
        return await services.invitation_list(meeting_id)

    @put("/{meeting_id:int}/rsvp", opt=SIGNED_IN)
    async def respond(
        self,
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        data: JSONBody[schemas.RsvpIn],
    ) -> schemas.MyRsvp:
        return await rsvp.respond(principal, meeting_id, data)

    @post("/{meeting_id:int}/rsvp/ics", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def respond_with_ics(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        meeting_id: PathId,
    ) -> schemas.MyRsvp:
        """An iCalendar METHOD:REPLY (text/calendar body) from the invitee's calendar app."""
        body = await request.body()
        if len(body) > 64 * 1024:
            raise Invalid("rsvp_reply_invalid", status_code=413)
        return await rsvp.respond_with_reply(principal, meeting_id, body)

    @get("/{meeting_id:int}/colleagues", opt=SIGNED_IN)
    async def colleagues(
        self, principal: NamedDependency[Principal], meeting_id: PathId, q: FromQuery[str] = ""
    ) -> list[schemas.Colleague]:
        """People of my agency to name as my representative."""
        return await services.colleagues(principal, meeting_id, q[:100])

    @post("/{meeting_id:int}/agenda", opt=SIGNED_IN)
    async def add_agenda_item(
        self,
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        data: JSONBody[schemas.AgendaItemIn],
    ) -> list[schemas.AgendaItemOut]:
        return await services.add_agenda_item(principal, meeting_id, data)

    @put("/{meeting_id:int}/agenda/order", opt=SIGNED_IN)
    async def reorder_agenda(
        self,
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        data: JSONBody[schemas.AgendaOrder],
    ) -> list[schemas.AgendaItemOut]:
        return await services.reorder_agenda(principal, meeting_id, data)

    @put("/{meeting_id:int}/agenda/{item_id:int}", opt=SIGNED_IN)
    async def update_agenda_item(
        self,
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        item_id: PathId,
        data: JSONBody[schemas.AgendaItemIn],
    ) -> list[schemas.AgendaItemOut]:
        return await services.update_agenda_item(principal, meeting_id, item_id, data)

    @delete(
        "/{meeting_id:int}/agenda/{item_id:int}", opt=SIGNED_IN, status_code=HTTP_204_NO_CONTENT
    )
    async def remove_agenda_item(
        self, principal: NamedDependency[Principal], meeting_id: PathId, item_id: PathId
    ) -> None:
        await services.remove_agenda_item(principal, meeting_id, item_id)


class CalendarFeedController(Controller):
    """The signed-in person's private feed: make (or replace), say whether one exists, revoke."""

    path = "/api/calendar/feed"
    tags = ["meetings"]

    @get("", opt=SIGNED_IN)
    async def status(self, principal: NamedDependency[Principal]) -> schemas.FeedStatus:
        return await calendar_feed.feed_status(principal)

    @post("", opt=SIGNED_IN)
    async def create(self, principal: NamedDependency[Principal]) -> Response[schemas.FeedCreated]:
        """A new secret feed address, shown only now; any older one stops working."""
        out = await calendar_feed.create_feed(principal)
        return Response(out, status_code=201, headers={"Cache-Control": "no-store"})

    @delete("", opt=SIGNED_IN, status_code=HTTP_204_NO_CONTENT)
    async def revoke(self, principal: NamedDependency[Principal]) -> None:
        await calendar_feed.revoke_feed(principal)


class CalendarFileController(Controller):
    """`GET /calendar/<token>.ics`: public, the token in the address is the credential."""

    path = "/calendar"
    tags = ["meetings"]

    @get("/{feed:str}", opt={"access": Access.PUBLIC}, include_in_schema=False)
    async def feed(self, feed: FromPath[str]) -> Response[bytes]:
        if not feed.endswith(".ics"):
            raise NotFound()
        body = await calendar_feed.feed_for_token(feed.removesuffix(".ics"))
        return Response(
            body,
            media_type="text/calendar",
            headers={"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"},
        )
