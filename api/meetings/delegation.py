"""A representative (wakil) taken back: the member answers for themselves again, or names
someone else. The former representative gets an iTIP CANCEL that names only them (their
calendar entry goes away) and loses access at once (`api.meetings.access` reads the current
RSVP); the member is told, with the REQUEST that records their answer now.

The CANCEL keeps the meeting's SEQUENCE and carries a later DTSTAMP (RFC 5545 §3.8.7.4: equal
SEQUENCE, later DTSTAMP supersedes): raising SEQUENCE for everyone would make every other
invitee's calendar REPLY stale (`notifications.calendar.parse_reply`) for a change that is not
theirs."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from api.meetings.invitations import app_url, build_notice
from api.org.tables import User
from api.outbox.services import enqueue
from notifications.calendar import Attendee, build_cancel, build_request
from notifications.kinds import Kind


def occasion(at: datetime) -> str:
    """Tells one answer from another in an outbox key: the same representative may be named,
    taken back and named again at the same SEQUENCE, and each time must reach them."""
    return f"at:{int(at.timestamp() * 1000)}"


async def notify_withdrawal(meeting_id: int, member_id: int, former_id: int, at: datetime) -> int:
    """Inside the RSVP's transaction, after the invitation row was changed."""
    notice = await build_notice(meeting_id)
    row = notice.row
    if row["invited_at"] is None or row["status"] == "cancelled":
        return 0
    people = {
        u["id"]: u
        for u in await User.select(User.id, User.name, User.email).where(
            User.id.is_in([member_id, former_id])
        )
    }
    member, former = people.get(member_id), people.get(former_id)
    if member is None or former is None:
        return 0
    key = (
        f"meeting:{row['id']}:seq:{row['sequence']}:withdrawn:{member_id}:{former_id}:"
        f"{occasion(at)}"
    )
    messages = []
    if former["email"]:
        uninvited = dataclasses.replace(
            notice.invite,
            attendees=[
                Attendee(
                    former["email"],
                    former["name"],
                    delegated_from=member["email"] or None,
                )
            ],
        )
        messages.append(
            (
                Kind.MEETING_DELEGATION_WITHDRAWN,
                former_id,
                {"member_name": member["name"]},
                build_cancel(uninvited),
            )
        )
    messages.append(
        (
            Kind.MEETING_DELEGATION_ENDED,
            member_id,
            {"representative_name": former["name"]},
            build_request(notice.invite),
        )
    )
    written = 0
    for kind, user_id, extra, part in messages:
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
