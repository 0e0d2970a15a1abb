"""iCalendar for meetings: iTIP REQUEST / CANCEL out, REPLY in, and a per-user feed.

RFC 5545 (iCalendar), RFC 5546 (iTIP) and RFC 7986 (feed properties), built with icalendar 7.

* :func:`build_request` — ``METHOD:REQUEST``: the invitation, and every later change of time,
  place or status (same UID, higher SEQUENCE, so calendar clients update the entry in place).
* :func:`build_cancel` — ``METHOD:CANCEL``: the whole meeting, or only some attendees
  (uninvited).
* :func:`parse_reply` — ``METHOD:REPLY`` from a calendar client, checked against what the
  caller already has; stale replies raise :class:`StaleReply`.
* :func:`build_feed` — a calendar without METHOD for the private webcal feed.

Inputs are plain frozen dataclasses, never database rows. The caller owns the numbers that make
iTIP work: the UID must be the same for the whole life of a meeting (see :func:`meeting_uid`)
and SEQUENCE must grow with every REQUEST/CANCEL that changes time, place or status.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

from notifications.common import Classification, normalize_lang
from notifications.templates import catalogue

PRODID: Final = "-//Hadir//Hadir Mesyuarat//MS"
DEFAULT_TZ: Final = "Asia/Kuala_Lumpur"
DEFAULT_ALARM: Final = timedelta(minutes=30)


class Role(StrEnum):
    """RFC 5545 §3.2.16 ROLE."""

    CHAIR = "CHAIR"
    REQ_PARTICIPANT = "REQ-PARTICIPANT"
    OPT_PARTICIPANT = "OPT-PARTICIPANT"
    NON_PARTICIPANT = "NON-PARTICIPANT"


class PartStat(StrEnum):
    """RFC 5545 §3.2.12 PARTSTAT values meaningful for a VEVENT."""

    NEEDS_ACTION = "NEEDS-ACTION"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    TENTATIVE = "TENTATIVE"
    DELEGATED = "DELEGATED"


class MeetingStatus(StrEnum):
    CONFIRMED = "CONFIRMED"
    TENTATIVE = "TENTATIVE"
    CANCELLED = "CANCELLED"


class CalendarError(ValueError):
    """Base class: invalid input to a builder, or an unusable calendar object."""


class InvalidReply(CalendarError):
    """The data is not a usable METHOD:REPLY for this meeting (syntax, UID, attendee …)."""


class StaleReply(CalendarError):
    """A REPLY older than what the caller already has; ignore it (RFC 5546 §2.1.5).

    Either it answers an older version of the meeting (lower SEQUENCE) — the attendee has not
    seen the latest change yet — or it was written before the last reply already processed from
    that attendee (older DTSTAMP), e.g. a delayed e-mail.
    """

    def __init__(self, reply: MeetingReply, reason: str) -> None:
        super().__init__(reason)
        self.reply = reply
        self.reason = reason


def _email(address: str) -> str:
    """Plain lower-case address from ``mailto:X`` or ``X``."""
    value = address.strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    return value.lower()


def _check_email(address: str) -> None:
    local, at, domain = address.partition("@")
    if not at or not local or not domain or any(c in address for c in ' \r\n\t,;:<>"'):
        raise CalendarError(f"invalid e-mail address {address!r}")


@dataclass(frozen=True, slots=True)
class Person:
    email: str
    name: str | None = None

    def __post_init__(self) -> None:
        _check_email(self.email)


@dataclass(frozen=True, slots=True)
class Attendee:
    """One invitee. ``rsvp`` defaults to True except for NON-PARTICIPANT (for information)."""

    email: str
    name: str | None = None
    role: Role = Role.REQ_PARTICIPANT
    partstat: PartStat = PartStat.NEEDS_ACTION
    rsvp: bool | None = None
    delegated_from: str | None = None
    """For a representative (wakil): the e-mail of the member they stand in for."""
    delegated_to: str | None = None
    """For a member who sent a representative: the representative's e-mail."""

    def __post_init__(self) -> None:
        _check_email(self.email)
        for other in (self.delegated_from, self.delegated_to):
            if other is not None:
                _check_email(other)

    @property
    def wants_rsvp(self) -> bool:
        return self.rsvp if self.rsvp is not None else self.role is not Role.NON_PARTICIPANT


