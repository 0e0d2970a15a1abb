"""Request and response shapes of the committees, meetings, RSVP and calendar-feed API
(camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from api.core.params import Id

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]
Role = Literal["chair", "secretariat", "member"]
Mode = Literal["physical", "online", "hybrid"]
Seniority = Annotated[int, msgspec.Meta(ge=0, le=100_000)]
Quorum = Annotated[int, msgspec.Meta(ge=1, le=1000)]


# --------------------------------------------------------------------------- committees


class CommitteeIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    code: Code
    name: Name
    unit_id: Id | None = None
    parent_id: Id | None = None
    quorum: Quorum | None = None
    # Super administrators name the agency; agency administrators create in their own.
    agency_id: Id | None = None


class CommitteePatch(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    name: Name | None = None
    unit_id: Id | None = None
    parent_id: Id | None = None
    quorum: Quorum | None = None
    clear_quorum: bool = False
    active: bool | None = None


class MemberOut(msgspec.Struct, rename="camel"):
    id: int
    user_id: int
    name: str
    # IC number / staff ID: for the committee's managers only (None for its members).
    login_id: str | None
    position: str
    role: str
    seniority: int


class CommitteeOut(msgspec.Struct, rename="camel"):
    id: int
    agency_id: int
    code: str
    name: str
    unit_id: int | None
    unit_name: str
    parent_id: int | None
    quorum: int | None
    active: bool
    my_role: str | None
    can_manage: bool
    members: list[MemberOut] = []
    # May change the committee's settings (name, unit, parent, quorum, active): its agency's
    # administrators.
    can_edit: bool = False


class MemberIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    user_id: Id
    role: Role = "member"
    seniority: Seniority | None = None


class MemberPatch(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    role: Role | None = None
    seniority: Seniority | None = None


class MemberOrder(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """Member ids (committee_member ids) from the most senior down."""

    member_ids: Annotated[list[Id], msgspec.Meta(max_length=500)]


class ImportRowOut(msgspec.Struct, rename="camel"):
    line: int
    login_id: str
    role: str
    seniority: int | None
    status: str  # added | updated | unchanged | error
    reasons: list[str] = []


class ImportResult(msgspec.Struct, rename="camel"):
    applied: bool
    rows: list[ImportRowOut]
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0


# --------------------------------------------------------------------------- meetings

AgendaTitle = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class AgendaItemIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    title: AgendaTitle
    description: Annotated[str, msgspec.Meta(max_length=5000)] = ""
    presenter: Annotated[str, msgspec.Meta(max_length=255)] = ""


class AgendaItemOut(msgspec.Struct, rename="camel"):
    id: int
    position: int
    title: str
    description: str
    presenter: str


class AgendaOrder(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    item_ids: Annotated[list[Id], msgspec.Meta(max_length=200)]


class MeetingIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    committee_id: Id
    starts_at: datetime
    ends_at: datetime
    mode: Mode = "physical"
    subject: Annotated[str, msgspec.Meta(max_length=255)] = ""
    venue_office_id: Id | None = None
    room: Annotated[str, msgspec.Meta(max_length=255)] = ""
    online_url: Annotated[str, msgspec.Meta(max_length=1024)] = ""
    # Checked by the service (RAHSIA in any spelling is refused with an audit event).
    classification: Annotated[str, msgspec.Meta(max_length=64)] = "TERBUKA"
    agenda: Annotated[list[AgendaItemIn], msgspec.Meta(max_length=200)] = []


class MeetingPatch(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    mode: Mode | None = None
    subject: Annotated[str, msgspec.Meta(max_length=255)] | None = None
    venue_office_id: Id | None = None
    room: Annotated[str, msgspec.Meta(max_length=255)] | None = None
    online_url: Annotated[str, msgspec.Meta(max_length=1024)] | None = None
    classification: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    # Why the time or place changes (a postponement): told in the update notice.
    reason: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class CancelIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=500)] = ""


class ClassificationIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    classification: Annotated[str, msgspec.Meta(max_length=64)]


class InvitationOut(msgspec.Struct, rename="camel"):
    id: int
    user_id: int
    name: str
    position: str
    role: str
    seniority: int
    response: str
    decline_reason: str
    representative_id: int | None
    representative_name: str
    responded_at: datetime | None


class MyRsvp(msgspec.Struct, rename="camel"):
    role: str
    response: str
    decline_reason: str
    representative_id: int | None
    representative_name: str
    responded_at: datetime | None
    can_change: bool


class MeetingSummary(msgspec.Struct, rename="camel"):
    id: int
    committee_id: int
    committee_name: str
    number: str  # "Bil. 3/2026"
    display_title: str  # "Mesyuarat <committee> Bil. 3/2026"
    subject: str
    classification: str
    mode: str
    venue_office_name: str
    room: str
    starts_at: datetime
    ends_at: datetime
    status: str
    my_response: str | None
    representing: str | None = None  # the name of the member I represent


class MeetingOut(msgspec.Struct, rename="camel"):
    id: int
    committee_id: int
    committee_name: str
    number: str
    display_title: str
    subject: str
    classification: str
    mode: str
    venue_office_id: int | None
    venue_office_name: str
    room: str
    online_url: str
    starts_at: datetime
    ends_at: datetime
    status: str
    sequence: int
    invited_at: datetime | None
    agenda: list[AgendaItemOut]
    my_rsvp: MyRsvp | None
    can_manage: bool
    can_read_content: bool
    my_committee_role: str | None
    representing: list[str] = []
    invitations: list[InvitationOut] | None = None
    status_reason: str = ""  # why it was cancelled or last postponed


GuestEmail = Annotated[str, msgspec.Meta(min_length=3, max_length=255)]


class InviteIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    guest_ids: Annotated[list[Id], msgspec.Meta(max_length=200)] = []
    # Guests from other agencies, by the e-mail of their Hadir account.
    guest_emails: Annotated[list[GuestEmail], msgspec.Meta(max_length=50)] = []


class InviteResult(msgspec.Struct, rename="camel"):
    invited: int
    notified: int
    sequence: int


class RsvpIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    response: Literal["accepted", "declined", "delegated"]
    reason: Annotated[str, msgspec.Meta(max_length=500)] = ""
    representative_id: Id | None = None
    representative_name: Annotated[str, msgspec.Meta(max_length=255)] = ""


class Colleague(msgspec.Struct, rename="camel"):
    id: int
    name: str
    position: str


class OfficeChoice(msgspec.Struct, rename="camel"):
    id: int
    name: str


# --------------------------------------------------------------------------- calendar feed


class FeedStatus(msgspec.Struct, rename="camel"):
    exists: bool
    created_at: datetime | None = None


class FeedCreated(msgspec.Struct, rename="camel"):
    webcal_url: str
    https_url: str
    created_at: datetime
