"""iCalendar: REQUEST / CANCEL round trips through icalendar's parser, REPLY parsing, feed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from notifications.calendar import (
    Attendee,
    CalendarError,
    InvalidReply,
    MeetingInvite,
    MeetingStatus,
    PartStat,
    Person,
    Role,
    StaleReply,
    build_cancel,
    build_feed,
    build_request,
    meeting_uid,
    parse_reply,
)
from notifications.common import Classification

KL = ZoneInfo("Asia/Kuala_Lumpur")
UID = meeting_uid(42, "hadir.jpm.gov.my")
STAMP = datetime(2026, 2, 20, 1, 0, tzinfo=UTC)


def invite(**changes: object) -> MeetingInvite:
    base = MeetingInvite(
        uid=UID,
        sequence=0,
        title="Mesyuarat Jawatankuasa ICT Bil. 2/2026",
        start=datetime(2026, 3, 2, 9, 0, tzinfo=KL),
        end=datetime(2026, 3, 2, 11, 0, tzinfo=KL),
        organizer=Person("urusetia.jk@jpm.gov.my", "Urus Setia JK ICT"),
        attendees=[
            Attendee("pengerusi@jpm.gov.my", "Dato' Pengerusi", role=Role.CHAIR),
            Attendee("ali@jpm.gov.my", "Ali bin Abu"),
            Attendee("siti@jpm.gov.my", "Siti", role=Role.OPT_PARTICIPANT),
            Attendee("fail@jpm.gov.my", role=Role.NON_PARTICIPANT),
            Attendee(
                "wakil@jpm.gov.my",
                "Wakil",
                partstat=PartStat.ACCEPTED,
                delegated_from="ahmad@jpm.gov.my",
            ),
        ],
        location="Bilik Mesyuarat Aras 3",
        url="https://hadir.jpm.gov.my/mesyuarat/42",
        description="Agenda: 1. Pengesahan minit",
        stamp=STAMP,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def parse(ics: bytes) -> icalendar.Calendar:
    cal = icalendar.Calendar.from_ical(ics)
    assert isinstance(cal, icalendar.Calendar)
    return cal


def attendees_of(event: icalendar.Event) -> dict[str, dict[str, str]]:
    return {str(a).removeprefix("mailto:"): dict(a.params) for a in event.attendees}


# --------------------------------------------------------------------------- REQUEST / CANCEL


def test_request_round_trip() -> None:
    part = build_request(invite(sequence=2))
    assert (part.method, part.uid, part.sequence) == ("REQUEST", UID, 2)
    cal = parse(part.ics)
    assert cal.method == "REQUEST"
    assert "UID" not in cal  # no random calendar UID in an iTIP object
    [tz] = cal.timezones
    assert tz.tz_name == "Asia/Kuala_Lumpur"
    [event] = cal.events
    assert event.uid == UID
    assert event.sequence == 2
    assert event.DTSTAMP == STAMP
    assert event.start == datetime(2026, 3, 2, 9, 0, tzinfo=KL)
    assert event["DTSTART"].params["TZID"] == "Asia/Kuala_Lumpur"
    assert event.end - event.start == timedelta(hours=2)
    assert str(event["SUMMARY"]) == "Mesyuarat Jawatankuasa ICT Bil. 2/2026"
    assert str(event["LOCATION"]) == "Bilik Mesyuarat Aras 3"
    assert str(event["URL"]) == "https://hadir.jpm.gov.my/mesyuarat/42"
    assert str(event["DESCRIPTION"]) == "Agenda: 1. Pengesahan minit"
    assert str(event["CLASS"]) == "PUBLIC"
    assert str(event["STATUS"]) == "CONFIRMED"
    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:urusetia.jk@jpm.gov.my"
    assert organizer.params["CN"] == "Urus Setia JK ICT"

    people = attendees_of(event)
    assert people["pengerusi@jpm.gov.my"]["ROLE"] == "CHAIR"
    assert people["pengerusi@jpm.gov.my"]["CN"] == "Dato' Pengerusi"
    assert people["ali@jpm.gov.my"]["ROLE"] == "REQ-PARTICIPANT"
    assert people["ali@jpm.gov.my"]["PARTSTAT"] == "NEEDS-ACTION"
    assert people["ali@jpm.gov.my"]["RSVP"] == "TRUE"
    assert people["siti@jpm.gov.my"]["ROLE"] == "OPT-PARTICIPANT"
    assert people["fail@jpm.gov.my"]["ROLE"] == "NON-PARTICIPANT"
    assert people["fail@jpm.gov.my"]["RSVP"] == "FALSE"
    assert people["wakil@jpm.gov.my"]["PARTSTAT"] == "ACCEPTED"
    assert people["wakil@jpm.gov.my"]["DELEGATED-FROM"] == "mailto:ahmad@jpm.gov.my"

    [alarm] = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-30)


def test_sulit_meeting_is_confidential_without_description() -> None:
    cal = parse(build_request(invite(classification=Classification.SULIT)).ics)
    [event] = cal.events
    assert str(event["CLASS"]) == "CONFIDENTIAL"
    assert "DESCRIPTION" not in event
    terhad = parse(build_request(invite(classification=Classification.TERHAD)).ics)
    assert str(terhad.events[0]["CLASS"]) == "PRIVATE"


def test_utc_input_is_written_as_malaysian_wall_clock() -> None:
    utc_start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    cal = parse(build_request(invite(start=utc_start, end=utc_start + timedelta(hours=1))).ics)
    event = cal.events[0]
    assert b"DTSTART;TZID=Asia/Kuala_Lumpur:20260302T090000" in cal.to_ical()
    assert event.start == utc_start


def test_update_keeps_uid_and_raises_sequence() -> None:
    first = parse(build_request(invite(sequence=0)).ics).events[0]
    moved = invite(
        sequence=1,
        start=datetime(2026, 3, 3, 14, 30, tzinfo=KL),
        end=datetime(2026, 3, 3, 16, 0, tzinfo=KL),
        location="Bilik Mesyuarat Aras 5",
    )
    second = parse(build_request(moved).ics).events[0]
    assert first.uid == second.uid == UID
    assert (first.sequence, second.sequence) == (0, 1)
    assert str(second["LOCATION"]) == "Bilik Mesyuarat Aras 5"


def test_cancel_whole_meeting() -> None:
    part = build_cancel(invite(sequence=3))
    cal = parse(part.ics)
    assert (cal.method, part.method) == ("CANCEL", "CANCEL")
    [event] = cal.events
    assert event.uid == UID and event.sequence == 3
    assert str(event["STATUS"]) == "CANCELLED"
    assert list(event.walk("VALARM")) == []
    assert all("RSVP" not in p for p in attendees_of(event).values())
    assert len(event.attendees) == 5


def test_cancel_for_some_attendees_only() -> None:
    cal = parse(build_cancel(invite(sequence=1), only=["SITI@jpm.gov.my"]).ics)
    assert list(attendees_of(cal.events[0])) == ["siti@jpm.gov.my"]
    with pytest.raises(CalendarError):
        build_cancel(invite(sequence=1), only=["stranger@jpm.gov.my"])


@pytest.mark.parametrize(
    "changes",
    [
        {"start": datetime(2026, 3, 2, 9, 0)},  # naive
        {"end": datetime(2026, 3, 2, 8, 0, tzinfo=KL)},  # before start
        {"sequence": -1},
        {"uid": ""},
        {"tz": "Asia/Nowhere"},
        {"attendees": [Attendee("a@jpm.gov.my"), Attendee("A@jpm.gov.my")]},
    ],
)
def test_invalid_invites_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(CalendarError):
        invite(**changes)


def test_invalid_addresses_and_status() -> None:
    with pytest.raises(CalendarError):
        Attendee("not-an-address")
    with pytest.raises(CalendarError):
        Person('a"b@jpm.gov.my')
    with pytest.raises(CalendarError):
        build_request(invite(status=MeetingStatus.CANCELLED))


# --------------------------------------------------------------------------- REPLY


def reply_ics(
    *,
    partstat: str = "ACCEPTED",
    sequence: int = 2,
    stamp: datetime = datetime(2026, 2, 21, 3, 0, tzinfo=UTC),
    uid: str = UID,
    method: str = "REPLY",
    attendee: str = "ali@jpm.gov.my",
    delegated_to: list[str] | None = None,
    delegate_listed: bool = False,
    comment: str | None = None,
) -> bytes:
    """A REPLY as a calendar client writes it."""
    event = icalendar.Event.new(uid=uid, sequence=sequence, stamp=stamp)
    replier = icalendar.vCalAddress(f"mailto:{attendee}")
    replier.params["PARTSTAT"] = partstat
    if delegated_to:
        replier.params["DELEGATED-TO"] = [f"mailto:{d}" for d in delegated_to]
    event.add("attendee", replier, encode=False)
    if delegate_listed and delegated_to:
        delegate = icalendar.vCalAddress(f"mailto:{delegated_to[0]}")
        delegate.params.update({"PARTSTAT": "NEEDS-ACTION", "DELEGATED-FROM": f"mailto:{attendee}"})
        event.add("attendee", delegate, encode=False)
    event.add("organizer", icalendar.vCalAddress("mailto:urusetia.jk@jpm.gov.my"))
    if comment:
        event.add("comment", comment)
    cal = icalendar.Calendar.new(method=method, prodid="-//Client//EN", subcomponents=[event])
    data: bytes = cal.to_ical()
    return data


def test_accepted_reply_with_comment() -> None:
    reply = parse_reply(
        reply_ics(comment="Hadir; akan lewat 10 minit"), current_sequence=2, expected_uid=UID
    )
    assert reply.uid == UID
    assert reply.attendee == "ali@jpm.gov.my"
    assert reply.partstat is PartStat.ACCEPTED
    assert reply.comment == "Hadir; akan lewat 10 minit"
    assert reply.delegated_to == ()
    assert reply.sequence == 2
    assert reply.stamp == datetime(2026, 2, 21, 3, 0, tzinfo=UTC)


RFC5546_DELEGATION = b"""BEGIN:VCALENDAR\r
PRODID:-//Example/ExampleCalendarClient//EN\r
METHOD:REPLY\r
VERSION:2.0\r
BEGIN:VEVENT\r
ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO="mailto:hadir.wakil@jpm.gov.my\r
 ":mailto:ali@jpm.gov.my\r
