"""Invitations and the official meeting notices (iTIP over the outbox).

* Sending invitations puts every committee member (chair, members, secretariat) and the
  chosen guests of the committee's agency on the invitation list and queues one
  MEETING_INVITATION per invitee, with the iCalendar REQUEST, in the same write transaction.
  Sending again adds only the people not yet invited (the outbox key makes repeats no-ops).
* A change of time, place or link after the invitation raises SEQUENCE, puts every RSVP back
  to "needs action" (representatives cleared) and queues MEETING_UPDATED with the new REQUEST;
  cancelling raises SEQUENCE and queues MEETING_CANCELLED with the CANCEL.
* Outbox event keys are "meeting:<id>:seq:<n>:<what>": a repeat of the same notice writes
  nothing, a later version is a new notice.
* The UID is `meeting_uid(id, host of BASE_URL)` for the meeting's whole life.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from api.accounts import audit
from api.accounts.authz import Principal
from api.config import get_settings
from api.core.errors import Conflict, FieldError, Invalid
from api.db import for_update, is_sqlite, write_transaction
from api.meetings import schemas
from api.meetings.access import managed_meeting
from api.meetings.confidential import (
    NEUTRAL_REASON,
    SULIT,
    agenda_purpose,
    opened,
    outgoing_title,
)
from api.meetings.tables import AgendaItem, CommitteeMember, Invitation, Meeting
from api.org.tables import User
from api.outbox.senders import mail_identity
from api.outbox.services import enqueue
from notifications.calendar import (
    Attendee,
    CalendarError,
    MeetingInvite,
    PartStat,
    Person,
    Role,
    build_cancel,
    build_request,
    meeting_uid,
)
from notifications.common import Classification
from notifications.kinds import Kind

INVITATION = "invitation"
UPDATE = "update"
CANCEL = "cancel"

ICAL_ROLE = {
    "chair": Role.CHAIR,
    "member": Role.REQ_PARTICIPANT,
    "guest": Role.OPT_PARTICIPANT,
    "secretariat": Role.NON_PARTICIPANT,
}
PARTSTAT = {
    "needs_action": PartStat.NEEDS_ACTION,
    "accepted": PartStat.ACCEPTED,
    "declined": PartStat.DECLINED,
    "delegated": PartStat.DELEGATED,
}
GUEST_SENIORITY = 10_000


def app_url(meeting_id: int) -> str:
    """The path inside the PWA (hash-routed, so the e-mail button works as a plain link)."""
    return f"/#/meetings/{meeting_id}"


def uid_for(meeting_id: int) -> str:
    return meeting_uid(meeting_id, urlsplit(get_settings().base_url).hostname or "hadir.local")


def location_text(mode: str, office_name: str, room: str, online_url: str) -> str:
    place = ", ".join(p for p in (room, office_name) if p)
    if mode == "online":
        return online_url
    if mode == "hybrid":
        return f"{place} / {online_url}"
    return place


def _title(row: dict[str, Any]) -> str:
    """How the notices name the meeting: neutral for SULIT (`confidential.outgoing_title`)."""
    return outgoing_title(row, row["committee_name"])


def _valid_email(address: str | None) -> bool:
    if not address:
        return False
    try:
        Person(address)
    except CalendarError:
        return False
    return True


@dataclass(frozen=True)
class Notice:
    row: dict[str, Any]
    invite: MeetingInvite
    recipients: list[int]
    representatives: list[int]
    reason: str = ""

    @property
    def params(self) -> dict[str, Any]:
        row = self.row
        return {
            "meeting_title": _title(row),
            "reason": self.reason or "-",
            "start": row["starts_at"],
            "location": location_text(
                row["mode"], row["venue_office_name"] or "", row["room"], row["online_url"]
            )
            or "-",
        }


async def build_notice(
    meeting_id: int, *, stamp: datetime | None = None, reason: str = ""
) -> Notice:
    """The meeting as an iCalendar invite, with every invitee as an ATTENDEE; `reason` (of a
    cancellation or postponement) goes in the notice and the COMMENT, neutral when SULIT."""
    row = await (
        Meeting.select(
            *Meeting.all_columns(),
            Meeting.committee.name.as_alias("committee_name"),
            Meeting.committee.agency.as_alias("agency"),
            Meeting.venue_office.name.as_alias("venue_office_name"),
        )
        .where(Meeting.id == meeting_id)
        .first()
    )
    assert row is not None
    invitees = await Invitation.select(
        Invitation.user,
        Invitation.role,
        Invitation.response,
        Invitation.representative,
        Invitation.seniority,
        Invitation.user.email.as_alias("email"),
        Invitation.user.name.as_alias("name"),
        Invitation.representative.email.as_alias("rep_email"),
        Invitation.representative.name.as_alias("rep_name"),
    ).where(Invitation.meeting == meeting_id)
    order = {"chair": 0, "member": 1, "guest": 2, "secretariat": 3}
    invitees.sort(key=lambda i: (order.get(i["role"], 1), i["seniority"]))
    attendees: list[Attendee] = []
    seen: set[str] = set()
    for i in invitees:
        if _valid_email(i["email"]) and i["email"].lower() not in seen:
            seen.add(i["email"].lower())
            delegated_to = (
                i["rep_email"]
                if i["response"] == "delegated" and _valid_email(i["rep_email"])
                else None
            )
            attendees.append(
                Attendee(
                    i["email"],
                    i["name"],
                    role=ICAL_ROLE.get(i["role"], Role.REQ_PARTICIPANT),
                    partstat=PARTSTAT.get(i["response"], PartStat.NEEDS_ACTION),
                    delegated_to=delegated_to,
                )
            )
    for i in invitees:
        rep = i["rep_email"]
        if i["representative"] and _valid_email(rep) and rep.lower() not in seen:
            seen.add(rep.lower())
            attendees.append(
                Attendee(
                    rep,
                    i["rep_name"],
                    role=Role.REQ_PARTICIPANT,
                    partstat=PartStat.ACCEPTED,
                    delegated_from=i["email"] if _valid_email(i["email"]) else None,
                )
            )
    sender = await mail_identity(row["agency"])
    agenda = (
        await AgendaItem.select(AgendaItem.title)
        .where(AgendaItem.meeting == meeting_id)
        .order_by(AgendaItem.position)
    )
    purpose = agenda_purpose(meeting_id)
    description = (
        "\n".join(f"{n}. {opened(a['title'], purpose)}" for n, a in enumerate(agenda, start=1))
        or None
    )
    settings = get_settings()
    told_reason = reason
    if reason and row["classification"] == SULIT:
        told_reason = NEUTRAL_REASON
    invite = MeetingInvite(
        uid=uid_for(meeting_id),
        sequence=row["sequence"],
        title=_title(row),
        start=row["starts_at"],
        end=row["ends_at"],
        # Replies from calendar apps go to the ORGANIZER: Hadir's iMIP mailbox when configured.
        organizer=Person(settings.imip_address or sender.from_address, sender.from_name),
        attendees=attendees,
        location=location_text(
            row["mode"], row["venue_office_name"] or "", row["room"], row["online_url"]
        )
        or None,
        url=f"{settings.base_url}{app_url(meeting_id)}",
        description=description,
        classification=Classification(row["classification"]),
        stamp=stamp or datetime.now(UTC),
        comment=told_reason or None,
    )
    return Notice(
        row=row,
        invite=invite,
        recipients=[i["user"] for i in invitees],
        representatives=[i["representative"] for i in invitees if i["representative"]],
        reason=told_reason,
    )


async def _queue(notice: Notice, what: str, recipients: list[int]) -> int:
    row = notice.row
    kind = {
        INVITATION: Kind.MEETING_INVITATION,
        UPDATE: Kind.MEETING_UPDATED,
        CANCEL: Kind.MEETING_CANCELLED,
    }[what]
    part = build_cancel(notice.invite) if what == CANCEL else build_request(notice.invite)
    written = 0
    for user_id in dict.fromkeys(recipients):
        written += len(
            await enqueue(
                kind,
                user_id,
                notice.params,
                event_key=f"meeting:{row['id']}:seq:{row['sequence']}:{what}",
                url=app_url(row["id"]),
                classification=row["classification"],
                item_key=str(row["id"]),
                calendar=part,
            )
        )
    return written


async def notify_delegation(
    meeting_id: int, member_id: int, representative_id: int, occasion: str = ""
) -> int:
    """A member named a colleague as representative (inside the RSVP's transaction): the
    representative gets the invitation (REQUEST with DELEGATED-FROM), the member is told and
    gets the REQUEST that records DELEGATED-TO. Nothing before the invitations went out."""
    notice = await build_notice(meeting_id)
    row = notice.row
    if row["invited_at"] is None or row["status"] == "cancelled":
        return 0
    names = {
        u["id"]: u["name"]
        for u in await User.select(User.id, User.name).where(
            User.id.is_in([member_id, representative_id])
        )
    }
    part = build_request(notice.invite)
    key = f"meeting:{row['id']}:seq:{row['sequence']}:delegated:{member_id}:{representative_id}"
    if occasion:  # the same person may be named, taken back and named again
        key = f"{key}:{occasion}"
    written = 0
    for kind, user_id, extra in (
        (Kind.MEETING_DELEGATED, representative_id, {"member_name": names.get(member_id, "")}),
        (
            Kind.MEETING_DELEGATION_SENT,
            member_id,
            {"representative_name": names.get(representative_id, "")},
        ),
    ):
        written += len(
            await enqueue(
                kind,
                user_id,
                {**notice.params, **extra},
                event_key=key,
                url=app_url(row["id"]),
                classification=row["classification"],
                item_key=str(row["id"]),
                calendar=part,
            )
        )
    return written


async def notify_all(meeting_id: int, what: str, *, reason: str = "") -> int:
    """Queue the update or cancellation for every invitee (inside the caller's transaction)."""
    notice = await build_notice(meeting_id, reason=reason)
    recipients = list(notice.recipients)
    if what == CANCEL:
        recipients += notice.representatives
    return await _queue(notice, what, recipients)


async def reset_responses(meeting_id: int) -> None:
    await Invitation.update(
        {
            Invitation.response: "needs_action",
            Invitation.decline_reason: "",
            Invitation.representative: None,
            Invitation.representative_name: "",
            Invitation.responded_at: None,
        }
    ).where(Invitation.meeting == meeting_id)


async def guests_by_email(emails: list[str]) -> list[int]:
    """Guests named by e-mail: each must be the address of exactly one active person of Hadir,
    of any agency (officers of other agencies). Guests see the notice and, unless the meeting is
    SULIT, its papers (`api.meetings.access`); SULIT content never reaches them, and what is
    mailed to them is neutral like every notice."""
    wanted = list(dict.fromkeys(e.strip().casefold() for e in emails if e.strip()))
    if not wanted:
        return []
    like = User.email.like if is_sqlite() else User.email.ilike
    by_address: dict[str, list[int]] = {}
    for address in wanted:
        # LIKE pre-selects whatever the case ("_" is a wildcard there); equality decides.
        for r in await User.select(User.id, User.email).where(
            like(address) & (User.state == "active")
        ):
            if (r["email"] or "").strip().casefold() == address:
                by_address.setdefault(address, []).append(r["id"])
    unknown = [e for e in wanted if len(by_address.get(e, [])) != 1]
    if unknown:
        raise Invalid(
            "guest_email_unknown",
            params={"emails": ", ".join(unknown)},
            errors=[FieldError("guestEmails", "guest_email_unknown")],
        )
    return [by_address[e][0] for e in wanted]


async def send_invitations(
    principal: Principal, meeting_id: int, data: schemas.InviteIn, ip: str = ""
) -> schemas.InviteResult:
    access = await managed_meeting(principal, meeting_id)
    guest_ids = list(dict.fromkeys(data.guest_ids))
    if guest_ids:
        found = await User.select(User.id).where(
            User.id.is_in(guest_ids) & (User.agency == access.agency_id) & (User.state == "active")
        )
        if len(found) != len(guest_ids):
            raise Invalid("guest_invalid", errors=[FieldError("guestIds", "guest_invalid")])
    outside = await guests_by_email(data.guest_emails)
    guest_ids = list(dict.fromkeys(guest_ids + outside))
    async with write_transaction():
        row = await for_update(Meeting.select().where(Meeting.id == meeting_id)).first()
        assert row is not None
        if row["status"] == "cancelled":
            raise Conflict("meeting_cancelled")
        if row["ends_at"].astimezone(UTC) <= datetime.now(UTC):
            raise Conflict("meeting_over")
        already = {
            r["user"]
            for r in await Invitation.select(Invitation.user).where(
                Invitation.meeting == meeting_id
            )
        }
        committee_members = await CommitteeMember.select(
            CommitteeMember.user, CommitteeMember.role, CommitteeMember.seniority
        ).where(
            (CommitteeMember.committee == access.committee_id)
            & (CommitteeMember.user.state == "active")
        )
        new_rows = [
            Invitation(meeting=meeting_id, user=m["user"], role=m["role"], seniority=m["seniority"])
            for m in committee_members
            if m["user"] not in already
        ]
        members = {m["user"] for m in committee_members}
        new_rows += [
            Invitation(meeting=meeting_id, user=g, role="guest", seniority=GUEST_SENIORITY + n)
            for n, g in enumerate(guest_ids)
            if g not in already and g not in members
        ]
        if new_rows:
            await Invitation.insert(*new_rows)
        now = datetime.now(UTC)
        await Meeting.update(
            {
                Meeting.status: "scheduled",
                Meeting.invited_at: row["invited_at"] or now,
                Meeting.updated_at: now,
            }
        ).where(Meeting.id == meeting_id)
        notice = await build_notice(meeting_id)
        # The first sending goes to everyone; later ones only to the people just added (the
        # others already have this version, or an update that superseded it).
        first = row["invited_at"] is None
        recipients = notice.recipients if first else [r.user for r in new_rows]
        notified = await _queue(notice, INVITATION, recipients)
        await audit.record(
            "meeting.invite",
            actor_id=principal.user_id,
            agency_id=access.agency_id,
            target_type="meeting",
            target_id=meeting_id,
            ip=ip,
            detail={
                "new_invitees": len(new_rows),
                "sequence": row["sequence"],
                "guests_by_email": len(outside),
            },
        )
    return schemas.InviteResult(
        invited=len(notice.recipients), notified=notified, sequence=row["sequence"]
    )


async def is_committee_secretariat(user_id: int) -> bool:
    """Whether the person is on any committee's secretariat (they may choose the daily digest:
    registered with api.outbox.services in piccolo_app.py)."""
    return bool(
        await CommitteeMember.exists().where(
            (CommitteeMember.user == user_id) & (CommitteeMember.role == "secretariat")
        )
    )