@dataclass(frozen=True, slots=True)
class MeetingInvite:
    """Everything an invitation says about one meeting (one VEVENT).

    ``start``/``end`` must be timezone-aware; they are written in ``tz`` with a VTIMEZONE so
    that clients show the Malaysian wall-clock time whatever the reader's own zone.
    ``stamp`` is DTSTAMP (when this version was created); default: now.
    """

    uid: str
    sequence: int
    title: str
    start: datetime
    end: datetime
    organizer: Person
    attendees: Sequence[Attendee] = ()
    tz: str = DEFAULT_TZ
    location: str | None = None
    url: str | None = None
    description: str | None = None
    classification: Classification = Classification.TERBUKA
    status: MeetingStatus = MeetingStatus.CONFIRMED
    alarm_before: timedelta | None = DEFAULT_ALARM
    stamp: datetime | None = None
    comment: str | None = None
    """COMMENT: e.g. why the meeting is cancelled or postponed."""
    attendee_index: dict[str, Attendee] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.uid or any(c in self.uid for c in "\r\n"):
            raise CalendarError("uid must be a non-empty single line")
        if self.sequence < 0:
            raise CalendarError("sequence must be >= 0")
        if not self.title.strip():
            raise CalendarError("title must not be empty")
        for name in ("start", "end") + (("stamp",) if self.stamp is not None else ()):
            value = getattr(self, name)
            if not isinstance(value, datetime) or value.tzinfo is None:
                raise CalendarError(f"{name} must be a timezone-aware datetime")
        if self.end <= self.start:
            raise CalendarError("end must be after start")
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise CalendarError(f"unknown time zone {self.tz!r}") from None
        index: dict[str, Attendee] = {}
        for a in self.attendees:
            key = a.email.lower()
            if key in index:
                raise CalendarError(f"attendee {a.email} listed twice")
            index[key] = a
        object.__setattr__(self, "attendees", tuple(self.attendees))
        object.__setattr__(self, "attendee_index", index)


@dataclass(frozen=True, slots=True)
class CalendarPart:
    """A serialized iTIP object, as the e-mail composer wants it."""

    method: Literal["REQUEST", "CANCEL"]
    ics: bytes
    uid: str
    sequence: int


@dataclass(frozen=True, slots=True)
class MeetingReply:
    """A parsed, validated METHOD:REPLY."""

    uid: str
    sequence: int
    stamp: datetime
    attendee: str
    """Plain lower-case e-mail of the attendee who replied."""
    partstat: PartStat
    delegated_to: tuple[str, ...] = ()
    comment: str | None = None


def meeting_uid(meeting_id: str | int, domain: str) -> str:
    """The stable UID of a meeting: ``meeting-<id>@<domain>``. Never derive it from mutable data."""
    return f"meeting-{meeting_id}@{domain}"


# --------------------------------------------------------------------------- building


def _address(person: Person | Attendee, **params: str | bool | None) -> icalendar.vCalAddress:
    return icalendar.vCalAddress.new(person.email, cn=person.name or None, **params)  # type: ignore[arg-type]


def _attendee(a: Attendee, *, with_rsvp: bool) -> icalendar.vCalAddress:
    return _address(
        a,
        cutype="INDIVIDUAL",
        role=a.role.value,
        partstat=a.partstat.value,
        rsvp=a.wants_rsvp if with_rsvp else None,
        delegated_from=f"mailto:{a.delegated_from}" if a.delegated_from else None,
        delegated_to=f"mailto:{a.delegated_to}" if a.delegated_to else None,
    )


def _event(
    invite: MeetingInvite,
    *,
    attendees: Iterable[Attendee],
    status: MeetingStatus,
    with_rsvp: bool,
    alarm: bool,
) -> icalendar.Event:
    zone = ZoneInfo(invite.tz)
    stamp = (invite.stamp or datetime.now(UTC)).astimezone(UTC)
    subcomponents: list[icalendar.Component] = []
    if alarm and invite.alarm_before is not None:
        valarm = icalendar.Alarm()
        valarm.add("action", "DISPLAY")
        valarm.add("trigger", -abs(invite.alarm_before))
        valarm.add("description", invite.title)
        subcomponents.append(valarm)
    event = icalendar.Event.new(
        uid=invite.uid,
        sequence=invite.sequence,
        stamp=stamp,
        start=invite.start.astimezone(zone),
        end=invite.end.astimezone(zone),
        summary=invite.title,
        location=invite.location,
        url=invite.url,
        description=_description(invite),
        organizer=_address(invite.organizer),
        attendees=[_attendee(a, with_rsvp=with_rsvp) for a in attendees],
        classification=_ical_class(invite.classification),
        status=icalendar.STATUS(status.value),
        transparency=icalendar.TRANSP.OPAQUE,
        subcomponents=subcomponents,
    )
    if invite.comment:
        event.add("COMMENT", invite.comment)
    return event


def _description(invite: MeetingInvite) -> str | None:
    # A SULIT meeting's agenda/notes must not travel in a calendar file: the file is copied into
    # mail servers and calendar services outside Hadir. The title and the link remain.
    if invite.classification is Classification.SULIT:
        return None
    return invite.description


