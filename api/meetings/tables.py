"""Committees, their members, numbered meetings, agenda items, invitations (RSVP and attendance)
and calendar feed tokens. Papers live in api/papers, minutes and actions in api/minutes."""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from api.core.documents import register_sealed_text_column
from api.org.tables import Agency, Office, OrgUnit, User


class Committee(Table, tablename="committee"):
    id = Serial(primary_key=True)
    agency = ForeignKey(Agency, on_delete=OnDelete.cascade, null=False)
    unit = ForeignKey(OrgUnit, on_delete=OnDelete.restrict, null=True, default=None)
    parent: ForeignKey[Committee] = ForeignKey(
        "self", on_delete=OnDelete.restrict, null=True, default=None
    )
    code = Varchar(length=64)
    name = Varchar(length=255)
    # Members (chair and members, not the secretariat) needed for a quorum; null = a majority.
    quorum = Integer(null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index committee_code_per_agency on ["agency", "code"]: see migrations


class CommitteeMember(Table, tablename="committee_member"):
    """A committee-scoped role grant: chair, secretariat or member, in seniority order."""

    id = Serial(primary_key=True)
    committee = ForeignKey(Committee, on_delete=OnDelete.cascade, null=False)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    role = Varchar(length=16)
    seniority = Integer(default=100)
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index committee_member_once on ["committee", "user"]: see migrations


class MeetingCounter(Table, tablename="meeting_counter"):
    """The last number given to a meeting of a committee in a year ("Bil. N/YYYY")."""

    id = Serial(primary_key=True)
    committee = ForeignKey(Committee, on_delete=OnDelete.cascade, null=False)
    year = Integer()
    last_number = Integer(default=0)
    # unique index meeting_counter_once on ["committee", "year"]: see migrations


class Meeting(Table, tablename="meeting"):
    id = Serial(primary_key=True)
    committee = ForeignKey(Committee, on_delete=OnDelete.restrict, null=False)
    year = Integer()
    number = Integer()
    # The subject; sealed (api.core.documents) when SULIT, see api.meetings.confidential.
    title = Text()
    classification = Varchar(length=16, default="TERBUKA")  # TERBUKA | TERHAD | SULIT
    mode = Varchar(length=16, default="physical")  # physical | online | hybrid
    venue_office = ForeignKey(Office, on_delete=OnDelete.restrict, null=True, default=None)
    room = Varchar(length=255, default="")
    online_url = Varchar(length=1024, default="")
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    status = Varchar(length=16, default="draft")  # draft | scheduled | cancelled
    # Why it was cancelled or last postponed (told in the notice); sealed when SULIT.
    status_reason = Text(default="")
    # iCalendar SEQUENCE: raised on every change of time, place or status after invitation.
    sequence = Integer(default=0)
    invited_at = Timestamptz(null=True, default=None)
    # Sealed random secret behind the room's rotating QR code for self check-in.
    checkin_secret = Text(default="")
    created_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    # unique index meeting_number_once on ["committee", "year", "number"]: see migrations


class AgendaItem(Table, tablename="agenda_item"):
    id = Serial(primary_key=True)
    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, null=False)
    position = Integer()
    # Title and description are sealed when the meeting is SULIT.
    title = Text()
    description = Text(default="")
    presenter = Varchar(length=255, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Invitation(Table, tablename="meeting_invitation"):
    """One invitee of one meeting: their RSVP and, on the day, their attendance."""

    id = Serial(primary_key=True)
    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, null=False)
    user = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    role = Varchar(length=16)  # chair | secretariat | member | guest
    seniority = Integer(default=100)
    # needs_action | accepted | declined | delegated (a representative attends instead)
    response = Varchar(length=16, default="needs_action")
    decline_reason = Text(default="")
    representative = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    representative_name = Varchar(length=255, default="")
    responded_at = Timestamptz(null=True, default=None)
    # "" (not marked) | present | absent | represented
    attendance = Varchar(length=16, default="")
    absence_reason = Varchar(length=500, default="")
    checked_in_at = Timestamptz(null=True, default=None)
    checkin_method = Varchar(length=16, default="")  # secretariat | geofence | qr
    marked_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    # unique index meeting_invitation_once on ["meeting", "user"]: see migrations


class CalendarFeedToken(Table, tablename="calendar_feed_token"):
    """A person's private calendar feed: only the SHA-256 of the token is kept; a new token
    replaces (revokes) the old one."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, unique=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())


register_sealed_text_column(Meeting, "title", lambda row: f"meeting-subject:{row['id']}")
register_sealed_text_column(Meeting, "status_reason", lambda row: f"meeting-reason:{row['id']}")
register_sealed_text_column(AgendaItem, "title", lambda row: f"meeting-agenda:{row['meeting']}")
register_sealed_text_column(
    AgendaItem, "description", lambda row: f"meeting-agenda:{row['meeting']}"
)
