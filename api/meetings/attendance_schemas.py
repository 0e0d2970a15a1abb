"""Request and response shapes of the meeting day: attendance, self check-in, the room code,
the official attendance list, the calendar and the usage statistics (camelCase on the wire)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from api.attendance.schemas import Fix
from api.core.params import Id

Mark = Literal["present", "absent", "represented"]
Reason = Annotated[str, msgspec.Meta(max_length=500)]
PersonName = Annotated[str, msgspec.Meta(max_length=255)]
UserId = Id
RoomCode = Annotated[str, msgspec.Meta(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9]+$")]


class MarkRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """The secretariat's mark for one invitee. Absent needs a reason; represented takes the
    RSVP representative unless another person is named (a colleague's id or a typed name)."""

    attendance: Mark
    reason: Reason = ""
    representative_id: UserId | None = None
    representative_name: PersonName = ""


class CheckInRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """A member's own check-in: the room's QR code, or the phone's position (one of them)."""

    code: RoomCode | None = None
    fix: Fix | None = None


class Quorum(msgspec.Struct, rename="camel"):
    needed: int
    present: int  # chair and members present or represented
    voting_members: int  # the committee's chair and members (not the secretariat)
    reached: bool


class AttendeeOut(msgspec.Struct, rename="camel"):
    invitation_id: int
    user_id: int
    name: str
    role: str  # chair | secretariat | member | guest
    seniority: int
    response: str  # the RSVP
    decline_reason: str
    representative_id: int | None
    representative_name: str  # the RSVP's (or the secretariat's) representative, by name
    attendance: str  # "" | present | absent | represented
    absence_reason: str
    checked_in_at: datetime | None
    checkin_method: str


class AttendanceOut(msgspec.Struct, rename="camel"):
    meeting_id: int
    title: str
    number: str  # "Bil. 2/2026"
    starts_at: datetime
    ends_at: datetime
    status: str
    marking_open: bool
    quorum: Quorum
    attendees: list[AttendeeOut]


class CheckInOut(msgspec.Struct, rename="camel"):
    meeting_id: int
    invitation_id: int
    attendance: str  # present | represented
    checked_in_at: datetime
    checkin_method: str
    representing: str  # the member's name when checking in as their representative
    replayed: bool  # already checked in: the first time is kept


class RoomCodeOut(msgspec.Struct, rename="camel"):
    meeting_id: int
    title: str
    number: str
    code: str
    url: str  # what the QR code encodes
    qr_svg: str  # data: URI of the QR code as SVG
    seconds_left: int
    window_seconds: int


class ListEntry(msgspec.Struct, rename="camel"):
    name: str
    role: str
    status: str  # present | represented | absent | secretariat | guest
    representing: str  # the member's name, for representatives
    reason: str  # for the absent
    text: str  # the formatted line in the requested language


class ListSection(msgspec.Struct, rename="camel"):
    key: str  # present | absent | guests | secretariat
    title: str
    entries: list[ListEntry]


class AttendanceListOut(msgspec.Struct, rename="camel"):
    meeting_id: int
    language: str
    title: str
    number: str
    sections: list[ListSection]
    lines: list[str]  # headings and numbered entries, ready for the minutes


class CalendarItem(msgspec.Struct, rename="camel"):
    meeting_id: int
    committee_id: int
    committee_name: str
    number: str
    title: str  # "Mesyuarat (SULIT)" for SULIT meetings of committees the user is not in
    title_hidden: bool
    starts_at: datetime
    ends_at: datetime
    status: str
    classification: str
    mode: str
    my_role: str  # chair | secretariat | member | guest | representative | committee
    my_rsvp: str  # needs_action | accepted | declined | delegated | "" (not invited)


class CalendarOut(msgspec.Struct, rename="camel"):
    start: date
    end: date
    items: list[CalendarItem]


class StatsRow(msgspec.Struct, rename="camel"):
    committee_id: int | None  # None for the agency's totals
    committee_name: str
    meetings_held: int
    invitations: int
    responses: int
    rsvp_response_rate: float | None  # percent; None when there were no invitations
    minutes_distributed: int | None  # None: minutes not available (n/a)
    minutes_days_average: float | None
    minutes_days_median: float | None
    actions_due: int | None
    actions_on_time_rate: float | None


class StatsOut(msgspec.Struct, rename="camel"):
    agency_id: int
    start: date
    end: date
    minutes_available: bool
    actions_available: bool
    committees: list[StatsRow]
    totals: StatsRow