def _ical_class(classification: Classification) -> icalendar.CLASS:
    if classification is Classification.SULIT:
        return icalendar.CLASS.CONFIDENTIAL
    if classification is Classification.TERHAD:
        return icalendar.CLASS.PRIVATE
    return icalendar.CLASS.PUBLIC


def _calendar(
    method: str | None,
    events: Sequence[icalendar.Event],
    props: Sequence[tuple[str, object, dict[str, str]]] = (),
) -> bytes:
    cal = icalendar.Calendar.new(
        prodid=PRODID, method=method, calscale="GREGORIAN", subcomponents=events
    )
    cal.pop("UID", None)  # Calendar.new invents a random one; neither iTIP nor a feed needs it
    for name, value, params in props:
        if params:
            cal.add(name, value, parameters=params)
        else:
            cal.add(name, value)
    last = max((e.end for e in events if isinstance(e.end, datetime)), default=None)
    last_date = date(2038, 1, 1)
    if last is not None:
        last_date = max(last_date, last.date() + timedelta(days=366))
    cal.add_missing_timezones(last_date=last_date)
    ics: bytes = cal.to_ical()
    return ics


def build_request(invite: MeetingInvite) -> CalendarPart:
    """METHOD:REQUEST for the invitation or an update (bump ``invite.sequence`` on changes)."""
    if invite.status is MeetingStatus.CANCELLED:
        raise CalendarError("a cancelled meeting is sent with build_cancel()")
    event = _event(
        invite, attendees=invite.attendees, status=invite.status, with_rsvp=True, alarm=True
    )
    return CalendarPart("REQUEST", _calendar("REQUEST", [event]), invite.uid, invite.sequence)


def build_cancel(invite: MeetingInvite, *, only: Iterable[str] | None = None) -> CalendarPart:
    """METHOD:CANCEL for the whole meeting, or — with ``only`` (e-mails) — for those attendees.

    ``invite.sequence`` must be higher than that of the last REQUEST, otherwise clients ignore
    the cancellation.
    """
    attendees: Sequence[Attendee] = invite.attendees
    if only is not None:
        wanted = {e.lower() for e in only}
        unknown = wanted - invite.attendee_index.keys()
        if unknown:
            raise CalendarError(f"not attendees of this meeting: {sorted(unknown)}")
        attendees = [a for a in invite.attendees if a.email.lower() in wanted]
    event = _event(
        invite,
        attendees=attendees,
        status=MeetingStatus.CANCELLED,
        with_rsvp=False,
        alarm=False,
    )
    return CalendarPart("CANCEL", _calendar("CANCEL", [event]), invite.uid, invite.sequence)


def build_feed(
    invites: Iterable[MeetingInvite],
    *,
    lang: str | None = None,
    name: str | None = None,
    refresh: timedelta = timedelta(hours=1),
) -> bytes:
    """A per-user feed (no METHOD) of the user's meetings, for a ``webcal://`` subscription.

    The feed URL is fetched by outside calendar services, so it carries less than an
    invitation: no attendee list, and for SULIT meetings a neutral title ("Mesyuarat (SULIT)")
    with no location or description — only the time and the link into Hadir. Cancelled
    meetings stay in the feed with STATUS:CANCELLED so that clients remove or strike them.
    """
    lg = normalize_lang(lang)
    common = catalogue(lg)["_common"]
    events = []
    for invite in invites:
        sulit = invite.classification is Classification.SULIT
        zone = ZoneInfo(invite.tz)
        event = icalendar.Event.new(
            uid=invite.uid,
            sequence=invite.sequence,
            stamp=(invite.stamp or datetime.now(UTC)).astimezone(UTC),
            start=invite.start.astimezone(zone),
            end=invite.end.astimezone(zone),
            summary=common["classified_meeting"] if sulit else invite.title,
            location=None if sulit else invite.location,
            description=None if sulit else invite.description,
            url=invite.url,
            classification=_ical_class(invite.classification),
            status=icalendar.STATUS(invite.status.value),
        )
        events.append(event)
    title = name or common["feed_name"]
    props: list[tuple[str, object, dict[str, str]]] = [
        ("NAME", title, {}),
        ("REFRESH-INTERVAL", refresh, {"VALUE": "DURATION"}),
        # Older clients (Outlook, Google) read these instead of RFC 7986's properties.
        ("X-WR-CALNAME", title, {}),
        ("X-WR-TIMEZONE", DEFAULT_TZ, {}),
        ("X-PUBLISHED-TTL", icalendar.vDuration(refresh), {}),
    ]
    return _calendar(None, events, props)


# --------------------------------------------------------------------------- parsing


