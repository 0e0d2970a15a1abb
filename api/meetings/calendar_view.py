"""The calendar screen's data: a person's meetings in a date range (at most `MAX_DAYS`).

Included: meetings they are invited to or represent someone at, and every meeting of the
committees they belong to (drafts only for the secretariat). Who may read what follows
`api.meetings.access.MeetingAccess` (the one place for the rules): a SULIT meeting's title is
shown only to the committee's members; others see "Mesyuarat (SULIT)".
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from api.accounts.authz import Principal
from api.attendance.rules import MALAYSIA_TZ
from api.core.errors import FieldError, Invalid
from api.meetings import attendance_schemas as schemas
from api.meetings.access import Classification, CommitteeRole, MeetingAccess
from api.meetings.attendance import meeting_number
from api.meetings.confidential import subject_of
from api.meetings.tables import CommitteeMember, Invitation, Meeting

MAX_DAYS = 62
HIDDEN_TITLE = {"ms": "Mesyuarat (SULIT)", "en": "Meeting (SULIT)"}


# Dates outside these years are typing errors, and would overflow time zone arithmetic.
YEARS = range(1900, 2200)


def _range(start: date, end: date) -> tuple[datetime, datetime]:
    if start.year not in YEARS or end.year not in YEARS:
        raise Invalid(
            "meeting_calendar_range",
            params={"days": MAX_DAYS},
            errors=[FieldError("from", "meeting_calendar_range")],
        )
    if end < start:
        raise Invalid(
            "meeting_calendar_range",
            params={"days": MAX_DAYS},
            errors=[FieldError("to", "meeting_calendar_range")],
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid(
            "meeting_calendar_range",
            params={"days": MAX_DAYS},
            errors=[FieldError("to", "meeting_calendar_range")],
        )
    return (
        datetime.combine(start, time.min, MALAYSIA_TZ),
        datetime.combine(end + timedelta(days=1), time.min, MALAYSIA_TZ),
    )


async def calendar(
    principal: Principal, start: date, end: date, language: str = "ms"
) -> schemas.CalendarOut:
    since, until = _range(start, end)
    roles = {
        r["committee"]: CommitteeRole(r["role"])
        for r in await CommitteeMember.select(
            CommitteeMember.committee, CommitteeMember.role
        ).where(CommitteeMember.user == principal.user_id)
    }
    invitations = await Invitation.select(
        Invitation.meeting, Invitation.user, Invitation.role, Invitation.response
    ).where(
        (Invitation.user == principal.user_id) | (Invitation.representative == principal.user_id)
    )
    own: dict[int, dict[str, Any]] = {}
    represented: set[int] = set()
    for i in invitations:
        if i["user"] == principal.user_id:
            own[i["meeting"]] = i
        else:
            represented.add(i["meeting"])
    meeting_ids = set(own) | represented
    where = (Meeting.starts_at < until) & (Meeting.ends_at >= since)
    reach: Any = None
    if meeting_ids:
        reach = Meeting.id.is_in(sorted(meeting_ids))
    if roles:
        by_committee = Meeting.committee.is_in(sorted(roles))
        reach = by_committee if reach is None else (reach | by_committee)
    if reach is None:
        return schemas.CalendarOut(start=start, end=end, items=[])
    rows = await (
        Meeting.select(
            Meeting.id,
            Meeting.committee,
            Meeting.committee.name.as_alias("committee_name"),
            Meeting.committee.agency.as_alias("agency"),
            Meeting.year,
            Meeting.number,
            Meeting.title,
            Meeting.classification,
            Meeting.mode,
            Meeting.status,
            Meeting.starts_at,
            Meeting.ends_at,
        )
        .where(where & reach)
        .order_by(Meeting.starts_at)
        .order_by(Meeting.id)
    )
    items: list[schemas.CalendarItem] = []
    for row in rows:
        seen = MeetingAccess(
            meeting_id=row["id"],
            committee_id=row["committee"],
            agency_id=row["agency"],
            classification=Classification(row["classification"]),
            status=row["status"],
            committee_role=roles.get(row["committee"]),
            invited=row["id"] in own,
            representing=row["id"] in represented,
            same_agency=row["agency"] == principal.agency_id,
        )
        if not seen.can_read_notice:  # drafts included: `access.hidden_draft`
            continue
        hidden = seen.classification == Classification.SULIT and not seen.can_read_content
        invitation = own.get(row["id"])
        if invitation is not None:
            my_role = invitation["role"]
        elif row["id"] in represented:
            my_role = "representative"
        else:
            my_role = str(seen.committee_role) if seen.committee_role else "committee"
        items.append(
            schemas.CalendarItem(
                meeting_id=row["id"],
                committee_id=row["committee"],
                committee_name=row["committee_name"],
                number=meeting_number(row),
                title=HIDDEN_TITLE.get(language, HIDDEN_TITLE["ms"]) if hidden else subject_of(row),
                title_hidden=hidden,
                starts_at=row["starts_at"],
                ends_at=row["ends_at"],
                status=row["status"],
                classification=row["classification"],
                mode=row["mode"],
                my_role=my_role,
                my_rsvp=invitation["response"] if invitation is not None else "",
            )
        )
    return schemas.CalendarOut(start=start, end=end, items=items)