ATTENDEE;DELEGATED-FROM="mailto:ali@jpm.gov.my":mailto:hadir.wakil@jpm.go\r
 v.my\r
ORGANIZER:mailto:urusetia.jk@jpm.gov.my\r
UID:meeting-42@hadir.jpm.gov.my\r
SEQUENCE:2\r
COMMENT:Saya berkursus. Encik Wakil akan hadir bagi pihak saya.\r
DTSTAMP:20260221T030000Z\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_delegation_reply_as_in_rfc_5546() -> None:
    reply = parse_reply(RFC5546_DELEGATION, current_sequence=2, expected_uid=UID)
    assert reply.partstat is PartStat.DELEGATED
    assert reply.attendee == "ali@jpm.gov.my"
    assert reply.delegated_to == ("hadir.wakil@jpm.gov.my",)
    assert reply.comment == "Saya berkursus. Encik Wakil akan hadir bagi pihak saya."


def test_delegated_reply_names_the_representative() -> None:
    data = reply_ics(partstat="DELEGATED", delegated_to=["Wakil@jpm.gov.my"], delegate_listed=True)
    assert b'DELEGATED-TO="mailto:Wakil@jpm.gov.my"' in data.replace(b"\r\n ", b"")
    reply = parse_reply(data, current_sequence=2, attendee="ali@jpm.gov.my")
    assert reply.partstat is PartStat.DELEGATED
    assert reply.attendee == "ali@jpm.gov.my"  # the delegate's own ATTENDEE is not the replier
    assert reply.delegated_to == ("wakil@jpm.gov.my",)
    two = reply_ics(partstat="DELEGATED", delegated_to=["a@jpm.gov.my", "b@jpm.gov.my"])
    assert parse_reply(two, current_sequence=2).delegated_to == ("a@jpm.gov.my", "b@jpm.gov.my")


