"""Meeting reminders: MEETING_REMINDER to the people attending (those who accepted, and the
representative of those who sent one) at the configured offsets before the start
(MEETING_REMINDER_OFFSETS, default one day and one hour).

Run by the scheduler every few minutes. For each scheduled meeting only the closest offset
that has been reached is sent (a meeting created two hours ahead gets the one-hour reminder,
not a late "tomorrow" one too). The outbox key "meeting:<id>:seq:<n>:reminder:<offset>" makes a
second run a no-op; a changed meeting (new SEQUENCE) is reminded again.

RSVP chasers (`send_rsvp_chasers`): the same way, at MEETING_RSVP_CHASER_OFFSETS (default
three days and one day) before the start, MEETING_RSVP_CHASER to invitees who have not answered
yet (the secretariat excepted), key "…:rsvp-chaser:<offset>".

Both kinds go by push, and by e-mail to people without a push subscription
(`KindSpec.email_without_push`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.db import write_transaction
from api.meetings.invitations import app_url, build_notice
from api.meetings.tables import Invitation, Meeting
from api.outbox.services import enqueue
from notifications.kinds import Kind


def _label(seconds: int) -> str:
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _closest_reached(offsets: tuple[int, ...], starts_at: datetime, now: datetime) -> int | None:
    left = (starts_at.astimezone(UTC) - now).total_seconds()
    reached = [o for o in offsets if left <= o]
    return min(reached) if reached else None


async def send_rsvp_chasers(offsets: tuple[int, ...], now: datetime | None = None) -> int:
    """Queue the RSVP chasers due at `now`; returns the number of outbox rows written."""
    now = now or datetime.now(UTC)
    if not offsets:
        return 0
    horizon = now + timedelta(seconds=max(offsets))
    meetings = await Meeting.select(Meeting.id, Meeting.starts_at).where(
        (Meeting.status == "scheduled")
        & Meeting.invited_at.is_not_null()
        & (Meeting.starts_at > now)
        & (Meeting.starts_at <= horizon)
    )
    written = 0
    for meeting in meetings:
        offset = _closest_reached(offsets, meeting["starts_at"], now)
        if offset is None:
            continue
        silent = await Invitation.select(Invitation.user).where(
            (Invitation.meeting == meeting["id"])
            & (Invitation.response == "needs_action")
            & (Invitation.role != "secretariat")
        )
        if not silent:
            continue
        async with write_transaction():
            notice = await build_notice(meeting["id"])
            row = notice.row
            key = f"meeting:{row['id']}:seq:{row['sequence']}:rsvp-chaser:{_label(offset)}"
            for invitee in silent:
                written += len(
                    await enqueue(
                        Kind.MEETING_RSVP_CHASER,
                        invitee["user"],
                        notice.params,
                        event_key=key,
                        url=app_url(row["id"]),
                        classification=row["classification"],
                        item_key=str(row["id"]),
                        now=now,
                    )
                )
    return written


async def send_reminders(offsets: tuple[int, ...], now: datetime | None = None) -> int:
    """Queue the reminders due at `now`; returns the number of outbox rows written."""
    now = now or datetime.now(UTC)
    if not offsets:
        return 0
    horizon = now + timedelta(seconds=max(offsets))
    meetings = await Meeting.select(Meeting.id, Meeting.starts_at, Meeting.sequence).where(
        (Meeting.status == "scheduled") & (Meeting.starts_at > now) & (Meeting.starts_at <= horizon)
    )
    written = 0
    for meeting in meetings:
        left = (meeting["starts_at"].astimezone(UTC) - now).total_seconds()
        reached = [o for o in offsets if left <= o]
        if not reached:
            continue
        offset = min(reached)
        attendees = await Invitation.select(
            Invitation.user, Invitation.response, Invitation.representative
        ).where(
            (Invitation.meeting == meeting["id"])
            & Invitation.response.is_in(["accepted", "delegated"])
        )
        recipients = [
            a["user"] if a["response"] == "accepted" else a["representative"]
            for a in attendees
            if a["response"] == "accepted" or a["representative"]
        ]
        if not recipients:
            continue
        async with write_transaction():
            notice = await build_notice(meeting["id"])
            row = notice.row
            for user_id in dict.fromkeys(recipients):
                written += len(
                    await enqueue(
                        Kind.MEETING_REMINDER,
                        user_id,
                        notice.params,
                        event_key=f"meeting:{row['id']}:seq:{row['sequence']}:reminder:{_label(offset)}",
                        url=app_url(row["id"]),
                        classification=row["classification"],
                        item_key=str(row["id"]),
                        now=now,
                    )
                )
    return written