def parse_reply(
    data: bytes | str,
    *,
    current_sequence: int,
    last_stamp: datetime | None = None,
    expected_uid: str | None = None,
    attendee: str | None = None,
) -> MeetingReply:
    """Parse a METHOD:REPLY and check it against the caller's state.

    ``current_sequence``: SEQUENCE of the latest REQUEST sent for the meeting.
    ``last_stamp``: DTSTAMP of the last reply already accepted from this attendee, if any.
    ``expected_uid``: the meeting's UID, when the caller knows which meeting it expects.
    ``attendee``: e-mail of the authenticated sender; the reply must be about them.

    Raises :class:`InvalidReply` for anything malformed or inconsistent and :class:`StaleReply`
    when the reply is older than the caller's state (it must then be ignored, not applied).
    """
    try:
        cal = icalendar.Calendar.from_ical(data)
    except ValueError as exc:
        raise InvalidReply(f"not an iCalendar object: {exc}") from exc
    if isinstance(cal, list):  # pragma: no cover - only with multiple=True
        raise InvalidReply("expected one calendar")
    method = str(cal.get("METHOD", "")).upper()
    if method != "REPLY":
        raise InvalidReply(f"expected METHOD:REPLY, got {method or 'no METHOD'}")
    events = cal.events
    if len(events) != 1:
        raise InvalidReply(f"expected exactly one VEVENT, got {len(events)}")
    event = events[0]
    uid = str(event.get("UID", "")).strip()
    if not uid:
        raise InvalidReply("REPLY without UID")
    if expected_uid is not None and uid != expected_uid:
        raise InvalidReply(f"REPLY is for {uid!r}, not {expected_uid!r}")
    raw_stamp = event.get("DTSTAMP")
    if raw_stamp is None:
        raise InvalidReply("REPLY without DTSTAMP")
    stamp = event.DTSTAMP
    if not isinstance(stamp, datetime) or stamp.tzinfo is None:
        raise InvalidReply("DTSTAMP must be a UTC date-time")
    try:
        sequence = int(event.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        raise InvalidReply("SEQUENCE is not an integer") from None

    replier = _pick_replier(event, attendee)
    params = replier.params
    try:
        partstat = PartStat(str(params.get("PARTSTAT", "NEEDS-ACTION")).upper())
    except ValueError:
        raise InvalidReply(f"unknown PARTSTAT {params.get('PARTSTAT')!r}") from None
    if partstat is PartStat.NEEDS_ACTION:
        raise InvalidReply("a REPLY must carry an answer (PARTSTAT)")
    delegated_raw = params.get("DELEGATED-TO")
    if delegated_raw is None:
        delegated_list: list[str] = []
    elif isinstance(delegated_raw, str):
        delegated_list = [delegated_raw]
    else:
        delegated_list = [str(x) for x in delegated_raw]
    delegated_to = tuple(_email(d) for d in delegated_list)
    for d in delegated_to:
        try:
            _check_email(d)
        except CalendarError as exc:
            raise InvalidReply(str(exc)) from None
    if partstat is PartStat.DELEGATED and not delegated_to:
        raise InvalidReply("PARTSTAT=DELEGATED without DELEGATED-TO")
    comments = [str(c) for c in event.comments]
    reply = MeetingReply(
        uid=uid,
        sequence=sequence,
        stamp=stamp.astimezone(UTC),
        attendee=_email(str(replier)),
        partstat=partstat,
        delegated_to=delegated_to,
        comment="\n".join(comments) if comments else None,
    )
    if sequence > current_sequence:
        raise InvalidReply(
            f"REPLY has SEQUENCE {sequence} but only {current_sequence} was ever sent"
        )
    if sequence < current_sequence:
        raise StaleReply(
            reply, f"REPLY answers SEQUENCE {sequence}; the meeting is at {current_sequence}"
        )
    if last_stamp is not None and reply.stamp < last_stamp.astimezone(UTC):
        raise StaleReply(
            reply,
            f"REPLY written at {reply.stamp.isoformat()} is older than the last one "
            f"processed ({last_stamp.astimezone(UTC).isoformat()})",
        )
    return reply


def _pick_replier(event: icalendar.Event, attendee: str | None) -> icalendar.vCalAddress:
    """The ATTENDEE who replied. A delegation REPLY may also list the delegate (with
    DELEGATED-FROM, RFC 5546 §4.2.5); that one is not the replier."""
    attendees: list[icalendar.vCalAddress] = list(event.attendees)
    if not attendees:
        raise InvalidReply("REPLY without ATTENDEE")
    if attendee is not None:
        wanted = _email(attendee)
        for a in attendees:
            if _email(str(a)) == wanted and "DELEGATED-FROM" not in a.params:
                return a
        raise InvalidReply(f"REPLY does not contain an answer from {wanted}")
    repliers = [a for a in attendees if "DELEGATED-FROM" not in a.params]
    if len(repliers) != 1:
        raise InvalidReply(f"expected one replying ATTENDEE, got {len(repliers)}")
    return repliers[0]