def test_reply_to_an_older_version_is_stale() -> None:
    with pytest.raises(StaleReply) as info:
        parse_reply(reply_ics(sequence=1), current_sequence=2)
    assert info.value.reply.sequence == 1
    assert "SEQUENCE 1" in str(info.value)


def test_reply_older_than_the_last_processed_is_stale() -> None:
    last = datetime(2026, 2, 21, 4, 0, tzinfo=UTC)
    with pytest.raises(StaleReply) as info:
        parse_reply(reply_ics(), current_sequence=2, last_stamp=last)
    assert info.value.reply.partstat is PartStat.ACCEPTED
    # Same or newer DTSTAMP is fine (a re-delivered reply is harmless to apply again).
    same = datetime(2026, 2, 21, 3, 0, tzinfo=UTC)
    assert parse_reply(reply_ics(), current_sequence=2, last_stamp=same).partstat
    earlier_kl = datetime(2026, 2, 21, 10, 59, tzinfo=KL)  # 02:59 UTC
    assert parse_reply(reply_ics(), current_sequence=2, last_stamp=earlier_kl).partstat


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "REQUEST"}, "METHOD:REPLY"),
        ({"uid": "meeting-7@hadir.jpm.gov.my"}, "not"),
        ({"sequence": 3}, "ever sent"),
        ({"partstat": "DELEGATED"}, "DELEGATED-TO"),
        ({"partstat": "MAYBE"}, "PARTSTAT"),
        ({"partstat": "NEEDS-ACTION"}, "answer"),
    ],
)
def test_invalid_replies(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidReply, match=message):
        parse_reply(reply_ics(**kwargs), current_sequence=2, expected_uid=UID)  # type: ignore[arg-type]


def test_reply_from_someone_else_or_garbage() -> None:
    with pytest.raises(InvalidReply, match="siti"):
        parse_reply(reply_ics(), current_sequence=2, attendee="siti@jpm.gov.my")
    with pytest.raises(InvalidReply):
        parse_reply(b"this is not a calendar", current_sequence=0)
    no_attendee = icalendar.Calendar.new(
        method="REPLY",
        prodid="-//x//EN",
        subcomponents=[icalendar.Event.new(uid=UID, stamp=STAMP)],
    ).to_ical()
    with pytest.raises(InvalidReply, match="ATTENDEE"):
        parse_reply(no_attendee, current_sequence=0)


def test_reply_built_from_our_own_request() -> None:
    """What a client does with our invitation: same UID/SEQUENCE, its own ATTENDEE, REPLY."""
    request = parse(build_request(invite(sequence=5)).ics)
    event = request.events[0]
    mine = next(a for a in event.attendees if str(a) == "mailto:ali@jpm.gov.my")
    mine.params["PARTSTAT"] = "TENTATIVE"
    mine.params.pop("RSVP", None)
    event.pop("ATTENDEE")
    event.add("attendee", mine, encode=False)
    event.pop("DTSTAMP")
    event.add("dtstamp", datetime(2026, 2, 22, tzinfo=UTC))
    request.pop("METHOD")
    request.add("method", "REPLY")
    reply = parse_reply(request.to_ical(), current_sequence=5, expected_uid=UID)
    assert (reply.attendee, reply.partstat, reply.sequence) == (
        "ali@jpm.gov.my",
        PartStat.TENTATIVE,
        5,
    )


# --------------------------------------------------------------------------- feed


def test_feed_lists_meetings_without_method_or_attendees() -> None:
    meetings = [
        invite(),
        invite(
            uid=meeting_uid(43, "hadir.jpm.gov.my"),
            title="JK Keselamatan Bil. 1/2026",
            location="Bilik Gerakan",
            classification=Classification.SULIT,
        ),
        invite(uid=meeting_uid(44, "hadir.jpm.gov.my"), status=MeetingStatus.CANCELLED),
    ]
    data = build_feed(meetings, lang="ms")
    cal = parse(data)
    assert "METHOD" not in cal
    assert str(cal["X-WR-CALNAME"]) == "Mesyuarat saya — Hadir"
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert b"X-PUBLISHED-TTL:PT1H" in data
    events = {e.uid: e for e in cal.events}
    assert len(events) == 3
    assert all("ATTENDEE" not in e for e in events.values())
    sulit = events[meeting_uid(43, "hadir.jpm.gov.my")]
    assert str(sulit["SUMMARY"]) == "Mesyuarat (SULIT)"
    assert "LOCATION" not in sulit and "DESCRIPTION" not in sulit
    assert str(sulit["CLASS"]) == "CONFIDENTIAL"
    assert b"Keselamatan" not in data and b"Gerakan" not in data
    assert str(events[meeting_uid(44, "hadir.jpm.gov.my")]["STATUS"]) == "CANCELLED"
    assert str(events[UID]["SUMMARY"]) == "Mesyuarat Jawatankuasa ICT Bil. 2/2026"
    english = parse(build_feed(meetings[1:2], lang="en"))
    assert str(english.events[0]["SUMMARY"]) == "Meeting (SULIT)"
